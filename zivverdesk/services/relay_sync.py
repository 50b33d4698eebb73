"""Bringing the relay's news into the store: feed events, replies, team conversations.

Every path here is idempotent: the feed delivers at least once, the IMAP reply notifications
report the same replies again, and a sync may stop half-way. Events are keyed by their feed
cursor (notification outcomes by recipient, so our own local record and the relay's report
are one entry); replies and imported messages are keyed by their ids.

Nothing from the relay is trusted for content: replies are decrypted with keys derived from
our own CEK and must name the message and conversation they answer.
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from zivverdesk.core.errors import ZivverdeskError
from zivverdesk.core.model import EventKind, VerificationMethod
from zivverdesk.core.secret import Secret
from zivverdesk.crypto.encoding import b64url_decode
from zivverdesk.crypto.errors import CryptoError
from zivverdesk.crypto.hpke import open_sealed_cek
from zivverdesk.crypto.keyschedule import file_key, reply_cek
from zivverdesk.crypto.manifest import Manifest, check_reply_binding, open_manifest
from zivverdesk.crypto.stream import decrypt_file
from zivverdesk.relayclient.client import FeedEvent, RelayClient
from zivverdesk.relayclient.errors import NotFound
from zivverdesk.relayclient.transfers import download_blob
from zivverdesk.services.notify import notification_event_key
from zivverdesk.services.profile import Profile
from zivverdesk.services.starter_followup import send_starter_follow_up
from zivverdesk.store.mailbox import Message

log = logging.getLogger(__name__)

#: Attachments up to this size are fetched and cached (sealed) with their reply; larger ones
#: when the user saves them.
EAGER_ATTACHMENT_BYTES = 20 * 1024 * 1024

_NOTIFICATION_KINDS = {EventKind.NOTIFICATION_ACCEPTED.value, EventKind.NOTIFICATION_REFUSED.value}


class UntrustedContent(ZivverdeskError):
    code = "untrusted_content"


def poll_feed(profile: Profile, relay: RelayClient, *, wait: int = 0) -> int:
    """Apply every event the relay has for us now; returns how many were new."""
    applied = 0
    while True:
        page = relay.events(profile.store.relay.feed_cursor(), wait=wait)
        for event in page.items:
            applied += apply_event_from_feed(profile, relay, event)
        if page.next:
            profile.store.relay.set_feed_cursor(page.next)
        if not page.items:
            return applied
        wait = 0  # drain quickly; only the first call long-polls


def apply_event_from_feed(profile: Profile, relay: RelayClient, event: FeedEvent) -> int:
    """Apply one event; returns 1 if it changed anything, 0 for a repeat."""
    store = profile.store
    changed = 0
    if event.kind == EventKind.REVIEW_CHANGED.value and event.conversation_id:
        changed = int(_apply_review(profile, event))
    elif event.message_id:
        if not store.mailbox.has_message(event.message_id):
            _guarded(profile, event, lambda: import_message(profile, relay, event.message_id or ""))
        if store.mailbox.has_message(event.message_id):
            key = event.cursor
            if event.kind in _NOTIFICATION_KINDS and event.recipient_id:
                key = notification_event_key(event.recipient_id, event.kind)
            detail = event.detail if isinstance(event.detail, str) else json.dumps(event.detail)
            changed = int(
                store.secure.record_event(
                    message_id=event.message_id,
                    recipient_id=event.recipient_id,
                    kind=event.kind,
                    at=event.at or None,
                    detail=detail or "",
                    event_key=key,
                )
            )
            if event.kind == EventKind.REPLIED.value:
                mid = event.message_id
                changed += len(
                    _guarded(profile, event, lambda: fetch_replies(profile, relay, mid)) or []
                )
            elif event.kind == EventKind.REVOKED.value:
                store.secure.mark_revoked(event.message_id)
            elif event.kind == EventKind.MESSAGE_RECEIVED.value and event.detail == "starter":
                mid = event.message_id
                _guarded(profile, event, lambda: send_starter_follow_up(profile, relay, mid))
    store.relay.set_feed_cursor(event.cursor)
    return min(changed, 1)


def _guarded[T](profile: Profile, event: FeedEvent, action: Callable[[], T]) -> T | None:
    """Run `action`; content that fails its cryptographic checks is reported (log and, for a
    known message, its timeline) and skipped, so one forged or damaged item cannot stop the
    feed for good. Network and relay errors propagate: the event is retried next sync."""
    try:
        return action()
    except (CryptoError, UntrustedContent) as exc:
        log.warning("feed event %s (%s): content rejected: %s", event.cursor, event.kind, exc)
        if event.message_id and profile.store.mailbox.has_message(event.message_id):
            profile.store.secure.record_event(
                message_id=event.message_id,
                recipient_id=event.recipient_id,
                kind="content_rejected",
                detail=str(exc),
                event_key=f"{event.cursor}:rejected",
            )
        return None


def _apply_review(profile: Profile, event: FeedEvent) -> bool:
    store = profile.store
    assert event.conversation_id is not None
    try:
        store.mailbox.conversation(event.conversation_id)
    except ZivverdeskError:
        return False  # a conversation we have not seen yet; its messages bring it
    detail = event.detail
    if isinstance(detail, str):
        detail = json.loads(detail) if detail else {}
    detail = detail or {}
    actor = str(detail.get("reviewed_by") or "")
    changed = False
    if detail.get("assigned_to") != store.mailbox.conversation(event.conversation_id).assigned_to:
        changed |= store.mailbox.set_review(
            event.conversation_id,
            assigned_to=detail.get("assigned_to"),
            reviewed=False,
            actor=actor or "relay",
            event_key=f"{event.cursor}:assign",
        )
    if detail.get("reviewed"):
        changed |= store.mailbox.set_review(
            event.conversation_id,
            assigned_to=detail.get("assigned_to"),
            reviewed=True,
            actor=actor,
            event_key=f"{event.cursor}:reviewed",
        )
    return changed


# --- messages from the relay -----------------------------------------------------------


def _download(relay: RelayClient, blob_id: str, folder: Path) -> Path:
    return download_blob(relay, blob_id, folder / blob_id)


def _open_manifest(relay: RelayClient, blob_id: str, cek: bytes, folder: Path) -> Manifest:
    return open_manifest(_download(relay, blob_id, folder).read_bytes(), cek)


def import_message(profile: Profile, relay: RelayClient, message_id: str) -> bool:
    """Store a message we did not send from here: a colleague's shared conversation, a
    conversation started by an outsider, or our own from another device. Returns False when
    the relay does not show it to us or no sealed key opens."""
    store = profile.store
    try:
        data = relay.get_message(message_id)
    except NotFound:
        return False
    cek = _open_sealed(profile, message_id, data.get("sealed") or [])
    if cek is None or not data.get("blobs"):
        log.info("message %s: no key sealed to this device", message_id)
        return False
    with tempfile.TemporaryDirectory(dir=profile.paths.cache_dir) as tmp:
        manifest = _open_manifest(relay, data["blobs"][0]["blob_id"], cek, Path(tmp))
    if manifest.message_id != message_id or manifest.conversation_id != data["conversation_id"]:
        raise UntrustedContent(
            f"Bericht {message_id} klopt niet met zijn inhoud. / The message does not match "
            "its content."
        )
    outgoing = data.get("kind") == "outbound"
    with store.db.transaction():
        store.mailbox.ensure_conversation(
            manifest.conversation_id,
            account_id=None,
            kind="secure",
            subject=manifest.subject,
            shared=bool(data.get("shared")),
        )
        store.mailbox.add_message(
            message_id=message_id,
            account_id=None,
            conversation_id=manifest.conversation_id,
            kind="secure",
            direction="out" if outgoing else "in",
            sender=manifest.sender.address,
            recipients=", ".join(r.address for r in manifest.recipients),
            subject=manifest.subject,
            body=manifest.body,
            date=manifest.created,
            in_reply_to=manifest.in_reply_to,
            has_attachments=bool(manifest.attachments),
        )
        store.secure.add(
            message_id=message_id,
            relay_url=relay.base_url,
            cek=Secret(cek),
            expires_at=data.get("expires_at"),
        )
        if data.get("committed"):
            store.secure.mark_committed(message_id)
        for r in data.get("recipients") or []:
            _import_recipient(profile, message_id, r)
        for a in manifest.attachments:
            store.mailbox.add_attachment(
                attachment_id=a.blob_id,
                message_id=message_id,
                name=a.name,
                size=a.size,
                media_type=a.media_type,
                sha256=a.sha256,
            )
        if not outgoing:
            store.mailbox.touch_conversation(manifest.conversation_id, needs_review=True)
    return True


def _import_recipient(profile: Profile, message_id: str, r: dict[str, Any]) -> None:
    store = profile.store
    store.secure.add_recipient(
        recipient_id=r["recipient_id"],
        message_id=message_id,
        address=r["address"],
        name=r.get("name") or "",
        method=VerificationMethod(r["method"]),
        phone=None,
    )
    for entry in r.get("timeline") or []:
        kind = entry["kind"]
        key = (
            notification_event_key(r["recipient_id"], kind)
            if kind in _NOTIFICATION_KINDS
            else f"import:{r['recipient_id']}:{kind}:{entry.get('at')}:{entry.get('reply_id')}"
        )
        store.secure.record_event(
            message_id=message_id,
            recipient_id=r["recipient_id"],
            kind=kind,
            at=entry.get("at"),
            detail=str(entry.get("detail") or ""),
            event_key=key,
        )
    if r.get("replaced_by"):
        store.secure.mark_replaced(r["recipient_id"], r["replaced_by"])


def _open_sealed(profile: Profile, message_id: str, sealed: list[dict[str, str]]) -> bytes | None:
    identity = profile.identity()
    for item in sealed:
        try:
            return open_sealed_cek(
                b64url_decode(item["sealed_cek"]), identity.private_key, message_id
            )
        except CryptoError:
            continue  # sealed to another of our devices
    return None


def fetch_replies(profile: Profile, relay: RelayClient, message_id: str) -> list[str]:
    """Download and decrypt the replies to one of our messages that we do not have yet."""
    store = profile.store
    original = store.mailbox.message(message_id)
    if original.conversation_id is None:
        return []
    cek = store.secure.cek(message_id).reveal()
    data = relay.get_message(message_id)
    new: list[str] = []
    for reply in data.get("replies") or []:
        reply_id = reply["reply_id"]
        if store.mailbox.has_message(reply_id) or not reply.get("blobs"):
            continue
        key = reply_cek(cek, reply_id)
        try:
            manifest, cached = _open_reply(profile, relay, reply, key, message_id, original)
        except (CryptoError, UntrustedContent) as exc:
            # One forged or damaged reply must not hide the others: note it and go on.
            log.warning("reply %s to %s rejected: %s", reply_id, message_id, exc)
            store.secure.record_event(
                message_id=message_id,
                recipient_id=reply.get("from_recipient_id"),
                kind="content_rejected",
                detail=f"reply {reply_id}: {exc}",
                event_key=f"reply:{reply_id}:rejected",
            )
            continue
        with store.db.transaction():
            store.mailbox.add_message(
                message_id=reply_id,
                account_id=original.account_id,
                conversation_id=original.conversation_id,
                kind="secure",
                direction="in",
                sender=manifest.sender.address,
                recipients=original.sender,
                subject=manifest.subject,
                body=manifest.body,
                date=manifest.created,
                in_reply_to=message_id,
                has_attachments=bool(manifest.attachments),
            )
            store.secure.add(
                message_id=reply_id,
                relay_url=relay.base_url,
                cek=Secret(key),
                expires_at=data.get("expires_at"),
            )
            store.secure.mark_committed(reply_id)
            for a in manifest.attachments:
                store.mailbox.add_attachment(
                    attachment_id=a.blob_id,
                    message_id=reply_id,
                    name=a.name,
                    size=a.size,
                    media_type=a.media_type,
                    sha256=a.sha256,
                    content=cached.get(a.blob_id),
                )
            store.mailbox.touch_conversation(original.conversation_id, needs_review=True)
        new.append(reply_id)
    return new


def _open_reply(
    profile: Profile,
    relay: RelayClient,
    reply: dict[str, Any],
    key: bytes,
    message_id: str,
    original: Message,
) -> tuple[Manifest, dict[str, bytes]]:
    """The reply's manifest, checked against what the relay announced, and its small
    attachments (decrypted and checked against the manifest's digests)."""
    assert original.conversation_id is not None
    with tempfile.TemporaryDirectory(dir=profile.paths.cache_dir) as tmp:
        folder = Path(tmp)
        manifest = _open_manifest(relay, reply["blobs"][0]["blob_id"], key, folder)
        check_reply_binding(
            manifest,
            reply_id=reply["reply_id"],
            original_message_id=message_id,
            conversation_id=original.conversation_id,
        )
        cached = {
            a.blob_id: _fetch_attachment(relay, key, a.blob_id, a.sha256, folder)
            for a in manifest.attachments
            if a.size <= EAGER_ATTACHMENT_BYTES
        }
    return manifest, cached


def _fetch_attachment(
    relay: RelayClient, key: bytes, blob_id: str, sha256: str, folder: Path
) -> bytes:
    plain = folder / f"{blob_id}.plain"
    decrypt_file(_download(relay, blob_id, folder), plain, file_key(key, blob_id))
    content = plain.read_bytes()
    plain.unlink()
    if hashlib.sha256(content).hexdigest() != sha256:
        raise UntrustedContent(
            "Een bijlage klopt niet met het bericht. / An attachment does not match."
        )
    return content


def save_attachment(
    profile: Profile, relay: RelayClient | None, message_id: str, name: str, target: Path
) -> Path:
    """Write an attachment's plaintext to `target` (from the sealed cache, else the relay)."""
    store = profile.store
    matches = [a for a in store.mailbox.attachments(message_id) if a.name == name]
    if not matches:
        names = ", ".join(a.name for a in store.mailbox.attachments(message_id)) or "geen / none"
        raise ZivverdeskError(
            f"Geen bijlage {name!r} bij dit bericht (wel: {names}). / No attachment {name!r}."
        )
    attachment = matches[0]
    if target.is_dir():
        target = target / attachment.name
    content = store.mailbox.attachment_content(attachment.id)
    if content is None:
        if relay is None:
            raise ZivverdeskError("De bijlage moet van de relay komen. / Needs the relay.")
        key = store.secure.cek(message_id).reveal()
        with tempfile.TemporaryDirectory(dir=profile.paths.cache_dir) as tmp:
            content = _fetch_attachment(relay, key, attachment.id, attachment.sha256, Path(tmp))
    elif attachment.sha256 and hashlib.sha256(content).hexdigest() != attachment.sha256:
        raise UntrustedContent(
            "De bewaarde bijlage is beschadigd. / The cached attachment is damaged."
        )
    tmp_target = target.with_name(f".{target.name}.part")
    tmp_target.write_bytes(content)
    tmp_target.replace(target)
    return target
