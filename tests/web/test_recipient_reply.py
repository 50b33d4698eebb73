"""Replies from the recipient page and the thread that grows with them, in Chromium against a
real relay: a reply with two attachments decrypts in Python, the recipient sees whether it was
read, the sender's next message joins the thread, and a running upload can be cancelled."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.web.relay_seed import (
    ACCESS_CODE,
    OFFICE,
    OfficeUser,
    Recipient,
    RelaySeed,
    SentMessage,
    event_kinds,
    page_relay_fixture,  # noqa: F401
    recipient_page,
    seed_fixture,  # noqa: F401
    sender_fixture,  # noqa: F401
)

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def send_to_jan(seed: RelaySeed, sender: OfficeUser, **kwargs: Any) -> SentMessage:
    return seed.send(
        sender,
        [Recipient(address="jan@example.test", name="Jan Jansen", access_code=ACCESS_CODE)],
        subject=kwargs.pop("subject", "Vragenlijst"),
        body=kwargs.pop("body", "Wilt u de vragenlijst invullen en terugsturen?"),
        organisation=OFFICE["name"],
        **kwargs,
    )


def open_with_code(page: Page, link: str) -> None:
    page.goto(link)
    page.fill("#access-code", ACCESS_CODE)
    page.click("#open")
    expect(page.locator("#thread")).to_be_visible()


def test_reply_with_two_attachments_arrives_and_decrypts_in_python(
    browser: Browser, seed: RelaySeed, sender: OfficeUser
) -> None:
    sent = send_to_jan(seed, sender)
    first = seed.tmp / "vragenlijst ingevuld.pdf"
    first.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 3000)
    second = seed.tmp / "foto.jpg"
    second.write_bytes(b"\xff\xd8\xff" + b"\x42" * 300_000)
    extra = seed.tmp / "niet deze.txt"
    extra.write_text("verkeerd bestand")
    with recipient_page(browser) as (page, problems):
        open_with_code(page, sent.links["jan@example.test"])
        page.click("#reply-open")
        expect(page.locator("#reply-text")).to_be_focused()
        page.fill("#reply-text", "Goedemorgen,\n\nHierbij de ingevulde vragenlijst.\n\nJan")
        page.set_input_files("#reply-files", [str(first), str(extra)])
        page.set_input_files("#reply-files", [str(second)])
        files = page.locator("#reply-file-list li")
        expect(files).to_have_count(3)
        expect(files.nth(0)).to_contain_text("vragenlijst ingevuld.pdf")
        expect(files.nth(0)).to_contain_text("768 kB")
        page.get_by_role("button", name="niet deze.txt verwijderen").click()
        expect(files).to_have_count(2)
        page.click("#reply-send")
        expect(page.locator("#reply-status")).to_have_text("Uw antwoord is veilig verstuurd.")
        articles = page.locator("#thread article")
        expect(articles).to_have_count(2)
        mine = articles.nth(1)
        expect(mine).to_have_attribute("data-from", "recipient")
        expect(mine.locator("h2")).to_have_text("Re: Vragenlijst")
        expect(mine.locator(".envelope-state")).to_have_text("Nog niet geopend door Anna de Vries")
        expect(mine.locator(".attachment-name")).to_have_text(
            ["vragenlijst ingevuld.pdf", "foto.jpg"]
        )
        problems.assert_none()

    replies = seed.replies(sender, sent)
    assert len(replies) == 1
    reply = replies[0].manifest
    assert reply.in_reply_to == sent.message_id
    assert reply.conversation_id == sent.conversation_id
    assert reply.sender.address == "jan@example.test"
    assert reply.sender.key_fingerprint is None
    assert reply.body == "Goedemorgen,\n\nHierbij de ingevulde vragenlijst.\n\nJan"
    assert replies[0].attachments == {
        "vragenlijst ingevuld.pdf": first.read_bytes(),
        "foto.jpg": second.read_bytes(),
    }
    assert {a.media_type for a in reply.attachments} == {"application/pdf", "image/jpeg"}
    assert "replied" in event_kinds(seed, sender, sent.message_id)

    # The sender has now fetched the reply: the recipient sees an open envelope.
    with recipient_page(browser) as (page, problems):
        open_with_code(page, sent.links["jan@example.test"])
        mine = page.locator("#thread article").nth(1)
        expect(mine.locator(".envelope-state")).to_have_text("Geopend door Anna de Vries")
        expect(mine.locator(".envelope-state")).to_have_attribute("data-opened", "true")
        problems.assert_none()


def test_the_senders_next_message_joins_the_thread(
    browser: Browser, seed: RelaySeed, sender: OfficeUser
) -> None:
    first = send_to_jan(seed, sender, subject="Afspraak")
    with recipient_page(browser) as (page, problems):
        open_with_code(page, first.links["jan@example.test"])
        page.click("#reply-open")
        page.fill("#reply-text", "Dinsdag kan ik niet, woensdag wel.")
        page.click("#reply-send")
        expect(page.locator("#thread article")).to_have_count(2)
        problems.assert_none()
    second = send_to_jan(
        seed, sender, subject="Re: Afspraak", body="Woensdag om 10:00 dan.", in_reply_to=first
    )
    # The first link shows the whole conversation, oldest first.
    with recipient_page(browser) as (page, problems):
        open_with_code(page, first.links["jan@example.test"])
        articles = page.locator("#thread article")
        expect(articles).to_have_count(3)
        expect(articles.nth(0).locator("h2")).to_have_text("Afspraak")
        expect(articles.nth(1).locator(".body")).to_have_text("Dinsdag kan ik niet, woensdag wel.")
        expect(articles.nth(2).locator(".body")).to_have_text("Woensdag om 10:00 dan.")
        expect(articles.nth(2)).to_have_attribute("data-from", "sender")
        problems.assert_none()
    # The new notification's link opens the new message and what follows it in the thread
    # (earlier messages have keys this link cannot derive; the first link shows them).
    with recipient_page(browser) as (page, problems):
        open_with_code(page, second.links["jan@example.test"])
        articles = page.locator("#thread article")
        expect(articles).to_have_count(1)
        expect(articles.nth(0).locator(".body")).to_have_text("Woensdag om 10:00 dan.")
        problems.assert_none()


def test_a_running_upload_can_be_cancelled(
    browser: Browser, seed: RelaySeed, sender: OfficeUser
) -> None:
    sent = send_to_jan(seed, sender)
    attachment = seed.tmp / "scan.pdf"
    attachment.write_bytes(b"%PDF" + b"\x00" * 2_000_000)
    with recipient_page(browser) as (page, problems):
        open_with_code(page, sent.links["jan@example.test"])
        # Hold every upload at the network layer, so the cancel meets a running upload.
        page.route("**/api/v1/r/*/*/blobs/*", lambda route: None)
        page.click("#reply-open")
        page.fill("#reply-text", "Met bijlage.")
        page.set_input_files("#reply-files", [str(attachment)])
        page.click("#reply-send")
        expect(page.locator("#reply-progress")).to_be_visible()
        expect(page.locator("#reply-cancel")).to_be_visible()
        page.click("#reply-cancel")
        expect(page.locator("#reply-error")).to_have_text(
            "Versturen is afgebroken. Uw antwoord is niet verstuurd."
        )
        expect(page.locator("#reply-send")).to_be_enabled()
        expect(page.locator("#reply-text")).to_have_value("Met bijlage.")
        expect(page.locator("#reply-cancel")).to_be_hidden()
        problems.assert_none()
    assert seed.message(sender, sent.message_id)["replies"] == []
    assert "replied" not in event_kinds(seed, sender, sent.message_id)
