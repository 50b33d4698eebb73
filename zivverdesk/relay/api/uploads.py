"""Streaming, resumable blob upload and ranged download, shared by desktops, recipients
(replies) and the conversation starter. The callers check who may touch which blob."""

from __future__ import annotations

import asyncio
import errno
import logging
import mmap
import os
import re
import sys
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import FileResponse, Response
from sqlalchemy import Connection, bindparam, select
from starlette.datastructures import MutableHeaders
from starlette.types import Receive, Scope, Send

from zivverdesk.relay.api.common import ApiError
from zivverdesk.relay.blobs import BlobError
from zivverdesk.relay.context import RelayContext
from zivverdesk.relay.db.prepared import Prepared
from zivverdesk.relay.db.schema import blobs, messages
from zivverdesk.relay.wire import now

_log = logging.getLogger(__name__)
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
    """A stored blob. Files up to PRELOAD_LIMIT are taken whole when the response is made (a
    page-cache read of at most 1 MiB, see `_whole_small_file`) and sent in one piece (a
    plain GET, the common case); Starlette's own path would hop to the thread pool four
    times per file (stat, open, read, close), which cost more CPU than the transfer.

    Larger files, whole or as one byte range (a resumed download), are sent as slices of a
    read-only memory map of the file, so each byte is copied once, from the page cache into
    the socket. Reading into a buffer first (Starlette's path) costs a second copy, which
    was ~40% of the relay's CPU per download and left it behind nginx's sendfile once the
    machine was busy (relay/nginx 0.74-0.86 on a 1 GiB blob; see docs/BENCHMARKS.md).
    A worker thread pulls the next window of the file into the page cache before the event
    loop touches it, so a blob that is not cached yet never blocks the loop on disk reads,
    and a read error surfaces there as an exception. HEAD, several ranges, If-Range and
    invalid or unsatisfiable ranges keep Starlette's own handling."""

    # Starlette's path (kept for the cases above). Its 64 KiB default is 5x slower than
    # nginx; 4 MiB was the fastest piece size (docs/BENCHMARKS.md).
    chunk_size = 4 * 1024 * 1024
    # One ASGI body message of the mapped path: a slice of the mapping, not a copy.
    send_size = 4 * 1024 * 1024
    # Page-cache warm-up window: one thread hop per window, kept one window ahead of the
    # sending. 16 MiB windows cost less CPU than 4 MiB ones (a hop per piece) at the same
    # speed.
    warm_size = 16 * 1024 * 1024

    def __init__(self, path: Path, *, headers: dict[str, str]) -> None:
        stat_result = path.stat()
        super().__init__(
            path, media_type="application/octet-stream", headers=headers, stat_result=stat_result
        )
        self.size = stat_result.st_size
        self.preloaded: bytes | memoryview | None = None
        if stat_result.st_size <= PRELOAD_LIMIT:
            self.preloaded = _whole_small_file(path, stat_result.st_size)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.preloaded is not None:
            if any(k.lower() == b"range" for k, _ in scope["headers"]):
                await super().__call__(scope, receive, send)
                return
            head = scope["method"].upper() == "HEAD"
            await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
            await send({"type": "http.response.body", "body": b"" if head else self.preloaded})
            return
        span = self._mapped_span(scope) if _MAPPED and scope["type"] == "http" else None
        if span is None:
            await super().__call__(scope, receive, send)
            return
        status, start, end, headers = span
        try:
            mapped = await asyncio.to_thread(
                _MappedFile.open, self.path, self.size, start, end, self.warm_size
            )
        except OSError:
            # Not mappable or not readable this way: Starlette reads it (or reports why not).
            await super().__call__(scope, receive, send)
            return
        await mapped.send(self, status, headers, receive, send)

    def _mapped_span(self, scope: Scope) -> tuple[int, int, int, list[tuple[bytes, bytes]]] | None:
        """(status, start, end, response headers) of a GET this class sends from the mapping: the
        whole file, or one satisfiable range written plainly. None leaves the request to
        Starlette, which answers exactly as for any other FileResponse."""
        if scope["method"].upper() != "GET":
            return None
        ranges = [v for k, v in scope["headers"] if k.lower() == b"range"]
        if not ranges:
            return 200, 0, self.size, self.raw_headers
        if len(ranges) > 1 or any(k.lower() == b"if-range" for k, _ in scope["headers"]):
            return None
        match = _SINGLE_RANGE.fullmatch(ranges[0])
        if match is None or not (match[1] or match[2]):
            return None
        # The same arithmetic as Starlette's range parser, for the one form accepted here.
        if match[1]:
            start = int(match[1])
            last = int(match[2]) if match[2] else None
            end = last + 1 if last is not None and last < self.size else self.size
        else:
            start, end = max(self.size - int(match[2]), 0), self.size
        if not 0 <= start < end <= self.size:
            return None  # 416 or 400: Starlette's answer
        headers = MutableHeaders(raw=list(self.raw_headers))
        headers["content-range"] = f"bytes {start}-{end - 1}/{self.size}"
        headers["content-length"] = str(end - start)
        return 206, start, end, headers.raw


# `bytes=START-END`, `bytes=START-` or `bytes=-SUFFIX` with plain digits; anything else
# (several ranges, other units, odd spelling) goes to Starlette's parser.
_SINGLE_RANGE = re.compile(rb"[ \t]*bytes[ \t]*=[ \t]*([0-9]*)[ \t]*-[ \t]*([0-9]*)[ \t]*", re.I)

# Warming the page cache uses sendfile(2) into /dev/null, which Linux supports for regular
# files (since 2.6.33); elsewhere blobs take Starlette's path.
_MAPPING_POSSIBLE = sys.platform.startswith("linux") and hasattr(os, "sendfile")
_MAPPED = _MAPPING_POSSIBLE


def send_from_mappings(enabled: bool) -> None:
    """Whether this process sends blobs from mappings of their files (where possible).

    Off where the relay encrypts TLS itself: the encryption reads the mapped bytes in user
    space, where a blob file cut short by another program raises SIGBUS and ends the
    process. On plain HTTP (behind a TLS proxy) only the kernel reads them, and such a file
    fails that one copy (tests/relay/test_blob_download.py)."""
    global _MAPPED
    _MAPPED = enabled and _MAPPING_POSSIBLE


class _MappedFile:
    """An open blob mapped read-only, with the part [start, end) to send."""

    def __init__(self, fd: int, view: memoryview, start: int, end: int) -> None:
        self.fd = fd
        self.view = view
        self.start = start
        self.end = end

    @classmethod
    def open(
        cls, path: str | os.PathLike[str], size: int, start: int, end: int, warm_size: int
    ) -> _MappedFile:
        """Runs in a worker thread: open, check, map, and warm the first window (so that a
        file this cannot serve falls back before the response has started)."""
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        try:
            if os.fstat(fd).st_size != size:  # blobs never change once final
                raise ApiError(409, "conflict", "This file changed while it was read.")
            # A final blob is never written to again (it is renamed into place and later
            # unlinked, never truncated). Should another program cut one short, the relay
            # still never touches the mapped bytes itself: the kernel copies them into the
            # socket and that copy fails (EFAULT), ending the download, not the process.
            # With the relay's own TLS, which reads them to encrypt, blobs are not mapped
            # (`send_from_mappings`).
            view = memoryview(mmap.mmap(fd, size, prot=mmap.PROT_READ))
            _warm(os.dup(fd), start, min(end - start, warm_size))
        except BaseException:
            os.close(fd)
            raise
        return cls(fd, view, start, end)

    async def send(
        self,
        response: BlobFileResponse,
        status: int,
        headers: list[tuple[bytes, bytes]],
        receive: Receive,
        send: Send,
    ) -> None:
        loop = asyncio.get_running_loop()
        disconnected = asyncio.Event()
        # uvicorn (ASGI < 2.4) drops body messages of a closed connection silently, so a
        # client that goes away is noticed through `receive`, as Starlette does.
        watcher = loop.create_task(_watch_disconnect(receive, disconnected))
        warming: asyncio.Future[None] | None = None
        try:
            await send({"type": "http.response.start", "status": status, "headers": headers})
            offset = self.start
            warmed = min(self.start + response.warm_size, self.end)
            while offset < self.end and not disconnected.is_set():
                if offset >= warmed:
                    assert warming is not None
                    await warming  # the thread owns its descriptor, so cancelling is safe
                    warming = None
                    warmed = min(warmed + response.warm_size, self.end)
                if warming is None and warmed < self.end:
                    size = min(response.warm_size, self.end - warmed)
                    warming = loop.run_in_executor(None, _warm, os.dup(self.fd), warmed, size)
                piece = self.view[offset : min(offset + response.send_size, self.end)]
                offset += len(piece)
                await send(
                    {"type": "http.response.body", "body": piece, "more_body": offset < self.end}
                )
        finally:
            watcher.cancel()
            os.close(self.fd)
            if warming is not None:
                warming.add_done_callback(_ignore_result)
            # The mapping itself is released when the server drops the last slice it holds.
            del self.view


def _whole_small_file(path: Path, size: int) -> bytes | memoryview:
    """A blob of at most PRELOAD_LIMIT bytes, whole, taken on the event loop.

    Where blobs can be mapped it is a view of a read-only mapping, warmed like the first
    window of a large blob (so a read error or a short file raises here): reading 1 MB into
    fresh memory instead cost ~0.2 ms more CPU per blob (a copy, and the kernel zeroing and
    mapping 256 new pages for every download that runs beside others; docs/BENCHMARKS.md).
    The mapping is released when the server drops the view."""
    if _MAPPED and size > 0:
        mapped = _MappedFile.open(path, size, 0, size, size)
        os.close(mapped.fd)  # the mapping holds the file; nothing else reads through `fd`
        return mapped.view
    with path.open("rb") as fh:
        data = fh.read()
    if len(data) != size:  # blobs never change once final
        raise ApiError(409, "conflict", "This file changed while it was read.")
    return data


def _warm(fd: int, offset: int, size: int) -> None:
    """Bring [offset, offset + size) of the file into the page cache without copying it
    (sendfile into /dev/null only takes page references); closes `fd`. Read errors and a
    file shorter than expected raise here, in a worker thread, rather than as SIGBUS when
    the event loop touches the mapping."""
    try:
        sink = os.open(os.devnull, os.O_WRONLY | os.O_CLOEXEC)
        try:
            end = offset + size
            while offset < end:
                sent = os.sendfile(sink, fd, offset, end - offset)
                if sent == 0:
                    raise OSError(errno.EIO, "The blob is shorter than its recorded size.")
                offset += sent
        finally:
            os.close(sink)
    finally:
        os.close(fd)


async def _watch_disconnect(receive: Receive, disconnected: asyncio.Event) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
    disconnected.set()


def _ignore_result(future: asyncio.Future[None]) -> None:
    if not future.cancelled() and (exc := future.exception()) is not None:
        # The download has ended (the client left); only the log can still be told.
        _log.debug("warming a blob after its download ended failed: %s", exc)


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


_BLOB_ROW_RUN = Prepared(_BLOB_ROW)


def blob_row(ctx: RelayContext, blob_id: str) -> Any:
    with ctx.db.read() as conn:
        return find_blob(conn, blob_id)


def find_blob(conn: Connection, blob_id: str) -> Any:
    """The blob with the state of its message, or None; inside the caller's transaction."""
    return _BLOB_ROW_RUN.first(conn, {"b_blob_id": blob_id})


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
