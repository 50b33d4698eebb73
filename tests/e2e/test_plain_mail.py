"""The desk is an ordinary mail client too: plain mail syncs in, is searchable, opens with
its body fetched on demand, and "send without protection" goes out over SMTP."""

from __future__ import annotations

import smtplib
import socket
import ssl
import time
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path

import pytest
from imapclient import IMAPClient

from tests.e2e.harness import imap, inbox_messages, setup_desk
from tests.plugins.mailstack import MailAccount, MailStack
from tests.plugins.relay import RelayProcess
from zivverdesk.crypto.keyring_backend import INSECURE_ENV
from zivverdesk.services import mail_sync
from zivverdesk.services.conversations import list_conversations, show
from zivverdesk.services.mail_sync import mark_seen
from zivverdesk.services.profile import Profile
from zivverdesk.services.sync import sync_once

pytestmark = pytest.mark.integration


def _mail(sender: MailAccount, to: str, subject: str, body: str) -> None:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender.email, to, subject
    message.set_content(body)
    with smtplib.SMTP(sender.smtp_host, sender.smtp_port, timeout=20) as smtp:
        smtp.starttls(context=ssl.create_default_context(cafile=str(sender.ca_file)))
        smtp.login(sender.username, sender.password)
        smtp.send_message(message)


def test_plain_mail_sync_search_read_and_send(
    tmp_path: Path,
    mailstack: MailStack,
    mail_account: Callable[[str], MailAccount],
    relay_server: RelayProcess,
) -> None:
    me, other = mail_account("secretariaat"), mail_account("huisarts")
    desk = setup_desk(tmp_path / "desk", mailstack, me, relay_server)
    _mail(other, me.email, "Verwijzing mevrouw De Vries", "Graag een afspraak voor de knie.")
    _mail(other, me.email, "Agenda overleg", "Dinsdag om tien uur.")
    for _ in range(50):
        if len(inbox_messages(me)) == 2:
            break
        time.sleep(0.2)
    desk.run("sync")
    rows = [r for r in desk.json("list") if r["kind"] == "plain"]
    assert sorted(r["subject"] for r in rows) == ["Agenda overleg", "Verwijzing mevrouw De Vries"]
    hits = desk.json("list", "--search", "verwijz vries")
    assert [r["subject"] for r in hits] == ["Verwijzing mevrouw De Vries"]
    assert desk.json("list", "--search", other.email.split("@")[0]) != []
    shown = desk.json("show", hits[0]["id"])
    assert "afspraak voor de knie" in shown["body"]
    # The body is now searchable too (sealed in the store, indexed in memory).
    assert [r["id"] for r in desk.json("list", "--search", "afspraak")] == [hits[0]["id"]]
    desk.run("sync")  # nothing new: no duplicates
    assert len([r for r in desk.json("list") if r["kind"] == "plain"]) == 2

    desk.run("send", "--plain", "--to", other.email, "--subject", "Gewone mail", "--body", "Hoi")
    for _ in range(100):
        received = [m for m in inbox_messages(other) if m["Subject"] == "Gewone mail"]
        if received:
            break
        time.sleep(0.2)
    assert len(received) == 1 and received[0].get_content().strip() == "Hoi"


def _server_flags(account: MailAccount) -> dict[str, tuple[bytes, ...]]:
    """Each inbox mail's flags on the server, by subject."""
    client = imap(account)
    try:
        client.select_folder("INBOX", readonly=True)
        data = client.fetch(client.search("ALL"), ["FLAGS", "ENVELOPE"])
        return {d[b"ENVELOPE"].subject.decode(): tuple(d[b"FLAGS"]) for d in data.values()}
    finally:
        client.logout()


def test_opening_a_plain_mail_marks_it_read_on_the_server_and_locally(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    mailstack: MailStack,
    mail_account: Callable[[str], MailAccount],
    relay_server: RelayProcess,
) -> None:
    monkeypatch.setenv(INSECURE_ENV, "1")
    me, other = mail_account("secretariaat"), mail_account("huisarts")
    desk = setup_desk(tmp_path / "desk", mailstack, me, relay_server)
    _mail(other, me.email, "Verwijzing", "Graag een afspraak.")
    _mail(other, me.email, "Agenda", "Dinsdag om tien uur.")
    for _ in range(50):
        if len(_server_flags(me)) == 2:
            break
        time.sleep(0.2)
    with Profile.open(desk.home) as profile:
        sync_once(profile)
        rows = {r.subject: r for r in list_conversations(profile, folder="inbox")}
        assert {s: r.unread for s, r in rows.items()} == {"Verwijzing": True, "Agenda": True}
        opened = rows["Verwijzing"].id
        show(profile, opened)  # reading the body does not mark it read (BODY.PEEK)
        assert b"\\Seen" not in _server_flags(me)["Verwijzing"]

        assert mark_seen(profile, opened) is True
        assert b"\\Seen" in _server_flags(me)["Verwijzing"]
        assert b"\\Seen" not in _server_flags(me)["Agenda"]
        assert "\\Seen" in profile.store.mailbox.message(opened).flags.split()
        unread = {r.subject: r.unread for r in list_conversations(profile, folder="inbox")}
        assert unread == {"Verwijzing": False, "Agenda": True}
        assert mark_seen(profile, opened) is False  # already read: not sent again

        sync_once(profile)  # the server agrees: the next sync leaves it read
        unread = {r.subject: r.unread for r in list_conversations(profile, folder="inbox")}
        assert unread == {"Verwijzing": False, "Agenda": True}

        # Read elsewhere (another client): the next sync shows it read here too.
        client = imap(me)
        try:
            client.select_folder("INBOX")
            client.add_flags(client.search(["SUBJECT", "Agenda"]), [b"\\Seen"])
        finally:
            client.logout()
        sync_once(profile)
        assert not any(r.unread for r in list_conversations(profile, folder="inbox"))


def test_mail_opened_one_after_another_is_marked_over_one_kept_connection(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    mailstack: MailStack,
    mail_account: Callable[[str], MailAccount],
    relay_server: RelayProcess,
) -> None:
    """The desk marks opened mail read over one IMAP login per account, and when the
    server has ended that connection meanwhile, over a new one: the mail is still marked."""
    monkeypatch.setenv(INSECURE_ENV, "1")
    me, other = mail_account("secretariaat"), mail_account("huisarts")
    desk = setup_desk(tmp_path / "desk", mailstack, me, relay_server)
    subjects = ("Eerste", "Tweede", "Derde")
    for subject in subjects:
        _mail(other, me.email, subject, "Tekst.")
    for _ in range(50):
        if len(_server_flags(me)) == len(subjects):
            break
        time.sleep(0.2)
    logins: list[str] = []
    opened_imap = mail_sync.open_imap

    def counted(profile: Profile, account_id: str | None = None) -> IMAPClient:
        logins.append(account_id or "")
        return opened_imap(profile, account_id)

    monkeypatch.setattr(mail_sync, "open_imap", counted)
    with Profile.open(desk.home) as profile:
        sync_once(profile)
        logins.clear()  # what the sync needed
        ids = {r.subject: r.id for r in list_conversations(profile, folder="inbox")}
        marker = mail_sync.SeenMarker(profile)
        try:
            assert marker.mark(ids["Eerste"]) and marker.mark(ids["Tweede"])
            assert len(logins) == 1
            # The server ends the kept connection (an idle timeout, a restart).
            (kept,) = marker._clients.values()
            kept.socket().shutdown(socket.SHUT_RDWR)
            assert marker.mark(ids["Derde"]) is True
            assert len(logins) == 2
        finally:
            marker.close()
    flags = _server_flags(me)
    assert all(b"\\Seen" in flags[subject] for subject in subjects), flags
