"""An outsider starts a conversation with the office (S11) — done here in Python with the same
crypto as the starter page — and the desk receives it through the feed, decrypted with its
own device key, marked "to review"."""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.e2e.harness import (
    Browser,
    inbox_messages,
    link_of,
    setup_desk,
    wait_for_notifications,
)
from tests.e2e.test_followup_and_team import _relay_with_mail
from tests.plugins.mailstack import MailAccount, MailStack
from tests.plugins.relay import RelayProcess
from zivverdesk.core.model import new_id
from zivverdesk.crypto.encoding import b64url_encode
from zivverdesk.crypto.hpke import seal_cek
from zivverdesk.crypto.identity import PublicIdentity
from zivverdesk.crypto.keyschedule import file_key, new_cek
from zivverdesk.crypto.manifest import (
    AttachmentEntry,
    Manifest,
    ManifestRecipient,
    Sender,
    created_now,
    seal_manifest,
)
from zivverdesk.crypto.stream import encrypt_bytes

pytestmark = pytest.mark.integration


def _code_from_inbox(account: MailAccount, timeout: float = 20) -> str:
    deadline = time.monotonic() + timeout
    while True:
        for mail in inbox_messages(account):
            part = mail.get_body(preferencelist=("plain",))
            found = re.search(r"\b(\d{6})\b", part.get_content() if part else "")
            if found:
                return found.group(1)
        assert time.monotonic() < deadline, "no verification code arrived"
        time.sleep(0.2)


def post_starter_message(
    relay_url: str, outsider: MailAccount, *, subject: str, body: str, files: dict[str, bytes]
) -> tuple[str, str]:
    """What the starter page does for `outsider`: e-mail code, encrypt to the office's device
    keys, create, upload, commit. Returns (message id, conversation id)."""
    http = httpx.Client(base_url=f"{relay_url}/api/v1/start/ab", timeout=20, trust_env=False)
    try:
        keys = httpx.get(f"{relay_url}/api/v1/start/ab", timeout=20).json()["public_keys"]
        assert keys, "the office's device keys are published for the page"
        http.post("/send-code", json={"email": outsider.email}).raise_for_status()
        code = _code_from_inbox(outsider)
        cek = new_cek().reveal()
        message_id, conversation_id = new_id(), new_id()
        blob_ids = {name: new_id() for name in files}
        manifest = Manifest(
            conversation_id=conversation_id,
            message_id=message_id,
            in_reply_to=None,
            sender=Sender(
                name="J. Burger", organisation="", address=outsider.email, key_fingerprint=None
            ),
            recipients=(ManifestRecipient(address="kantoor", name="Adviesbureau"),),
            subject=subject,
            body=body,
            created=created_now(),
            attachments=tuple(
                AttachmentEntry(
                    blob_id=blob_ids[name],
                    name=name,
                    size=len(content),
                    media_type="application/pdf",
                    sha256=hashlib.sha256(content).hexdigest(),
                )
                for name, content in files.items()
            ),
        )
        manifest_id = new_id()
        blobs = {manifest_id: seal_manifest(manifest, cek)}
        for name, content in files.items():
            blobs[blob_ids[name]] = encrypt_bytes(content, file_key(cek, blob_ids[name]))
        created = http.post(
            "/messages",
            json={
                "email": outsider.email,
                "name": "J. Burger",
                "code": code,
                "message_id": message_id,
                "conversation_id": conversation_id,
                "sealed": [
                    {
                        "key_id": k["key_id"],
                        "sealed_cek": b64url_encode(
                            seal_cek(cek, PublicIdentity.from_b64url(k["public_key"]), message_id)
                        ),
                    }
                    for k in keys
                ],
                "blobs": [
                    {"blob_id": b, "size": len(c), "sha256": hashlib.sha256(c).hexdigest()}
                    for b, c in blobs.items()
                ],
            },
        )
        created.raise_for_status()
        cookie = re.search(r"zv_starter=([^;]+)", created.headers["set-cookie"])
        assert cookie
        http.headers["Cookie"] = f"zv_starter={cookie.group(1)}"
        for b, content in blobs.items():
            http.put(
                f"/blobs/{b}",
                content=content,
                headers={
                    "Content-Range": f"bytes 0-{len(content) - 1}/{len(content)}",
                    "Content-Type": "application/octet-stream",
                },
            ).raise_for_status()
        http.post(f"/messages/{message_id}/commit").raise_for_status()
    finally:
        http.close()
    return message_id, conversation_id


def test_message_from_the_starter_page_reaches_the_desk(
    tmp_path: Path,
    mailstack: MailStack,
    mail_account: Callable[[str], MailAccount],
    relay_factory: Callable[..., RelayProcess],
) -> None:
    relay = _relay_with_mail(relay_factory, mailstack)
    secretary, outsider = mail_account("secretariaat"), mail_account("burger")
    desk = setup_desk(tmp_path / "desk", mailstack, secretary, relay)
    scan = b"%PDF uitslag van de huisarts"
    message_id, conversation_id = post_starter_message(
        relay.url,
        outsider,
        subject="Vraag over mijn keuring",
        body="Kunt u mijn uitslag bekijken?",
        files={"uitslag.pdf": scan},
    )

    desk.run("sync")
    (row,) = [r for r in desk.json("list", "--to-review") if r["id"] == conversation_id]
    assert row["subject"] == "Vraag over mijn keuring"
    shown = desk.json("show", conversation_id)
    (message,) = shown["messages"]
    assert (message["direction"], message["sender"]) == ("in", outsider.email)
    assert message["body"] == "Kunt u mijn uitslag bekijken?"
    target = tmp_path / "uitslag.pdf"
    desk.run("save-attachment", message_id, "uitslag.pdf", "--to", str(target))
    assert target.read_bytes() == scan


def test_desk_replies_to_a_starter_by_email_code(
    tmp_path: Path,
    mailstack: MailStack,
    mail_account: Callable[[str], MailAccount],
    relay_factory: Callable[..., RelayProcess],
) -> None:
    relay = _relay_with_mail(relay_factory, mailstack)
    secretary, outsider = mail_account("secretariaat"), mail_account("burger")
    desk = setup_desk(tmp_path / "desk", mailstack, secretary, relay)
    starter_id, conversation_id = post_starter_message(
        relay.url, outsider, subject="Vraag", body="Wanneer is de keuring?", files={}
    )
    desk.run("sync")
    attachment = tmp_path / "afspraak.txt"
    attachment.write_bytes(b"dinsdag 10:00")
    reply_id = desk.run(
        "reply", conversation_id, "--body", "Dinsdag om tien uur.", "--attach", str(attachment)
    ).out.strip()

    (notice,) = wait_for_notifications(outsider, 1)
    link, linked_message, _, _ = link_of(notice)
    assert linked_message == reply_id
    browser = Browser(relay.url, link)
    try:
        browser.verify_email_code(outsider)
        manifest, files = browser.read()
    finally:
        browser.close()
    assert (manifest.conversation_id, manifest.in_reply_to) == (conversation_id, starter_id)
    assert manifest.body == "Dinsdag om tien uur."
    assert files == {"afspraak.txt": b"dinsdag 10:00"}

    shown = desk.json("show", conversation_id)
    sent = [m for m in shown["messages"] if m["message_id"] == reply_id]
    assert sent and sent[0]["in_reply_to"] == starter_id
    (recipient,) = sent[0]["recipients"]
    assert (recipient["address"], recipient["method"]) == (outsider.email, "email")
