"""Replies from a recipient's browser: create, upload (resumable), commit; the commit tells
the sender in the feed and by a content-free notification mail."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Cookie, Request
from fastapi.responses import Response
from pydantic import Field
from sqlalchemy import Connection, select

from zivverdesk.core.model import EventKind
from zivverdesk.relay import audit, feed, mailqueue, mailtexts
from zivverdesk.relay.access import message_row
from zivverdesk.relay.api.common import ApiError, Body, Ctx, Id, not_found, request_actor
from zivverdesk.relay.api.messages import BlobSpec, insert_blobs
from zivverdesk.relay.api.recipient import session_for
from zivverdesk.relay.api.uploads import (
    UPLOAD_BODY_DOC,
    blob_row,
    incomplete_blob,
    mark_committed,
    receive_upload,
    upload_status,
)
from zivverdesk.relay.context import RelayContext
from zivverdesk.relay.db.schema import conversations, messages, users
from zivverdesk.relay.wire import now

router = APIRouter(prefix="/api/v1/r/{message_id}/{recipient_id}", tags=["recipient"])


class ReplyRequest(Body):
    reply_id: Id
    blobs: Annotated[list[BlobSpec], Field(min_length=1, max_length=1000)]


def _own_reply(conn: Connection, row: Any, reply_id: str) -> Any:
    reply = message_row(conn, reply_id)
    if reply is None or reply.kind != "reply" or reply.sender_recipient_id != row.id:
        raise not_found("This reply")
    return reply


@router.post("/replies", status_code=201)
def create_reply(
    message_id: Id,
    recipient_id: Id,
    body: ReplyRequest,
    ctx: Ctx,
    request: Request,
    zv_session: Annotated[str | None, Cookie()] = None,
) -> Any:
    prefix = f"/api/v1/r/{message_id}/{recipient_id}/blobs"
    with ctx.db.write() as conn:
        row = session_for(conn, zv_session, message_id, recipient_id)
        existing = message_row(conn, body.reply_id)
        if existing is None:
            at = now()
            conn.execute(
                messages.insert().values(
                    id=body.reply_id,
                    conversation_id=row.conversation_id,
                    kind="reply",
                    sender_recipient_id=recipient_id,
                    in_reply_to=message_id,
                    shared=row.shared,
                    created_at=at,
                    expires_at=row.expires_at,
                )
            )
            insert_blobs(conn, body.reply_id, body.blobs, ctx.settings.limits.max_message_size)
            audit.append(
                conn,
                request_actor(request, f"recipient:{recipient_id}"),
                "reply_created",
                message_id=body.reply_id,
                recipient_id=recipient_id,
            )
        else:
            _own_reply(conn, row, body.reply_id)
        upload = {b.blob_id: f"{prefix}/{b.blob_id}" for b in body.blobs}
    return {"reply_id": body.reply_id, "upload": upload}


@router.put(
    "/blobs/{blob_id}",
    openapi_extra=UPLOAD_BODY_DOC,
)
async def upload_reply_blob(
    message_id: Id,
    recipient_id: Id,
    blob_id: Id,
    ctx: Ctx,
    request: Request,
    zv_session: Annotated[str | None, Cookie()] = None,
) -> Any:
    blob = _reply_blob(ctx, zv_session, message_id, recipient_id, blob_id)
    return await receive_upload(ctx, request, blob)


@router.head("/blobs/{blob_id}")
def reply_blob_status(
    message_id: Id,
    recipient_id: Id,
    blob_id: Id,
    ctx: Ctx,
    zv_session: Annotated[str | None, Cookie()] = None,
) -> Response:
    return upload_status(ctx, _reply_blob(ctx, zv_session, message_id, recipient_id, blob_id))


def _reply_blob(
    ctx: RelayContext, token: str | None, message_id: str, recipient_id: str, blob_id: str
) -> Any:
    with ctx.db.read() as conn:
        session_for(conn, token, message_id, recipient_id)
    blob = blob_row(ctx, blob_id)
    if blob is None or blob.kind != "reply" or blob.sender_recipient_id != recipient_id:
        raise not_found("This file")
    return blob


@router.post("/replies/{reply_id}/commit")
def commit_reply(
    message_id: Id,
    recipient_id: Id,
    reply_id: Id,
    ctx: Ctx,
    request: Request,
    zv_session: Annotated[str | None, Cookie()] = None,
) -> Any:

    with ctx.db.write() as conn:
        row = session_for(conn, zv_session, message_id, recipient_id)
        reply = _own_reply(conn, row, reply_id)
        if reply.committed_at is None:
            if incomplete_blob(conn, reply_id) is not None:
                raise ApiError(409, "conflict", "Not every file of the reply is uploaded.")
            mark_committed(conn, reply_id)
            feed.emit(
                conn,
                EventKind.REPLIED,
                conversation_id=row.conversation_id,
                message_id=message_id,
                recipient_id=recipient_id,
                reply_id=reply_id,
            )
            audit.append(
                conn,
                request_actor(request, f"recipient:{recipient_id}"),
                "replied",
                message_id=reply_id,
                recipient_id=recipient_id,
            )
            notify_reply(conn, ctx, row, reply_id)
    return {"reply_id": reply_id, "committed": True}


def notify_reply(conn: Connection, ctx: RelayContext, row: Any, reply_id: str) -> None:
    """Queue the content-free reply notification to the sender's own mailbox."""
    sender = conn.execute(select(users.c.email).where(users.c.id == row.sender_id)).first()
    if sender is None:
        conv = conn.execute(
            select(conversations.c.owner_id).where(conversations.c.id == row.conversation_id)
        ).first()
        if conv is None or conv.owner_id is None:
            return
        sender = conn.execute(select(users.c.email).where(users.c.id == conv.owner_id)).first()
        if sender is None:
            return
    who = row.name or row.address
    mail = mailtexts.reply_notification(
        who=who,
        conversation_id=row.conversation_id,
        desktop_link=f"zivverdesk://conversation/{row.conversation_id}",
        relay_url=ctx.settings.effective_public_url,
        office=ctx.settings.office.name,
    )
    mailqueue.enqueue(
        conn,
        key=f"reply:{reply_id}",
        to=sender.email,
        mail=mail,
        headers={
            "X-Zivverdesk-Notification": "reply",
            "X-Zivverdesk-Conversation": row.conversation_id,
            "X-Zivverdesk-Message": reply_id,
            "X-Zivverdesk-Relay": ctx.settings.effective_public_url,
        },
        conversation_id=row.conversation_id,
        message_id=reply_id,
    )
