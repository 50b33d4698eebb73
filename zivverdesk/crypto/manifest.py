"""The message manifest (docs/PROTOCOL.md §4): canonical JSON with subject, body, sender,
recipients and the attachment list, sealed as the blob with id "manifest".

Canonical means one byte string per manifest: a reader re-encodes what it parsed and rejects
the manifest unless the bytes are identical. That rules out two readers (Python, browser)
seeing different content in the same bytes (duplicate keys, number spellings, escapes).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from zivverdesk.core.model import is_valid_id
from zivverdesk.crypto.errors import (
    BadEncoding,
    InvalidManifest,
    NonCanonical,
    UnsupportedVersion,
)
from zivverdesk.crypto.keyschedule import MANIFEST_BLOB_ID, file_key
from zivverdesk.crypto.stream import DEFAULT_RECORD_SIZE, decrypt_bytes, encrypt_bytes

MANIFEST_VERSION = 1
MAX_SAFE_INTEGER = 2**53 - 1  # the integers a JavaScript reader represents exactly
_CREATED_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
_HEX64_RE = re.compile(r"^[0-9a-f]{64}$")
# 32 bytes in unpadded base64url: 42 free characters and one whose low 2 bits are zero.
_LINK_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$")
_FORBIDDEN_IN_NAME = re.compile(r"[/\\\x00-\x1f\x7f]")


@dataclass(frozen=True, slots=True, kw_only=True)
class Sender:
    name: str
    organisation: str
    address: str
    key_fingerprint: str | None  # 64 hex chars (SHA-256 of the X25519 key); None: browser


@dataclass(frozen=True, slots=True, kw_only=True)
class ManifestRecipient:
    address: str
    name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class AttachmentEntry:
    blob_id: str
    name: str
    size: int
    media_type: str
    sha256: str  # lowercase hex of the plaintext's SHA-256


@dataclass(frozen=True, slots=True, kw_only=True)
class Manifest:
    conversation_id: str
    message_id: str
    in_reply_to: str | None
    sender: Sender
    recipients: tuple[ManifestRecipient, ...]
    subject: str
    body: str
    created: str  # "YYYY-MM-DDTHH:MM:SSZ"
    attachments: tuple[AttachmentEntry, ...] = field(default=())
    #: Conversation starter only (PROTOCOL.md §4.2): the link secret of the starter's own
    #: follow-up link (base64url, 43 characters), which the office mails to the starter.
    starter_link_secret: str | None = None
    v: int = MANIFEST_VERSION

    def to_json(self) -> dict[str, Any]:
        return {
            "v": self.v,
            "conversation_id": self.conversation_id,
            "message_id": self.message_id,
            "in_reply_to": self.in_reply_to,
            "sender": {
                "name": self.sender.name,
                "organisation": self.sender.organisation,
                "address": self.sender.address,
                "key_fingerprint": self.sender.key_fingerprint,
            },
            "recipients": [{"address": r.address, "name": r.name} for r in self.recipients],
            "subject": self.subject,
            "body": self.body,
            "created": self.created,
            "attachments": [
                {
                    "blob_id": a.blob_id,
                    "name": a.name,
                    "size": a.size,
                    "media_type": a.media_type,
                    "sha256": a.sha256,
                }
                for a in self.attachments
            ],
        } | ({"starter_link_secret": self.starter_link_secret} if self.starter_link_secret else {})


def created_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- canonical JSON -------------------------------------------------------------------


def canonical_json(value: Any) -> bytes:
    """UTF-8, keys sorted by code point, no whitespace, no \\u escapes beyond the mandatory
    control-character ones, integers only."""
    _check_numbers(value)
    try:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate has no UTF-8 form
        raise NonCanonical("a string is not valid Unicode") from exc


def _check_numbers(value: Any) -> None:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return
    if isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise NonCanonical("an integer is beyond ±(2^53-1)")
        return
    if isinstance(value, float):
        raise NonCanonical("numbers must be integers")
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise NonCanonical("object keys must be strings")
            _check_numbers(item)
        return
    if isinstance(value, list | tuple):
        for item in value:
            _check_numbers(item)
        return
    raise TypeError(f"{type(value).__name__} has no JSON form")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise NonCanonical(f"duplicate key {key!r}")
        result[key] = value
    return result


def _reject_float(text: str) -> float:
    raise NonCanonical("numbers must be integers")


def _reject_constant(text: str) -> Any:
    raise BadEncoding(f"the manifest is not JSON ({text})")


def parse_canonical_json(data: bytes) -> Any:
    """Parse JSON that must be canonical; the errors follow PROTOCOL.md §4.3 in this order."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadEncoding("the manifest is not UTF-8") from exc
    try:
        value = json.loads(
            text,
            object_pairs_hook=_no_duplicates,
            parse_float=_reject_float,
            parse_constant=_reject_constant,
        )
    except json.JSONDecodeError as exc:
        raise BadEncoding("the manifest is not JSON") from exc
    if canonical_json(value) != data:
        raise NonCanonical("re-encoding does not reproduce the bytes")
    return value


# --- the manifest's schema ------------------------------------------------------------


def manifest_from_json(doc: Any) -> Manifest:
    if not isinstance(doc, dict):
        raise InvalidManifest("not a JSON object")
    if "v" not in doc:
        raise InvalidManifest("field 'v' is missing")
    if not _is_int(doc["v"]):
        raise InvalidManifest("field 'v' must be an integer")
    if doc["v"] != MANIFEST_VERSION:
        raise UnsupportedVersion("Het bericht / The message", int(doc["v"]))
    optional = doc.keys() & {"starter_link_secret"}  # present only where used
    _exact_keys(
        doc,
        optional
        | {
            "v",
            "conversation_id",
            "message_id",
            "in_reply_to",
            "sender",
            "recipients",
            "subject",
            "body",
            "created",
            "attachments",
        },
        "manifest",
    )
    created = _str(doc, "created")
    if not _CREATED_RE.match(created) or not _valid_time(created):
        raise InvalidManifest("'created' must be a UTC time like 2026-01-31T09:30:00Z")
    in_reply_to = doc["in_reply_to"]
    if in_reply_to is not None and not (isinstance(in_reply_to, str) and is_valid_id(in_reply_to)):
        raise InvalidManifest("'in_reply_to' must be an id or null")
    attachments = tuple(_attachment(a) for a in _list(doc, "attachments"))
    if len({a.blob_id for a in attachments}) != len(attachments):
        raise InvalidManifest("two attachments share a blob id")
    link_secret = doc.get("starter_link_secret")
    if "starter_link_secret" in doc and not (
        isinstance(link_secret, str) and _LINK_SECRET_RE.match(link_secret)
    ):
        raise InvalidManifest("'starter_link_secret' must be 43 base64url characters")
    return Manifest(
        starter_link_secret=link_secret,
        conversation_id=_id(doc, "conversation_id"),
        message_id=_id(doc, "message_id"),
        in_reply_to=in_reply_to,
        sender=_sender(doc["sender"]),
        recipients=tuple(_recipient(r) for r in _list(doc, "recipients")),
        subject=_str(doc, "subject"),
        body=_str(doc, "body"),
        created=created,
        attachments=attachments,
    )


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _valid_time(text: str) -> bool:
    try:
        datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return False
    return True


def _exact_keys(obj: dict[str, Any], keys: set[str], where: str) -> None:
    missing = sorted(keys - obj.keys())
    if missing:
        raise InvalidManifest(f"{where} lacks {', '.join(missing)}")
    unknown = sorted(obj.keys() - keys)
    if unknown:
        raise InvalidManifest(f"{where} has unknown field {', '.join(unknown)}")


def _str(obj: dict[str, Any], key: str) -> str:
    value = obj[key]
    if not isinstance(value, str):
        raise InvalidManifest(f"'{key}' must be a string")
    return value


def _id(obj: dict[str, Any], key: str) -> str:
    value = _str(obj, key)
    if not is_valid_id(value):
        raise InvalidManifest(f"'{key}' must be 32 lowercase hexadecimal characters")
    return value


def _list(obj: dict[str, Any], key: str) -> list[Any]:
    value = obj[key]
    if not isinstance(value, list):
        raise InvalidManifest(f"'{key}' must be a list")
    return value


def _sender(obj: Any) -> Sender:
    if not isinstance(obj, dict):
        raise InvalidManifest("'sender' must be an object")
    _exact_keys(obj, {"name", "organisation", "address", "key_fingerprint"}, "sender")
    fingerprint = obj["key_fingerprint"]
    if fingerprint is not None and not (
        isinstance(fingerprint, str) and _HEX64_RE.match(fingerprint)
    ):
        raise InvalidManifest("'key_fingerprint' must be 64 lowercase hex characters or null")
    return Sender(
        name=_str(obj, "name"),
        organisation=_str(obj, "organisation"),
        address=_str(obj, "address"),
        key_fingerprint=fingerprint,
    )


def _recipient(obj: Any) -> ManifestRecipient:
    if not isinstance(obj, dict):
        raise InvalidManifest("a recipient must be an object")
    _exact_keys(obj, {"address", "name"}, "recipient")
    return ManifestRecipient(address=_str(obj, "address"), name=_str(obj, "name"))


def _attachment(obj: Any) -> AttachmentEntry:
    if not isinstance(obj, dict):
        raise InvalidManifest("an attachment must be an object")
    _exact_keys(obj, {"blob_id", "name", "size", "media_type", "sha256"}, "attachment")
    name = _str(obj, "name")
    # The name becomes a file name on the recipient's disk: no paths, no control characters.
    if not name or name in (".", "..") or _FORBIDDEN_IN_NAME.search(name):
        raise InvalidManifest("an attachment name must be a plain file name")
    size = obj["size"]
    if not _is_int(size) or size < 0:
        raise InvalidManifest("an attachment size must be a non-negative integer")
    digest = _str(obj, "sha256")
    if not _HEX64_RE.match(digest):
        raise InvalidManifest("'sha256' must be 64 lowercase hex characters")
    return AttachmentEntry(
        blob_id=_id(obj, "blob_id"),
        name=name,
        size=size,
        media_type=_str(obj, "media_type"),
        sha256=digest,
    )


def encode_manifest(manifest: Manifest) -> bytes:
    data = canonical_json(manifest.to_json())
    manifest_from_json(json.loads(data))  # never write what a reader would reject
    return data


def decode_manifest(data: bytes) -> Manifest:
    return manifest_from_json(parse_canonical_json(data))


def seal_manifest(
    manifest: Manifest,
    cek: bytes,
    *,
    record_size: int = DEFAULT_RECORD_SIZE,
    salt: bytes | None = None,
) -> bytes:
    """The manifest blob, under file_key(CEK, "manifest"). `salt` only for vectors."""
    return encrypt_bytes(
        encode_manifest(manifest),
        file_key(cek, MANIFEST_BLOB_ID),
        record_size=record_size,
        salt=salt,
    )


def open_manifest(blob: bytes, cek: bytes) -> Manifest:
    return decode_manifest(decrypt_bytes(blob, file_key(cek, MANIFEST_BLOB_ID)))


def check_reply_binding(
    reply: Manifest, *, reply_id: str, original_message_id: str, conversation_id: str
) -> None:
    """A reply must be the one the relay announced, answer this message, and stay in its
    conversation (PROTOCOL.md §8): the relay cannot move a reply into another thread."""
    if reply.message_id != reply_id:
        raise InvalidManifest("the reply is not the one the relay announced")
    if reply.in_reply_to != original_message_id:
        raise InvalidManifest("the reply does not answer this message")
    if reply.conversation_id != conversation_id:
        raise InvalidManifest("the reply belongs to another conversation")
