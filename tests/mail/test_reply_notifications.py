"""Recognising the relay's reply notifications: only ids come out, only for our relay."""

from __future__ import annotations

from collections.abc import Callable
from email.message import EmailMessage

import pytest

from tests.mail.helpers import imap_settings, password, smtp_settings, wait_for
from tests.plugins.mailstack import MailAccount
from zivverdesk.core.model import new_id
from zivverdesk.mail.imap_connect import connect, disconnect
from zivverdesk.mail.reply_notifications import (
    ReplyNotice,
    file_notifications,
    find_reply_notifications,
    recognise,
)
from zivverdesk.mail.smtp_send import send_message

RELAY = "https://relay.praktijk.example"


def _notice(
    *,
    kind: str = "reply",
    conversation: str | None = None,
    reply: str | None = None,
    relay_header: str | None = RELAY,
    body_url: str = "",
    to: str = "me@praktijk.example",
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "relay@praktijk.example"
    message["To"] = to
    message["Subject"] = "Nieuw beveiligd antwoord / New secure reply"
    message["X-Zivverdesk-Notification"] = kind
    message["X-Zivverdesk-Conversation"] = conversation or new_id()
    message["X-Zivverdesk-Message"] = reply or new_id()
    if relay_header is not None:
        message["X-Zivverdesk-Relay"] = relay_header
    message.set_content(f"Iemand heeft geantwoord.\n{body_url}\n")
    return message


def test_recognises_our_relays_reply_notice() -> None:
    cid, rid = new_id(), new_id()
    assert recognise(_notice(conversation=cid, reply=rid).as_bytes(), RELAY + "/") == ReplyNotice(
        cid, rid
    )


def test_a_link_in_the_body_to_our_relay_is_enough() -> None:
    raw = _notice(relay_header=None, body_url=f"Relay: {RELAY}/x").as_bytes()
    assert recognise(raw, RELAY) is not None


@pytest.mark.parametrize(
    "message",
    [
        _notice(kind="message"),
        _notice(conversation="not-an-id"),
        _notice(conversation=new_id().upper() + "0"),
        _notice(relay_header="https://evil.example"),
        _notice(relay_header="http://relay.praktijk.example"),  # other scheme, other origin
        _notice(relay_header=None, body_url="https://relay.praktijk.example.evil.example/"),
        _notice(relay_header="https://relay.praktijk.example:8443"),
    ],
)
def test_everything_else_is_ignored(message: EmailMessage) -> None:
    assert recognise(message.as_bytes(), RELAY) is None


def test_a_repeated_header_is_ambiguous_and_ignored() -> None:
    message = _notice()
    message["X-Zivverdesk-Conversation"] = new_id()
    assert recognise(message.as_bytes(), RELAY) is None


def test_a_malformed_reply_id_still_yields_the_conversation() -> None:
    cid = new_id()
    notice = recognise(_notice(conversation=cid, reply="../etc/passwd").as_bytes(), RELAY)
    assert notice == ReplyNotice(cid, None)


@pytest.mark.integration
def test_finds_and_files_notices_in_a_real_mailbox(
    mail_account: Callable[[str], MailAccount],
) -> None:
    account = mail_account("replies")
    cid = new_id()
    ours = _notice(conversation=cid, to=account.email)
    ours.replace_header("From", account.email)
    other = _notice(relay_header="https://evil.example", to=account.email)
    other.replace_header("From", account.email)
    for message in (ours, other):
        send_message(smtp_settings(account), password(account), message)
    client = connect(imap_settings(account), password(account))
    try:

        def both_arrived() -> bool:
            client.select_folder("INBOX")
            return len(client.search("ALL")) == 2

        wait_for(both_arrived, what="both notices")
        found = find_reply_notifications(client, "INBOX", RELAY)
        assert [notice.conversation_id for _, notice in found] == [cid]
        file_notifications(client, "INBOX", [uid for uid, _ in found], "Zivverdesk")
        client.select_folder("INBOX")
        assert len(client.search("ALL")) == 1
        assert client.select_folder("Zivverdesk")[b"EXISTS"] == 1
        assert find_reply_notifications(client, "INBOX", RELAY) == []
    finally:
        disconnect(client)
