"""The conversation starter end to end: an outsider writes to the office from /start/{slug},
confirms their address with a code mailed through the real SMTP server, and the message,
sealed in the browser to the office users' keys, lands in an office user's feed and opens
with that user's private key in Python."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, expect

from tests.plugins.relay import RelayProcess
from tests.plugins.services import MailAccount, MailStack
from tests.web.relay_seed import (
    OFFICE,
    OfficeUser,
    RelaySeed,
    artifact_dir,
    enroll_office_user,
    recipient_page,
    seed_fixture,  # noqa: F401
    start_mailing_relay,
)
from tests.web.test_recipient_codes import code_from_mailbox, wait_for
from zivverdesk.crypto.keyschedule import file_key
from zivverdesk.crypto.manifest import open_manifest
from zivverdesk.crypto.stream import decrypt_bytes

pytestmark = [pytest.mark.browser, pytest.mark.integration]


@pytest.fixture(scope="module", name="page_relay")
def starter_relay_fixture(
    tmp_path_factory: pytest.TempPathFactory, mailstack: MailStack
) -> Iterator[RelayProcess]:
    base = tmp_path_factory.mktemp("starter-relay")
    relay = start_mailing_relay(base, mailstack)
    try:
        yield relay
    finally:
        relay.stop()


@pytest.fixture(scope="module")
def office_team(page_relay: RelayProcess, seed: RelaySeed) -> list[OfficeUser]:
    return [
        enroll_office_user(page_relay, seed, "secretariaat@example.test", "Secretariaat"),
        enroll_office_user(page_relay, seed, "adviseur@example.test", "Dr. B. Adviseur"),
    ]


def test_outsider_starts_a_conversation_that_reaches_the_office(
    browser: Browser,
    seed: RelaySeed,
    office_team: list[OfficeUser],
    mail_account: Callable[[str], MailAccount],
) -> None:
    starter = mail_account("patient")
    attachment = seed.tmp / "verwijsbrief.pdf"
    attachment.write_bytes(b"%PDF-1.5\n" + bytes(range(256)) * 2000)
    seen: set[str] = set()
    with recipient_page(browser, width=360, height=800) as (page, problems):
        page.goto(f"{seed.base_url}/start/{OFFICE['starter_slug']}")
        expect(page.locator("#starter-form h1")).to_have_text("Gesprek starten")
        expect(page.locator("#office-name")).to_have_text(OFFICE["name"])
        expect(page.locator("#starter-name")).to_be_focused()
        # Nothing is sent before every field is filled in.
        page.click("#starter-send-code")
        expect(page.locator("#starter-error")).to_have_text(
            "Vul uw naam, e-mailadres, onderwerp en bericht in."
        )
        page.get_by_label("Uw naam").fill("Petra <b>Patiënt</b>")
        page.get_by_label("Uw e-mailadres").fill(starter.email)
        page.get_by_label("Onderwerp").fill("Vraag over mijn keuring")
        page.get_by_label("Bericht").fill("Goedemiddag,\n\nIk heb een vraag over de keuring.")
        page.set_input_files("#starter-files", [str(attachment)])
        expect(page.locator("#starter-file-list li")).to_contain_text("verwijsbrief.pdf")
        page.click("#starter-send-code")
        expect(page.locator("#starter-status")).to_contain_text(starter.email)
        expect(page.locator("#starter-otp")).to_be_focused()
        code = wait_for("code mail", lambda: code_from_mailbox(starter, seen))
        page.screenshot(path=artifact_dir() / "starter-form-360.png", full_page=True)
        page.get_by_label("Verificatiecode").fill(f"{(int(code) + 1) % 1_000_000:06d}")
        page.click("#starter-send")
        # The starter's code has an attempt limit like every other code.
        expect(page.locator("#starter-error")).to_have_text(
            "Onjuiste verificatiecode. Nog 4 pogingen."
        )
        expect(page.locator("#starter-send")).to_be_enabled()
        page.get_by_label("Verificatiecode").fill(code)
        page.click("#starter-send")
        expect(page.locator("#starter-done .notice-ok")).to_contain_text(
            f"Uw bericht is veilig verstuurd naar {OFFICE['name']}."
        )
        expect(page.locator("#starter-again")).to_be_focused()
        page.screenshot(path=artifact_dir() / "starter-sent-360.png", full_page=True)
        problems.assert_none()

    # Every office user gets the message in the feed and can open it with their own key.
    for user in office_team:
        received = [
            e
            for e in seed.events(user)
            if e["kind"] == "message_received" and e.get("detail") == "starter"
        ]
        assert len(received) == 1, received
        message_id = received[0]["message_id"]
        message = seed.message(user, message_id)
        sealed = [s for s in message["sealed"] if s["key_id"] == user.key_id]
        assert len(sealed) == 1
        cek = seed.open_sealed(user, message_id, sealed[0]["sealed_cek"])
        manifest = open_manifest(seed.blob(user, message["blobs"][0]["blob_id"]), cek)
        assert manifest.message_id == message_id
        assert manifest.in_reply_to is None
        assert manifest.sender.name == "Petra <b>Patiënt</b>"
        assert manifest.sender.address == starter.email
        assert manifest.sender.key_fingerprint is None
        assert manifest.subject == "Vraag over mijn keuring"
        assert manifest.body == "Goedemiddag,\n\nIk heb een vraag over de keuring."
        (entry,) = manifest.attachments
        plain = decrypt_bytes(seed.blob(user, entry.blob_id), file_key(cek, entry.blob_id))
        assert plain == attachment.read_bytes()
        assert entry.sha256 == hashlib.sha256(plain).hexdigest()
