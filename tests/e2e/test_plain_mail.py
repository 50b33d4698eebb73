"""The desk is an ordinary mail client too: plain mail syncs in, is searchable, opens with
its body fetched on demand, and "send without protection" goes out over SMTP."""

from __future__ import annotations

import smtplib
import ssl
import time
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path

import pytest

from tests.e2e.harness import inbox_messages, setup_desk
from tests.plugins.mailstack import MailAccount, MailStack
from tests.plugins.relay import RelayProcess

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
