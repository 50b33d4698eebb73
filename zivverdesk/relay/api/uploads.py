"""Streaming, resumable blob upload and ranged download, shared by desktops, recipients
(replies) and the conversation starter. The callers check who may touch which blob."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import FileResponse, Response
from sqlalchemy import Connection, bindparam, select
from starlette.types import Receive, Scope, Send

from zivverdesk.relay.api.common import ApiError
from zivverdesk.relay.blobs import BlobError
from zivverdesk.relay.context import RelayContext
from zivverdesk.relay.db.schema import blobs, messages
from zivverdesk.relay.wire import now

WRITE_BUFFER = 1024 * 1024  # gather the request stream into pieces of this size per write
_RANGE = re.compile(r"^bytes (\d+)-(\d+)/(\d+)$")


PRELOAD_LIMIT = 1024 * 1024

# `openapi_extra` of every blob PUT: the body is raw bytes, not JSON, which FastAPI cannot
# infer from a handler that reads `request.stream()` itself.
UPLOAD_BODY_DOC: dict[str, Any] = {
    "requestBody": {
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}
    }
}


class BlobFileResponse(FileResponse):
    """A stored blob. Files up to PRELOAD_LIMIT are read whole in the handler's worker thread
    and sent in one piece (a plain GET, the common case); Starlette's own path would hop to
    the thread pool four times per file (stat, open, read, close), which cost more CPU than
    the transfer. Range requests and larger files take Starlette's streaming path."""

    # Large files go through Python piece by piece (uvicorn offers no zero-copy pathsend).
    # Starlette's 64 KiB default is 5x slower than nginx's sendfile; measured on a 1 GiB
    # blob, relay/nginx: 1 MiB 0.69-0.84, 4 MiB 1.03-1.04, 16 MiB 0.88 (docs/BENCHMARKS.md).
    chunk_size = 4 * 1024 * 1024

    def __init__(self, path: Path, *, headers: dict[str, str]) -> None:
        stat_result = path.stat()
        super().__init__(
            path, media_type="application/octet-stream", headers=headers, stat_result=stat_result
        )
        self.preloaded: bytes | None = None
        if stat_result.st_size <= PRELOAD_LIMIT:
            with path.open("rb") as fh:
                self.preloaded = fh.read()
            if len(self.preloaded) != stat_result.st_size:  # blobs never change once final
                raise ApiError(409, "conflict", "This file changed while it was read.")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.preloaded is None or any(k.lower() == b"range" for k, _ in scope["headers"]):
            await super().__call__(scope, receive, send)
            return
        head = scope["method"].upper() == "HEAD"
        await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
        await send({"type": "http.response.body", "body": b"" if head else self.preloaded})


# Built once (every download looks its blob up): see lockout.py.
_BLOB_ROW = (
    select(
        blobs,
        messages.c.committed_at,
        messages.c.revoked_at,
        messages.c.purged_at,
        messages.c.kind,
        messages.c.sender_id,
        messages.c.sender_recipient_id,
        messages.c.conversation_id,
        messages.c.in_reply_to,
        messages.c.opened_at.label("message_opened_at"),
    )
    .join(messages, messages.c.id == blobs.c.message_id)
    .where(blobs.c.id == bindparam("b_blob_id"))
)


def blob_row(ctx: RelayContext, blob_id: str) -> Any:
    with ctx.db.read() as conn:
        return conn.execute(_BLOB_ROW, {"b_blob_id": blob_id}).first()


def upload_status(ctx: RelayContext, row: Any) -> Response:
    received = row.size if row.complete else ctx.blobs.received(row.id)
    return Response(
        status_code=200, headers={"Upload-Offset": str(received), "Upload-Length": str(row.size)}
    )


async def receive_upload(ctx: RelayContext, request: Request, row: Any) -> dict[str, Any]:
    """Append the request body at the offset in `Content-Range` (or from 0 without one)."""
    if row.committed_at is not None or row.revoked_at is not None:
        raise ApiError(409, "conflict", "This message is already committed or revoked.")
    if row.complete:
        return {"received": row.size, "complete": True}
    header = request.headers.get("content-range")
    if header:
        match = _RANGE.match(header.strip())
        if not match:
            raise ApiError(400, "bad_request", "Content-Range must be 'bytes START-END/TOTAL'.")
        start, end, total = (int(g) for g in match.groups())
        if total != row.size or end < start or end >= total:
            raise ApiError(
                400,
                "bad_request",
                f"Content-Range does not fit the blob's declared size of {row.size} bytes.",
            )
        expected_end = end + 1
    else:
        start, expected_end = 0, row.size
        await asyncio.to_thread(ctx.blobs.restart, row.id)
    current = await asyncio.to_thread(ctx.blobs.received, row.id)
    if start != current:
        raise ApiError(
            409,
            "conflict",
            f"The upload continues at byte {current}.",
            extra={"received": current},
            headers={"Upload-Offset": str(current)},
        )
    offset = start
    buffer = bytearray()
    try:
        async for chunk in request.stream():
            if offset + len(buffer) + len(chunk) > expected_end:
                raise ApiError(413, "too_large", "The upload is larger than the declared size.")
            buffer += chunk
            if len(buffer) >= WRITE_BUFFER:
                offset = await asyncio.to_thread(ctx.blobs.append, row.id, offset, bytes(buffer))
                buffer.clear()
    finally:
        # Keep what arrived even when the client went away: the upload resumes from here.
        if buffer:
            offset = await asyncio.to_thread(ctx.blobs.append, row.id, offset, bytes(buffer))
    if offset != expected_end:
        raise ApiError(
            400,
            "bad_request",
            f"The upload stopped at byte {offset}.",
            extra={"received": offset},
            headers={"Upload-Offset": str(offset)},
        )
    if offset < row.size:
        return {"received": offset, "complete": False}
    try:
        await asyncio.to_thread(ctx.blobs.finish, row.id, row.sha256)
    except BlobError as exc:
        raise ApiError(400, "bad_request", str(exc)) from None
    await asyncio.to_thread(_mark_complete, ctx, row.id)
    return {"received": row.size, "complete": True}


def incomplete_blob(conn: Connection, message_id: str) -> str | None:
    """The id of one blob of the message that is not completely uploaded, if any."""
    found = conn.execute(
        select(blobs.c.id).where(blobs.c.message_id == message_id, blobs.c.complete.is_(False))
    ).first()
    return None if found is None else str(found.id)


def mark_committed(conn: Connection, message_id: str) -> None:
    conn.execute(messages.update().where(messages.c.id == message_id).values(committed_at=now()))


def _mark_complete(ctx: RelayContext, blob_id: str) -> None:
    with ctx.db.write() as conn:
        conn.execute(blobs.update().where(blobs.c.id == blob_id).values(complete=True))


def download(ctx: RelayContext, row: Any) -> Response:
    if row.deleted or row.revoked_at is not None:
        raise ApiError(410, "revoked", "This message was revoked; its files are gone.")
    if row.purged_at is not None:
        raise ApiError(410, "expired", "This message has expired; its files are gone.")
    if not row.complete:
        raise ApiError(409, "conflict", "This file is not completely uploaded yet.")
    path = ctx.blobs.final_path(row.id)
    try:
        return BlobFileResponse(path, headers={"Cache-Control": "no-store"})
    except FileNotFoundError:
        raise ApiError(410, "gone", "This file is no longer stored on the relay.") from None
