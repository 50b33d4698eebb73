"""After sending: resend to another address (old link dies), revoke, and the team workflow
(an adviser sees the shared conversation and its reply, assigns and marks it reviewed)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.e2e.harness import (
    Browser,
    Desk,
    link_of,
    setup_desk,
    wait_for_notifications,
    wait_for_reply_notices,
)
from tests.plugins.mailstack import MailAccount, MailStack
from tests.plugins.relay import RelayProcess
from zivverdesk.crypto.keyring_backend import INSECURE_ENV
from zivverdesk.mail.imap_connect import disconnect
from zivverdesk.services.connections import Connections
from zivverdesk.services.conversations import list_conversations
from zivverdesk.services.mail_sync import open_imap
from zivverdesk.services.profile import Profile
from zivverdesk.services.reply_notices import scan_reply_notices

pytestmark = pytest.mark.integration


def test_resend_to_another_address_and_revoke(
    tmp_path: Path,
    mailstack: MailStack,
    mail_account: Callable[[str], MailAccount],
    relay_server: RelayProcess,
) -> None:
    sender, work, private = (
        mail_account("secretariaat"),
        mail_account("werk"),
        mail_account("prive"),
    )
    desk = setup_desk(tmp_path / "desk", mailstack, sender, relay_server)
    message_id = desk.run(
        "send", "--to", work.email, "--email-code", "--subject", "Opnieuw", "--body", "tekst"
    ).out.strip()
    (first,) = wait_for_notifications(work, 1)
    old_url = link_of(first)[0]

    desk.run("resend", message_id, "--recipient", work.email, "--to-address", private.email)
    (second,) = wait_for_notifications(private, 1)
    new_url, _, new_rid, _ = link_of(second)
    assert new_url != old_url
    old = Browser(relay_server.url, old_url)
    new = Browser(relay_server.url, new_url)
    try:
        with pytest.raises(httpx.HTTPStatusError):
            old.info()  # the old link stops working at once
        assert new.info()["state"] == "active"
        shown = desk.json("show", message_id)
        states = {r["address"]: r["state"] for r in shown["messages"][0]["recipients"]}
        assert states == {work.email: "replaced", private.email: "delivered"}

        desk.run("revoke", message_id)
        assert new.info()["state"] == "revoked"
        shown = desk.json("show", message_id)
        assert shown["messages"][0]["revoked"] is True
        with pytest.raises(Exception, match="ingetrokken"):
            desk.run("resend", message_id, "--recipient", private.email)
    finally:
        old.close()
        new.close()
    assert new_rid in new_url


def _relay_with_mail(factory: Callable[..., RelayProcess], stack: MailStack) -> RelayProcess:
    return factory(
        settings={
            "office": {"name": "Adviesbureau", "starter_slug": "ab"},
            # The relay mails e-mail codes and reply notices through the test SMTP server.
            "smtp": {
                "host": stack.host,
                "port": stack.smtp_relay_port,
                "tls": "none",
                "from_address": "relay@example.test",
                "poll_interval": 0.2,
            },
        }
    )


def _send_and_reply(
    desk: Desk,
    relay: RelayProcess,
    patient: MailAccount,
    message: tuple[str, str],
    reply: tuple[str, dict[str, bytes]],
) -> tuple[str, str]:
    """Send `message` (subject, body) with an e-mail code; the patient opens the link, verifies
    with the code the relay mailed (read over IMAP), reads and replies. Returns the message id
    and the reply id."""
    subject, body = message
    message_id = desk.run(
        "send", "--to", patient.email, "--email-code", "--subject", subject, "--body", body
    ).out.strip()
    (note,) = wait_for_notifications(patient, 1)
    browser = Browser(relay.url, link_of(note)[0])
    try:
        browser.verify_email_code(patient)
        browser.read()
        reply_id = browser.reply(*reply)
    finally:
        browser.close()
    return message_id, reply_id


def test_reply_notice_in_the_inbox_alone_brings_the_reply(
    tmp_path: Path,
    mailstack: MailStack,
    mail_account: Callable[[str], MailAccount],
    relay_factory: Callable[..., RelayProcess],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    relay = _relay_with_mail(relay_factory, mailstack)
    secretary, patient = mail_account("secretariaat"), mail_account("patient")
    desk = setup_desk(tmp_path / "sec", mailstack, secretary, relay)
    message_id, reply_id = _send_and_reply(
        desk,
        relay,
        patient,
        ("Via de inbox", "Graag reageren."),
        ("Mijn antwoord.", {"bijlage.txt": b"inhoud"}),
    )
    # Wait for the relay's reply notice in the secretary's inbox; then use only IMAP (no
    # feed): the notice makes the desk ask the relay for the reply.
    assert len(wait_for_reply_notices(secretary, 1)) == 1
    monkeypatch.setenv(INSECURE_ENV, "1")
    with Profile.open(desk.home) as profile:
        client = open_imap(profile)
        try:
            with Connections(profile) as conn:
                assert scan_reply_notices(profile, client, conn.relay) == [reply_id]
                assert scan_reply_notices(profile, client, conn.relay) == []  # once only
        finally:
            disconnect(client)
        (reply,) = [
            m
            for m in profile.store.mailbox.messages(
                conversation_id=profile.store.mailbox.message(message_id).conversation_id
            )
            if m.direction == "in"
        ]
        assert reply.id == reply_id
        assert profile.store.mailbox.body(reply_id) == "Mijn antwoord."
        # The reply the notice brought is new to the user.
        assert [r.unread for r in list_conversations(profile, secure_only=True)] == [True]
        (attachment,) = profile.store.mailbox.attachments(reply_id)
        assert profile.store.mailbox.attachment_content(attachment.id) == b"inhoud"


def test_adviser_sees_shared_reply_assigns_and_reviews(
    tmp_path: Path,
    mailstack: MailStack,
    mail_account: Callable[[str], MailAccount],
    relay_factory: Callable[..., RelayProcess],
) -> None:
    relay = _relay_with_mail(relay_factory, mailstack)
    secretary, adviser, patient = (
        mail_account("secretariaat"),
        mail_account("adviseur"),
        mail_account("patient"),
    )
    desk = setup_desk(tmp_path / "sec", mailstack, secretary, relay, name="Secretariaat")
    advice = setup_desk(tmp_path / "adv", mailstack, adviser, relay, name="Dr. Adviseur")
    message_id, reply_id = _send_and_reply(
        desk,
        relay,
        patient,
        ("Vragenlijst", "Graag invullen."),
        ("Ingevuld.", {"vragenlijst.pdf": b"%PDF antwoorden"}),
    )

    advice.run("sync")
    rows = advice.json("list", "--to-review")
    assert len(rows) == 1 and rows[0]["subject"] == "Vragenlijst"
    assert rows[0]["unread"] is True  # the patient's reply, new to the adviser
    conversation_id = rows[0]["id"]
    shown = advice.json("show", conversation_id)
    assert {m["message_id"] for m in shown["messages"]} == {message_id, reply_id}
    out = tmp_path / "antwoord.pdf"
    advice.run("save-attachment", reply_id, "vragenlijst.pdf", "--to", str(out))
    assert out.read_bytes() == b"%PDF antwoorden"

    desk.run("assign", conversation_id, "--to", adviser.email)
    advice.run("review", conversation_id)
    assert advice.json("list", "--to-review") == []
    desk.run("sync")
    seen = desk.json("show", conversation_id)
    assert seen["assigned_to"] == adviser.email
    assert seen["reviewed_by"] == adviser.email and seen["to_review"] is False
