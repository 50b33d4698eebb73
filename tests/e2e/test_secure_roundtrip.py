"""Send → notification over real SMTP/IMAP → the recipient reads in "the browser" (Python,
same crypto as the page) → replies with an attachment → the desk gets it via the relay feed
and decrypts it. Also: the store file holds none of the secrets."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.harness import FAST_KDF, Browser, link_of, setup_desk, wait_for_notifications
from tests.plugins.mailstack import MailAccount, MailStack
from tests.plugins.relay import RelayProcess
from zivverdesk.crypto.keyring_backend import INSECURE_ENV
from zivverdesk.services.conversations import mark_read
from zivverdesk.services.profile import Profile

pytestmark = pytest.mark.integration


def test_send_read_reply_and_fetch_the_reply(
    tmp_path: Path,
    mailstack: MailStack,
    mail_account: Callable[[str], MailAccount],
    relay_server: RelayProcess,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sender, recipient = mail_account("secretariaat"), mail_account("ontvanger")
    desk = setup_desk(tmp_path / "desk", mailstack, sender, relay_server)
    subject, body, code = "Uitslag onderzoek Jansen", "Geachte heer Jansen, bijgaand.", "QX7-k9-P2m"
    letter = tmp_path / "brief-jansen.pdf"
    letter.write_bytes(b"%PDF-1.4 vertrouwelijke brief " * 1000)

    sent = desk.run(
        "send",
        "--to",
        recipient.email,
        "--access-code-stdin",  # not in the process list
        "--subject",
        subject,
        "--body",
        body,
        "--attach",
        str(letter),
        "--kdf-iterations",
        FAST_KDF,
        stdin=f"{code}\n",
    )
    message_id = sent.out.strip().splitlines()[-1]

    (notification,) = wait_for_notifications(recipient, 1)
    url, link_mid, _rid, fragment = link_of(notification)
    assert link_mid == message_id and url.startswith(relay_server.url)
    assert len(fragment) == 43
    assert notification["Subject"] == "Beveiligd bericht van Medisch Advies Test"
    html = notification.get_body(preferencelist=("html",))
    assert html is not None and "Klik voor bericht" in html.get_content()

    browser = Browser(relay_server.url, url)
    try:
        browser.verify_access_code("qx7 K9 p2M")  # normalised like the page does
        manifest, files = browser.read()
        assert (manifest.subject, manifest.body) == (subject, body)
        assert files == {"brief-jansen.pdf": letter.read_bytes()}
        reply_id = browser.reply("Dank u, zie bijlage.", {"reactie.txt": b"mijn reactie"})
    finally:
        browser.close()

    desk.run("sync")
    shown = desk.json("show", message_id)
    replies = [m for m in shown["messages"] if m["direction"] == "in"]
    assert [m["message_id"] for m in replies] == [reply_id]
    assert replies[0]["body"] == "Dank u, zie bijlage."
    assert [a["name"] for a in replies[0]["attachments"]] == ["reactie.txt"]
    out = tmp_path / "saved.txt"
    desk.run("save-attachment", reply_id, "reactie.txt", "--to", str(out))
    assert out.read_bytes() == b"mijn reactie"
    (original,) = [m for m in shown["messages"] if m["message_id"] == message_id]
    (state,) = original["recipients"]
    kinds = [e["kind"] for e in state["timeline"]]
    assert "notification_accepted" in kinds and "opened" in kinds and "replied" in kinds
    assert kinds.count("notification_accepted") == 1
    assert state["state"] == "opened" and shown["envelope"] == "open"
    assert shown["to_review"] is True
    review_list = desk.json("list", "--to-review")
    assert [r["id"] for r in review_list] == [shown["conversation_id"]]
    # The reply is new to the user: the conversation lists as unread until it is shown
    # (the window marks it read; showing it on the command line does not).
    assert [r["unread"] for r in review_list] == [True]
    assert [r["unread"] for r in desk.json("list")] == [True]
    monkeypatch.setenv(INSECURE_ENV, "1")
    with Profile.open(desk.home) as profile:
        assert mark_read(profile, shown["conversation_id"]) is False
    assert [r["unread"] for r in desk.json("list")] == [False]

    # The readable forms say the same for people.
    text = desk.run("show", message_id).out
    assert "Geopend / Opened" in text and "reactie.txt" in text and "Te beoordelen" in text
    assert f"Ontvanger / Recipient {recipient.email} — access_code — opened" in text
    assert "notification_accepted" in text and "replied" in text
    listing = desk.run("list").out
    assert subject in listing and "(1 antw.)" in listing

    # A second sync repeats nothing (the feed is at-least-once; replies are keyed).
    desk.run("sync")
    again = desk.json("show", message_id)
    assert len([m for m in again["messages"] if m["direction"] == "in"]) == 1

    # A reply from the desk in the thread: a fresh notification; the recipient reads it.
    # (The one-off access code of the first send is not kept, so it is given again.)
    answer_id = desk.run(
        "reply",
        shown["conversation_id"],
        "--body",
        "Aanvulling op de brief.",
        "--access-code-stdin",
        "--kdf-iterations",
        FAST_KDF,
        stdin=f"{code}\n",
    ).out.strip()
    second = wait_for_notifications(recipient, 2)[-1]
    browser = Browser(relay_server.url, link_of(second)[0])
    try:
        browser.verify_access_code(code)
        answer, _ = browser.read()
        assert (answer.message_id, answer.in_reply_to) == (answer_id, message_id)
        assert answer.body == "Aanvulling op de brief."
        assert answer.subject == f"Re: {subject}"
    finally:
        browser.close()
    thread = desk.json("show", message_id)["messages"]
    assert [m["message_id"] for m in thread][-1] == answer_id
    assert [r["unread"] for r in desk.json("list")] == [False]  # our own answer is not new

    # A fresh link for the reply; the one-off code again from stdin.
    desk.run(
        "resend",
        answer_id,
        "--recipient",
        recipient.email,
        "--access-code-stdin",
        "--kdf-iterations",
        FAST_KDF,
        stdin=f"{code}\n",
    )
    third = wait_for_notifications(recipient, 3)[-1]
    browser = Browser(relay_server.url, link_of(third)[0])
    try:
        browser.verify_access_code(code)
        assert browser.read()[0].message_id == answer_id
    finally:
        browser.close()

    # Nothing secret on disk: not in the database, its WAL, the spool or anywhere else.
    files_on_disk = [p for p in (tmp_path / "desk").rglob("*") if p.is_file()]
    blob = b"".join(p.read_bytes() for p in files_on_disk)
    for secret in (
        subject,
        body,
        code,
        "Dank u, zie bijlage",
        "vertrouwelijke brief",
        "mijn reactie",
        fragment,
        "Aanvulling op de brief",
    ):
        assert secret.encode() not in blob, secret
    outbox = desk.json("outbox", "--all")
    assert [j["status"] for j in outbox] == ["done", "done", "done"]
    assert json.dumps(outbox).find(fragment) == -1
