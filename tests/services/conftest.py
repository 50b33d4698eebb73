"""A fresh desktop profile per test, with the opt-in file keyring (never the real one)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from zivverdesk.crypto.keyring_backend import INSECURE_ENV
from zivverdesk.services.profile import Profile


@pytest.fixture
def profile_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(INSECURE_ENV, "1")
    home = tmp_path / "profile"
    monkeypatch.setenv("ZIVVERDESK_HOME", str(home))
    return home


@pytest.fixture
def profile(profile_dir: Path) -> Iterator[Profile]:
    with Profile.open(profile_dir) as opened:
        yield opened
