"""Closing the program while the background sync long-polls the relay and idles on the mail
server: the sync ends within about a second (not when the long-poll would have answered),
the store is closed after it, and nothing the feed had brought is lost. Real relay and
Dovecot on 127.0.0.1."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from tests.gui.windows import Office
from zivverdesk.gui.app import shut_down
from zivverdesk.gui.engine_backend import WATCH_FEED_WAIT
from zivverdesk.services.profile import Profile

pytestmark = [pytest.mark.gui, pytest.mark.integration]

# "Within about a second" for the user, with room for a busy test machine.
CLOSE_LIMIT = 2.0


def _sync_threads() -> list[str]:
    return [
        t.name for t in threading.enumerate() if t.name in ("live-sync", "imap-idle", "stopping")
    ]


def test_closing_ends_the_sync_during_a_long_poll_at_once(
    qtbot: QtBot, office: Office, long_polls: threading.Event, caplog: pytest.LogCaptureFixture
) -> None:
    message_id = office.send("Uw rapport", "Zie bijlage.")
    backend, window = office.open_window(qtbot)
    profile: Any = backend._profile
    window.start_live_sync()
    assert long_polls.wait(30), "the sync never long-polled the relay"
    time.sleep(0.5)  # well inside the long-poll (the relay holds it WATCH_FEED_WAIT s)
    assert WATCH_FEED_WAIT >= 5
    cursor = profile.store.relay.feed_cursor()

    started = time.monotonic()
    shut_down(window, backend)
    took = time.monotonic() - started

    assert took < CLOSE_LIMIT, f"closing took {took:.1f} s"
    assert not _sync_threads()
    with pytest.raises(sqlite3.ProgrammingError):  # closed, and only after the sync ended:
        profile.store.relay.feed_cursor()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    # The store closed cleanly: it opens again with the feed's cursor where it was.
    reopened = Profile.open(office.desk.home)
    try:
        assert reopened.store.relay.feed_cursor() == cursor
        assert reopened.store.mailbox.has_message(message_id)
    finally:
        reopened.close()
