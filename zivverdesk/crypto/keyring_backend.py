"""Which OS keyring holds zivverdesk's small secrets, and the insecure opt-in for tests.

Only a real OS secret store counts (Windows Credential Manager, macOS Keychain, Secret
Service/KWallet on Linux). `keyrings.alt` also registers plaintext "keyrings" with a low
priority; they are refused here unless the person explicitly opts in with
`ZIVVERDESK_INSECURE_FILE_KEYRING=1`, which puts a plaintext file — loudly named INSECURE —
in the profile's data folder. That exists for automated tests and the demo only.
"""

from __future__ import annotations

import functools
import logging
import os
from pathlib import Path

import keyring
from keyring.backend import KeyringBackend
from keyring.backends.chainer import ChainerBackend

from zivverdesk.crypto.errors import KeystoreUnavailable

SERVICE = "zivverdesk"
INSECURE_ENV = "ZIVVERDESK_INSECURE_FILE_KEYRING"
INSECURE_FILE_NAME = "INSECURE-plaintext-keyring-for-tests.cfg"

_log = logging.getLogger(__name__)
_REFUSED_MODULES = ("keyrings.alt", "keyring.backends.fail", "keyring.backends.null")


def insecure_file_keyring_requested() -> bool:
    return os.environ.get(INSECURE_ENV) == "1"


def insecure_file_keyring(data_dir: Path) -> KeyringBackend:
    """A plaintext keyring file in `data_dir`: anyone who can read the file has the secrets."""
    try:
        from keyrings.alt.file import PlaintextKeyring
    except ModuleNotFoundError as exc:  # installed builds leave the test-only keyring out
        raise KeystoreUnavailable(
            f"{INSECURE_ENV}=1 vraagt om een onveilige testsleutelopslag die in deze "
            "installatie niet aanwezig is. / "
            f"{INSECURE_ENV}=1 asks for the insecure test keyring, which this installation "
            "does not include; unset it to use the operating system's keyring."
        ) from exc

    data_dir.mkdir(parents=True, exist_ok=True)
    backend: KeyringBackend = PlaintextKeyring()
    backend.file_path = str(data_dir / INSECURE_FILE_NAME)  # type: ignore[attr-defined]
    return backend


@functools.cache
def _warn_insecure(folder: str) -> None:
    """Once per folder and process: every secret access would otherwise log it again."""
    _log.warning(
        "%s=1: secrets are kept in a PLAINTEXT file in %s (tests and demo only)",
        INSECURE_ENV,
        folder,
    )


def _is_secure(backend: KeyringBackend) -> bool:
    if type(backend).__module__.startswith(_REFUSED_MODULES):
        return False
    if isinstance(backend, ChainerBackend):
        return any(_is_secure(b) for b in backend.backends)
    try:
        return float(backend.priority) >= 1
    except Exception:  # noqa: BLE001  # a backend whose priority check fails is unusable
        return False


def choose_backend(data_dir: Path) -> KeyringBackend:
    """The keyring to use: the OS keyring, or the insecure file when explicitly requested.

    Raises `KeystoreUnavailable` with instructions when there is no secure keyring.
    """
    if insecure_file_keyring_requested():
        _warn_insecure(str(data_dir))
        return insecure_file_keyring(data_dir)
    backend = keyring.get_keyring()
    if not _is_secure(backend):
        raise KeystoreUnavailable(
            "Er is geen beveiligde sleutelopslag van het besturingssysteem beschikbaar. "
            "Op Windows is dat Windows Referentiebeheer; op Linux installeer en ontgrendel "
            "GNOME Keyring of KWallet. / No secure OS keyring is available to keep "
            "zivverdesk's keys. On Windows this is the built-in Credential Manager; on Linux "
            "install and unlock GNOME Keyring or KWallet (Secret Service). For automated "
            f"tests or the demo only, set {INSECURE_ENV}=1 to use an insecure plaintext file."
        )
    return backend
