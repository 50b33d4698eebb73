"""zivverdesk: a desktop mail client with built-in end-to-end encryption, and its relay."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("zivverdesk")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
