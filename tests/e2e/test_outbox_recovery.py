"""The outbox under failure: a crash at any step resumes without duplicates; an SMTP outage
keeps the message waiting with its reason and sends it once later; a recipient without a
method stops the send before anything leaves."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.harness import (
    FAST_KDF,
    Browser,
    link_of,
    notifications,
    setup_desk,
    wait_for_notifications,
)
from tests.plugins.mailstack import MailAccount, MailStack
from tests.plugins.relay import RelayProcess
from zivverdesk.core.secret import Secret
from zivverdesk.crypto.keyring_backend import INSECURE_ENV
from zivverdesk.services.outbox_runner import CRASH_ENV
from zivverdesk.services.profile import Profile

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("crash_at", ["upload", "notify", "report"])
def test_crash_between_steps_gives_exactly_one_notification(
    crash_at: str,
    tmp_path: Path,
    mailstack: MailStack,
    mail_account: Callable[[str], MailAccount],
    relay_server: RelayProcess,
) -> None:
    sender, recipient = mail_account("secretariaat"), mail_account("ontvanger")
    desk = setup_desk(tmp_path / "desk", mailstack, sender, relay_server)
    crashed = desk.run_process(
        "send",
        "--to",
        recipient.email,
        "--email-code",
        "--subject",
        "Na de stroomstoring",
        "--body",
        "inhoud",
        extra_env={CRASH_ENV: crash_at},
    )
    assert crashed.code == 86, crashed.err
    (job,) = desk.json("outbox")
    assert job["status"] == "queued"
    if crash_at != "report":
        assert notifications(recipient) == []

    desk.run("sync")
    desk.run("sync")  # a second pass must not send again
    found = wait_for_notifications(recipient, 1)
    assert len(found) == 1
    # Mail delivery is asynchronous: give a stray duplicate the time to arrive, then recount.
    assert len(wait_for_notifications(recipient, 2, timeout=2)) == 1
    assert desk.json("outbox") == []
    (done,) = desk.json("outbox", "--all")
    assert done["status"] == "done"
    shown = desk.json("show", done["message_id"])
    (r,) = shown["messages"][0]["recipients"]
    assert r["state"] == "delivered"
    assert [e["kind"] for e in r["timeline"]].count("notification_accepted") == 1
    # The link in the one notification works.
    browser = Browser(relay_server.url, link_of(found[0])[0])
    try:
        assert browser.info()["method"] == "email"
    finally:
        browser.close()


def test_smtp_outage_waits_with_reason_then_sends_once(
    tmp_path: Path,
    mailstack: MailStack,
    mail_account: Callable[[str], MailAccount],
    relay_server: RelayProcess,
) -> None:
    sender, recipient = mail_account("secretariaat"), mail_account("ontvanger")
    desk = setup_desk(tmp_path / "desk", mailstack, sender, relay_server)
    mailstack.stop_smtp()
    try:
        queued = desk.run(
            "send",
            "--to",
            recipient.email,
            "--access-code",
            "afgesproken-1",
            "--subject",
            "Tijdens storing",
            "--body",
            "inhoud",
            "--kdf-iterations",
            FAST_KDF,
            ok=False,
        )
        assert queued.code == 75, queued.err
        message_id = queued.out.strip()
        (job,) = desk.json("outbox")
        assert job["status"] == "waiting" and job["message_id"] == message_id
        assert "niet bereikbaar" in job["last_error"] and "cannot be reached" in job["last_error"]
        # Still down: another attempt keeps it waiting, nothing is sent in plain text either.
        desk.run("sync", ok=False)
        (job,) = desk.json("outbox")
        assert job["status"] == "waiting" and job["attempts"] == 2
    finally:
        mailstack.start_smtp()
    assert notifications(recipient) == []
    desk.run("sync")
    assert len(wait_for_notifications(recipient, 1)) == 1
    assert desk.json("outbox") == []
    desk.run("sync")
    assert len(wait_for_notifications(recipient, 2, timeout=2)) == 1
    assert all("Tijdens storing" not in str(m) for m in notifications(recipient))


def test_recipient_without_method_blocks_before_anything_leaves(
    tmp_path: Path,
    mailstack: MailStack,
    mail_account: Callable[[str], MailAccount],
    relay_server: RelayProcess,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sender, ok_recipient, bare = (
        mail_account("secretariaat"),
        mail_account("bekend"),
        mail_account("onbekend"),
    )
    desk = setup_desk(tmp_path / "desk", mailstack, sender, relay_server)
    desk.run("contact", "add", ok_recipient.email, "--mobile", "+31612345678")
    result = desk.run(
        "send",
        "--to",
        ok_recipient.email,
        "--to",
        bare.email,
        "--subject",
        "Niet zonder code",
        "--body",
        "inhoud",
        ok=False,
    )
    assert result.code == 2
    (line,) = result.err.strip().splitlines()
    assert bare.email in line and "geen verificatiemethode" in line
    assert ok_recipient.email not in line
    assert desk.json("outbox", "--all") == []
    assert desk.json("list") == []
    assert notifications(ok_recipient) == [] and notifications(bare) == []
    # The relay saw nothing from this desk: no event of its feed is about a message of ours.
    # (Checked per message rather than "the feed is empty", so that a colleague's shared
    # message on the same relay cannot make this test pass or fail.)
    monkeypatch.setenv(INSECURE_ENV, "1")
    with Profile.open(desk.home) as profile, profile.relay_client() as relay:
        me = profile.enrollment().user_id
        for event in relay.events(None, wait=0).items:
            assert event.message_id is not None
            assert relay.get_message(event.message_id)["sender_user_id"] != me
    assert json.dumps(desk.json("list")) == "[]"


def test_rejected_password_keeps_the_message_waiting_until_it_is_fixed(
    tmp_path: Path,
    mailstack: MailStack,
    mail_account: Callable[[str], MailAccount],
    relay_server: RelayProcess,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sender, recipient = mail_account("secretariaat"), mail_account("ontvanger")
    desk = setup_desk(tmp_path / "desk", mailstack, sender, relay_server)
    # The mail server's password changed behind the desk's back (stored: an old one).
    with pytest.raises(AssertionError, match=r"weigert|refuses"):
        desk.run(
            "account",
            "password",
            "--email",
            sender.email,
            "--password-stdin",
            stdin="oud-wachtwoord\n",
        )
    monkeypatch.setenv(INSECURE_ENV, "1")
    with Profile.open(desk.home) as profile:
        profile.vault.set_mail_password(profile.account().id, Secret("oud-wachtwoord"))
    queued = desk.run(
        "send",
        "--to",
        recipient.email,
        "--email-code",
        "--subject",
        "Wachtwoord",
        "--body",
        "inhoud",
        ok=False,
    )
    assert queued.code == 75
    (job,) = desk.json("outbox")
    assert job["status"] == "waiting" and job["last_error"]
    desk.run(
        "account",
        "password",
        "--email",
        sender.email,
        "--password-stdin",
        stdin=sender.password + "\n",
    )
    desk.run("sync")
    assert len(wait_for_notifications(recipient, 1)) == 1
    assert desk.json("outbox") == []


def test_relay_outage_waits_then_sends_once(
    tmp_path: Path,
    mailstack: MailStack,
    mail_account: Callable[[str], MailAccount],
    relay_factory: Callable[..., RelayProcess],
) -> None:
    relay = relay_factory()
    sender, recipient = mail_account("secretariaat"), mail_account("ontvanger")
    desk = setup_desk(tmp_path / "desk", mailstack, sender, relay)
    relay.stop()
    try:
        queued = desk.run(
            "send",
            "--to",
            recipient.email,
            "--email-code",
            "--subject",
            "Relay weg",
            "--body",
            "inhoud",
            ok=False,
        )
        assert queued.code == 75, queued.err
        (job,) = desk.json("outbox")
        assert job["status"] == "waiting" and relay.url.split("//")[1] in job["last_error"]
    finally:
        relay.start()
    assert notifications(recipient) == []  # no link without the message on the relay
    desk.run("sync")
    assert len(wait_for_notifications(recipient, 1)) == 1
    assert desk.json("outbox") == []
