"""The recipient page on the access-code path, in Chromium against a real relay process:
landing, opening, wrong codes until the lockout, the forgotten code, broken links, revoked,
expired and unknown messages, and link scanners."""

from __future__ import annotations

import hashlib
import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, expect

from tests.web.relay_seed import (
    ACCESS_CODE,
    OFFICE,
    Attachment,
    OfficeUser,
    Recipient,
    RelaySeed,
    event_kinds,
    page_relay_fixture,  # noqa: F401
    recipient_page,
    seed_fixture,  # noqa: F401
    sender_fixture,  # noqa: F401
)

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def send_simple(seed: RelaySeed, sender: OfficeUser, **kwargs: Any) -> tuple[str, str]:
    sent = seed.send(
        sender,
        [Recipient(address="jan@example.test", name="Jan Jansen", access_code=ACCESS_CODE)],
        subject=kwargs.pop("subject", "Uw rapport"),
        body=kwargs.pop("body", "Beste Jan,\n\nHierbij het rapport.\n\nMet vriendelijke groet"),
        organisation=OFFICE["name"],
        **kwargs,
    )
    return sent.message_id, sent.links["jan@example.test"]


def test_landing_shows_sender_and_office_and_changes_nothing(
    browser: Browser, seed: RelaySeed, sender: OfficeUser
) -> None:
    message_id, link = send_simple(seed, sender)
    with recipient_page(browser) as (page, problems):
        page.goto(link)
        expect(page.locator("#landing-heading")).to_have_text(
            f"Beveiligd bericht van {OFFICE['name']}"
        )
        card = page.locator("[data-testid=sender]")
        expect(card).to_contain_text("Anna de Vries")
        expect(card).to_contain_text(OFFICE["name"])
        expect(card).to_contain_text("anna.devries@example.test")
        expect(page.locator("#contact")).to_contain_text(OFFICE["contact_phone"])
        expect(page.locator("#contact")).to_contain_text(OFFICE["contact_email"])
        expect(page.locator("label[for=access-code]")).to_have_text("Toegangscode")
        expect(page.locator("#open")).to_have_text("Openen")
        expect(page.locator("#forgot")).to_have_text("Toegangscode vergeten?")
        # This office does not allow remembering devices: no such choice is offered.
        expect(page.locator("#remember-device")).to_have_count(0)
        # The code field is tied to its label and hint (screen readers read both).
        assert page.get_by_label("Toegangscode").count() == 1
        problems.assert_none()
    assert event_kinds(seed, sender, message_id) == ["link_fetched"]


def test_scanner_get_and_head_leave_only_link_fetched(seed: RelaySeed, sender: OfficeUser) -> None:
    message_id, link = send_simple(seed, sender)
    url = link.split("#", 1)[0]
    for _ in range(2):
        assert httpx.get(url).status_code == 200
        assert httpx.head(url).status_code == 200
        assert httpx.get(url, headers={"Range": "bytes=0-10"}).status_code in (200, 206)
    state = httpx.get(url.replace("/m/", "/api/v1/r/")).json()
    assert state["attempts_left"] == 5 and state["state"] == "active"
    assert event_kinds(seed, sender, message_id) == ["link_fetched"]


def test_access_code_opens_the_message_with_busy_state_and_download(
    browser: Browser, seed: RelaySeed, sender: OfficeUser
) -> None:
    content = b"%PDF-1.4\n" + bytes(range(256)) * 400
    attachment = Attachment.from_bytes(seed.tmp, "rapport.pdf", content, "application/pdf")
    message_id, link = send_simple(seed, sender, attachments=[attachment])
    with recipient_page(browser) as (page, problems):
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        page.goto(link)
        page.fill("#access-code", " geheim 2468 ")  # normalised: spaces, dashes, case
        # Record the button's busy state while the key derivation runs.
        page.evaluate(
            """() => {
              const b = document.getElementById('open');
              window.busySeen = false;
              new MutationObserver(() => {
                if (b.disabled && b.classList.contains('busy') && /Bezig/.test(b.textContent))
                  window.busySeen = true;
              }).observe(b, {attributes: true, childList: true, subtree: true});
            }"""
        )
        page.click("#open")
        expect(page.locator("#thread article")).to_have_count(1)
        assert page.evaluate("window.busySeen") is True
        article = page.locator("#thread article").first
        expect(article.locator("h2")).to_have_text("Uw rapport")
        expect(article.locator(".body")).to_have_text(
            "Beste Jan,\n\nHierbij het rapport.\n\nMet vriendelijke groet"
        )
        expect(article.locator(".meta")).to_contain_text("Anna de Vries")
        expect(article.locator(".envelope-state")).to_have_attribute("data-opened", "true")
        expect(article.locator(".attachment-name")).to_have_text("rapport.pdf")
        # The thread came with the verification answer: no separate request for it.
        assert not [url for url in requested if url.endswith("/thread")], requested
        with page.expect_download() as download:
            article.get_by_role("button", name="rapport.pdf downloaden").click()
        path = download.value.path()
        assert download.value.suggested_filename == "rapport.pdf"
        assert hashlib.sha256(path.read_bytes()).hexdigest() == hashlib.sha256(content).hexdigest()
        expect(article.locator(".attachment-status")).to_have_text("Gedownload")
        problems.assert_none()
    kinds = event_kinds(seed, sender, message_id)
    assert kinds[:4] == ["link_fetched", "verified", "opened", "downloaded"]


def test_wrong_codes_until_lockout_then_the_right_code_is_refused(
    browser: Browser, seed: RelaySeed, sender: OfficeUser
) -> None:
    message_id, link = send_simple(seed, sender)
    with recipient_page(browser) as (page, problems):
        page.goto(link)
        error = page.locator("#code-error")
        for left in (4, 3, 2):
            page.fill("#access-code", f"fout{left}")
            page.click("#open")
            expect(error).to_have_text(f"Onjuiste toegangscode. Nog {left} pogingen.")
            expect(page.locator("#access-code")).to_have_attribute("aria-invalid", "true")
        page.fill("#access-code", "fout1")
        page.click("#open")
        expect(error).to_have_text("Onjuiste toegangscode. Nog 1 poging.")
        page.fill("#access-code", "fout0")
        page.click("#open")
        expect(error).to_contain_text(
            "Te veel onjuiste pogingen. U kunt het opnieuw proberen vanaf"
        )
        lifts = datetime.now(UTC) + timedelta(minutes=15)
        # The time it lifts is shown in the reader's words ("30 november 2026 om 10:15").
        expect(error).to_contain_text(str(lifts.year))
        page.fill("#access-code", ACCESS_CODE)
        page.click("#open")
        expect(error).to_contain_text("Te veel onjuiste pogingen")
        expect(page.locator("#thread")).to_have_count(0)
        # A reload shows the lockout at once.
        page.reload()
        expect(page.locator("#code-error")).to_contain_text("Te veel onjuiste pogingen")
        problems.assert_none()
    kinds = event_kinds(seed, sender, message_id)
    assert kinds.count("verification_failed") == 4
    assert "locked" in kinds and "verified" not in kinds and "opened" not in kinds


def test_forgotten_code_names_the_contact_and_tells_the_sender(
    browser: Browser, seed: RelaySeed, sender: OfficeUser
) -> None:
    message_id, link = send_simple(seed, sender)
    with recipient_page(browser) as (page, problems):
        page.goto(link)
        page.click("#forgot")
        note = page.locator("#verify-form .notice-info")
        expect(note).to_contain_text("De afzender weet nu dat u de toegangscode niet meer heeft")
        expect(note).to_contain_text(OFFICE["contact_phone"])
        problems.assert_none()
    events = [e for e in seed.events(sender) if e.get("message_id") == message_id]
    assert [(e["kind"], e["detail"]) for e in events][-1] == ("verification_failed", "forgot_code")


@pytest.mark.parametrize("cut", ["none", "short", "garbled"])
def test_incomplete_link_explains_and_asks_for_a_new_notification(
    browser: Browser, seed: RelaySeed, sender: OfficeUser, cut: str
) -> None:
    message_id, link = send_simple(seed, sender)
    base, fragment = link.split("#", 1)
    broken = {
        "none": base,
        "short": f"{base}#{fragment[:30]}",  # e.g. a line break in a PDF cut it
        "garbled": f"{base}#{fragment[:-1]}=",
    }[cut]
    with recipient_page(browser) as (page, problems):
        page.goto(broken)
        section = page.locator("section[data-state=fragment]")
        expect(section.locator("h2")).to_have_text("Deze link is niet compleet")
        expect(section).to_contain_text("Vraag de afzender om u een nieuwe melding te sturen.")
        expect(page.locator("[data-testid=sender]")).to_contain_text("Anna de Vries")
        expect(page.locator("#access-code")).to_have_count(0)
        problems.assert_none()
    assert event_kinds(seed, sender, message_id) == ["link_fetched"]


def test_revoked_expired_and_unknown_links_are_clear_pages(
    browser: Browser, seed: RelaySeed, sender: OfficeUser
) -> None:
    revoked_id, revoked_link = send_simple(seed, sender)
    seed.revoke(sender, revoked_id)
    soon = (datetime.now(UTC) + timedelta(seconds=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    _, expired_link = send_simple(seed, sender, expires_at=soon)
    state_url = expired_link.split("#")[0].replace("/m/", "/api/v1/r/")
    deadline = time.monotonic() + 10
    while httpx.get(state_url).json()["state"] != "expired":
        assert time.monotonic() < deadline, "the message did not expire"
        time.sleep(0.2)
    unknown = re.sub(r"/m/[0-9a-f]{32}/", "/m/" + "0" * 32 + "/", revoked_link)
    expected = [
        (revoked_link, "revoked", "Dit bericht is ingetrokken door de afzender"),
        (expired_link, "expired", "Dit bericht is verlopen"),
        (unknown, "unknown", "Deze link werkt niet"),
    ]
    with recipient_page(browser) as (page, problems):
        for link, state, title in expected:
            page.goto(link)
            expect(page.locator(f"section[data-state={state}] h1")).to_have_text(title)
            expect(page.locator("#access-code")).to_have_count(0)
        problems.assert_none()


def test_english_by_switch_and_by_browser_language(
    browser: Browser, seed: RelaySeed, sender: OfficeUser
) -> None:
    _, link = send_simple(seed, sender)
    with recipient_page(browser) as (page, problems):
        page.goto(link)
        expect(page.locator("#open")).to_have_text("Openen")
        page.click("#lang-switch")
        expect(page.locator("#open")).to_have_text("Open")
        expect(page.locator("label[for=access-code]")).to_have_text("Access code")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        page.fill("#access-code", "wrong")
        page.click("#open")
        expect(page.locator("#code-error")).to_have_text("Wrong access code. 4 tries left.")
        page.click("#lang-switch")
        expect(page.locator("#code-error")).to_have_text("Onjuiste toegangscode. Nog 4 pogingen.")
        problems.assert_none()
    with recipient_page(browser, locale="en-GB") as (page, problems):
        page.goto(link)
        expect(page.locator("#landing-heading")).to_have_text(
            f"Secure message from {OFFICE['name']}"
        )
        problems.assert_none()
    with recipient_page(browser, locale="de-DE") as (page, problems):
        page.goto(link)
        expect(page.locator("#open")).to_have_text("Openen")
        problems.assert_none()


def test_download_all_saves_every_attachment(
    browser: Browser, seed: RelaySeed, sender: OfficeUser
) -> None:
    contents = {"brief.pdf": b"%PDF-1.4 brief", "bijlage 2.txt": "tekst één".encode()}
    attachments = [Attachment.from_bytes(seed.tmp, name, data) for name, data in contents.items()]
    _, link = send_simple(seed, sender, attachments=attachments)
    with recipient_page(browser) as (page, problems):
        downloads = []
        page.on("download", lambda download: downloads.append(download))
        page.goto(link)
        page.fill("#access-code", ACCESS_CODE)
        page.click("#open")
        page.get_by_role("button", name="Alles downloaden").click()
        expect(page.locator(".attachment-status")).to_have_text(["Gedownload", "Gedownload"])
        saved = {d.suggested_filename: d.path().read_bytes() for d in downloads}
        assert saved == contents
        problems.assert_none()


def test_a_replaced_link_points_to_the_newest_notification(
    browser: Browser, seed: RelaySeed, sender: OfficeUser
) -> None:
    jan = Recipient(address="jan@example.test", name="Jan Jansen", access_code=ACCESS_CODE)
    sent = seed.send(sender, [jan], subject="Nieuwe link", body="Tekst.")
    old_link = sent.links[jan.address]
    new_link = seed.rotate(sender, sent, jan)
    with recipient_page(browser) as (page, problems):
        page.goto(old_link)
        expect(page.locator("section[data-state=gone] h1")).to_have_text("Deze link is vervangen")
        expect(page.locator("section[data-state=gone]")).to_contain_text(
            "Gebruik de link uit de nieuwste e-mail."
        )
        page.goto(new_link)
        page.fill("#access-code", ACCESS_CODE)
        page.click("#open")
        expect(page.locator("#thread article h2")).to_have_text("Nieuwe link")
        problems.assert_none()
