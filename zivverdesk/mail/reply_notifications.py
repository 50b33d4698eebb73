"""Finding the relay's reply notifications in the user's mailbox.

When a recipient replies on the web page, the relay mails the sender a content-free notice
with the headers `X-Zivverdesk-Notification: reply`, `X-Zivverdesk-Conversation: {cid}`,
`X-Zivverdesk-Message: {reply id}` and `X-Zivverdesk-Relay: {public url}`.

    for uid, notice in find_reply_notifications(client, "INBOX", relay_url):
        services.fetch_replies(notice.conversation_id)      # over the authenticated API
    file_notifications(client, "INBOX", uids, "Zivverdesk")

Anyone can send a mail with these headers, so the notice is only a *hint to look*: what it
yields is two identifiers, checked for shape, and only when the mail points at the relay this
desktop is enrolled with. Nothing from its body is shown or trusted; the reply itself comes
from the relay over the device-authenticated API, and the relay decides what exists.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import Message
from urllib.parse import urlsplit

from imapclient import IMAPClient

from zivverdesk.mail.imap_connect import talks_to_server
from zivverdesk.mail.notification import CONVERSATION_HEADER, MESSAGE_HEADER, NOTIFICATION_HEADER

RELAY_HEADER = "X-Zivverdesk-Relay"
_ID_RE = re.compile(r"^[0-9a-f]{32}$")
_URL_RE = re.compile(r"https?://[^\s<>\"']+")


@dataclass(frozen=True)
class ReplyNotice:
    conversation_id: str
    #: The reply's id when the mail names one; the API fetch does not depend on it.
    message_id: str | None


def _origin(url: str) -> tuple[str, str, int | None] | None:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return parts.scheme, parts.hostname.lower(), port or (443 if parts.scheme == "https" else 80)


def recognise(raw: bytes, relay_url: str) -> ReplyNotice | None:
    """The notice in one raw mail, or None when it is not a reply notification of our relay."""
    expected = _origin(relay_url)
    if expected is None:
        return None
    try:
        message = message_from_bytes(raw, policy=policy.compat32)
    except (ValueError, TypeError, IndexError, LookupError):
        return None
    if _header(message, NOTIFICATION_HEADER).lower() != "reply":
        return None
    conversation = _header(message, CONVERSATION_HEADER).lower()
    if not _ID_RE.match(conversation):
        return None
    if not _points_at(message, expected):
        return None
    reply = _header(message, MESSAGE_HEADER).lower()
    return ReplyNotice(conversation, reply if _ID_RE.match(reply) else None)


def _header(message: Message, name: str) -> str:
    values = message.get_all(name) or []
    if len(values) != 1:  # absent, or repeated (ambiguous: ignore the mail)
        return ""
    return str(values[0]).strip()


def _points_at(message: Message, expected: tuple[str, str, int | None]) -> bool:
    relay = _header(message, RELAY_HEADER)
    if relay and _origin(relay) == expected:
        return True
    for part in message.walk():
        if part.get_content_maintype() != "text":
            continue
        try:
            payload = part.get_payload(decode=True)
        except (ValueError, TypeError, LookupError):
            continue
        if not isinstance(payload, bytes):
            continue
        text = payload.decode("utf-8", "replace")
        if any(_origin(url) == expected for url in _URL_RE.findall(text)):
            return True
    return False


@talks_to_server
def find_reply_notifications(
    client: IMAPClient, folder: str, relay_url: str, *, since_uid: int = 1
) -> list[tuple[int, ReplyNotice]]:
    """(uid, notice) for every reply notification of our relay in `folder` from `since_uid`."""
    client.select_folder(folder, readonly=True)
    uids = client.search(["UID", f"{since_uid}:*", "HEADER", NOTIFICATION_HEADER, "reply"])
    found: list[tuple[int, ReplyNotice]] = []
    wanted = sorted(uid for uid in uids if uid >= since_uid)
    for start in range(0, len(wanted), 200):
        chunk = wanted[start : start + 200]
        answer = client.fetch(chunk, ["BODY.PEEK[]"])
        for uid in chunk:
            raw = (answer.get(uid) or {}).get(b"BODY[]")
            if raw is None:
                continue
            notice = recognise(bytes(raw), relay_url)
            if notice is not None:
                found.append((uid, notice))
    return found


@talks_to_server
def file_notifications(client: IMAPClient, folder: str, uids: Collection[int], target: str) -> None:
    """Move handled notices out of the way (creating `target` if needed); MOVE where the
    server has it, else COPY + \\Deleted + UID EXPUNGE of exactly these messages."""
    if not uids:
        return
    if not client.folder_exists(target):
        client.create_folder(target)
    client.select_folder(folder)
    ordered = sorted(uids)
    if client.has_capability("MOVE"):
        client.move(ordered, target)
        return
    client.copy(ordered, target)
    client.add_flags(ordered, [b"\\Deleted"], silent=True)
    client.uid_expunge(ordered)
