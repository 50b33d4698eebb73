"""The recipient page says until when the message can be opened, in Chromium against a real
relay: the date written out in the reader's time zone and language, under the sender and
above the opened conversation, and a stronger notice when fewer than 3 days remain."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, expect

from tests.web.relay_seed import (
    ACCESS_CODE,
    OFFICE,
    Attachment,
    OfficeUser,
    Recipient,
    RelaySeed,
    artifact_dir,
    page_relay_fixture,  # noqa: F401
    recipient_page,
    seed_fixture,  # noqa: F401
    sender_fixture,  # noqa: F401
)
from tests.web.test_recipient_rendering import no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.integration]

READER_ZONE = "Europe/Amsterdam"
MONTHS = {
    "nl": "januari februari maart april mei juni juli augustus september oktober november december",
    "en": "January February March April May June July August September October November December",
}


def written_out(moment: datetime, lang: str) -> str:
    """What a reader in Amsterdam should see: "8 december 2026 om 00:30" (or English)."""
    local = moment.astimezone(ZoneInfo(READER_ZONE))
    month = MONTHS[lang].split()[local.month - 1]
    joint = "om" if lang == "nl" else "at"
    return f"{local.day} {month} {local.year} {joint} {local:%H:%M}"


def send(seed: RelaySeed, sender: OfficeUser, expires: datetime) -> str:
    attachment = Attachment.from_bytes(seed.tmp, "rapport.pdf", b"%PDF-1.4 rapport")
    sent = seed.send(
        sender,
        [Recipient(address="jan@example.test", name="Jan Jansen", access_code=ACCESS_CODE)],
        subject="Uw rapport",
        body="Beste Jan,\n\nHierbij het rapport.",
        attachments=[attachment],
        organisation=OFFICE["name"],
        expires_at=expires.strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    return sent.links["jan@example.test"]


def test_available_until_in_the_readers_time_zone_and_language(
    browser: Browser, seed: RelaySeed, sender: OfficeUser
) -> None:
    # 23:30 UTC is already the next day in Amsterdam: the date must be the reader's own.
    day = (datetime.now(UTC) + timedelta(days=60)).date()
    expires = datetime(day.year, day.month, day.day, 23, 30, tzinfo=UTC)
    link = send(seed, sender, expires)
    dutch = f"Beschikbaar tot {written_out(expires, 'nl')}"
    english = f"Available until {written_out(expires, 'en')}"
    assert written_out(expires, "nl").split()[0] != str(day.day)
    with recipient_page(browser, timezone_id=READER_ZONE) as (page, problems):
        page.goto(link)
        card = page.locator("section[aria-labelledby=landing-heading]")
        expect(card.locator(".available-until")).to_have_text(dutch)
        expect(page.locator(".near-expiry")).to_have_count(0)
        page.click("#lang-switch")
        expect(card.locator(".available-until")).to_have_text(english)
        page.click("#lang-switch")
        page.fill("#access-code", ACCESS_CODE)
        page.click("#open")
        expect(page.locator("#thread article")).to_have_count(1)
        # Once open the sender card goes, and the date stays above the conversation.
        expect(page.locator("#main > .availability .available-until")).to_have_text(dutch)
        expect(page.locator(".near-expiry")).to_have_count(0)
        problems.assert_none()
    with recipient_page(browser, locale="en-GB", timezone_id=READER_ZONE) as (page, problems):
        page.goto(link)
        expect(page.locator(".available-until")).to_have_text(english)
        problems.assert_none()


def test_fewer_than_three_days_left_asks_to_download_in_time(
    browser: Browser, seed: RelaySeed, sender: OfficeUser
) -> None:
    expires = datetime.now(UTC) + timedelta(days=2, hours=2)
    link = send(seed, sender, expires)
    dutch = "Bewaar op tijd wat u nodig hebt: dit bericht is nog 2 dagen beschikbaar."
    # On a phone's width: the notice wraps instead of widening the page.
    with recipient_page(browser, width=360, timezone_id=READER_ZONE) as (page, problems):
        page.goto(link)
        expect(page.locator(".available-until")).to_have_text(
            f"Beschikbaar tot {written_out(expires, 'nl')}"
        )
        expect(page.locator(".near-expiry")).to_have_text(dutch)
        no_horizontal_scroll(page)
        page.screenshot(path=artifact_dir() / "recipient-near-expiry-360.png", full_page=True)
        page.click("#lang-switch")
        expect(page.locator(".near-expiry")).to_have_text(
            "Save what you need in time: this message is available for 2 more days."
        )
        page.click("#lang-switch")
        page.fill("#access-code", ACCESS_CODE)
        page.click("#open")
        expect(page.locator("#thread article")).to_have_count(1)
        expect(page.locator("#main > .availability .near-expiry")).to_have_text(dutch)
        no_horizontal_scroll(page)
        page.screenshot(
            path=artifact_dir() / "recipient-near-expiry-thread-360.png", full_page=True
        )
        problems.assert_none()


def test_hours_left_are_said_in_hours(
    browser: Browser, seed: RelaySeed, sender: OfficeUser
) -> None:
    link = send(seed, sender, datetime.now(UTC) + timedelta(hours=5, minutes=30))
    with recipient_page(browser, locale="en-GB") as (page, problems):
        page.goto(link)
        expect(page.locator(".near-expiry")).to_have_text(
            "Save what you need in time: this message is available for 5 more hours."
        )
        page.click("#lang-switch")
        expect(page.locator(".near-expiry")).to_have_text(
            "Bewaar op tijd wat u nodig hebt: dit bericht is nog 5 uur beschikbaar."
        )
        problems.assert_none()
