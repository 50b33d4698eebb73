"""The "Dit apparaat onthouden" choice in Chromium against a real relay whose office allows it: an
access code kept (encrypted) in this browser, and a device key registered with the relay for
SMS recipients. Ticked → the next message opens without a code; not ticked → asked; expired
or forgotten → asked; a forged signature → refused. (Office setting off → no checkbox: see
test_recipient_access_code.py.)"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.plugins.relay import RelayProcess
from tests.web.relay_seed import (
    ACCESS_CODE,
    OFFICE,
    OfficeUser,
    Recipient,
    RelaySeed,
    recipient_page,
    relay_settings,
    sms_codes,
    start_relay,
)
from zivverdesk.core.model import VerificationMethod

pytestmark = [pytest.mark.browser, pytest.mark.integration]


@pytest.fixture(scope="module")
def remember_relay(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RelayProcess]:
    base = tmp_path_factory.mktemp("remember-relay")
    settings = relay_settings(base, office={"remember_device": True, "remember_device_days": 30})
    relay = start_relay(base, settings)
    relay.sms_file = base / "sms.jsonl"  # type: ignore[attr-defined]
    try:
        yield relay
    finally:
        relay.stop()


@pytest.fixture(scope="module")
def seed(remember_relay: RelayProcess) -> Iterator[RelaySeed]:
    client = RelaySeed(remember_relay.url)
    try:
        yield client
    finally:
        client.close()


@pytest.fixture(scope="module")
def sender(remember_relay: RelayProcess, seed: RelaySeed) -> OfficeUser:
    email, name = "anna.devries@example.test", "Anna de Vries"
    return seed.enroll(remember_relay.enrollment_code(email, name), email=email, name=name)


@contextmanager
def relay_database(relay: RelayProcess) -> Iterator[Any]:
    from zivverdesk.relay.db.engine import Database

    db = Database(relay.database or f"sqlite:///{relay.data_dir / 'relay.sqlite3'}", pool_size=1)
    try:
        yield db
    finally:
        db.dispose()


def send(
    seed: RelaySeed, sender: OfficeUser, recipient: Recipient, subject: str
) -> tuple[str, str]:
    sent = seed.send(
        sender, [recipient], subject=subject, body="Tekst.", organisation=OFFICE["name"]
    )
    return sent.message_id, sent.links[recipient.address]


def verified_details(seed: RelaySeed, sender: OfficeUser, message_id: str) -> list[str]:
    return [
        e["detail"]
        for e in seed.events(sender)
        if e.get("message_id") == message_id and e["kind"] == "verified"
    ]


def open_with_code(page: Page, link: str, *, remember: bool, code: str = ACCESS_CODE) -> None:
    page.goto(link)
    page.fill("#access-code", code)
    if remember:
        page.check("#remember-device")
    page.click("#open")


def expire_local_entries(page: Page) -> None:
    """Move every remembered entry's expiry into the past, as if 30 days went by."""
    page.evaluate(
        """() => new Promise((resolve, reject) => {
            const open = indexedDB.open("zivverdesk-remember", 1);
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
              const tx = open.result.transaction("entries", "readwrite");
              const store = tx.objectStore("entries");
              store.getAll().onsuccess = (event) => {
                for (const entry of event.target.result) {
                  entry.expiresAt = Date.now() - 1000;
                  store.put(entry);
                }
              };
              tx.oncomplete = () => { open.result.close(); resolve(); };
              tx.onerror = () => reject(tx.error);
            };
        })"""
    )


def test_access_code_is_remembered_expires_and_is_forgotten(
    browser: Browser, seed: RelaySeed, sender: OfficeUser
) -> None:
    address = "jan.remember@example.test"
    person = Recipient(address=address, name="Jan", access_code=ACCESS_CODE)
    first_id, first = send(seed, sender, person, "Eerste bericht")
    second_id, second = send(seed, sender, person, "Tweede bericht")
    third_id, third = send(seed, sender, person, "Derde bericht")
    with recipient_page(browser) as (page, problems):
        page.goto(first)
        expect(page.locator("#remember-device")).not_to_be_checked()
        expect(page.locator("label[for=remember-device]")).to_have_text("Dit apparaat onthouden")
        expect(page.locator("#remember-hint")).to_contain_text("30 dagen")
        open_with_code(page, first, remember=True)
        expect(page.locator("#thread article h2")).to_have_text("Eerste bericht")
        expect(page.locator("#remember")).to_contain_text("Dit apparaat wordt onthouden tot")
        # The next message to the same address opens without the code being typed.
        page.goto(second)
        expect(page.locator("#thread article h2")).to_have_text("Tweede bericht")
        expect(page.locator("#access-code")).to_have_count(0)
        assert verified_details(seed, sender, second_id) == ["remembered_device"]
        # After the remembering period the code is asked again.
        expire_local_entries(page)
        page.goto(third)
        expect(page.locator("#access-code")).to_be_visible()
        expect(page.locator("#remember-notice")).to_have_count(0)
        open_with_code(page, third, remember=True)
        expect(page.locator("#thread article h2")).to_have_text("Derde bericht")
        # Forget: the device no longer opens without the code.
        page.click("#forget-device")
        expect(page.locator("#remember-status")).to_have_text(
            "Dit apparaat is vergeten. De volgende keer vragen we weer om een code."
        )
        page.goto(second)
        expect(page.locator("#access-code")).to_be_visible()
        problems.assert_none()
    assert verified_details(seed, sender, first_id) == [""]
    assert verified_details(seed, sender, third_id) == [""]


def test_not_ticked_means_asked_and_another_code_is_asked_for(
    browser: Browser, seed: RelaySeed, sender: OfficeUser
) -> None:
    person = Recipient(address="els@example.test", name="Els", access_code=ACCESS_CODE)
    _, first = send(seed, sender, person, "Bericht één")
    _, second = send(seed, sender, person, "Bericht twee")
    other_code = Recipient(address="els@example.test", name="Els", access_code="Ander-9753")
    _, third = send(seed, sender, other_code, "Bericht drie")
    with recipient_page(browser) as (page, problems):
        open_with_code(page, first, remember=False)
        expect(page.locator("#thread article h2")).to_have_text("Bericht één")
        expect(page.locator("#remember")).to_have_count(0)
        page.goto(second)
        expect(page.locator("#access-code")).to_be_visible()
        # Remembered, but the next message has another code: the page says so and asks.
        open_with_code(page, second, remember=True)
        expect(page.locator("#thread article h2")).to_have_text("Bericht twee")
        page.goto(third)
        expect(page.locator("#remember-notice")).to_contain_text(
            "De onthouden toegangscode past niet bij dit bericht"
        )
        open_with_code(page, third, remember=False, code="Ander-9753")
        expect(page.locator("#thread article h2")).to_have_text("Bericht drie")
        problems.assert_none()


def wait_for_sms(sms_file: Path, before: int) -> str:
    deadline = time.monotonic() + 20
    while len(sms_codes(sms_file)) <= before:
        assert time.monotonic() < deadline, "no SMS code"
        time.sleep(0.1)
    return sms_codes(sms_file)[-1]


def open_with_sms(page: Page, link: str, sms_file: Path, *, remember: bool) -> None:
    page.goto(link)
    before = len(sms_codes(sms_file))
    page.click("#send-code")
    code = wait_for_sms(sms_file, before)
    page.fill("#otp", code)
    if remember:
        page.check("#remember-device")
    page.click("#open")


def test_sms_device_key_is_remembered_refused_when_forged_and_forgotten(
    browser: Browser, seed: RelaySeed, sender: OfficeUser, remember_relay: RelayProcess
) -> None:
    from sqlalchemy import update

    from zivverdesk.relay.db.schema import remembered_devices

    sms_file: Path = remember_relay.sms_file  # type: ignore[attr-defined]
    person = Recipient(
        address="piet.remember@example.test", method=VerificationMethod.SMS, phone="0612345678"
    )
    links = [send(seed, sender, person, f"Sms-bericht {n}") for n in range(1, 5)]
    with recipient_page(browser) as (page, problems):
        open_with_sms(page, links[0][1], sms_file, remember=True)
        expect(page.locator("#thread article h2")).to_have_text("Sms-bericht 1")
        expect(page.locator("#remember")).to_be_visible()
        page.goto(links[1][1])
        expect(page.locator("#thread article h2")).to_have_text("Sms-bericht 2")
        expect(page.locator("#otp")).to_have_count(0)
        assert verified_details(seed, sender, links[1][0]) == ["remembered_device"]
        # A forged key in place of the remembered one: the relay refuses its signature.
        page.evaluate(
            """() => new Promise(async (resolve, reject) => {
                const forged = await crypto.subtle.generateKey(
                  { name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"]);
                const open = indexedDB.open("zivverdesk-remember", 1);
                open.onsuccess = () => {
                  const tx = open.result.transaction("entries", "readwrite");
                  const store = tx.objectStore("entries");
                  store.getAll().onsuccess = (event) => {
                    for (const entry of event.target.result) {
                      entry.privateKey = forged.privateKey;
                      store.put(entry);
                    }
                  };
                  tx.oncomplete = () => { open.result.close(); resolve(); };
                  tx.onerror = () => reject(tx.error);
                };
            })"""
        )
        page.goto(links[2][1])
        expect(page.locator("#remember-notice")).to_contain_text("niet meer onthouden")
        expect(page.locator("#send-code")).to_be_visible()
        failed = [
            e["detail"]
            for e in seed.events(sender)
            if e.get("message_id") == links[2][0] and e["kind"] == "verification_failed"
        ]
        assert failed == ["bad_device_signature"]
        # Remember again, then let the relay's record expire: asked again.
        open_with_sms(page, links[2][1], sms_file, remember=True)
        expect(page.locator("#thread article h2")).to_have_text("Sms-bericht 3")
        with relay_database(remember_relay) as db, db.write() as conn:
            conn.execute(
                update(remembered_devices).values(
                    expires_at=datetime.now(UTC) - timedelta(seconds=1)
                )
            )
        page.goto(links[3][1])
        expect(page.locator("#remember-notice")).to_contain_text("niet meer onthouden")
        # Remember once more and forget from the page: the relay forgets the key too.
        open_with_sms(page, links[3][1], sms_file, remember=True)
        expect(page.locator("#thread article h2")).to_have_text("Sms-bericht 4")
        page.click("#forget-device")
        expect(page.locator("#remember-status")).to_contain_text("Dit apparaat is vergeten")
        with relay_database(remember_relay) as db, db.read() as conn:
            left = conn.execute(
                remembered_devices.select().where(
                    remembered_devices.c.expires_at > datetime.now(UTC)
                )
            ).all()
        assert left == []
        page.goto(links[0][1])
        expect(page.locator("#send-code")).to_be_visible()
        expect(page.locator("#remember-notice")).to_have_count(0)
        problems.assert_none()
