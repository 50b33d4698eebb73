"""The whole chain with the real recipient page: the desk sends over real SMTP, the link from
the notification opens in Chromium, the recipient enters the access code, reads, and replies
with a file; the desk fetches and decrypts the reply."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.harness import FAST_KDF, link_of, setup_desk, wait_for_notifications
from tests.plugins.mailstack import MailAccount, MailStack
from tests.plugins.relay import RelayProcess

pytestmark = [pytest.mark.integration, pytest.mark.browser]


def test_recipient_reads_and_replies_in_chromium(
    tmp_path: Path,
    page: Page,
    mailstack: MailStack,
    mail_account: Callable[[str], MailAccount],
    relay_server: RelayProcess,
) -> None:
    sender, recipient = mail_account("secretariaat"), mail_account("ontvanger")
    desk = setup_desk(tmp_path / "desk", mailstack, sender, relay_server)
    desk.run(
        "org",
        "add",
        "Verzekeraar",
        "--domain",
        "example.test",
        "--access-code",
        "Afspraak-77",
        "--contact",
        "mevr. Bos, 010 1234567",
    )
    letter = tmp_path / "besluit.pdf"
    letter.write_bytes(b"%PDF-1.4 besluit " * 500)
    message_id = desk.run(
        "send",
        "--to",
        recipient.email,
        "--subject",
        "Besluit aanvraag",
        "--body",
        "Geachte heer, hierbij het besluit.",
        "--attach",
        str(letter),
        "--kdf-iterations",
        FAST_KDF,
    ).out.strip()
    (notification,) = wait_for_notifications(recipient, 1)
    url = link_of(notification)[0]

    page.goto(url)
    page.fill("#access-code", "afspraak 77")  # typed loosely: normalised like everywhere
    page.click("#open")
    thread = page.locator("#thread")
    expect(thread).to_be_visible(timeout=30_000)
    expect(thread).to_contain_text("Besluit aanvraag")
    expect(thread).to_contain_text("hierbij het besluit")
    expect(thread.locator(".attachment-name")).to_have_text(["besluit.pdf"])
    answer = tmp_path / "bezwaar.txt"
    answer.write_text("Ik maak bezwaar.", encoding="utf-8")
    page.click("#reply-open")
    page.fill("#reply-text", "Zie mijn bezwaar in de bijlage.")
    page.set_input_files("#reply-files", [str(answer)])
    page.click("#reply-send")
    # The page speaks the browser's language (Dutch or English).
    expect(page.locator("#reply-status")).to_have_text(
        re.compile("veilig verstuurd|sent securely"), timeout=30_000
    )

    desk.run("sync")
    shown = desk.json("show", message_id)
    (reply,) = [m for m in shown["messages"] if m["direction"] == "in"]
    assert reply["body"] == "Zie mijn bezwaar in de bijlage."
    saved = tmp_path / "opgeslagen.txt"
    desk.run("save-attachment", reply["message_id"], "bezwaar.txt", "--to", str(saved))
    assert saved.read_text(encoding="utf-8") == "Ik maak bezwaar."
    (state,) = shown["messages"][0]["recipients"]
    assert state["method"] == "access_code" and state["state"] == "opened"
