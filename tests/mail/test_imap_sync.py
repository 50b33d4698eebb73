"""IMAP sync against the real Dovecot: first and incremental sync, \\Seen both ways,
UIDVALIDITY change, SMTP → IMAP, folders, bodies on demand."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from imapclient import IMAPClient

from tests.mail.helpers import (
    imap_settings,
    password,
    raw_message,
    simple_message,
    smtp_settings,
    wait_for,
)
from tests.mail.malformed_corpus import CORPUS
from tests.plugins.mailstack import MailAccount
from zivverdesk.core.secret import Secret
from zivverdesk.mail.auth import AuthenticationFailed, PasswordAuth
from zivverdesk.mail.errors import CertificateError
from zivverdesk.mail.imap_connect import connect, disconnect
from zivverdesk.mail.memory_sink import MemorySink
from zivverdesk.mail.mime import parse_message
from zivverdesk.mail.settings import Security, ServerSettings
from zivverdesk.mail.smtp_send import send_message
from zivverdesk.mail.sync import fetch_body, list_folders, set_seen, sync_folder

pytestmark = pytest.mark.integration

Factory = Callable[[str], MailAccount]


@pytest.fixture
def account(mail_account: Factory) -> MailAccount:
    return mail_account("sync")


@pytest.fixture
def client(account: MailAccount) -> IMAPClient:
    c = connect(imap_settings(account), password(account))
    yield c
    disconnect(c)


@pytest.mark.parametrize("security", [Security.SSL, Security.STARTTLS])
def test_connects_with_verified_tls(account: MailAccount, security: Security) -> None:
    c = connect(imap_settings(account, security), password(account))
    try:
        assert c.select_folder("INBOX")[b"EXISTS"] == 0
    finally:
        disconnect(c)


def test_unknown_ca_is_refused(account: MailAccount) -> None:
    settings = ServerSettings(host=account.imap_host, port=account.imaps_port, ca_file=None)
    with pytest.raises(CertificateError):
        connect(settings, password(account))


def test_wrong_password_is_a_typed_error(account: MailAccount) -> None:
    auth = PasswordAuth(username=account.username, password=Secret("wrong"))
    with pytest.raises(AuthenticationFailed):
        connect(imap_settings(account), auth)


def test_folders_carry_special_use(client: IMAPClient) -> None:
    roles = {f.special_use: f.name for f in list_folders(client)}
    assert roles["\\Inbox"] == "INBOX"
    assert roles["\\Sent"] == "Sent" and roles["\\Trash"] == "Trash"


def test_smtp_send_then_sync_sees_it(account: MailAccount, client: IMAPClient) -> None:
    message = simple_message(account.email, account.email, "Via SMTP verstuurd", "Inhoud")
    result = send_message(smtp_settings(account), password(account), message)
    sink = MemorySink()

    def arrived() -> bool:
        sync_folder(client, "INBOX", sink)
        return sink.count("INBOX") == 1

    wait_for(arrived, what="the SMTP message in INBOX")
    (record,) = sink.messages["INBOX"].values()
    assert record.subject == "Via SMTP verstuurd"
    assert record.message_id == result.message_id
    assert record.sender[0].address == account.email
    assert not record.seen
    raw = fetch_body(client, "INBOX", record.uid)
    assert raw is not None and b"Inhoud" in raw


def test_first_sync_in_batches_then_incremental(client: IMAPClient) -> None:
    client.multiappend("INBOX", [raw_message(i) for i in range(250)])
    sink = MemorySink()
    report = sync_folder(client, "INBOX", sink, batch_size=100)
    assert report.full and report.added == 250 and sink.upserts == 250
    assert sorted(r.subject for r in sink.messages["INBOX"].values())[:2] == [
        "bericht 0",
        "bericht 1",
    ]
    nothing = sync_folder(client, "INBOX", sink)
    assert (nothing.added, nothing.flags_changed, nothing.removed) == (0, 0, 0)
    client.multiappend("INBOX", [raw_message(i) for i in range(250, 260)])
    more = sync_folder(client, "INBOX", sink)
    assert more.added == 10 and sink.count("INBOX") == 260 and sink.upserts == 260
    # Expunge three on the server: the sync notices by counting and removes exactly those.
    client.select_folder("INBOX")
    victims = sorted(sink.known_uids("INBOX"))[:3]
    client.delete_messages(victims)
    client.expunge()
    gone = sync_folder(client, "INBOX", sink)
    assert gone.removed == 3 and not (set(victims) & sink.known_uids("INBOX"))
    # Everything expunged: the stored UIDNEXT follows the server's, so the next sync is quick.
    client.select_folder("INBOX")
    client.delete_messages(sorted(sink.known_uids("INBOX")))
    client.expunge()
    emptied = sync_folder(client, "INBOX", sink)
    assert emptied.removed == 257 and sink.count("INBOX") == 0
    server_uidnext = client.folder_status("INBOX", ["UIDNEXT"])[b"UIDNEXT"]
    state = sink.get_state("INBOX")
    assert state is not None and state.uidnext == server_uidnext


def test_seen_travels_both_ways(client: IMAPClient, account: MailAccount) -> None:
    client.multiappend("INBOX", [raw_message(i) for i in range(5)])
    sink = MemorySink()
    sync_folder(client, "INBOX", sink)
    uids = sorted(sink.known_uids("INBOX"))
    # Desktop → server.
    set_seen(client, "INBOX", uids[:2], True)
    other = connect(imap_settings(account), password(account))
    try:
        other.select_folder("INBOX")
        flags = other.get_flags(uids)
        assert [b"\\Seen" in flags[u] for u in uids] == [True, True, False, False, False]
        # Server (another client) → desktop.
        other.add_flags(uids[4:], [b"\\Seen"])
        other.remove_flags(uids[:1], [b"\\Seen"])
    finally:
        disconnect(other)
    report = sync_folder(client, "INBOX", sink)
    assert report.flags_changed >= 2
    seen = [sink.messages["INBOX"][u].seen for u in uids]
    assert seen == [False, True, False, False, True]


def test_uidvalidity_change_replaces_without_duplicates(client: IMAPClient) -> None:
    client.create_folder("Archief")
    client.multiappend("Archief", [raw_message(i) for i in range(20)])
    sink = MemorySink()
    sync_folder(client, "Archief", sink)
    before = sink.get_state("Archief")
    assert before is not None
    # Recreate the mailbox with the same messages: new UIDVALIDITY, UIDs start over.
    client.select_folder("INBOX")
    client.delete_folder("Archief")
    client.create_folder("Archief")
    client.multiappend("Archief", [raw_message(i) for i in range(20)])
    report = sync_folder(client, "Archief", sink)
    after = sink.get_state("Archief")
    assert after is not None and after.uidvalidity != before.uidvalidity
    assert report.uidvalidity_changed and report.full
    assert sink.count("Archief") == 20
    ids = [r.message_id for r in sink.messages["Archief"].values()]
    assert len(ids) == len(set(ids)) == 20


def test_malformed_mailbox_syncs_and_every_body_parses(client: IMAPClient) -> None:
    client.multiappend("INBOX", [raw or b"x" for raw in CORPUS.values()])
    sink = MemorySink()
    report = sync_folder(client, "INBOX", sink)
    assert report.added == len(CORPUS)
    for uid in sorted(sink.known_uids("INBOX")):
        raw = fetch_body(client, "INBOX", uid)
        assert raw is not None
        parsed = parse_message(raw)
        assert "<script" not in parsed.html


_GENERATED = st.builds(
    lambda headers, body: ("".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n" + body).encode(
        "utf-8", "surrogatepass"
    ),
    st.lists(
        st.tuples(
            st.sampled_from(["Subject", "From", "To", "Date", "Content-Type", "Message-ID"]),
            st.text(st.characters(blacklist_categories=["Cs", "Cc"]), min_size=1, max_size=40),
        ),
        max_size=6,
    ),
    st.text(max_size=200).map(lambda s: s.replace("\r", "").replace("\n", "\r\n")),
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(raw=_GENERATED)
def test_generated_messages_never_break_sync(client: IMAPClient, raw: bytes) -> None:
    client.append("INBOX", raw or b"x")
    sink = MemorySink()
    sync_folder(client, "INBOX", sink)
    newest = max(sink.known_uids("INBOX"))
    body = fetch_body(client, "INBOX", newest)
    assert body is not None
    parse_message(body)
