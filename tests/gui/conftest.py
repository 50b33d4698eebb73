"""Fixtures of the window tests: the in-memory backend and a main window over it; and, for
the tests over the real engine, an office whose secretary's desk is set up against the real
relay and mail servers, with a patient's mailbox."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.e2e.harness import setup_desk
from tests.gui.fake_backend import FakeBackend
from tests.gui.windows import Office, shown_window
from tests.plugins.mailstack import MailAccount, MailStack
from tests.plugins.relay import RelayProcess
from zivverdesk.crypto.keyring_backend import INSECURE_ENV
from zivverdesk.gui.engine_backend import EngineBackend
from zivverdesk.gui.main_window import MainWindow
from zivverdesk.relayclient.client import FeedPage, RelayClient
from zivverdesk.services.profile import Profile


@pytest.fixture
def backend() -> FakeBackend:
    return FakeBackend()


@pytest.fixture
def window(qtbot: QtBot, backend: FakeBackend) -> MainWindow:
    return shown_window(qtbot, backend)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty profile (no servers are contacted)."""
    monkeypatch.setenv(INSECURE_ENV, "1")
    home = tmp_path / "desk"
    Profile.open(home).close()
    return home


@pytest.fixture
def engine(home: Path) -> Iterator[EngineBackend]:
    backend = EngineBackend(home)
    yield backend
    backend.close()


@pytest.fixture
def office(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    mailstack: MailStack,
    mail_account: Callable[[str], MailAccount],
    relay_server: RelayProcess,
) -> Office:
    monkeypatch.setenv(INSECURE_ENV, "1")
    sender, patient = mail_account("secretariaat"), mail_account("patient")
    desk = setup_desk(tmp_path / "desk", mailstack, sender, relay_server)
    return Office(desk=desk, sender=sender, patient=patient, relay=relay_server)


@pytest.fixture
def long_polls(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Set once a call to the relay's feed that waits for news is under way (the real call,
    only watched)."""
    started = threading.Event()
    real_events = RelayClient.events

    def events(self: RelayClient, after: str | None, *, wait: int = 25) -> FeedPage:
        if wait > 0:
            started.set()
        return real_events(self, after, wait=wait)

    monkeypatch.setattr(RelayClient, "events", events)
    return started
