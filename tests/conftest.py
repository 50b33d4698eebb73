"""Test-wide setup: Qt runs offscreen, and the real-server fixtures are loaded as plugins."""

import os

# Must be set before anything imports PySide6.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

pytest_plugins = [
    "tests.plugins.services",
    "tests.plugins.relay",
    "tests.plugins.oauth",
    "tests.web.crypto_harness.fixtures",
]
