"""Passwords, tokens and small keys in the OS keyring, for the rest of zivverdesk.

    put_secret(name, Secret("..."))   get_secret(name) -> Secret[str] | None   delete_secret(name)

Windows Credential Manager keeps at most ~2.5 KB per entry, and OAuth refresh tokens or token
caches can be larger. A value over `INLINE_LIMIT` bytes is therefore kept in a file in the
profile's data folder, encrypted with AES-256-GCM under a fresh 32-byte key, and only that key
goes into the keyring. The keyring entry says which form it is: "v1:inline:<value>" or
"v1:file:<base64url key>".

Every function takes the profile's data folder `data_dir` (the caller knows the profile;
crypto does not read the configuration) and an optional
keyring `backend` (default: `keyring_backend.choose_backend`).
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from keyring.backend import KeyringBackend
from keyring.errors import KeyringError, PasswordDeleteError

from zivverdesk.core.secret import Secret
from zivverdesk.crypto.encoding import b64url_decode, b64url_encode
from zivverdesk.crypto.errors import BadEncoding, KeystoreError, KeystoreUnavailable
from zivverdesk.crypto.keyring_backend import SERVICE, choose_backend

INLINE_LIMIT = 2048  # bytes of UTF-8; comfortably under Credential Manager's ~2.5 KB
_INLINE = "v1:inline:"
_FILE = "v1:file:"
_FOLDER = "secrets"
_FILE_MAGIC = b"ZVSS\x01"


def _resolve(data_dir: Path, backend: KeyringBackend | None) -> tuple[Path, KeyringBackend]:
    return data_dir, backend if backend is not None else choose_backend(data_dir)


def _file_for(folder: Path, name: str) -> Path:
    # The file name must not reveal the secret's name (an account address, say).
    return folder / _FOLDER / (hashlib.sha256(name.encode("utf-8")).hexdigest() + ".zvs")


def _keyring_get(backend: KeyringBackend, name: str) -> str | None:
    try:
        return backend.get_password(SERVICE, name)
    except KeyringError as exc:
        raise KeystoreUnavailable(
            f"De sleutelopslag is niet bereikbaar ({exc}). / The OS keyring cannot be read "
            f"({exc}); unlock it and try again."
        ) from exc


def _keyring_set(backend: KeyringBackend, name: str, value: str) -> None:
    try:
        backend.set_password(SERVICE, name, value)
    except KeyringError as exc:
        raise KeystoreUnavailable(
            f"De sleutelopslag weigert het opslaan ({exc}). / The OS keyring refused to "
            f"store a secret ({exc}); unlock it and try again."
        ) from exc


def put_secret(
    name: str,
    value: Secret[str],
    *,
    data_dir: Path,
    backend: KeyringBackend | None = None,
) -> None:
    folder, ring = _resolve(data_dir, backend)
    data = value.reveal().encode("utf-8")
    path = _file_for(folder, name)
    if len(data) <= INLINE_LIMIT:
        _keyring_set(ring, name, _INLINE + value.reveal())
        path.unlink(missing_ok=True)
        return
    key = secrets.token_bytes(32)
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(key).encrypt(nonce, data, _FILE_MAGIC + name.encode("utf-8"))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(_FILE_MAGIC + nonce + sealed)
    # The key goes into the keyring only after the file is in place, so a crash leaves at
    # worst an unreadable orphan file, never a keyring entry pointing to nothing.
    tmp.replace(path)
    _keyring_set(ring, name, _FILE + b64url_encode(key))


def get_secret(
    name: str, *, data_dir: Path, backend: KeyringBackend | None = None
) -> Secret[str] | None:
    folder, ring = _resolve(data_dir, backend)
    entry = _keyring_get(ring, name)
    if entry is None:
        return None
    if entry.startswith(_INLINE):
        return Secret(entry.removeprefix(_INLINE))
    if not entry.startswith(_FILE):
        raise KeystoreError(
            f"De sleutelopslag bevat een onbekend item voor {name!r}. / "
            f"The keyring entry for {name!r} has an unknown form."
        )
    try:
        key = b64url_decode(entry.removeprefix(_FILE), length=32, what="secret key")
    except BadEncoding as exc:
        raise KeystoreError(f"The keyring entry for {name!r} is damaged.") from exc
    path = _file_for(folder, name)
    try:
        blob = path.read_bytes()
    except FileNotFoundError:
        raise KeystoreError(
            f"Het bestand met het geheim {name!r} ontbreekt ({path}). / "
            f"The file holding secret {name!r} is missing ({path})."
        ) from None
    head = len(_FILE_MAGIC)
    if blob[:head] != _FILE_MAGIC:
        raise KeystoreError(f"The file holding secret {name!r} is not a zivverdesk secret file.")
    try:
        data = AESGCM(key).decrypt(
            blob[head : head + 12], blob[head + 12 :], _FILE_MAGIC + name.encode("utf-8")
        )
    except InvalidTag:
        raise KeystoreError(
            f"Het bestand met het geheim {name!r} is beschadigd. / "
            f"The file holding secret {name!r} is damaged or was altered."
        ) from None
    return Secret(data.decode("utf-8"))


def delete_secret(name: str, *, data_dir: Path, backend: KeyringBackend | None = None) -> None:
    """Remove the secret; removing one that does not exist is not an error."""
    folder, ring = _resolve(data_dir, backend)
    try:
        ring.delete_password(SERVICE, name)
    except PasswordDeleteError:
        pass  # nothing stored under this name: already in the wanted state
    except KeyringError as exc:
        raise KeystoreUnavailable(f"The OS keyring cannot delete a secret ({exc}).") from exc
    path = _file_for(folder, name)
    if path.exists():
        path.unlink()
        _fsync_parent(path)


def _fsync_parent(path: Path) -> None:
    if os.name == "posix":
        fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# Short names used by services/vault.py.
get = get_secret
put = put_secret
delete = delete_secret
