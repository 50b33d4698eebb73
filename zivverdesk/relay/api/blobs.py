"""Desktop blob endpoints: upload (resumable), upload status, and download."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from zivverdesk.relay.access import conversation_visible
from zivverdesk.relay.api.common import Ctx, Device, Id, not_found
from zivverdesk.relay.api.uploads import (
    UPLOAD_BODY_DOC,
    blob_row,
    download,
    receive_upload,
    upload_status,
)
from zivverdesk.relay.db.schema import messages
from zivverdesk.relay.wire import now

router = APIRouter(prefix="/api/v1", tags=["blobs"])


def _sender_blob(ctx: Ctx, blob_id: str, caller: Device) -> Any:
    row = blob_row(ctx, blob_id)
    if row is None or row.sender_id != caller.user_id:
        raise not_found("This blob")
    return row


@router.put(
    "/blobs/{blob_id}",
    openapi_extra=UPLOAD_BODY_DOC,
)
async def upload_blob(blob_id: Id, caller: Device, ctx: Ctx, request: Request) -> Any:
    row = _sender_blob(ctx, blob_id, caller)
    return await receive_upload(ctx, request, row)


@router.head("/blobs/{blob_id}")
def blob_upload_status(blob_id: Id, caller: Device, ctx: Ctx) -> Response:
    row = blob_row(ctx, blob_id)
    if row is None or not _may_read(ctx, row, caller):
        raise not_found("This blob")
    return upload_status(ctx, row)


def _may_read(ctx: Ctx, row: Any, caller: Device) -> bool:
    if row.sender_id == caller.user_id:
        return True
    if row.committed_at is None:
        return False
    with ctx.db.read() as conn:
        return conversation_visible(conn, row.conversation_id, caller.user_id)


@router.get("/blobs/{blob_id}")
def download_blob(blob_id: Id, caller: Device, ctx: Ctx) -> Response:
    row = blob_row(ctx, blob_id)
    if row is None or not _may_read(ctx, row, caller):
        raise not_found("This blob")
    response = download(ctx, row)
    if row.kind in ("reply", "starter") and row.position == 0:
        # The office fetched the manifest of a reply: the recipient's page shows it as read.
        with ctx.db.write() as conn:
            conn.execute(
                messages.update()
                .where(messages.c.id == row.message_id, messages.c.opened_at.is_(None))
                .values(opened_at=now())
            )
    return response
