"""Plain mail is read from its MIME parts: an HTML-only mail shows as text and as sanitised
HTML with remote images counted, attachments are listed and saved, and a damaged mail shows
as far as it can be read. Mails are put into the mailbox with IMAP APPEND, byte for byte."""

from __future__ import annotations

from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path

import pytest

from tests.e2e.harness import imap, setup_desk
from tests.plugins.mailstack import MailAccount, MailStack
from tests.plugins.relay import RelayProcess

pytestmark = pytest.mark.integration

HTML_ONLY = (
    b"From: Huisarts <huisarts@example.test>\r\n"
    b"Subject: Alleen HTML\r\n"
    b"Date: Mon, 30 Nov 2026 09:00:00 +0100\r\n"
    b"Message-ID: <html-only@example.test>\r\n"
    b"MIME-Version: 1.0\r\n"
    b"Content-Type: text/html; charset=utf-8\r\n\r\n"
    b"<html><head><style>p{color:red}</style></head><body>"
    b"<p>Beste collega,</p><p>De <b>uitslag</b> is binnen.</p>"
    b'<img src="https://tracker.example/pixel.gif">'
    b"<script>alert('x')</script>"
    b'<ul><li>eerste punt</li><li>tweede punt</li></ul><a href="https://example.test/info">'
    b"meer informatie</a></body></html>\r\n"
)

# Base64 damaged halfway, an unknown charset and a multipart without its closing boundary.
BROKEN = (
    b"From: kapot@example.test\r\n"
    b"Subject: Beschadigd bericht\r\n"
    b"Date: Mon, 30 Nov 2026 09:01:00 +0100\r\n"
    b"MIME-Version: 1.0\r\n"
    b'Content-Type: multipart/mixed; boundary="grens"\r\n\r\n'
    b"--grens\r\n"
    b"Content-Type: text/plain; charset=x-onbekend\r\n\r\n"
    b"Leesbaar deel van het bericht.\r\n"
    b"--grens\r\n"
    b'Content-Type: application/pdf; name="scan.pdf"\r\n'
    b"Content-Transfer-Encoding: base64\r\n"
    b'Content-Disposition: attachment; filename="scan.pdf"\r\n\r\n'
    b"JVBERi0xLjQK!!!niet-base64***\r\n"
)


def _with_attachment(pdf: bytes) -> bytes:
    message = EmailMessage()
    message["From"], message["Subject"] = "lab@example.test", "Uitslag met bijlage"
    message["Date"] = "Mon, 30 Nov 2026 09:02:00 +0100"
    message.set_content("Zie de bijlage.")
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename="uitslag.pdf")
    return message.as_bytes()


def test_html_attachments_and_damaged_plain_mail(
    tmp_path: Path,
    mailstack: MailStack,
    mail_account: Callable[[str], MailAccount],
    relay_server: RelayProcess,
) -> None:
    me = mail_account("secretariaat")
    desk = setup_desk(tmp_path / "desk", mailstack, me, relay_server)
    pdf = b"%PDF-1.4 uitslag " * 300
    client = imap(me)
    try:
        for raw in (HTML_ONLY, _with_attachment(pdf), BROKEN):
            client.append("INBOX", raw)
    finally:
        client.logout()
    desk.run("sync")
    rows = {r["subject"]: r for r in desk.json("list") if r["kind"] == "plain"}
    assert set(rows) == {"Alleen HTML", "Uitslag met bijlage", "Beschadigd bericht"}

    html_mail = desk.json("show", rows["Alleen HTML"]["id"])
    assert "Beste collega," in html_mail["body"] and "De uitslag is binnen." in html_mail["body"]
    assert "- eerste punt" in html_mail["body"] and "https://example.test/info" in html_mail["body"]
    assert "alert" not in html_mail["body"] and "color:red" not in html_mail["body"]
    assert "<b>uitslag</b>" in html_mail["html"]
    assert "<script" not in html_mail["html"] and "tracker.example" not in html_mail["html"]
    assert html_mail["remote_images_blocked"] == 1
    assert "Externe afbeeldingen geblokkeerd" in desk.run("show", rows["Alleen HTML"]["id"]).out
    # The text of an HTML-only mail is searchable once read.
    assert [r["id"] for r in desk.json("list", "--search", "eerste punt")] == [
        rows["Alleen HTML"]["id"]
    ]

    # Saving works before the mail was ever shown: the parts come from IMAP on demand.
    target = tmp_path / "opgeslagen.pdf"
    desk.run(
        "save-attachment", rows["Uitslag met bijlage"]["id"], "uitslag.pdf", "--to", str(target)
    )
    assert target.read_bytes() == pdf
    with_attachment = desk.json("show", rows["Uitslag met bijlage"]["id"])
    assert with_attachment["body"].strip() == "Zie de bijlage."
    assert [(a["name"], a["size"]) for a in with_attachment["attachments"]] == [
        ("uitslag.pdf", len(pdf))
    ]
    assert "uitslag.pdf" in desk.run("show", rows["Uitslag met bijlage"]["id"]).out

    broken = desk.json("show", rows["Beschadigd bericht"]["id"])
    assert "Leesbaar deel van het bericht." in broken["body"]
    assert broken["defects"], "what was wrong is recorded"
    assert [a["name"] for a in broken["attachments"]] == ["scan.pdf"]
    assert "Beschadigd bericht, getoond" in desk.run("show", rows["Beschadigd bericht"]["id"]).out

    # Reading again keeps one copy of each attachment, and the store holds no plaintext.
    desk.json("show", rows["Uitslag met bijlage"]["id"])
    again = desk.json("show", rows["Uitslag met bijlage"]["id"])
    assert len(again["attachments"]) == 1
    stored = b"".join(p.read_bytes() for p in (tmp_path / "desk").rglob("*") if p.is_file())
    assert b"%PDF-1.4 uitslag" not in stored and b"eerste punt" not in stored
