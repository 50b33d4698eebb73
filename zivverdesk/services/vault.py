"""The profile's secrets: keys in the keystore (store key, identity), passwords and the
relay device token in the OS keyring through `secrets_store`.

Each profile has its own namespace (a random id kept in the profile folder, not secret), so
two profiles on one machine — and every test — never see each other's keyring entries.
"""

from __future__ import annotations

import os
from pathlib import Path

from zivverdesk.core.model import new_id
from zivverdesk.core.secret import Secret
from zivverdesk.crypto import secrets_store
from zivverdesk.crypto.identity import IdentityKeyPair
from zivverdesk.crypto.keystore import Keystore

_STORE_KEY = "store/column-key"

_PROFILE_ID_FILE = "profile-id"


def profile_id(data_dir: Path) -> str:
    """The profile's namespace id, made on first use."""
    path = data_dir / _PROFILE_ID_FILE
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    value = new_id()
    tmp = path.with_suffix(".tmp")
    tmp.write_text(value, encoding="ascii")
    tmp.replace(path)
    return value


class Vault:
    def __init__(self, data_dir: Path) -> None:
        self._dir = data_dir
        self._ns = profile_id(data_dir)
        self._keystore: Keystore | None = None

    @property
    def keystore(self) -> Keystore:
        if self._keystore is None:
            self._keystore = Keystore(self._dir)
        return self._keystore

    def _name(self, key: str) -> str:
        return f"zivverdesk/{self._ns}/{key}"

    def get(self, key: str) -> Secret[str] | None:
        return secrets_store.get_secret(self._name(key), data_dir=self._dir)

    def put(self, key: str, value: Secret[str]) -> None:
        secrets_store.put_secret(self._name(key), value, data_dir=self._dir)

    def delete(self, key: str) -> None:
        secrets_store.delete_secret(self._name(key), data_dir=self._dir)

    def store_key(self) -> bytes:
        """The 32-byte key that seals the store's columns, made on first use."""
        existing = self.keystore.get(_STORE_KEY)
        if existing is not None:
            return existing.reveal()
        key = os.urandom(32)
        self.keystore.put(_STORE_KEY, Secret(key))
        return key

    def identity(self) -> IdentityKeyPair:
        return self.keystore.identity()

    # Named accessors keep key names in one place.
    def mail_password(self, account_id: str) -> Secret[str] | None:
        return self.get(f"account/{account_id}/password")

    def set_mail_password(self, account_id: str, password: Secret[str]) -> None:
        self.put(f"account/{account_id}/password", password)

    def relay_token(self) -> Secret[str] | None:
        return self.get("relay/device-token")

    def set_relay_token(self, token: Secret[str]) -> None:
        self.put("relay/device-token", token)
