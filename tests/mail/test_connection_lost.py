"""A connection to the real Dovecot that breaks mid-command (cut by a proxy in between) leaves
the mail layer as one typed, worded failure, `ConnectionLost`, never as a raw socket, TLS or
imaplib error; and what the cut interrupted is fetched by the next sync."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from imapclient import IMAPClient

from tests.mail.helpers import imap_settings, password, raw_message
from tests.plugins.mailstack import MailAccount
from tests.plugins.tcp_proxy import CuttableProxy
from zivverdesk.core.errors import ZivverdeskError
from zivverdesk.mail.errors import ConnectionLost, ImapError, ServerUnreachable
from zivverdesk.mail.imap_connect import connect, disconnect
from zivverdesk.mail.memory_sink import MemorySink
from zivverdesk.mail.settings import ServerSettings
from zivverdesk.mail.sync import fetch_body, sync_folder

pytestmark = pytest.mark.integration

MESSAGES = 300  # about 100 KB of headers: a cut at 20 KB lands inside the FETCH answer


@pytest.fixture
def account(mail_account: Callable[[str], MailAccount]) -> MailAccount:
    account = mail_account("cut")
    direct = connect(imap_settings(account), password(account))
    try:
        direct.multiappend("INBOX", [raw_message(i) for i in range(MESSAGES)])
    finally:
        disconnect(direct)
    return account


@pytest.fixture
def proxy(account: MailAccount) -> Iterator[CuttableProxy]:
    with CuttableProxy(account.imap_host, account.imaps_port) as proxy:
        yield proxy


def _through(proxy: CuttableProxy, account: MailAccount) -> ServerSettings:
    direct = imap_settings(account)
    return ServerSettings(
        host=direct.host,
        port=proxy.port,
        security=direct.security,
        ca_file=direct.ca_file,
        timeout=10,
    )


def test_a_cut_in_the_middle_of_a_sync_is_connection_lost(
    account: MailAccount, proxy: CuttableProxy
) -> None:
    sink = MemorySink()
    client = connect(_through(proxy, account), password(account))
    proxy.cut_after(server_bytes=20_000)
    try:
        with pytest.raises(ConnectionLost) as lost:
            sync_folder(client, "INBOX", sink)
    finally:
        disconnect(client)  # on a broken connection: closes without raising
    assert proxy.cuts == 1
    error = lost.value
    assert isinstance(error, ServerUnreachable) and isinstance(error, ZivverdeskError)
    assert error.server == f"127.0.0.1:{proxy.port}"
    assert "verbroken" in str(error) and "was lost" in str(error)
    assert "bericht" not in str(error)  # no half-read answer (subjects) quoted in the text

    # While cut, a new connection fails as an unreachable server (typed as well).
    with pytest.raises(ServerUnreachable):
        connect(_through(proxy, account), password(account))

    proxy.restore()
    client = connect(_through(proxy, account), password(account))
    try:
        report = sync_folder(client, "INBOX", sink)
    finally:
        disconnect(client)
    assert sink.count("INBOX") == MESSAGES and report.added == MESSAGES


def test_fetching_a_body_over_a_cut_connection_is_connection_lost(
    account: MailAccount, proxy: CuttableProxy
) -> None:
    client: IMAPClient = connect(_through(proxy, account), password(account))
    try:
        client.select_folder("INBOX", readonly=True)
        uid = client.search("ALL")[0]
        proxy.cut()
        with pytest.raises(ConnectionLost):
            fetch_body(client, "INBOX", uid)
    finally:
        disconnect(client)


def test_a_refused_command_is_an_imap_error(account: MailAccount) -> None:
    client = connect(imap_settings(account), password(account))
    try:
        with pytest.raises(ImapError) as refused:
            sync_folder(client, "Bestaat-niet", MemorySink())
    finally:
        disconnect(client)
    assert imap_settings(account).label in str(refused.value)
