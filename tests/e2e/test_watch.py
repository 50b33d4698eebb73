"""`sync --watch`: new mail arrives through IMAP IDLE and relay events through the feed
while the loop runs; stopping it ends every thread."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.harness import Browser, link_of, setup_desk, wait_for_notifications
from tests.e2e.test_followup_and_team import _relay_with_mail
from tests.e2e.test_plain_mail import _mail
from tests.plugins.mailstack import MailAccount, MailStack
from tests.plugins.relay import RelayProcess
from zivverdesk.crypto.keyring_backend import INSECURE_ENV
from zivverdesk.services.profile import Profile
from zivverdesk.services.sync import watch

pytestmark = pytest.mark.integration


def _wait(condition: Callable[[], bool], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.1)


def test_watch_picks_up_mail_and_feed_events(
    tmp_path: Path,
    mailstack: MailStack,
    mail_account: Callable[[str], MailAccount],
    relay_factory: Callable[..., RelayProcess],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    relay = _relay_with_mail(relay_factory, mailstack)
    me, other = mail_account("secretariaat"), mail_account("collega")
    desk = setup_desk(tmp_path / "desk", mailstack, me, relay)
    message_id = desk.run(
        "send", "--to", other.email, "--email-code", "--subject", "Kijk", "--body", "b"
    ).out.strip()
    (note,) = wait_for_notifications(other, 1)
    monkeypatch.setenv(INSECURE_ENV, "1")
    stop = threading.Event()
    with Profile.open(desk.home) as profile:
        runner = threading.Thread(
            target=watch, args=(profile,), kwargs={"stop": stop, "feed_wait": 1}
        )
        runner.start()
        try:
            _mail(other, me.email, "Tijdens het kijken", "nieuw")
            _wait(
                lambda: any(
                    m.subject == "Tijdens het kijken" for m in profile.store.mailbox.messages()
                )
            )
            browser = Browser(relay.url, link_of(note)[0])
            try:
                browser.verify_email_code(other)
                browser.read()  # the recipient opens the message: the feed reports it
            finally:
                browser.close()
            _wait(lambda: profile.store.secure.recipients(message_id)[0].state.value == "opened")
        finally:
            stop.set()
            runner.join(timeout=60)
        assert not runner.is_alive()
