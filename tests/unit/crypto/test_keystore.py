"""The keystore and secrets_store over a real keyring backend (the insecure file keyring that
tests opt into), and the refusal of plaintext keyrings without that opt-in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail
from keyrings.alt.file import PlaintextKeyring

from zivverdesk.core.secret import Secret
from zivverdesk.crypto import keyring_backend, secrets_store
from zivverdesk.crypto.errors import KeystoreError, KeystoreUnavailable
from zivverdesk.crypto.keystore import Keystore


@pytest.fixture
def file_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(keyring_backend.INSECURE_ENV, "1")
    return tmp_path / "data"


@pytest.fixture
def restore_keyring() -> Iterator[None]:
    before = keyring.get_keyring()
    yield
    keyring.set_keyring(before)


def test_keystore_round_trip(file_keyring: Path) -> None:
    store = Keystore(file_keyring)
    pair = store.identity()
    store.put("extra", Secret(b"\x01" * 32))
    again = Keystore(file_keyring)
    assert again.identity().public == pair.public
    assert again.get("extra") == Secret(b"\x01" * 32)
    assert again.names() == ["extra", "identity/x25519"]
    again.delete("extra")
    assert Keystore(file_keyring).get("extra") is None
    raw = pair.private_bytes().reveal()
    assert raw not in store.path.read_bytes()
    ring = (file_keyring / keyring_backend.INSECURE_FILE_NAME).read_bytes()
    assert raw not in ring  # the keyring holds only the key-encryption key


def test_keystore_without_its_keyring_entry_says_so(file_keyring: Path) -> None:
    Keystore(file_keyring).identity()
    (file_keyring / keyring_backend.INSECURE_FILE_NAME).unlink()
    with pytest.raises(KeystoreError, match="missing from the OS keyring"):
        Keystore(file_keyring).identity()


def test_tampered_key_file_is_rejected(file_keyring: Path) -> None:
    store = Keystore(file_keyring)
    store.identity()
    data = bytearray(store.path.read_bytes())
    data[-1] ^= 1
    store.path.write_bytes(bytes(data))
    with pytest.raises(KeystoreError, match="damaged"):
        Keystore(file_keyring).identity()


@pytest.mark.parametrize(
    "size", [0, 10, secrets_store.INLINE_LIMIT, secrets_store.INLINE_LIMIT + 1, 50_000]
)
def test_secrets_small_and_large(file_keyring: Path, size: int) -> None:
    value = Secret("é" * (size // 2) + "x" * (size % 2))
    secrets_store.put_secret("zivverdesk/test/token", value, data_dir=file_keyring)
    assert secrets_store.get_secret("zivverdesk/test/token", data_dir=file_keyring) == value
    files = (
        list((file_keyring / "secrets").glob("*.zvs"))
        if (file_keyring / "secrets").exists()
        else []
    )
    assert len(files) == (1 if len(value.reveal().encode()) > secrets_store.INLINE_LIMIT else 0)
    for f in files:
        assert value.reveal().encode() not in f.read_bytes()
        assert b"token" not in f.name.encode()
    secrets_store.delete_secret("zivverdesk/test/token", data_dir=file_keyring)
    assert secrets_store.get_secret("zivverdesk/test/token", data_dir=file_keyring) is None
    assert (
        not list((file_keyring / "secrets").glob("*.zvs"))
        if (file_keyring / "secrets").exists()
        else True
    )
    secrets_store.delete_secret("zivverdesk/test/token", data_dir=file_keyring)  # idempotent


def test_large_secret_shrinking_to_inline_removes_its_file(file_keyring: Path) -> None:
    secrets_store.put("n", Secret("x" * 5000), data_dir=file_keyring)
    secrets_store.put("n", Secret("short"), data_dir=file_keyring)
    assert secrets_store.get("n", data_dir=file_keyring) == Secret("short")
    assert not list((file_keyring / "secrets").glob("*.zvs"))


@pytest.mark.parametrize(
    "backend",
    [
        # keyring leaves KeyringBackend.__init__ unannotated
        fail.Keyring(),  # type: ignore[no-untyped-call]
        PlaintextKeyring(),
    ],
    ids=["none", "plaintext"],
)
def test_no_secure_keyring_is_a_clear_error(
    backend: KeyringBackend, restore_keyring: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(keyring_backend.INSECURE_ENV, raising=False)
    keyring.set_keyring(backend)
    with pytest.raises(KeystoreUnavailable) as info:
        Keystore(tmp_path)
    assert keyring_backend.INSECURE_ENV in str(info.value)
    assert "Credential Manager" in str(info.value)
