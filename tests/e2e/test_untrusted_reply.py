"""A reply whose encrypted manifest does not match what the relay announced (here: it claims
to answer another message) is rejected, shown in the timeline, and does not stop the feed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.harness import FAST_KDF, Browser, link_of, setup_desk, wait_for_notifications
from tests.plugins.mailstack import MailAccount, MailStack
from tests.plugins.relay import RelayProcess
from zivverdesk.core.model import new_id

pytestmark = pytest.mark.integration


def test_forged_reply_is_rejected_and_the_feed_goes_on(
    tmp_path: Path,
    mailstack: MailStack,
    mail_account: Callable[[str], MailAccount],
    relay_server: RelayProcess,
) -> None:
    sender, recipient = mail_account("secretariaat"), mail_account("ontvanger")
    desk = setup_desk(tmp_path / "desk", mailstack, sender, relay_server)
    message_id = desk.run(
        "send",
        "--to",
        recipient.email,
        "--access-code",
        "code-123-abc",
        "--subject",
        "s",
        "--body",
        "b",
        "--kdf-iterations",
        FAST_KDF,
    ).out.strip()
    (note,) = wait_for_notifications(recipient, 1)
    browser = Browser(relay_server.url, link_of(note)[0])
    try:
        browser.verify_access_code("code-123-abc")
        browser.read()
        browser.reply("vervalst", {}, claims_to_answer=new_id())
        good = browser.reply("echt", {})
    finally:
        browser.close()
    desk.run("sync")
    desk.run("sync")
    shown = desk.json("show", message_id)
    replies = [m for m in shown["messages"] if m["direction"] == "in"]
    assert [(m["message_id"], m["body"]) for m in replies] == [(good, "echt")]
    (original,) = [m for m in shown["messages"] if m["message_id"] == message_id]
    kinds = [e["kind"] for e in original["recipients"][0]["timeline"]]
    assert "content_rejected" in kinds
