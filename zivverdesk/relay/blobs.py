"""Ciphertext blob storage in a folder: `partial/<id>` while an upload is in progress,
`<id[:2]>/<id>` once complete.

An upload appends to the partial file and fsyncs each piece, so an interrupted upload resumes
at the size of the partial file (what `HEAD` reports as `Upload-Offset`). On completion the
SHA-256 is checked, the file fsynced and renamed into place and the folder fsynced: a crash
at any moment leaves either no final file or a complete, checked one. A message becomes
visible only at commit, after every blob is final.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

from zivverdesk.core.errors import ZivverdeskError
from zivverdesk.core.files import fsync_dir

HASH_CHUNK = 1024 * 1024


class BlobError(ZivverdeskError):
    code = "bad_request"


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.partial_dir = root / "partial"
        self.partial_dir.mkdir(parents=True, exist_ok=True)

    def final_path(self, blob_id: str) -> Path:
        return self.root / blob_id[:2] / blob_id

    def partial_path(self, blob_id: str) -> Path:
        return self.partial_dir / blob_id

    def received(self, blob_id: str) -> int:
        """Bytes stored so far: the partial file's size (0 if none)."""
        try:
            return self.partial_path(blob_id).stat().st_size
        except FileNotFoundError:
            return 0

    def restart(self, blob_id: str) -> None:
        self.partial_path(blob_id).unlink(missing_ok=True)

    def append(self, blob_id: str, offset: int, data: bytes) -> int:
        """Write `data` at `offset` (which must be the current end); returns the new size."""
        path = self.partial_path(blob_id)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            size = os.fstat(fd).st_size
            if size != offset:
                raise BlobError(f"The upload continues at byte {size}, not {offset}.")
            os.lseek(fd, offset, os.SEEK_SET)
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
            return offset + len(data)
        finally:
            os.close(fd)

    def finish(self, blob_id: str, expected_sha256: str) -> None:
        """Check the digest and move the blob into place; a mismatch discards the upload."""
        partial = self.partial_path(blob_id)
        digest = hashlib.sha256()
        with partial.open("rb") as fh:
            while chunk := fh.read(HASH_CHUNK):
                digest.update(chunk)
        if digest.hexdigest() != expected_sha256:
            partial.unlink(missing_ok=True)
            raise BlobError("The uploaded data does not match its SHA-256; upload it again.")
        final = self.final_path(blob_id)
        final.parent.mkdir(exist_ok=True)
        partial.replace(final)
        fsync_dir(final.parent)

    def delete(self, blob_id: str) -> None:
        self.final_path(blob_id).unlink(missing_ok=True)
        self.partial_path(blob_id).unlink(missing_ok=True)

    def exists(self, blob_id: str) -> bool:
        return self.final_path(blob_id).is_file()

    def remove_stale_partials(self, older_than_seconds: float) -> int:
        cutoff = time.time() - older_than_seconds
        removed = 0
        for path in self.partial_dir.iterdir():
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                removed += 1
        return removed
