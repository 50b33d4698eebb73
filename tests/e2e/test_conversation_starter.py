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

from tests.e2e.harness import inbox_messages, setup_desk
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


def test_message_from_the_starter_page_reaches_the_desk(
    tmp_path: Path,
    mailstack: MailStack,
    mail_account: Callable[[str], MailAccount],
    relay_factory: Callable[..., RelayProcess],
) -> None:
    relay = _relay_with_mail(relay_factory, mailstack)
    secretary, outsider = mail_account("secretariaat"), mail_account("burger")
    desk = setup_desk(tmp_path / "desk", mailstack, secretary, relay)

    http = httpx.Client(base_url=f"{relay.url}/api/v1/start/ab", timeout=20, trust_env=False)
    try:
        keys = httpx.get(f"{relay.url}/api/v1/start/ab", timeout=20).json()["public_keys"]
        assert keys, "the office's device keys are published for the page"
        http.post("/send-code", json={"email": outsider.email}).raise_for_status()
        code = _code_from_inbox(outsider)
        cek = new_cek().reveal()
        message_id, conversation_id, blob_id = new_id(), new_id(), new_id()
        scan = b"%PDF uitslag van de huisarts"
        manifest = Manifest(
            conversation_id=conversation_id,
            message_id=message_id,
            in_reply_to=None,
            sender=Sender(
                name="J. Burger", organisation="", address=outsider.email, key_fingerprint=None
            ),
            recipients=(ManifestRecipient(address="kantoor", name="Adviesbureau"),),
            subject="Vraag over mijn keuring",
            body="Kunt u mijn uitslag bekijken?",
            created=created_now(),
            attachments=(
                AttachmentEntry(
                    blob_id=blob_id,
                    name="uitslag.pdf",
                    size=len(scan),
                    media_type="application/pdf",
                    sha256=hashlib.sha256(scan).hexdigest(),
                ),
            ),
        )
        manifest_id = new_id()
        blobs = {
            manifest_id: seal_manifest(manifest, cek),
            blob_id: encrypt_bytes(scan, file_key(cek, blob_id)),
        }
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
