"""Zero knowledge: a message made with the real crypto goes through the relay (upload,
verification, thread, download, a reply); afterwards nothing in the relay's database, blob
folder or log reveals the subject, body, attachment, reply, access code, link secret or keys."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import httpx

from tests.plugins.relay import RelayFactory
from tests.relay.helpers import b64, blob_spec, new_id, unique_email
from zivverdesk.core.secret import Secret
from zivverdesk.crypto import keyschedule, stream
from zivverdesk.crypto.hpke import seal_cek
from zivverdesk.crypto.identity import PublicIdentity
from zivverdesk.crypto.manifest import (
    AttachmentEntry,
    Manifest,
    ManifestRecipient,
    Sender,
    canonical_json,
    created_now,
)

SUBJECT = "Uitslag keuring dhr. Zwanenburg 7f3a"
BODY = "Geachte heer Zwanenburg, uw bloeddruk is 150/95 en de diagnose luidt hypertensie-9c2e."
ATTACHMENT = b"%PDF-1.7 rapport medisch adviseur Zwanenburg diagnose-b41d " * 4000
REPLY = "Bedankt, ik heb nog vragen over de diagnose-d77e en mijn medicatie."
ACCESS_CODE = "Tulp-8842 Bloem"


def stored_bytes(data_dir: Path, log_file: Path) -> bytes:
    chunks = [p.read_bytes() for p in sorted(data_dir.rglob("*")) if p.is_file()]
    chunks.append(log_file.read_bytes())
    return b"\n".join(chunks)


def test_relay_stores_nothing_readable(relay_factory: RelayFactory) -> None:
    relay = relay_factory()
    sender = relay.enroll_device(unique_email("zk"), "Zeno Kwast")
    mid, cid, rid = new_id(), new_id(), new_id()
    manifest_id, attachment_id = new_id(), new_id()
    cek = keyschedule.new_cek().reveal()
    manifest = Manifest(
        conversation_id=cid,
        message_id=mid,
        in_reply_to=None,
        sender=Sender(
            name="Zeno Kwast",
            organisation="Testkantoor",
            address="zk@example.test",
            key_fingerprint=PublicIdentity(sender.public_key).fingerprint_hex,
        ),
        recipients=(ManifestRecipient(address="zwanenburg@example.test", name="Zwanenburg"),),
        subject=SUBJECT,
        body=BODY,
        created=created_now(),
        attachments=(
            AttachmentEntry(
                blob_id=attachment_id,
                name="rapport-zwanenburg.pdf",
                size=len(ATTACHMENT),
                media_type="application/pdf",
                sha256=hashlib.sha256(ATTACHMENT).hexdigest(),
            ),
        ),
    )
    manifest_blob = stream.encrypt_bytes(
        canonical_json(manifest.to_json()), keyschedule.file_key(cek, "manifest")
    )
    attachment_blob = stream.encrypt_bytes(ATTACHMENT, keyschedule.file_key(cek, attachment_id))
    link_secret = keyschedule.new_link_secret()
    code_salt = os.urandom(16)
    code_key = keyschedule.code_key(Secret(ACCESS_CODE), code_salt, 600_000)
    keys = keyschedule.recipient_keys(link_secret.reveal(), code_key, mid, rid)
    wrapped = keyschedule.wrap_cek(cek, keys.wrap_key, mid, rid)
    sealed = seal_cek(cek, PublicIdentity(sender.public_key), mid)
    body = {
        "message_id": mid,
        "conversation_id": cid,
        "in_reply_to": None,
        "shared": True,
        "blobs": [blob_spec(manifest_id, manifest_blob), blob_spec(attachment_id, attachment_blob)],
        "sealed": [{"key_id": sender.key_id, "sealed_cek": b64(sealed)}],
        "recipients": [
            {
                "recipient_id": rid,
                "address": "zwanenburg@example.test",
                "name": "Zwanenburg",
                "method": "access_code",
                "phone": None,
                "verifier": b64(keyschedule.auth_verifier(keys.auth)),
                "wrapped_cek": b64(wrapped),
                "code_salt": b64(code_salt),
                "kdf_iterations": 600_000,
            }
        ],
    }
    api = httpx.Client(base_url=relay.url, headers=sender.headers, timeout=30)
    assert api.post("/api/v1/messages", json=body).status_code == 201
    for blob_id, data in ((manifest_id, manifest_blob), (attachment_id, attachment_blob)):
        assert api.put(f"/api/v1/blobs/{blob_id}", content=data).json()["complete"]
    assert api.post(f"/api/v1/messages/{mid}/commit").status_code == 200

    # The recipient's side, as the browser does it.
    base = f"/api/v1/r/{mid}/{rid}"
    with httpx.Client(base_url=relay.url, timeout=30) as browser:
        released = browser.post(f"{base}/verify", json={"auth": b64(keys.auth)})
        assert released.status_code == 200
        got_cek = keyschedule.unwrap_cek(
            keyschedule_b64(released.json()["wrapped_cek"]), keys.wrap_key, mid, rid
        )
        assert got_cek == cek
        thread = browser.get(f"{base}/thread").json()["items"]
        downloaded = browser.get(f"{base}/blobs/{thread[0]['blobs'][1]['blob_id']}").content
        assert (
            stream.decrypt_bytes(downloaded, keyschedule.file_key(cek, attachment_id)) == ATTACHMENT
        )
        reply_id, reply_blob_id = new_id(), new_id()
        reply_cek = keyschedule.reply_cek(cek, reply_id)
        reply_blob = stream.encrypt_bytes(
            REPLY.encode(), keyschedule.file_key(reply_cek, "manifest")
        )
        browser.post(
            f"{base}/replies",
            json={"reply_id": reply_id, "blobs": [blob_spec(reply_blob_id, reply_blob)]},
        )
        browser.put(f"{base}/blobs/{reply_blob_id}", content=reply_blob)
        assert browser.post(f"{base}/replies/{reply_id}/commit").status_code == 200
    api.close()
    relay.stop()  # flush the WAL into the database file as well; both are searched

    stored = stored_bytes(relay.data_dir, relay.log_file)
    assert attachment_blob[:64] in stored  # the search does see the stored ciphertext
    secrets_ = {
        "subject": SUBJECT.encode(),
        "body": BODY.encode(),
        "body start": BODY[:24].encode(),
        "attachment": ATTACHMENT[:48],
        "attachment name": b"rapport-zwanenburg",
        "reply": REPLY.encode(),
        "access code": ACCESS_CODE.encode(),
        "normalised code": keyschedule.normalise_access_code(ACCESS_CODE).encode(),
        "link secret": link_secret.reveal(),
        "link secret b64": keyschedule.encode_link_secret(link_secret).encode(),
        "CEK": cek,
        "CEK b64": b64(cek).encode(),
        "code key": code_key,
        "wrap key": keys.wrap_key,
        "auth": keys.auth,
        "auth b64": b64(keys.auth).encode(),
        "reply CEK": reply_cek,
    }
    found = [name for name, needle in secrets_.items() if needle in stored]
    assert found == [], f"the relay stored: {found}"


def keyschedule_b64(text: str) -> bytes:
    import base64

    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
