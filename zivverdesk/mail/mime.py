"""Reading a fetched message (RFC 5322/MIME) for display, with the standard library.

    parsed = parse_message(raw_bytes)
    parsed.text, parsed.html (already sanitised), parsed.attachments, parsed.defects

Uses `email` with `policy.default`. Every common transfer encoding (7bit, 8bit,
quoted-printable, base64) and charset is decoded; an unknown charset falls back to UTF-8 with
replacement characters, then Latin-1. A broken mail is shown as well as possible: every
problem lands in `defects` and nothing raises, so one bad message never stops a sync.
"""

from __future__ import annotations

import email
import email.errors
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.message import EmailMessage, Message
from email.utils import getaddresses, parsedate_to_datetime

from zivverdesk.mail.headers import MailAddress
from zivverdesk.mail.html_sanitiser import sanitise_html

# What the email package raises on damaged input (header parsing, charset lookup, payload
# decoding); caught per part and per header so the rest of the message is still shown.
_PARSE_ERRORS = (
    LookupError,
    ValueError,
    TypeError,
    AttributeError,
    IndexError,
    AssertionError,
    UnicodeError,
    RecursionError,
    email.errors.MessageError,
)


@dataclass(frozen=True)
class Attachment:
    filename: str
    media_type: str
    data: bytes
    content_id: str  # without angle brackets; "" when none
    inline: bool


@dataclass
class ParsedMessage:
    subject: str = ""
    sender: tuple[MailAddress, ...] = ()
    to: tuple[MailAddress, ...] = ()
    cc: tuple[MailAddress, ...] = ()
    date: datetime | None = None
    message_id: str = ""
    in_reply_to: str = ""
    text: str = ""
    #: Sanitised HTML (see `html_sanitiser`); "" when the mail has no HTML part.
    html: str = ""
    blocked_remote_images: int = 0
    attachments: list[Attachment] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)


def parse_message(raw: bytes) -> ParsedMessage:
    result = ParsedMessage()
    try:
        message = email.message_from_bytes(raw, policy=policy.default)
    except _PARSE_ERRORS as error:
        result.defects.append(f"unparseable message: {type(error).__name__}")
        result.text = raw.decode("utf-8", "replace")
        return result
    _read_headers(message, result)
    try:
        _walk(message, result, depth=0)
    except _PARSE_ERRORS as error:
        result.defects.append(f"structure: {type(error).__name__}")
    for defect in getattr(message, "defects", []):
        result.defects.append(type(defect).__name__)
    return result


def _header(message: Message, name: str, result: ParsedMessage) -> str:
    try:
        value = message.get(name)
        return str(value) if value is not None else ""
    except _PARSE_ERRORS as error:
        result.defects.append(f"header {name}: {type(error).__name__}")
        raw = message.get_all(name, failobj=[])
        try:
            return str(raw[0]) if raw else ""
        except _PARSE_ERRORS:
            return ""


def _addresses(message: Message, name: str, result: ParsedMessage) -> tuple[MailAddress, ...]:
    text = _header(message, name, result)
    if not text:
        return ()
    try:
        return tuple(MailAddress(n, a) for n, a in getaddresses([text]) if a)
    except _PARSE_ERRORS as error:
        result.defects.append(f"addresses {name}: {type(error).__name__}")
        return ()


def _read_headers(message: Message, result: ParsedMessage) -> None:
    result.subject = _header(message, "Subject", result)
    result.sender = _addresses(message, "From", result)
    result.to = _addresses(message, "To", result)
    result.cc = _addresses(message, "Cc", result)
    result.message_id = _header(message, "Message-ID", result).strip()
    result.in_reply_to = _header(message, "In-Reply-To", result).strip()
    date_text = _header(message, "Date", result)
    if date_text:
        try:
            result.date = parsedate_to_datetime(date_text)
        except _PARSE_ERRORS:
            result.defects.append("header Date: unparseable")
    try:
        keys = list(dict.fromkeys(message.keys()))
    except _PARSE_ERRORS:
        keys = []
    for key in keys:
        result.headers[key] = _header(message, key, result)


def _walk(part: Message, result: ParsedMessage, depth: int) -> None:
    if depth > 50:  # a hostile nesting depth; what was read so far is shown
        result.defects.append("nesting too deep")
        return
    if part.is_multipart():
        payload = part.get_payload()
        if isinstance(payload, list):
            for child in payload:
                if isinstance(child, Message):
                    _walk(child, result, depth + 1)
        return
    try:
        content_type = part.get_content_type()
        disposition = part.get_content_disposition()
        filename = part.get_filename() or ""
    except _PARSE_ERRORS as error:
        result.defects.append(f"part headers: {type(error).__name__}")
        content_type, disposition, filename = "application/octet-stream", "attachment", ""
    if content_type == "message/rfc822":
        _attach(part, result, filename or "bericht.eml", content_type, disposition)
        return
    is_body_text = content_type in ("text/plain", "text/html") and disposition != "attachment"
    if is_body_text and not filename:
        text = _decode_text(part, result)
        if content_type == "text/plain":
            result.text = f"{result.text}\n{text}" if result.text else text
        else:
            cleaned = sanitise_html(text)
            result.html = f"{result.html}\n{cleaned.html}" if result.html else cleaned.html
            result.blocked_remote_images += cleaned.blocked_remote_images
        return
    _attach(part, result, filename, content_type, disposition)


def _attach(
    part: Message, result: ParsedMessage, filename: str, media_type: str, disposition: str | None
) -> None:
    data = _decode_bytes(part, result)
    content_id = ""
    try:
        content_id = str(part.get("Content-ID") or "").strip().strip("<>")
    except _PARSE_ERRORS:
        result.defects.append("header Content-ID: unparseable")
    name = filename or f"bijlage-{len(result.attachments) + 1}"
    result.attachments.append(
        Attachment(name, media_type, data, content_id, inline=disposition == "inline")
    )


def _decode_bytes(part: Message, result: ParsedMessage) -> bytes:
    try:
        payload = part.get_payload(decode=True)
    except _PARSE_ERRORS as error:
        result.defects.append(f"payload: {type(error).__name__}")
        payload = None
    if isinstance(payload, bytes):
        return payload
    raw = part.get_payload()
    if isinstance(raw, str):
        return raw.encode("utf-8", "surrogateescape")
    if isinstance(part, EmailMessage) and isinstance(raw, list):  # message/rfc822
        try:
            return b"".join(m.as_bytes() for m in raw if isinstance(m, Message))
        except _PARSE_ERRORS:
            result.defects.append("attached message: unserialisable")
    return b""


def _decode_text(part: Message, result: ParsedMessage) -> str:
    data = _decode_bytes(part, result)
    charset = "utf-8"
    try:
        charset = part.get_content_charset() or "utf-8"
    except _PARSE_ERRORS:
        result.defects.append("charset: unparseable")
    try:
        return data.decode(charset, "replace")
    except LookupError:
        result.defects.append(f"unknown charset {charset[:40]}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")
