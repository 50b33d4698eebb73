"""IDLE against the real Dovecot: wakes on new mail, survives a cut connection without
missing or doubling anything."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from tests.mail.helpers import (
    imap_settings,
    password,
    raw_message,
    simple_message,
    smtp_settings,
    wait_for,
)
from tests.plugins.mailstack import MailAccount
from zivverdesk.mail.idle import IdleWatcher
from zivverdesk.mail.imap_connect import connect, disconnect
from zivverdesk.mail.memory_sink import MemorySink
from zivverdesk.mail.smtp_send import send_message
from zivverdesk.mail.sync import sync_folder

pytestmark = pytest.mark.integration


@pytest.fixture
def account(mail_account: Callable[[str], MailAccount]) -> MailAccount:
    return mail_account("idle")


@pytest.fixture
def watching(account: MailAccount) -> Iterator[tuple[IdleWatcher, MemorySink]]:
    sink = MemorySink()
    stop = threading.Event()
    watcher = IdleWatcher(
        lambda: connect(imap_settings(account), password(account)),
        "INBOX",
        lambda client: sync_folder(client, "INBOX", sink),
        stop=stop,
        check_interval=0.5,
        first_delay=0.2,
    )
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    wait_for(watcher.idling.is_set, what="the watcher to enter IDLE")
    try:
        yield watcher, sink
    finally:
        stop.set()
        thread.join(10)
        assert not thread.is_alive(), "the watcher did not stop"


def test_idle_wakes_on_new_mail(
    account: MailAccount, watching: tuple[IdleWatcher, MemorySink]
) -> None:
    watcher, sink = watching
    started = time.monotonic()
    send_message(
        smtp_settings(account),
        password(account),
        simple_message(account.email, account.email, "Wakker"),
    )
    wait_for(lambda: sink.count("INBOX") == 1, what="IDLE to deliver the new mail")
    woke_after = time.monotonic() - started
    assert woke_after < 10
    assert next(iter(sink.messages["INBOX"].values())).subject == "Wakker"
    assert watcher.connections == 1


def test_cut_connection_reconnects_nothing_missed_or_doubled(
    account: MailAccount, watching: tuple[IdleWatcher, MemorySink]
) -> None:
    watcher, sink = watching
    other = connect(imap_settings(account), password(account))
    try:
        other.multiappend("INBOX", [raw_message(1)])
        wait_for(lambda: sink.count("INBOX") == 1, what="the first message")
        wait_for(watcher.idling.is_set, what="IDLE again")
        client = watcher.client
        assert client is not None
        # Cut the connection from under the watcher, then deliver while it is down.
        client.socket().shutdown(socket.SHUT_RDWR)
        other.multiappend("INBOX", [raw_message(i) for i in range(2, 5)])
        wait_for(lambda: watcher.connections >= 2, what="a reconnect")
        wait_for(lambda: sink.count("INBOX") == 4, what="the messages sent during the cut")
        wait_for(watcher.idling.is_set, what="IDLE after the reconnect")
        other.multiappend("INBOX", [raw_message(5)])
        wait_for(lambda: sink.count("INBOX") == 5, what="the message after the reconnect")
    finally:
        disconnect(other)
    subjects = sorted(r.subject for r in sink.messages["INBOX"].values())
    assert subjects == [f"bericht {i}" for i in range(1, 6)]
    assert sink.upserts == 5  # nothing fetched twice
