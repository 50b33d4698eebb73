"""Desktop endpoints for messages: create, commit, revoke, rotate a recipient's link,
report notification delivery, and read a message with its recipients, timeline and replies."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Request
from pydantic import Field
from sqlalchemy import Connection, bindparam, select

from zivverdesk.core.model import EventKind, RecipientState, apply_event
from zivverdesk.relay import audit, feed
from zivverdesk.relay.access import conversation_visible, message_row, visible_message
from zivverdesk.relay.api.common import (
    B64,
    ApiError,
    Body,
    Ctx,
    Device,
    Id,
    decode_b64,
    not_found,
)
from zivverdesk.relay.api.uploads import incomplete_blob, mark_committed
from zivverdesk.relay.db.prepared import Prepared
from zivverdesk.relay.db.schema import (
    blobs,
    conversations,
    devices,
    events,
    messages,
    recipients,
    sealed_keys,
)
from zivverdesk.relay.retention import shred_message
from zivverdesk.relay.wire import b64url, now, parse_rfc3339, rfc3339

router = APIRouter(prefix="/api/v1", tags=["messages"])

MAX_BLOB = 2**50
Method = Literal["access_code", "sms", "email"]


class BlobSpec(Body):
    blob_id: Id
    size: Annotated[int, Field(ge=0, le=MAX_BLOB)]
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class SealedSpec(Body):
    key_id: Id
    sealed_cek: B64


class RecipientSpec(Body):
    recipient_id: Id
    address: Annotated[str, Field(min_length=3, max_length=320)]
    name: Annotated[str, Field(max_length=200)] = ""
    method: Method
    phone: Annotated[str | None, Field(max_length=40)] = None
    verifier: B64
    wrapped_cek: B64
    code_salt: B64 | None = None
    kdf_iterations: Annotated[int | None, Field(ge=600_000, le=10_000_000)] = None


class CreateMessage(Body):
    message_id: Id
    conversation_id: Id
    in_reply_to: Id | None = None
    shared: bool | None = None
    expires_at: Annotated[str | None, Field(max_length=40)] = None
    blobs: Annotated[list[BlobSpec], Field(min_length=1, max_length=1000)]
    sealed: Annotated[list[SealedSpec], Field(default_factory=list, max_length=1000)]
    recipients: Annotated[list[RecipientSpec], Field(default_factory=list, max_length=500)]


class RotateRecipient(Body):
    new_recipient_id: Id
    address: Annotated[str, Field(min_length=3, max_length=320)]
    name: Annotated[str | None, Field(max_length=200)] = None
    method: Method
    phone: Annotated[str | None, Field(max_length=40)] = None
    verifier: B64
    wrapped_cek: B64
    code_salt: B64 | None = None
    kdf_iterations: Annotated[int | None, Field(ge=600_000, le=10_000_000)] = None


class NotificationReport(Body):
    accepted: bool
    detail: Annotated[str, Field(max_length=500)] = ""


def recipient_values(spec: RecipientSpec | RotateRecipient) -> dict[str, Any]:
    """Checked column values for a recipient (shared by create and rotate)."""
    values: dict[str, Any] = {
        "verifier": decode_b64(spec.verifier, "verifier", size=32),
        "wrapped_cek": decode_b64(spec.wrapped_cek, "wrapped_cek", size=61),
        "method": spec.method,
        "phone": spec.phone,
        "code_salt": None,
        "kdf_iterations": None,
    }
    if spec.method == "access_code":
        if spec.code_salt is None or spec.kdf_iterations is None:
            raise ApiError(
                400, "bad_request", "An access-code recipient needs code_salt and kdf_iterations."
            )
        values["code_salt"] = decode_b64(spec.code_salt, "code_salt", size=16)
        values["kdf_iterations"] = spec.kdf_iterations
    if spec.method == "sms" and not (spec.phone and any(c.isdigit() for c in spec.phone)):
        raise ApiError(400, "bad_request", "An SMS recipient needs a phone number.")
    if "@" not in spec.address:
        raise ApiError(400, "bad_request", f"{spec.address!r} is not an e-mail address.")
    return values


def upload_map(conn: Connection, message_id: str, prefix: str = "/api/v1/blobs") -> dict[str, str]:
    rows = conn.execute(
        select(blobs.c.id).where(blobs.c.message_id == message_id).order_by(blobs.c.position)
    ).all()
    return {r.id: f"{prefix}/{r.id}" for r in rows}


def insert_blobs(conn: Connection, message_id: str, specs: list[BlobSpec], max_size: int) -> None:
    ids = [b.blob_id for b in specs]
    if len(set(ids)) != len(ids):
        raise ApiError(400, "bad_request", "A blob id is listed twice.")
    if sum(b.size for b in specs) > max_size:
        raise ApiError(
            413, "too_large", f"The message is larger than this relay accepts ({max_size} bytes)."
        )
    taken = conn.execute(select(blobs.c.id).where(blobs.c.id.in_(ids))).first()
    if taken is not None:
        raise ApiError(409, "conflict", f"Blob {taken.id} already belongs to another message.")
    for position, spec in enumerate(specs):
        conn.execute(
            blobs.insert().values(
                id=spec.blob_id,
                message_id=message_id,
                position=position,
                size=spec.size,
                sha256=spec.sha256,
                complete=False,
                deleted=False,
            )
        )


@router.post("/messages", status_code=201)
def create_message(body: CreateMessage, caller: Device, ctx: Ctx, request: Request) -> Any:
    settings = ctx.settings
    at = now()
    if body.expires_at is None:
        expires = at + timedelta(days=settings.retention.default_days)
    else:
        try:
            expires = parse_rfc3339(body.expires_at)
        except ValueError:
            raise ApiError(400, "bad_request", "expires_at is not an RFC 3339 time.") from None
        if expires <= at or expires > at + timedelta(days=settings.retention.max_days):
            raise ApiError(400, "bad_request", "expires_at is in the past or too far ahead.")
    rec_ids = [r.recipient_id for r in body.recipients]
    if len(set(rec_ids)) != len(rec_ids):
        raise ApiError(400, "bad_request", "A recipient id is listed twice.")
    checked = [recipient_values(r) for r in body.recipients]
    sealed = [(s.key_id, decode_b64(s.sealed_cek, "sealed_cek", size=87)) for s in body.sealed]
    with ctx.db.write() as conn:
        existing = message_row(conn, body.message_id)
        if existing is not None:
            if existing.sender_id != caller.user_id:
                raise ApiError(409, "conflict", "This message id is already taken.")
            return {"message_id": body.message_id, "upload": upload_map(conn, body.message_id)}
        conv = conn.execute(
            select(conversations).where(conversations.c.id == body.conversation_id)
        ).first()
        shared = settings.office.share_by_default if body.shared is None else body.shared
        if conv is None:
            conn.execute(
                conversations.insert().values(
                    id=body.conversation_id, owner_id=caller.user_id, shared=shared, created_at=at
                )
            )
        elif not conversation_visible(conn, body.conversation_id, caller.user_id):
            raise ApiError(403, "forbidden", "This conversation belongs to someone else.")
        if body.in_reply_to is not None:
            parent = message_row(conn, body.in_reply_to)
            if parent is None or parent.conversation_id != body.conversation_id:
                raise ApiError(400, "bad_request", "in_reply_to is not in this conversation.")
        if rec_ids:
            taken = conn.execute(
                select(recipients.c.id).where(recipients.c.id.in_(rec_ids))
            ).first()
            if taken is not None:
                raise ApiError(409, "conflict", f"Recipient id {taken.id} is already taken.")
        conn.execute(
            messages.insert().values(
                id=body.message_id,
                conversation_id=body.conversation_id,
                kind="outbound",
                sender_id=caller.user_id,
                in_reply_to=body.in_reply_to,
                shared=shared,
                created_at=at,
                expires_at=expires,
            )
        )
        insert_blobs(conn, body.message_id, body.blobs, settings.limits.max_message_size)
        for key_id, sealed_cek in dict(sealed).items():
            conn.execute(
                sealed_keys.insert().values(
                    message_id=body.message_id, key_id=key_id, sealed_cek=sealed_cek
                )
            )
        for spec, values in zip(body.recipients, checked, strict=True):
            conn.execute(
                recipients.insert().values(
                    id=spec.recipient_id,
                    message_id=body.message_id,
                    address=spec.address,
                    name=spec.name,
                    failures=0,
                    lock_level=0,
                    created_at=at,
                    **values,
                )
            )
        audit.append(conn, caller.actor(request), "message_created", message_id=body.message_id)
        return {"message_id": body.message_id, "upload": upload_map(conn, body.message_id)}


def _own_message(conn: Connection, message_id: str, user_id: str) -> Any:
    row = visible_message(conn, message_id, user_id)
    if row is None:
        raise not_found("This message")
    return row


@router.post("/messages/{message_id}/commit")
def commit_message(message_id: Id, caller: Device, ctx: Ctx, request: Request) -> Any:
    with ctx.db.write() as conn:
        row = _own_message(conn, message_id, caller.user_id)
        if row.sender_id != caller.user_id:
            raise ApiError(403, "forbidden", "Only the sender can commit a message.")
        if row.committed_at is None:
            incomplete = incomplete_blob(conn, message_id)
            if incomplete is not None:
                raise ApiError(409, "conflict", f"Blob {incomplete} is not completely uploaded.")
            mark_committed(conn, message_id)
            if row.shared:
                feed.emit(
                    conn,
                    EventKind.MESSAGE_RECEIVED,
                    conversation_id=row.conversation_id,
                    message_id=message_id,
                    detail="colleague",
                )
            audit.append(conn, caller.actor(request), "message_committed", message_id=message_id)
    return {"message_id": message_id, "committed": True}


@router.post("/messages/{message_id}/revoke")
def revoke_message(message_id: Id, caller: Device, ctx: Ctx, request: Request) -> Any:
    with ctx.db.write() as conn:
        row = _own_message(conn, message_id, caller.user_id)
        if row.revoked_at is None:
            blob_ids = shred_message(conn, message_id)
            conn.execute(
                messages.update().where(messages.c.id == message_id).values(revoked_at=now())
            )
            for rec in conn.execute(
                select(recipients.c.id).where(
                    recipients.c.message_id == message_id, recipients.c.replaced_by.is_(None)
                )
            ):
                feed.emit(
                    conn,
                    EventKind.REVOKED,
                    conversation_id=row.conversation_id,
                    message_id=message_id,
                    recipient_id=rec.id,
                )
            audit.append(conn, caller.actor(request), "message_revoked", message_id=message_id)
        else:
            blob_ids = []
    for blob_id in blob_ids:  # after commit: a rollback must not leave keys without blobs
        ctx.blobs.delete(blob_id)
    return {"message_id": message_id, "revoked": True}


@router.post("/messages/{message_id}/recipients/{recipient_id}/rotate")
def rotate_recipient(
    message_id: Id,
    recipient_id: Id,
    body: RotateRecipient,
    caller: Device,
    ctx: Ctx,
    request: Request,
) -> Any:
    values = recipient_values(body)
    with ctx.db.write() as conn:
        row = _own_message(conn, message_id, caller.user_id)
        if row.revoked_at is not None:
            raise ApiError(410, "revoked", "This message was revoked.")
        old = conn.execute(
            select(recipients).where(
                recipients.c.id == recipient_id, recipients.c.message_id == message_id
            )
        ).first()
        if old is None:
            raise not_found("This recipient")
        if old.replaced_by is not None:
            if old.replaced_by == body.new_recipient_id:
                return {"recipient_id": body.new_recipient_id}
            raise ApiError(409, "conflict", "This link was already replaced.")
        if conn.execute(
            select(recipients.c.id).where(recipients.c.id == body.new_recipient_id)
        ).first():
            raise ApiError(409, "conflict", "The new recipient id is already taken.")
        conn.execute(
            recipients.insert().values(
                id=body.new_recipient_id,
                message_id=message_id,
                address=body.address,
                name=old.name if body.name is None else body.name,
                failures=0,
                lock_level=0,
                created_at=now(),
                **values,
            )
        )
        conn.execute(
            recipients.update()
            .where(recipients.c.id == recipient_id)
            .values(
                replaced_by=body.new_recipient_id, verifier=None, wrapped_cek=None, code_salt=None
            )
        )
        audit.append(
            conn,
            caller.actor(request),
            "link_rotated",
            message_id=message_id,
            recipient_id=recipient_id,
            detail=f"new:{body.new_recipient_id}",
        )
    return {"recipient_id": body.new_recipient_id}


@router.post("/messages/{message_id}/recipients/{recipient_id}/notification")
def report_notification(
    message_id: Id, recipient_id: Id, body: NotificationReport, caller: Device, ctx: Ctx
) -> Any:
    with ctx.db.write() as conn:
        row = _own_message(conn, message_id, caller.user_id)
        rec = conn.execute(
            select(recipients.c.id).where(
                recipients.c.id == recipient_id, recipients.c.message_id == message_id
            )
        ).first()
        if rec is None:
            raise not_found("This recipient")
        kind = EventKind.NOTIFICATION_ACCEPTED if body.accepted else EventKind.NOTIFICATION_REFUSED
        feed.emit(
            conn,
            kind,
            conversation_id=row.conversation_id,
            message_id=message_id,
            recipient_id=recipient_id,
            detail=body.detail,
        )
    return {"recorded": kind.value}


# Built once (every recipient's thread lists blobs): see lockout.py.
_BLOBS_OF = (
    select(blobs).where(blobs.c.message_id == bindparam("b_message_id")).order_by(blobs.c.position)
)


_BLOBS_OF_RUN = Prepared(_BLOBS_OF)


def blob_list(conn: Connection, message_id: str) -> list[dict[str, Any]]:
    rows = _BLOBS_OF_RUN.all(conn, {"b_message_id": message_id})
    return [
        {
            "blob_id": r.id,
            "size": r.size,
            "sha256": r.sha256,
            "complete": bool(r.complete),
            "deleted": bool(r.deleted),
        }
        for r in rows
    ]


@router.get("/messages/{message_id}")
def get_message(message_id: Id, caller: Device, ctx: Ctx) -> Any:
    with ctx.db.read() as conn:
        row = _own_message(conn, message_id, caller.user_id)
        my_keys = {
            r.id
            for r in conn.execute(select(devices.c.id).where(devices.c.user_id == caller.user_id))
        }
        sealed = [
            {"key_id": r.key_id, "sealed_cek": b64url(r.sealed_cek)}
            for r in conn.execute(select(sealed_keys).where(sealed_keys.c.message_id == message_id))
            if r.key_id in my_keys
        ]
        timeline: dict[str, list[dict[str, Any]]] = {}
        for ev in conn.execute(
            select(events).where(events.c.message_id == message_id).order_by(events.c.seq)
        ):
            if ev.recipient_id:
                timeline.setdefault(ev.recipient_id, []).append(
                    {
                        "kind": ev.kind,
                        "at": rfc3339(ev.at),
                        "detail": ev.detail,
                        "blob_id": ev.blob_id,
                        "reply_id": ev.reply_id,
                    }
                )
        recs = []
        for r in conn.execute(
            select(recipients)
            .where(recipients.c.message_id == message_id)
            .order_by(recipients.c.created_at, recipients.c.id)
        ):
            state = RecipientState.PENDING
            for item in timeline.get(r.id, []):
                state = apply_event(state, EventKind(item["kind"]))
            if row.revoked_at is not None:
                state = RecipientState.REVOKED
            elif row.expires_at <= now():
                state = RecipientState.EXPIRED
            recs.append(
                {
                    "recipient_id": r.id,
                    "address": r.address,
                    "name": r.name,
                    "method": r.method,
                    "state": state.value,
                    "replaced_by": r.replaced_by,
                    "opened_at": rfc3339(r.opened_at),
                    "locked_until": rfc3339(r.locked_until),
                    "timeline": timeline.get(r.id, []),
                }
            )
        replies = [
            {
                "reply_id": m.id,
                "from_recipient_id": m.sender_recipient_id,
                "from_user_id": m.sender_id,
                "created": rfc3339(m.committed_at),
                "opened": m.opened_at is not None,
                "blobs": blob_list(conn, m.id),
            }
            for m in conn.execute(
                select(messages)
                .where(
                    messages.c.in_reply_to == message_id,
                    messages.c.kind == "reply",
                    messages.c.committed_at.is_not(None),
                )
                .order_by(messages.c.committed_at)
            )
        ]
        return {
            "message_id": row.id,
            "conversation_id": row.conversation_id,
            "kind": row.kind,
            "in_reply_to": row.in_reply_to,
            "sender_user_id": row.sender_id,
            "sender_recipient_id": row.sender_recipient_id,
            "shared": bool(row.shared),
            "created": rfc3339(row.created_at),
            "committed": rfc3339(row.committed_at),
            "expires_at": rfc3339(row.expires_at),
            "revoked": rfc3339(row.revoked_at),
            # replies, starter messages and answers in a thread: first fetch by the other side
            "opened_at": rfc3339(row.opened_at),
            "blobs": blob_list(conn, message_id),
            "sealed": sealed,
            "recipients": recs,
            "replies": replies,
        }
