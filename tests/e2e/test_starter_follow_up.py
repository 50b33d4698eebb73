"""The conversation starter's follow-up link end to end: the starter page in Chromium makes
the link and registers the starter as an e-mail-code recipient; the office desk's sync mails
the link (once) through the secretary's own SMTP account; the office answers; the link from
the mail, opened in Chromium with an e-mail code, shows the starter's message and the answer.
The relay never sees the link secret (it travels inside the sealed manifest)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.e2e.harness import link_of, notifications, setup_desk, wait_for_notifications
from tests.e2e.test_followup_and_team import _relay_with_mail
from tests.plugins.mailstack import MailAccount, MailStack
from tests.plugins.relay import RelayProcess
from tests.web.test_recipient_codes import code_from_mailbox, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.browser]


def _relay_events(relay: RelayProcess, message_id: str) -> list[tuple[str, str | None]]:
    from zivverdesk.relay.db.engine import Database
    from zivverdesk.relay.db.schema import events

    db = Database(relay.database or f"sqlite:///{relay.data_dir / 'relay.sqlite3'}", pool_size=1)
    try:
        with db.read() as conn:
            rows = conn.execute(
                select(events.c.kind, events.c.recipient_id)
                .where(events.c.message_id == message_id)
                .order_by(events.c.seq)
            ).all()
    finally:
        db.dispose()
    return [(r.kind, r.recipient_id) for r in rows]


def test_starter_follows_the_conversation_through_the_mailed_link(
    tmp_path: Path,
    mailstack: MailStack,
    mail_account: Callable[[str], MailAccount],
    relay_factory: Callable[..., RelayProcess],
    page: Page,
) -> None:
    relay = _relay_with_mail(relay_factory, mailstack)
    secretary, outsider = mail_account("secretariaat"), mail_account("burger")
    desk = setup_desk(tmp_path / "desk", mailstack, secretary, relay)
    seen: set[str] = set()
    expect.set_options(timeout=20_000)

    # The starter writes from the page; it shows the follow-up link once.
    page.goto(f"{relay.url}/start/ab")
    page.fill("#starter-name", "J. Burger")
    page.fill("#starter-email", outsider.email)
    page.fill("#starter-subject", "Vraag over de keuring")
    page.fill("#starter-body", "Wanneer kan ik komen?")
    page.click("#starter-send-code")
    code = wait_for("starter code", lambda: code_from_mailbox(outsider, seen))
    page.fill("#starter-otp", code)
    page.click("#starter-send")
    expect(page.locator("#starter-done")).to_be_visible()
    shown_link = page.locator("#starter-link").input_value()
    match = re.fullmatch(
        rf"{re.escape(relay.url)}/m/([0-9a-f]{{32}})/([0-9a-f]{{32}})#([A-Za-z0-9_-]{{43}})",
        shown_link,
    )
    assert match, shown_link
    starter_id, starter_rid, secret = match.groups()

    # The desk imports the message and mails the starter the same link, once.
    desk.run("sync")
    (notice,) = wait_for_notifications(outsider, 1)
    link, mailed_message, mailed_rid, fragment = link_of(notice)
    assert (link, mailed_message, mailed_rid, fragment) == (
        shown_link,
        starter_id,
        starter_rid,
        secret,
    )
    desk.run("sync")
    accepted = [
        rid for kind, rid in _relay_events(relay, starter_id) if kind == "notification_accepted"
    ]
    assert accepted == [starter_rid]
    assert len(notifications(outsider)) == 1
    # Nothing about the link secret reached the relay's database or log.
    for stored in relay.data_dir.rglob("*"):
        if stored.is_file():
            assert secret.encode() not in stored.read_bytes(), stored
    assert secret not in relay.log_file.read_text(encoding="utf-8", errors="replace")

    # The office answers in the conversation.
    conversation_id = desk.json("list", "--to-review")[0]["id"]
    desk.run("reply", conversation_id, "--body", "Dinsdag om tien uur.")
    wait_for_notifications(outsider, 2)

    # The starter opens the mailed link with an e-mail code and sees the thread.
    page.goto(link)
    page.click("#send-code")
    code = wait_for("follow-up code", lambda: code_from_mailbox(outsider, seen))
    page.fill("#otp", code)
    page.click("#open")
    articles = page.locator("#thread article")
    expect(articles).to_have_count(2)
    expect(articles.nth(0)).to_contain_text("Wanneer kan ik komen?")
    expect(articles.nth(1)).to_contain_text("Dinsdag om tien uur.")
