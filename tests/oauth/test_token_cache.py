"""The encrypted token cache file: round trip, nothing readable on disk, tamper evidence."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from zivverdesk.mail.oauth.token_cache import (
    KeyringEncryptedFile,
    KeyringKey,
    SecureFile,
    TokenCacheError,
    open_secure_file,
)

SECRET = b'{"RefreshToken": {"secret": "rt-very-secret-refresh-token"}}'


def _file(tmp_path: Path, purpose: str = "oauth-tokens:microsoft:a@example.test") -> SecureFile:
    return open_secure_file(tmp_path / "a.tokens", profile_dir=tmp_path, purpose=purpose)


def test_round_trip_and_nothing_readable_on_disk(tmp_path: Path, oauth_keyring: None) -> None:
    cache = _file(tmp_path)
    assert isinstance(cache, KeyringEncryptedFile)
    assert cache.read() is None
    cache.write(SECRET)
    assert cache.read() == SECRET
    on_disk = (tmp_path / "a.tokens").read_bytes()
    assert on_disk[:5] == b"ZVTC\x01"
    assert b"rt-very-secret" not in on_disk and b"RefreshToken" not in on_disk
    assert (tmp_path / "a.tokens").stat().st_mode & 0o077 == 0
    # the key is in the keyring (here the test-only file keyring), not in the cache file
    key = KeyringKey(tmp_path).get()
    assert key not in on_disk


def test_a_second_write_uses_a_fresh_nonce(tmp_path: Path, oauth_keyring: None) -> None:
    cache = _file(tmp_path)
    cache.write(SECRET)
    first = (tmp_path / "a.tokens").read_bytes()
    cache.write(SECRET)
    assert (tmp_path / "a.tokens").read_bytes() != first
    assert cache.read() == SECRET


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda b: b[:-1] + bytes([b[-1] ^ 1]), "key does not fit"),
        (lambda b: b"XXXX" + b[4:], "not a zivverdesk token cache"),
        (lambda b: b[:4] + b"\x02" + b[5:], "unknown version"),
        (lambda b: b[:20], "not a zivverdesk token cache"),
    ],
)
def test_tampered_files_are_refused(
    tmp_path: Path,
    oauth_keyring: None,
    change: Callable[[bytes], bytes],
    reason: str,
) -> None:
    cache = _file(tmp_path)
    cache.write(SECRET)
    path = tmp_path / "a.tokens"
    path.write_bytes(change(path.read_bytes()))
    with pytest.raises(TokenCacheError, match=reason):
        cache.read()


def test_a_file_cannot_pass_for_another_accounts(tmp_path: Path, oauth_keyring: None) -> None:
    _file(tmp_path, "oauth-tokens:microsoft:a@example.test").write(SECRET)
    with pytest.raises(TokenCacheError):
        _file(tmp_path, "oauth-tokens:microsoft:b@example.test").read()


def test_a_lost_keyring_key_makes_the_cache_unreadable_not_wrong(
    tmp_path: Path, oauth_keyring: None
) -> None:
    _file(tmp_path).write(SECRET)
    KeyringKey(tmp_path).forget()
    with pytest.raises(TokenCacheError, match="sign in again"):
        _file(tmp_path).read()


def test_profiles_get_their_own_keyring_key(tmp_path: Path) -> None:
    assert KeyringKey(tmp_path / "one").name != KeyringKey(tmp_path / "two").name
