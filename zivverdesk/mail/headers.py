"""Turning IMAP FETCH answers (ENVELOPE, FLAGS, BODYSTRUCTURE…) into `HeaderRecord`s.

Everything here is tolerant: a header that does not decode becomes a best-effort string, an
unparseable BODYSTRUCTURE becomes "no attachments", and nothing raises. A mailbox with one
broken message must still sync.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from email.errors import MessageError
from email.header import decode_header, make_header
from typing import Any

_ENCODED_WORD = re.compile(rb"=\?")


@dataclass(frozen=True, slots=True)
class MailAddress:
    name: str
    address: str


@dataclass(frozen=True, slots=True)
class HeaderRecord:
    """What the message list needs of one message, before its body is ever fetched."""

    uid: int
    flags: frozenset[str]
    size: int
    date: datetime | None
    subject: str
    sender: tuple[MailAddress, ...]
    to: tuple[MailAddress, ...]
    cc: tuple[MailAddress, ...]
    message_id: str
    in_reply_to: str
    has_attachments: bool
    modseq: int | None = None

    @property
    def seen(self) -> bool:
        return "\\Seen" in self.flags


def decode_text(raw: bytes | str | None) -> str:
    """An ENVELOPE string (possibly RFC 2047 encoded-words) as text."""
    if raw is None:
        return ""
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogateescape")
    if not _ENCODED_WORD.search(raw):
        return raw.decode("utf-8", "replace")
    text = raw.decode("ascii", "replace")
    try:
        return str(make_header(decode_header(text)))
    except (LookupError, ValueError, UnicodeError, AssertionError, TypeError, MessageError):
        # An unknown charset or a damaged encoded-word: show the raw text rather than nothing.
        return text


def _addresses(value: Any) -> tuple[MailAddress, ...]:
    if not value:
        return ()
    result = []
    for item in value:
        mailbox = getattr(item, "mailbox", None)
        host = getattr(item, "host", None)
        if mailbox is None:  # group syntax markers carry no address
            continue
        local = decode_text(mailbox)
        domain = decode_text(host) if host else ""
        result.append(
            MailAddress(
                decode_text(getattr(item, "name", None)), f"{local}@{domain}" if domain else local
            )
        )
    return tuple(result)


def _has_attachments(structure: Any, depth: int = 0) -> bool:
    """True when any leaf part is an attachment or not text. Defensive: a malformed structure
    (the server's answer to a broken mail) is "no attachments"."""
    if depth > 20 or not isinstance(structure, tuple | list) or not structure:
        return False
    first = structure[0]
    if isinstance(first, list):  # multipart: a list of parts, then the subtype
        return any(_has_attachments(part, depth + 1) for part in first)
    if not isinstance(first, bytes):
        return False
    if first.lower() not in (b"text", b"multipart"):
        return True
    return any(
        isinstance(item, tuple)
        and item
        and isinstance(item[0], bytes)
        and item[0].lower() == b"attachment"
        for item in structure[1:]
    )


def header_record(uid: int, data: dict[bytes, Any]) -> HeaderRecord:
    """One FETCH answer → a record. Missing items become empty values."""
    envelope = data.get(b"ENVELOPE")
    flags = frozenset(
        f.decode("utf-8", "replace") if isinstance(f, bytes) else str(f)
        for f in data.get(b"FLAGS", ())
    )
    if envelope is not None:
        date = envelope.date if isinstance(envelope.date, datetime) else None
        if date is not None and date.tzinfo is None:
            date = date.astimezone()  # imapclient normalises to naive local time
        subject = decode_text(envelope.subject)
        sender = _addresses(envelope.from_)
        to = _addresses(envelope.to)
        cc = _addresses(envelope.cc)
        message_id = decode_text(envelope.message_id)
        in_reply_to = decode_text(envelope.in_reply_to)
    else:
        date, subject, sender, to, cc, message_id, in_reply_to = None, "", (), (), (), "", ""
    try:
        has_attachments = _has_attachments(data.get(b"BODYSTRUCTURE"))
    except (TypeError, AttributeError, IndexError):
        has_attachments = False
    modseq = data.get(b"MODSEQ")
    size = data.get(b"RFC822.SIZE", 0)
    return HeaderRecord(
        uid=uid,
        flags=flags,
        size=size if isinstance(size, int) else 0,
        date=date,
        subject=subject,
        sender=sender,
        to=to,
        cc=cc,
        message_id=message_id,
        in_reply_to=in_reply_to,
        has_attachments=has_attachments,
        modseq=modseq[0] if isinstance(modseq, tuple) and modseq else None,
    )
