"""Blob uploads and downloads: streamed from and to files, resumable, with progress and cancel.

    upload_blob(client, blob_id, spool_path, progress=cb, cancel=event)
    download_blob(client, blob_id, destination, progress=cb, cancel=event)

An upload asks the relay how much it already has (`HEAD` → `Upload-Offset`) and sends the
rest in `Content-Range` chunks (8 MiB by default), each streamed from the file in small
pieces so memory stays flat. After a dropped connection it asks again and continues; after a
cancel (`cancel.set()` from any thread) it stops between pieces with `TransferCancelled`, and a
later call resumes. A download writes `destination + ".part"`, continues it with `Range` when
it exists, fsyncs, and renames into place, so a half-written file never looks complete.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

import httpx

from zivverdesk.relayclient.client import API, RelayClient
from zivverdesk.relayclient.errors import RelayError, RelayUnreachable, TransferCancelled

DEFAULT_CHUNK = 8 * 1024 * 1024
_PIECE = 256 * 1024
_RETRY_DELAYS = (0.5, 1.0, 2.0, 4.0, 8.0)

#: progress(done_bytes, total_bytes); called from the transferring thread.
Progress = Callable[[int, int], None]


def upload_offset(client: RelayClient, blob_id: str) -> int:
    """How many bytes of the blob the relay already holds."""
    response = client.request("HEAD", f"{API}/blobs/{blob_id}")
    try:
        return int(response.headers.get("Upload-Offset", "0"))
    except ValueError as error:
        raise RelayError("Ongeldige Upload-Offset. / Invalid Upload-Offset.") from error


def upload_blob(
    client: RelayClient,
    blob_id: str,
    path: Path,
    *,
    chunk_size: int = DEFAULT_CHUNK,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> None:
    """Upload (the rest of) a blob; returns when the relay reports it complete."""
    total = path.stat().st_size
    failures = 0
    with path.open("rb") as source:
        while True:
            _check(cancel)
            try:
                offset = upload_offset(client, blob_id)
                if progress is not None:
                    progress(offset, total)
                if offset >= total:
                    # Every byte is there (an earlier final chunk's answer was lost); whether
                    # the digest matched is the relay's to say at commit (409 if not).
                    return
                while offset < total:
                    end = min(offset + chunk_size, total)
                    complete = _put_range(
                        client, blob_id, source, offset, end, total, progress, cancel
                    )
                    offset = end
                    failures = 0
                    if complete:
                        return
                raise RelayError(
                    "De relay bevestigt de upload niet. / The relay does not confirm the upload."
                )
            except RelayError as error:
                if not error.retryable or failures >= len(_RETRY_DELAYS):
                    raise
                _pause(_RETRY_DELAYS[failures], cancel)
                failures += 1


def _put_range(
    client: RelayClient,
    blob_id: str,
    source: BinaryIO,
    start: int,
    end: int,
    total: int,
    progress: Progress | None,
    cancel: threading.Event | None,
) -> bool:
    """PUT bytes [start, end) of the file; True when the relay says the blob is complete."""
    response = client.request(
        "PUT",
        f"{API}/blobs/{blob_id}",
        headers={
            "Content-Range": f"bytes {start}-{end - 1}/{total}",
            "Content-Length": str(end - start),
            "Content-Type": "application/octet-stream",
        },
        content=_pieces(source, start, end, total, progress, cancel),
    )
    try:
        return bool(response.json().get("complete"))
    except (ValueError, AttributeError) as error:
        raise RelayError("Onleesbaar upload-antwoord. / Unreadable upload answer.") from error


def _pieces(
    source: BinaryIO,
    start: int,
    end: int,
    total: int,
    progress: Progress | None,
    cancel: threading.Event | None,
) -> Iterator[bytes]:
    source.seek(start)
    position = start
    while position < end:
        _check(cancel)
        piece = source.read(min(_PIECE, end - position))
        if not piece:
            raise RelayError("Het bestand werd korter tijdens de upload. / File shrank.")
        position += len(piece)
        yield piece
        if progress is not None:
            progress(position, total)


def download_blob(
    client: RelayClient,
    blob_id: str,
    destination: Path,
    *,
    path: str | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> Path:
    """Download a blob's ciphertext to `destination`; resumes a `.part` file when present.
    `path` overrides the URL (e.g. a recipient-session route in tests)."""
    partial = destination.with_name(destination.name + ".part")
    url = path or f"{API}/blobs/{blob_id}"
    failures = 0
    while True:
        _check(cancel)
        try:
            _download_once(client, url, partial, progress, cancel)
            break
        except RelayError as error:
            if not error.retryable or failures >= len(_RETRY_DELAYS):
                raise
            _pause(_RETRY_DELAYS[failures], cancel)
            failures += 1
    partial.replace(destination)
    return destination


def _download_once(
    client: RelayClient,
    url: str,
    partial: Path,
    progress: Progress | None,
    cancel: threading.Event | None,
) -> None:
    have = partial.stat().st_size if partial.exists() else 0
    headers = {"Range": f"bytes={have}-"} if have else {}
    try:
        response = client.open_stream("GET", url, headers=headers)
    except RelayError as error:
        if error.status == 416 and have:  # the part file already holds everything
            return
        raise
    try:
        resumed = response.status_code == 206
        done = have if resumed else 0
        total = _total_size(response, done)
        with partial.open("ab" if resumed else "wb") as sink:
            try:
                for piece in response.iter_bytes(_PIECE):
                    _check(cancel)
                    sink.write(piece)
                    done += len(piece)
                    if progress is not None:
                        progress(done, total)
            except httpx.TransportError as error:
                # Keep what arrived; the next attempt continues from there with Range.
                sink.flush()
                raise RelayUnreachable(client.base_url, "download afgebroken") from error
            sink.flush()
            os.fsync(sink.fileno())
        if total and done != total:
            raise RelayUnreachable(client.base_url, "download onvolledig")
    finally:
        response.close()


def _total_size(response: httpx.Response, offset: int) -> int:
    headers = response.headers
    content_range = headers.get("Content-Range", "")
    if "/" in content_range:
        tail = content_range.rsplit("/", 1)[1]
        if tail.isdigit():
            return int(tail)
    length = headers.get("Content-Length", "")
    return offset + int(length) if str(length).isdigit() else 0


def _check(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise TransferCancelled("Overdracht geannuleerd. / Transfer cancelled.")


def _pause(delay: float, cancel: threading.Event | None) -> None:
    waiter = cancel if cancel is not None else threading.Event()
    if waiter.wait(delay):
        raise TransferCancelled("Overdracht geannuleerd. / Transfer cancelled.")
