"""Streaming blob encryption: round trips at the record boundaries, files, progress,
cancellation, and that a failed or cancelled decryption never leaves a file under the
final name."""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Buffer
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zivverdesk.crypto import stream
from zivverdesk.crypto.errors import (
    Cancelled,
    CryptoError,
    IntegrityError,
    TrailingData,
    TruncatedStream,
)

RS = stream.MIN_RECORD_SIZE
KEY = bytes(range(32))


@given(
    data=st.binary(max_size=3 * RS + 10),
    record_kib=st.sampled_from([16, 17, 32, 64]),
)
@settings(max_examples=60, deadline=None)
def test_round_trip_any_plaintext(data: bytes, record_kib: int) -> None:
    blob = stream.encrypt_bytes(data, KEY, record_size=record_kib * 1024)
    assert len(blob) == stream.encrypted_size(len(data), record_kib * 1024)
    assert stream.decrypt_bytes(blob, KEY) == data


@given(data=st.binary(min_size=1, max_size=2 * RS + 5), cut=st.integers(min_value=0))
@settings(max_examples=60, deadline=None)
def test_every_truncation_fails(data: bytes, cut: int) -> None:
    blob = stream.encrypt_bytes(data, KEY, record_size=RS)
    cut %= len(blob)
    with pytest.raises((IntegrityError, TruncatedStream)):
        stream.decrypt_bytes(blob[:cut], KEY)


@given(
    data=st.binary(min_size=1, max_size=2 * RS), pos=st.integers(min_value=0), bit=st.integers(0, 7)
)
@settings(max_examples=60, deadline=None)
def test_every_bit_flip_fails(data: bytes, pos: int, bit: int) -> None:
    blob = bytearray(stream.encrypt_bytes(data, KEY, record_size=RS))
    blob[pos % len(blob)] ^= 1 << bit
    with pytest.raises(CryptoError):
        stream.decrypt_bytes(bytes(blob), KEY)


def test_each_encryption_uses_a_fresh_salt() -> None:
    a = stream.encrypt_bytes(b"same", KEY)
    b = stream.encrypt_bytes(b"same", KEY)
    assert a[12:28] != b[12:28] and a[28:] != b[28:]


def test_appended_full_record_is_trailing_data() -> None:
    blob = stream.encrypt_bytes(os.urandom(2 * RS), KEY, record_size=RS)
    with pytest.raises(TrailingData):
        stream.decrypt_bytes(blob + blob[28 : 28 + RS + 16], KEY)


@pytest.mark.parametrize("size", [0, 1, RS, RS + 1, 5 * RS + 123])
def test_file_round_trip(tmp_path: Path, size: int) -> None:
    plain = os.urandom(size)
    src = tmp_path / "in.bin"
    src.write_bytes(plain)
    enc = tmp_path / "in.bin.zvdb"
    seen: list[tuple[int, int | None]] = []
    assert (
        stream.encrypt_file(
            src, enc, KEY, record_size=RS, progress=lambda d, t: seen.append((d, t))
        )
        == size
    )
    assert enc.stat().st_size == stream.encrypted_size(size, RS)
    assert seen[-1] == (size, size)
    out = tmp_path / "out.bin"
    back: list[int] = []
    assert stream.decrypt_file(enc, out, KEY, progress=lambda d, t: back.append(d)) == size
    assert out.read_bytes() == plain
    assert back == sorted(back) and back[-1] == size
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.bin", "in.bin.zvdb", "out.bin"]


def test_streams_from_non_seekable_sources() -> None:
    class Trickle(io.RawIOBase):
        """Returns at most 1000 bytes per read, like a socket or pipe."""

        def __init__(self, data: bytes) -> None:
            self._src = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def readinto(self, buf: memoryview) -> int:  # type: ignore[override]
            chunk = self._src.read(min(1000, len(buf)))
            buf[: len(chunk)] = chunk
            return len(chunk)

    plain = os.urandom(3 * RS + 7)
    enc = io.BytesIO()
    stream.encrypt_stream(Trickle(plain), enc, KEY, record_size=RS)  # type: ignore[arg-type]
    out = io.BytesIO()
    stream.decrypt_stream(Trickle(enc.getvalue()), out, KEY)  # type: ignore[arg-type]
    assert out.getvalue() == plain


def test_failed_decryption_leaves_no_file(tmp_path: Path) -> None:
    enc = tmp_path / "x.zvdb"
    enc.write_bytes(stream.encrypt_bytes(os.urandom(4 * RS), KEY, record_size=RS)[:-1])
    out = tmp_path / "x.pdf"
    with pytest.raises(IntegrityError):
        stream.decrypt_file(enc, out, KEY)
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["x.zvdb"]


def test_failed_decryption_keeps_an_existing_destination(tmp_path: Path) -> None:
    enc = tmp_path / "x.zvdb"
    enc.write_bytes(stream.encrypt_bytes(os.urandom(3 * RS), KEY, record_size=RS)[: 28 + RS + 16])
    out = tmp_path / "x.pdf"
    out.write_bytes(b"the earlier good copy")
    with pytest.raises(TruncatedStream):
        stream.decrypt_file(enc, out, KEY)
    assert out.read_bytes() == b"the earlier good copy"


@pytest.mark.parametrize("direction", ["encrypt", "decrypt"])
def test_cancellation_leaves_no_final_file(tmp_path: Path, direction: str) -> None:
    plain = os.urandom(6 * RS)
    src = tmp_path / "src"
    if direction == "encrypt":
        src.write_bytes(plain)
    else:
        src.write_bytes(stream.encrypt_bytes(plain, KEY, record_size=RS))
    out = tmp_path / "dst"
    progress: list[int] = []

    def cancel() -> bool:
        return len(progress) >= 3  # stop after three records were written

    def report(done: int, total: int | None) -> None:
        progress.append(done)

    with pytest.raises(Cancelled):
        if direction == "encrypt":
            stream.encrypt_file(src, out, KEY, record_size=RS, progress=report, cancel=cancel)
        else:
            stream.decrypt_file(src, out, KEY, progress=report, cancel=cancel)
    assert len(progress) == 3
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["src"]


def test_decrypt_reads_constant_memory_buffers() -> None:
    """The decryptor asks the source for at most two records at a time (never the whole
    stream), which is what keeps memory flat for any file size."""
    plain = os.urandom(8 * RS)
    blob = stream.encrypt_bytes(plain, KEY, record_size=RS)

    class Spy(io.BytesIO):
        biggest = 0

        def readinto(self, buf: Buffer) -> int:
            Spy.biggest = max(Spy.biggest, len(memoryview(buf)))
            return super().readinto(buf)

    out = io.BytesIO()
    stream.decrypt_stream(Spy(blob), out, KEY)
    assert hashlib.sha256(out.getvalue()).digest() == hashlib.sha256(plain).digest()
    assert Spy.biggest <= RS + 16


def test_decrypt_file_checks_the_manifest_size_and_digest(tmp_path: Path) -> None:
    plain = os.urandom(RS + 5)
    enc = tmp_path / "a.zvdb"
    enc.write_bytes(stream.encrypt_bytes(plain, KEY, record_size=RS))
    out = tmp_path / "a.pdf"
    digest = hashlib.sha256(plain).hexdigest()
    stream.decrypt_file(enc, out, KEY, expected_size=len(plain), expected_sha256=digest)
    assert out.read_bytes() == plain
    out.unlink()
    with pytest.raises(IntegrityError, match="SHA-256"):
        stream.decrypt_file(enc, out, KEY, expected_sha256="00" * 32)
    with pytest.raises(IntegrityError, match="size"):
        stream.decrypt_file(enc, out, KEY, expected_size=len(plain) - 1)
    assert [p.name for p in tmp_path.iterdir()] == ["a.zvdb"]
