"""The recipient page with a one-time code: by SMS (the relay's file gateway) and by e-mail
(delivered through the real SMTP server of the test mail stack and read back over IMAP)."""

from __future__ import annotations

import email
import re
import ssl
import time
from collections.abc import Callable, Iterator
from email.policy import default as default_policy
from pathlib import Path

import pytest
from imapclient import IMAPClient
from playwright.sync_api import Browser, Page, expect

from tests.plugins.relay import RelayProcess
from tests.plugins.services import MailAccount, MailStack
from tests.web.relay_seed import (
    OFFICE,
    OfficeUser,
    Recipient,
    RelaySeed,
    event_kinds,
    recipient_page,
    seed_fixture,  # noqa: F401
    sender_fixture,  # noqa: F401
    sms_codes,
    start_mailing_relay,
)
from zivverdesk.core.model import VerificationMethod

pytestmark = [pytest.mark.browser, pytest.mark.integration]


@pytest.fixture(scope="module", name="page_relay")
def mail_relay_fixture(
    tmp_path_factory: pytest.TempPathFactory, mailstack: MailStack
) -> Iterator[RelayProcess]:
    """A relay that mails through the test stack's SMTP relay port and texts to a file."""
    base = tmp_path_factory.mktemp("codes-relay")
    relay = start_mailing_relay(base, mailstack)
    relay.sms_file = base / "sms.jsonl"  # type: ignore[attr-defined]
    try:
        yield relay
    finally:
        relay.stop()


def wait_for(what: str, probe: Callable[[], str | None], timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        assert time.monotonic() < deadline, f"no {what} within {timeout} s"
        time.sleep(0.2)


def code_from_mailbox(account: MailAccount, seen: set[str]) -> str | None:
    """The verification code of the newest mail in the inbox not read before (over IMAP)."""
    context = ssl.create_default_context(cafile=str(account.ca_file))
    with IMAPClient(
        account.imap_host, port=account.imaps_port, ssl=True, ssl_context=context
    ) as imap:
        imap.login(account.username, account.password)
        imap.select_folder("INBOX", readonly=True)
        for uid, data in sorted(imap.fetch(imap.search(["ALL"]), ["RFC822"]).items()):
            if str(uid) in seen:
                continue
            seen.add(str(uid))
            message = email.message_from_bytes(data[b"RFC822"], policy=default_policy)
            body = message.get_body(preferencelist=("plain",))
            assert body is not None, "a code mail without a plain-text body"
            text = body.get_content()
            match = re.search(r"verificatiecode .* is: (\d{6})", text)
            if match:
                return match.group(1)
    return None


def send(seed: RelaySeed, sender: OfficeUser, recipient: Recipient) -> tuple[str, str]:
    sent = seed.send(
        sender,
        [recipient],
        subject="Uitslag onderzoek",
        body="Zie de bijlage niet: er is geen bijlage. Alleen deze tekst.",
        organisation=OFFICE["name"],
    )
    return sent.message_id, sent.links[recipient.address]


def enter_code(page: Page, code: str) -> None:
    page.fill("#otp", code)
    page.click("#open")


def test_sms_code_opens_the_message(
    browser: Browser, seed: RelaySeed, sender: OfficeUser, page_relay: RelayProcess
) -> None:
    sms_file: Path = page_relay.sms_file  # type: ignore[attr-defined]
    recipient = Recipient(
        address="piet@example.test", method=VerificationMethod.SMS, phone="06 1234 5678"
    )
    message_id, link = send(seed, sender, recipient)
    before = len(sms_codes(sms_file))
    with recipient_page(browser) as (page, problems):
        page.clock.install()
        page.goto(link)
        expect(page.locator("#verify-form")).to_contain_text(
            "We sturen een verificatiecode naar uw mobiele nummer 06 •• •• •• 78."
        )
        expect(page.locator("#send-code")).to_be_focused()
        page.click("#send-code")
        expect(page.locator("#otp-status")).to_have_text(
            "De code is verstuurd. Hij is 10 minuten geldig."
        )
        expect(page.locator("#send-code")).to_have_text("Stuur nieuwe code")
        expect(page.locator("#send-code")).to_be_disabled()
        expect(page.locator("#otp-countdown")).to_contain_text("Over 60 seconden")
        code = wait_for("SMS", lambda: next(reversed(sms_codes(sms_file)[before:]), None))
        wrong = f"{(int(code) + 1) % 1_000_000:06d}"
        enter_code(page, wrong)
        expect(page.locator("#otp-error")).to_have_text("Onjuiste verificatiecode. Nog 4 pogingen.")
        enter_code(page, "12ab")
        expect(page.locator("#otp-error")).to_have_text(
            "Vul de 6 cijfers van de verificatiecode in."
        )
        # After 60 seconds a new code may be asked for.
        page.clock.run_for(61_000)
        expect(page.locator("#send-code")).to_be_enabled()
        expect(page.locator("#otp-countdown")).to_have_text("")
        enter_code(page, code)
        expect(page.locator("#thread article h2")).to_have_text("Uitslag onderzoek")
        problems.assert_none()
    kinds = event_kinds(seed, sender, message_id)
    assert kinds[:4] == ["link_fetched", "verification_failed", "verified", "opened"]


def test_email_code_arrives_over_smtp_and_opens_the_message(
    browser: Browser,
    seed: RelaySeed,
    sender: OfficeUser,
    mail_account: Callable[[str], MailAccount],
) -> None:
    account = mail_account("ontvanger")
    recipient = Recipient(address=account.email, name="Ontvanger", method=VerificationMethod.EMAIL)
    message_id, link = send(seed, sender, recipient)
    masked = f"{account.email[0]}•••@{account.email.split('@')[1]}"
    seen: set[str] = set()
    with recipient_page(browser) as (page, problems):
        page.goto(link)
        expect(page.locator("#verify-form")).to_contain_text(
            f"We sturen een verificatiecode naar uw e-mailadres {masked}."
        )
        page.click("#send-code")
        expect(page.locator("#otp-status")).to_contain_text("De code is verstuurd")
        code = wait_for("code mail", lambda: code_from_mailbox(account, seen))
        enter_code(page, code)
        expect(page.locator("#thread article h2")).to_have_text("Uitslag onderzoek")
        # The code works once: a second browser cannot reuse it.
        problems.assert_none()
    with recipient_page(browser) as (page, problems):
        page.goto(link)
        enter_code(page, code)
        expect(page.locator("#otp-error")).to_contain_text("Onjuiste verificatiecode")
        problems.assert_none()
    kinds = event_kinds(seed, sender, message_id)
    assert kinds[:3] == ["link_fetched", "verified", "opened"]
