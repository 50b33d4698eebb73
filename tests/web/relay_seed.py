"""Put messages on a real relay the way the desktop does, with the Python crypto and the HTTP
API directly (no desktop services), and read back what the recipient page sent.

Used by the recipient-page and conversation-starter tests and by the page benchmark.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from tests.plugins.relay import RelayProcess
from zivverdesk.core.model import VerificationMethod, new_id
from zivverdesk.core.secret import Secret
from zivverdesk.crypto.encoding import b64url_encode
from zivverdesk.crypto.hpke import open_sealed_cek, seal_cek
from zivverdesk.crypto.identity import IdentityKeyPair
from zivverdesk.crypto.keyschedule import (
    file_key,
    new_cek,
    recipient_link,
    reply_cek,
    seal_for_link_recipient,
)
from zivverdesk.crypto.manifest import (
    AttachmentEntry,
    Manifest,
    ManifestRecipient,
    Sender,
    created_now,
    open_manifest,
    seal_manifest,
)
from zivverdesk.crypto.stream import decrypt_bytes, encrypt_file

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Page

    from tests.plugins.mailstack import MailStack

UPLOAD_PIECE = 8 * 1024 * 1024
# The lowest count the protocol accepts keeps the tests fast; the real default is higher.
TEST_ITERATIONS = 600_000


@dataclass
class OfficeUser:
    """An enrolled desktop user: bearer token and the HPKE key pair of the device."""

    email: str
    name: str
    token: str
    key_id: str
    keypair: IdentityKeyPair

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class Recipient:
    address: str
    name: str = ""
    method: VerificationMethod = VerificationMethod.ACCESS_CODE
    access_code: str | None = None
    phone: str | None = None


@dataclass
class Attachment:
    name: str
    path: Path
    media_type: str = "application/octet-stream"

    @classmethod
    def from_bytes(cls, folder: Path, name: str, data: bytes, media_type: str = "") -> Attachment:
        path = folder / f"plain-{secrets.token_hex(6)}"
        path.write_bytes(data)
        return cls(name=name, path=path, media_type=media_type or "application/octet-stream")


@dataclass
class SentMessage:
    message_id: str
    conversation_id: str
    cek: bytes
    manifest: Manifest
    links: dict[str, str] = field(default_factory=dict)  # address -> full link with #L
    recipient_ids: dict[str, str] = field(default_factory=dict)  # address -> recipient id


@dataclass
class ReceivedReply:
    reply_id: str
    manifest: Manifest
    attachments: dict[str, bytes]  # name -> plaintext


class RelaySeed:
    """Talks to one relay as its desktop users would."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.http = httpx.Client(base_url=self.base_url, timeout=120)
        self._tmp = tempfile.TemporaryDirectory(prefix="relay-seed-")
        self.tmp = Path(self._tmp.name)

    def close(self) -> None:
        self.http.close()
        self._tmp.cleanup()

    # --- accounts ------------------------------------------------------------------------

    def enroll(self, enrollment_code: str, *, email: str, name: str) -> OfficeUser:
        keypair = IdentityKeyPair.generate()
        answer = self._json(
            self.http.post(
                "/api/v1/enroll",
                json={
                    "code": enrollment_code,
                    "device_name": f"test device of {name}",
                    "public_key": keypair.public.to_b64url(),
                },
            )
        )
        return OfficeUser(
            email=email, name=name, token=answer["token"], key_id=answer["key_id"], keypair=keypair
        )

    # --- sending -------------------------------------------------------------------------

    def send(
        self,
        user: OfficeUser,
        recipients: list[Recipient],
        *,
        subject: str,
        body: str,
        attachments: list[Attachment] = (),  # type: ignore[assignment]
        sender_name: str | None = None,
        organisation: str = "",
        conversation_id: str | None = None,
        in_reply_to: SentMessage | None = None,
        expires_at: str | None = None,
        iterations: int = TEST_ITERATIONS,
    ) -> SentMessage:
        """Encrypt and upload a message; commit it; return the recipients' links.

        With `in_reply_to` the message continues that thread: its CEK is the reply key of the
        earlier message's CEK (PROTOCOL.md §6), so the earlier link opens it too.
        """
        message_id = new_id()
        if in_reply_to is not None:
            cek = Secret(reply_cek(in_reply_to.cek, message_id))
            conversation_id = in_reply_to.conversation_id
        else:
            cek = new_cek()
        conversation_id = conversation_id or new_id()
        blob_files: list[tuple[str, Path]] = []
        entries = []
        for attachment in attachments:
            blob_id = new_id()
            cipher_path = self.tmp / f"blob-{blob_id}"
            encrypt_file(attachment.path, cipher_path, file_key(cek.reveal(), blob_id))
            blob_files.append((blob_id, cipher_path))
            entries.append(
                AttachmentEntry(
                    blob_id=blob_id,
                    name=attachment.name,
                    size=attachment.path.stat().st_size,
                    media_type=attachment.media_type,
                    sha256=_sha256_file(attachment.path),
                )
            )
        manifest = Manifest(
            conversation_id=conversation_id,
            message_id=message_id,
            in_reply_to=in_reply_to.message_id if in_reply_to else None,
            sender=Sender(
                name=sender_name or user.name,
                organisation=organisation,
                address=user.email,
                key_fingerprint=user.keypair.public.fingerprint_hex,
            ),
            recipients=tuple(ManifestRecipient(address=r.address, name=r.name) for r in recipients),
            subject=subject,
            body=body,
            created=created_now(),
            attachments=tuple(entries),
        )
        manifest_id = new_id()
        manifest_path = self.tmp / f"blob-{manifest_id}"
        manifest_path.write_bytes(seal_manifest(manifest, cek.reveal()))
        blob_files.insert(0, (manifest_id, manifest_path))

        sent = SentMessage(
            message_id=message_id,
            conversation_id=conversation_id,
            cek=cek.reveal(),
            manifest=manifest,
        )
        recipient_specs = []
        for r in recipients:
            recipient_id = new_id()
            envelope, link_secret = seal_for_link_recipient(
                cek,
                message_id=message_id,
                recipient_id=recipient_id,
                method=r.method,
                access_code=Secret(r.access_code) if r.access_code is not None else None,
                iterations=iterations,
            )
            recipient_specs.append(
                {
                    "recipient_id": recipient_id,
                    "address": r.address,
                    "name": r.name,
                    "method": r.method.value,
                    "phone": r.phone,
                    "verifier": b64url_encode(envelope.verifier),
                    "wrapped_cek": b64url_encode(envelope.wrapped_cek),
                    "code_salt": b64url_encode(envelope.code_salt) if envelope.code_salt else None,
                    "kdf_iterations": envelope.iterations,
                }
            )
            sent.links[r.address] = recipient_link(
                self.base_url, message_id, recipient_id, link_secret
            )
            sent.recipient_ids[r.address] = recipient_id
        request = {
            "message_id": message_id,
            "conversation_id": conversation_id,
            "in_reply_to": manifest.in_reply_to,
            "blobs": [
                {"blob_id": b, "size": p.stat().st_size, "sha256": _sha256_file(p)}
                for b, p in blob_files
            ],
            "sealed": [
                {
                    "key_id": user.key_id,
                    "sealed_cek": b64url_encode(
                        seal_cek(cek.reveal(), user.keypair.public, message_id)
                    ),
                }
            ],
            "recipients": recipient_specs,
        }
        if expires_at is not None:
            request["expires_at"] = expires_at
        created = self._json(self.http.post("/api/v1/messages", json=request, headers=user.headers))
        for blob_id, path in blob_files:
            self.upload(created["upload"][blob_id], path, user.headers)
        self._json(self.http.post(f"/api/v1/messages/{message_id}/commit", headers=user.headers))
        return sent

    def upload(self, url: str, path: Path, headers: dict[str, str]) -> None:
        total = path.stat().st_size
        if total == 0:
            self._json(self.http.put(url, content=b"", headers=headers))
            return
        with path.open("rb") as f:
            offset = 0
            while offset < total:
                piece = f.read(UPLOAD_PIECE)
                end = offset + len(piece) - 1
                self._json(
                    self.http.put(
                        url,
                        content=piece,
                        headers={
                            **headers,
                            "Content-Type": "application/octet-stream",
                            "Content-Range": f"bytes {offset}-{end}/{total}",
                        },
                    )
                )
                offset = end + 1

    def rotate(self, user: OfficeUser, sent: SentMessage, recipient: Recipient) -> str:
        """Give `recipient` a fresh link (new id and link secret); returns the new link."""
        old_id = sent.recipient_ids[recipient.address]
        new_recipient_id = new_id()
        envelope, link_secret = seal_for_link_recipient(
            Secret(sent.cek),
            message_id=sent.message_id,
            recipient_id=new_recipient_id,
            method=recipient.method,
            access_code=Secret(recipient.access_code) if recipient.access_code else None,
            iterations=TEST_ITERATIONS,
        )
        self._json(
            self.http.post(
                f"/api/v1/messages/{sent.message_id}/recipients/{old_id}/rotate",
                headers=user.headers,
                json={
                    "new_recipient_id": new_recipient_id,
                    "address": recipient.address,
                    "method": recipient.method.value,
                    "phone": recipient.phone,
                    "verifier": b64url_encode(envelope.verifier),
                    "wrapped_cek": b64url_encode(envelope.wrapped_cek),
                    "code_salt": b64url_encode(envelope.code_salt) if envelope.code_salt else None,
                    "kdf_iterations": envelope.iterations,
                },
            )
        )
        link = recipient_link(self.base_url, sent.message_id, new_recipient_id, link_secret)
        sent.links[recipient.address] = link
        sent.recipient_ids[recipient.address] = new_recipient_id
        return link

    def revoke(self, user: OfficeUser, message_id: str) -> None:
        self._json(self.http.post(f"/api/v1/messages/{message_id}/revoke", headers=user.headers))

    # --- reading back --------------------------------------------------------------------

    def message(self, user: OfficeUser, message_id: str) -> dict[str, Any]:
        return self._json(self.http.get(f"/api/v1/messages/{message_id}", headers=user.headers))

    def blob(self, user: OfficeUser, blob_id: str) -> bytes:
        response = self.http.get(f"/api/v1/blobs/{blob_id}", headers=user.headers)
        response.raise_for_status()
        return response.content

    def replies(self, user: OfficeUser, sent: SentMessage) -> list[ReceivedReply]:
        """Every committed reply to `sent`, decrypted with keys derived from its CEK."""
        out = []
        for reply in self.message(user, sent.message_id)["replies"]:
            key = reply_cek(sent.cek, reply["reply_id"])
            blobs = reply["blobs"]
            manifest = open_manifest(self.blob(user, blobs[0]["blob_id"]), key)
            files = {
                a.name: decrypt_bytes(self.blob(user, a.blob_id), file_key(key, a.blob_id))
                for a in manifest.attachments
            }
            out.append(
                ReceivedReply(reply_id=reply["reply_id"], manifest=manifest, attachments=files)
            )
        return out

    def events(self, user: OfficeUser, after: str | None = None) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        cursor = after
        while True:
            params = {"wait": 0} | ({"after": cursor} if cursor else {})
            page = self._json(self.http.get("/api/v1/events", params=params, headers=user.headers))
            items.extend(page["items"])
            if not page["items"] or page.get("next") in (None, cursor):
                return items
            cursor = page["next"]

    def open_sealed(self, user: OfficeUser, message_id: str, sealed_b64: str) -> bytes:
        from zivverdesk.crypto.encoding import b64url_decode

        return open_sealed_cek(b64url_decode(sealed_b64), user.keypair.private_key, message_id)

    @staticmethod
    def _json(response: httpx.Response) -> dict[str, Any]:
        if response.status_code >= 400:
            raise AssertionError(
                f"{response.request.method} {response.request.url.path} -> "
                f"{response.status_code}: {response.text[:500]}"
            )
        return response.json() if response.content else {}


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --- fixtures shared by the recipient-page and conversation-starter tests ---------------
# Test modules import the `*_fixture` functions; pytest knows them by their `name`.

OFFICE = {
    "name": "1Medisch Adviseur",
    "contact_email": "secretariaat@example.test",
    "contact_phone": "030 123 45 67",
    "starter_slug": "1medisch",
}
ACCESS_CODE = "Geheim-2468"


def relay_settings(base: Path, **sections: dict[str, Any]) -> dict[str, Any]:
    """Relay settings for page tests: the office above, the SMS file gateway in `base`."""
    settings: dict[str, Any] = {
        "office": dict(OFFICE),
        "sms": {"gateway": "file", "file": str(base / "sms.jsonl")},
    }
    for name, values in sections.items():
        settings[name] = {**settings.get(name, {}), **values}
    return settings


def start_relay(folder: Path, settings: dict[str, Any]) -> RelayProcess:
    folder.mkdir(parents=True, exist_ok=True)
    return RelayProcess(folder / "data", settings=settings).start()


def start_mailing_relay(folder: Path, mailstack: MailStack) -> RelayProcess:
    """A relay that mails through the test stack's SMTP relay port (no AUTH, no TLS)."""
    settings = relay_settings(
        folder,
        smtp={
            "host": mailstack.host,
            "port": mailstack.smtp_relay_port,
            "tls": "none",
            "from_address": f"relay@{mailstack.domain}",
            "poll_interval": 0.2,
        },
    )
    return start_relay(folder, settings)


def enroll_office_user(relay: RelayProcess, seed: RelaySeed, email: str, name: str) -> OfficeUser:
    code = json.loads(relay.admin("add-user", email, "--name", name, "--json").stdout)["code"]
    return seed.enroll(code, email=email, name=name)


class PageProblems:
    """Script errors and CSP refusals a page reports; a test ends by asserting there are none."""

    def __init__(self, page: Page) -> None:
        self.items: list[str] = []
        page.on("pageerror", lambda error: self.items.append(f"pageerror: {error}"))
        page.on("console", self._console)

    def _console(self, message: ConsoleMessage) -> None:
        text = message.text
        if message.type == "error" and ("Content Security Policy" in text or "Refused" in text):
            self.items.append(f"console: {text}")
        if message.type == "error" and "integrity" in text:
            self.items.append(f"console: {text}")

    def assert_none(self) -> None:
        assert self.items == [], self.items


# The page does real key derivations, encryption and uploads on a shared 2-core machine.
EXPECT_TIMEOUT_MS = 20_000


@contextmanager
def recipient_page(
    browser: Browser,
    *,
    width: int = 1366,
    height: int = 900,
    locale: str = "nl-NL",
    timezone_id: str | None = None,
) -> Iterator[tuple[Page, PageProblems]]:
    """A fresh browser context (no cookies), Dutch unless told, with downloads enabled;
    `timezone_id` sets the reader's time zone (the machine's when not given)."""
    context = browser.new_context(
        locale=locale,
        viewport={"width": width, "height": height},
        accept_downloads=True,
        timezone_id=timezone_id,
    )
    from playwright.sync_api import expect

    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        yield page, PageProblems(page)
    finally:
        context.close()


def artifact_dir() -> Path:
    folder = Path(__file__).resolve().parents[2] / "build" / "test-artifacts" / "web"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def sms_codes(path: Path) -> list[str]:
    """The 6-digit codes the SMS file gateway wrote, oldest first."""
    if not path.exists():
        return []
    codes = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.search(r"\b(\d{6})\b", json.loads(line)["text"])
        if match:
            codes.append(match.group(1))
    return codes


def event_kinds(seed: RelaySeed, user: OfficeUser, message_id: str) -> list[str]:
    """The feed's event kinds about the link recipients of one message, in order."""
    return [
        e["kind"]
        for e in seed.events(user)
        if e.get("message_id") == message_id and e.get("recipient_id")
    ]


@pytest.fixture(scope="module", name="page_relay")
def page_relay_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RelayProcess]:
    """One relay per test module with the office settings above (SQLite, file SMS gateway)."""
    base = tmp_path_factory.mktemp("page-relay")
    relay = start_relay(base, relay_settings(base))
    try:
        yield relay
    finally:
        relay.stop()


@pytest.fixture(scope="module", name="seed")
def seed_fixture(page_relay: RelayProcess) -> Iterator[RelaySeed]:
    client = RelaySeed(page_relay.url)
    try:
        yield client
    finally:
        client.close()


@pytest.fixture(scope="module", name="sender")
def sender_fixture(page_relay: RelayProcess, seed: RelaySeed) -> OfficeUser:
    return enroll_office_user(page_relay, seed, "anna.devries@example.test", "Anna de Vries")
