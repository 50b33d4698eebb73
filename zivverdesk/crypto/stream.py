"""The blob format (docs/PROTOCOL.md §3): a 28-byte header and AES-256-GCM records whose
nonce is an 11-byte counter plus a final-record flag (the STREAM construction of age).

Memory stays constant: two record buffers for reading and one for output, reused for the
whole stream (`encrypt_into`/`decrypt_into`). Decryption reads one record ahead so it knows
which record is the last one; truncation, reordering, duplication and appended data all fail
authentication because each record's nonce binds its position and whether it is final.

`decrypt_stream` writes plaintext before the whole stream is authenticated: only its return
means "all of it is genuine". `decrypt_file` therefore writes to a temporary file beside the
destination and gives it the final name only after the final record authenticates.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import secrets
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from zivverdesk.core.files import fsync_dir
from zivverdesk.crypto.errors import (
    BadHeader,
    Cancelled,
    IntegrityError,
    TrailingData,
    TruncatedStream,
    UnsupportedSuite,
    UnsupportedVersion,
)
from zivverdesk.crypto.kdf import hkdf_sha256

MAGIC = b"ZVDB"
VERSION = 1
SUITE_AES256GCM_HKDF_SHA256 = 1
HEADER_LEN = 28
SALT_LEN = 16
TAG_LEN = 16
NONCE_LEN = 12
KEY_LEN = 32
DEFAULT_RECORD_SIZE = 262_144  # 256 KiB: Chromium decrypts these ~2x faster than 1 MiB
MIN_RECORD_SIZE = 16_384
MAX_RECORD_SIZE = 4_194_304
RECORD_SIZE_MULTIPLE = 1024
PAYLOAD_LABEL = b"zivverdesk/v1/payload"

#: progress(done_plaintext_bytes, total_plaintext_bytes or None when unknown)
Progress = Callable[[int, int | None], None]
#: cancel() -> True to stop; checked once per record
CancelCheck = Callable[[], bool]


@dataclass(frozen=True, slots=True)
class BlobHeader:
    version: int
    suite: int
    record_size: int
    salt: bytes
    raw: bytes


def check_record_size(record_size: int) -> None:
    if not (
        MIN_RECORD_SIZE <= record_size <= MAX_RECORD_SIZE
        and record_size % RECORD_SIZE_MULTIPLE == 0
    ):
        raise BadHeader(
            f"record size {record_size} is outside {MIN_RECORD_SIZE}..{MAX_RECORD_SIZE} "
            f"or not a multiple of {RECORD_SIZE_MULTIPLE}"
        )


def build_header(record_size: int, salt: bytes) -> bytes:
    check_record_size(record_size)
    if len(salt) != SALT_LEN:
        raise ValueError("the header salt is 16 bytes")
    return (
        MAGIC
        + bytes([VERSION, SUITE_AES256GCM_HKDF_SHA256])
        + b"\x00\x00"
        + record_size.to_bytes(4, "big")
        + salt
    )


def parse_header(raw: bytes) -> BlobHeader:
    """Check a header in the order PROTOCOL.md fixes, so every reader names the same error."""
    if len(raw) < HEADER_LEN:
        raise TruncatedStream()
    raw = bytes(raw[:HEADER_LEN])
    if raw[:4] != MAGIC:
        raise BadHeader("unknown magic bytes")
    if raw[4] != VERSION:
        raise UnsupportedVersion("Dit bestand / This file", raw[4])
    if raw[5] != SUITE_AES256GCM_HKDF_SHA256:
        raise UnsupportedSuite("Dit bestand / This file", f"0x{raw[5]:02x}")
    if raw[6:8] != b"\x00\x00":
        raise BadHeader("reserved bits are set")
    record_size = int.from_bytes(raw[8:12], "big")
    check_record_size(record_size)
    return BlobHeader(
        version=raw[4], suite=raw[5], record_size=record_size, salt=raw[12:28], raw=raw
    )


def payload_key(file_key: bytes, header: bytes) -> bytes:
    """The records' AES key; the whole header is in `info`, so editing it breaks every tag."""
    if len(file_key) != KEY_LEN:
        raise ValueError("a file key is 32 bytes")
    return hkdf_sha256(file_key, salt=header[12:28], info=PAYLOAD_LABEL + header)


def record_nonce(counter: int, final: bool) -> bytes:
    return counter.to_bytes(11, "big") + (b"\x01" if final else b"\x00")


def _read_full(src: BinaryIO, view: memoryview) -> int:
    """Fill `view` unless the stream ends first; a short count means end of stream."""
    filled = 0
    while filled < len(view):
        got = src.readinto(view[filled:])  # type: ignore[attr-defined]
        if not got:
            break
        filled += got
    return int(filled)


def _records(
    src: BinaryIO, size: int, cancel: CancelCheck | None
) -> Iterator[tuple[int, memoryview, bool]]:
    """Yield (counter, piece, final) for `src` read in pieces of `size` bytes.

    Reads one piece ahead: only a short or empty next read shows that a piece is the last,
    and the nonce must say so. The two buffers are reused, so a piece is valid only until
    the next one is asked for.
    """
    views = (memoryview(bytearray(size)), memoryview(bytearray(size)))
    cur = 0
    n_cur = _read_full(src, views[cur])
    counter = 0
    while True:
        if cancel is not None and cancel():
            raise Cancelled()
        n_next = _read_full(src, views[1 - cur]) if n_cur == size else 0
        final = n_next == 0
        yield counter, views[cur][:n_cur], final
        if final:
            return
        counter += 1
        cur, n_cur = 1 - cur, n_next


def encrypt_stream(
    src: BinaryIO,
    dst: BinaryIO,
    file_key: bytes,
    *,
    record_size: int = DEFAULT_RECORD_SIZE,
    total: int | None = None,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
    salt: bytes | None = None,
) -> int:
    """Encrypt everything `src` yields into `dst` as one blob; returns the plaintext size.

    `salt` is for deterministic test vectors only; leave it None everywhere else.
    """
    header = build_header(record_size, salt if salt is not None else secrets.token_bytes(16))
    aead = AESGCM(payload_key(file_key, header))
    dst.write(header)
    out = memoryview(bytearray(record_size + TAG_LEN))
    done = 0
    for counter, piece, final in _records(src, record_size, cancel):
        n = len(piece)
        written = aead.encrypt_into(record_nonce(counter, final), piece, None, out[: n + TAG_LEN])
        dst.write(out[:written])
        done += n
        if progress is not None:
            progress(done, total)
    return done


def decrypt_stream(
    src: BinaryIO,
    dst: BinaryIO,
    file_key: bytes,
    *,
    total: int | None = None,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
) -> int:
    """Decrypt one blob from `src` into `dst`; returns the plaintext size.

    Raises before returning if any byte is wrong; what was written to `dst` until then is
    unauthenticated and must be discarded by the caller (`decrypt_file` does that).
    """
    header = parse_header(src.read(HEADER_LEN))
    record_size = header.record_size
    aead = AESGCM(payload_key(file_key, header.raw))
    wire = record_size + TAG_LEN
    out = memoryview(bytearray(record_size))
    done = 0
    for counter, record, final in _records(src, wire, cancel):
        if len(record) < TAG_LEN:  # also a stream that ends right after its header
            raise TruncatedStream()
        size = len(record) - TAG_LEN
        try:
            aead.decrypt_into(record_nonce(counter, final), record, None, out[:size])
        except InvalidTag:
            raise _classify_failure(aead, counter, record, final, wire, out[:size]) from None
        if final and size == 0 and counter > 0:
            raise IntegrityError()  # only an entirely empty plaintext has an empty record
        dst.write(out[:size])
        done += size
        if progress is not None:
            progress(done, total)
    return done


def _classify_failure(
    aead: AESGCM, counter: int, record: memoryview, final: bool, wire: int, out: memoryview
) -> Exception:
    """Name a failed record as PROTOCOL.md §3.5 says: a last full record that is genuine but
    not final means the stream was cut at a record boundary; a record that is genuine and
    final but has more data after it means bytes were appended. Anything else is tampering."""
    try:
        aead.decrypt_into(record_nonce(counter, not final), record, None, out)
    except InvalidTag:
        return IntegrityError()
    if final:
        return TruncatedStream() if len(record) == wire else IntegrityError()
    return TrailingData()


def encrypt_bytes(
    plaintext: bytes,
    file_key: bytes,
    *,
    record_size: int = DEFAULT_RECORD_SIZE,
    salt: bytes | None = None,
) -> bytes:
    out = io.BytesIO()
    encrypt_stream(io.BytesIO(plaintext), out, file_key, record_size=record_size, salt=salt)
    return out.getvalue()


def decrypt_bytes(blob: bytes, file_key: bytes) -> bytes:
    out = io.BytesIO()
    decrypt_stream(io.BytesIO(blob), out, file_key)
    return out.getvalue()


def encrypted_size(plaintext_size: int, record_size: int = DEFAULT_RECORD_SIZE) -> int:
    """Exact blob size for a plaintext size (uploads announce it before they start)."""
    records = max(1, -(-plaintext_size // record_size))
    return HEADER_LEN + plaintext_size + records * TAG_LEN


def encrypt_file(
    src: Path,
    dst: Path,
    file_key: bytes,
    *,
    record_size: int = DEFAULT_RECORD_SIZE,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
) -> int:
    """Encrypt file `src` to `dst` (written beside it under a temporary name first)."""
    total = src.stat().st_size
    with src.open("rb", buffering=0) as fin, _atomic_output(dst) as fout:
        return encrypt_stream(
            fin,  # raw FileIO: readinto fills our buffers without an extra copy
            fout,
            file_key,
            record_size=record_size,
            total=total,
            progress=progress,
            cancel=cancel,
        )


def decrypt_file(
    src: Path,
    dst: Path,
    file_key: bytes,
    *,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
    expected_size: int | None = None,
    expected_sha256: str | None = None,
) -> int:
    """Decrypt blob file `src` to `dst`; `dst` appears only once every record authenticated
    and, when given, the plaintext's size and SHA-256 (lowercase hex, from the manifest)
    match. On any failure or cancellation the temporary file is removed and `dst` untouched.
    """
    total = max(0, src.stat().st_size - HEADER_LEN)
    with src.open("rb", buffering=0) as fin, _atomic_output(dst) as fout:
        sink: BinaryIO = fout
        digest = None
        if expected_sha256 is not None:
            digest = hashlib.sha256()
            sink = _HashingWriter(fout, digest)  # type: ignore[assignment]
        size = decrypt_stream(
            fin,
            sink,
            file_key,
            total=total,
            progress=progress,
            cancel=cancel,
        )
        if expected_size is not None and size != expected_size:
            raise IntegrityError(
                "De bijlage heeft niet de grootte die het bericht noemt. / "
                "The attachment does not have the size the message states."
            )
        if digest is not None and digest.hexdigest() != expected_sha256:
            raise IntegrityError(
                "De bijlage klopt niet met het bericht (SHA-256). / "
                "The attachment does not match the message (SHA-256)."
            )
        return size


class _HashingWriter:
    """Passes writes through and hashes them (the digest check before the rename)."""

    def __init__(self, sink: BinaryIO, digest: hashlib._Hash) -> None:
        self._sink = sink
        self._digest = digest

    def write(self, data: memoryview | bytes) -> int:
        self._digest.update(data)
        return self._sink.write(data)


@contextlib.contextmanager
def _atomic_output(dst: Path) -> Iterator[BinaryIO]:
    """A file beside `dst` that is fsynced and renamed to `dst` only if the block succeeds."""
    dst = Path(dst)
    fd, tmp_name = tempfile.mkstemp(dir=dst.parent, prefix=f".{dst.name}.", suffix=".part")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb", buffering=0) as fout:
            yield fout
            os.fsync(fout.fileno())
        tmp.replace(dst)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(dst.parent)
