"""The IDLE watcher's retry policy, without a server: unreachable → backoff doubling, stop
wakes it at once, a refused sign-in is not retried."""

from __future__ import annotations

import itertools
import threading
import time

import pytest
from imapclient import IMAPClient

from zivverdesk.mail.auth import ReauthRequired
from zivverdesk.mail.errors import ServerUnreachable
from zivverdesk.mail.idle import IdleWatcher


def test_unreachable_server_is_retried_with_doubling_backoff() -> None:
    stop = threading.Event()
    attempts: list[float] = []

    def unreachable() -> IMAPClient:
        attempts.append(time.monotonic())
        if len(attempts) == 4:
            stop.set()
        raise ServerUnreachable("imap.example", "connection refused")

    watcher = IdleWatcher(unreachable, "INBOX", lambda c: None, stop=stop, first_delay=0.05)
    watcher.run()
    gaps = [b - a for a, b in itertools.pairwise(attempts)]
    assert len(attempts) == 4 and watcher.connections == 0
    assert gaps[0] >= 0.05 and gaps[1] >= 0.1 and gaps[2] >= 0.2
    assert gaps[2] > gaps[0] * 2


def test_stop_interrupts_a_long_backoff() -> None:
    stop = threading.Event()

    def unreachable() -> IMAPClient:
        raise ServerUnreachable("imap.example", "time-out")

    watcher = IdleWatcher(unreachable, "INBOX", lambda c: None, stop=stop, first_delay=30)
    thread = threading.Thread(target=watcher.run)
    started = time.monotonic()
    thread.start()
    stop.set()
    thread.join(5)
    assert not thread.is_alive() and time.monotonic() - started < 5


def test_a_refused_sign_in_is_not_retried() -> None:
    calls = 0

    def refused() -> IMAPClient:
        nonlocal calls
        calls += 1
        raise ReauthRequired("meld u opnieuw aan / sign in again")

    watcher = IdleWatcher(refused, "INBOX", lambda c: None, stop=threading.Event())
    with pytest.raises(ReauthRequired):
        watcher.run()
    assert calls == 1
