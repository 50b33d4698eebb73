"""Vectors for the blob format, strict base64url and access-code normalisation."""

from __future__ import annotations

import hashlib
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from vector_helpers import VECTOR_FORMAT, error_code, fixed

from zivverdesk.crypto import keyschedule as ks
from zivverdesk.crypto import stream
from zivverdesk.crypto.encoding import b64url_decode, b64url_encode

# --- blobs ----------------------------------------------------------------------------


def _records(file_key: bytes, header: bytes, chunks: list[tuple[bytes, bool]]) -> bytes:
    """Hand-built records (counter = position) for cases an honest writer never makes."""
    aead = AESGCM(stream.payload_key(file_key, header))
    return header + b"".join(
        aead.encrypt(stream.record_nonce(i, final), chunk, None)
        for i, (chunk, final) in enumerate(chunks)
    )


def blob_vectors() -> dict[str, Any]:
    key = fixed("blob/file_key", 32)
    salt = fixed("blob/salt", 16)
    rs = stream.MIN_RECORD_SIZE
    wire = rs + stream.TAG_LEN
    h = stream.HEADER_LEN

    def pt(n: int) -> bytes:
        return fixed(f"blob/plaintext/{n}", n)

    def enc(n: int, record_size: int = rs) -> bytes:
        return stream.encrypt_bytes(pt(n), key, record_size=record_size, salt=salt)

    cases: list[dict[str, Any]] = []

    def ok(name: str, n: int, record_size: int = rs) -> None:
        blob = enc(n, record_size)
        case: dict[str, Any] = {
            "name": name,
            "file_key_hex": key.hex(),
            "blob_b64url": b64url_encode(blob),
            "plaintext_size": n,
            "plaintext_sha256_hex": hashlib.sha256(pt(n)).hexdigest(),
        }
        if n <= 64:
            case["plaintext_hex"] = pt(n).hex()
        cases.append(case)

    def bad(name: str, blob: bytes, file_key: bytes = key) -> None:
        code = error_code(lambda: stream.decrypt_bytes(blob, file_key))
        assert code is not None, name
        cases.append(
            {
                "name": name,
                "file_key_hex": file_key.hex(),
                "blob_b64url": b64url_encode(blob),
                "error": code,
            }
        )

    ok("empty plaintext: one empty final record", 0)
    ok("one byte", 1)
    ok("exactly one full record", rs)
    ok("one record plus one byte", rs + 1)
    ok("three records, last one partial", 2 * rs + 100)
    ok("three full records", 3 * rs)
    ok("default record size 262144", 1000, stream.DEFAULT_RECORD_SIZE)
    ok("record size 17408 (multiple of 1024)", 20000, 17408)
    ok("largest record size 4194304", 5, stream.MAX_RECORD_SIZE)

    three = enc(2 * rs + 100)
    full3 = enc(3 * rs)
    one = enc(1)
    empty = enc(0)
    exact = enc(rs)
    r = [three[h + i * wire : h + (i + 1) * wire] for i in range(3)]
    hdr = three[:h]

    def flip(data: bytes, pos: int, mask: int = 0x01) -> bytes:
        return data[:pos] + bytes([data[pos] ^ mask]) + data[pos + 1 :]

    def with_header(blob: bytes, pos: int, value: bytes) -> bytes:
        return blob[:pos] + value + blob[pos + len(value) :]

    bad("bad tag in the only record", flip(one, len(one) - 1))
    bad("bad tag in the first of three records", flip(three, h + wire - 1))
    bad("flipped ciphertext byte in the last record", flip(three, h + 2 * wire + 5))
    bad("flipped salt byte in the header", flip(three, 20))
    bad(
        "header record size changed to another valid size",
        with_header(three, 8, (17408).to_bytes(4, "big")),
    )
    bad("wrong file key", three, fixed("blob/other_key", 32))
    bad("empty input", b"")
    bad("header cut short (27 bytes)", three[: h - 1])
    bad("header only, no records", three[:h])
    bad("fewer than 16 bytes of the only record", empty[: h + 15])
    bad("one-byte record cut inside its tag", one[:-1])
    bad("cut inside the first record", three[: h + 1000])
    bad("cut at the first record boundary (missing final record)", three[: h + wire])
    bad("cut at the second record boundary (missing final record)", three[: h + 2 * wire])
    bad("cut inside the final record", three[:-1])
    bad("cut inside the second record", three[: h + wire + 500])
    bad("only 10 bytes of the final record remain", three[: h + 2 * wire + 10])
    bad("full-size final record removed", full3[: h + 2 * wire])
    bad("records 0 and 1 swapped", hdr + r[1] + r[0] + r[2])
    bad("record 0 duplicated", hdr + r[0] + r[0] + r[1] + r[2])
    bad("record 1 duplicated", hdr + r[0] + r[1] + r[1] + r[2])
    bad("record 1 dropped", hdr + r[0] + r[2])
    bad("final record duplicated", hdr + r[0] + r[1] + r[2] + r[2])
    bad("one trailing byte after a full final record", exact + b"\x00")
    bad("a full trailing record after a full final record", full3 + full3[h : h + wire])
    bad("one trailing byte after a partial final record", three + b"\x00")
    bad("trailing bytes after the empty final record", empty + b"\x00" * 16)
    bad(
        "empty final record after a full record",
        _records(key, hdr, [(pt(rs), False), (b"", True)]),
    )
    bad(
        "final flag on the first of two records",
        _records(key, hdr, [(pt(rs), True), (pt(10), True)]),
    )
    bad("no final flag anywhere", _records(key, hdr, [(pt(rs), False), (pt(10), False)]))
    bad("short non-final record", _records(key, hdr, [(pt(100), False), (pt(10), True)]))
    bad(
        "records encrypted with counters starting at 1",
        hdr
        + b"".join(
            AESGCM(stream.payload_key(key, hdr)).encrypt(
                stream.record_nonce(i + 1, i == 1), c, None
            )
            for i, c in enumerate([pt(rs), pt(10)])
        ),
    )
    bad("bad magic", with_header(one, 0, b"ZVDC"))
    bad("magic in lowercase", with_header(one, 0, b"zvdb"))
    bad("version 0", with_header(one, 4, b"\x00"))
    bad("version 2", with_header(one, 4, b"\x02"))
    bad("suite 0", with_header(one, 5, b"\x00"))
    bad("suite 2", with_header(one, 5, b"\x02"))
    bad("reserved low bit set", with_header(one, 6, b"\x00\x01"))
    bad("reserved high bit set", with_header(one, 6, b"\x80\x00"))
    bad("record size 0", with_header(one, 8, (0).to_bytes(4, "big")))
    bad("record size 8192 (below minimum)", with_header(one, 8, (8192).to_bytes(4, "big")))
    bad("record size 16383", with_header(one, 8, (16383).to_bytes(4, "big")))
    bad(
        "record size 16385 (not a multiple of 1024)",
        with_header(one, 8, (16385).to_bytes(4, "big")),
    )
    bad("record size 4195328 (above maximum)", with_header(one, 8, (4195328).to_bytes(4, "big")))
    bad("record size 0xffffffff", with_header(one, 8, b"\xff\xff\xff\xff"))
    bad(
        "version 2 with a bad record size (version checked first)",
        with_header(with_header(one, 4, b"\x02"), 8, b"\x00\x00\x00\x01"),
    )
    return {"format": VECTOR_FORMAT, "kind": "blob", "cases": cases}


def access_code_vectors() -> dict[str, Any]:
    inputs = [
        ("plain", "abc123"),
        ("upper case", "ABC123"),
        ("dashes", "AB-12-CD"),
        ("spaces around and inside", "  ab 12\tcd \n"),
        ("full-width letters and digits (NFKC)", "ＡＢ１２"),
        ("no-break space U+00A0", "ab\u00a012"),
        ("narrow no-break space U+202F", "ab\u202f12"),
        ("ideographic space U+3000", "ab\u300012"),
        ("next line U+0085", "ab\u008512"),
        ("ogham space mark U+1680", "ab\u168012"),
        ("line separator U+2028", "ab\u202812"),
        ("byte order mark U+FEFF", "\ufeffab12"),
        ("en dash is kept (only '-' is removed)", "ab\u201312"),
        ("non-breaking hyphen U+2011 is kept (NFKC maps it to U+2010)", "ab\u201112"),
        ("small hyphen-minus U+FE63 becomes '-' under NFKC and is removed", "ab\ufe6312"),
        ("ligature ﬁ (NFKC)", "\ufb01x"),
        ("composed and decomposed é are equal", "Cafe\u0301"),
        ("German sharp s stays", "STRAßE"),
        ("Greek final sigma", "ΟΔΟΣ"),
        ("dotted capital I", "\u0130stanbul"),
        ("Kelvin sign K (NFKC to K, then k)", "\u212a9"),
        ("superscript two (NFKC to 2)", "x\u00b2"),
        ("zero-width space U+200B is kept", "ab\u200b12"),
        ("spacing acute accent: NFKC gives space + U+0301, the space is removed", "A\u00b4"),
        ("information separator U+001F is kept", "ab\u001f12"),
        ("only spaces and dashes", " - -\u00a0"),
        ("empty", ""),
    ]
    cases: list[dict[str, Any]] = []
    for name, text in inputs:
        case: dict[str, Any] = {"name": name, "input": text}
        code = error_code(lambda text=text: ks.normalise_access_code(text))  # type: ignore[misc]
        if code is None:
            normalised = ks.normalise_access_code(text)
            case["normalised"] = normalised
            case["normalised_utf8_hex"] = normalised.encode("utf-8").hex()
        else:
            case["error"] = code
        cases.append(case)
    return {"format": VECTOR_FORMAT, "kind": "access_code", "cases": cases}


# --- base64url ------------------------------------------------------------------------


def base64url_vectors() -> dict[str, Any]:
    inputs = [
        ("empty", ""),
        ("one byte", "AA"),
        ("two bytes", "AAE"),
        ("three bytes", "AAEC"),
        ("url-safe characters", "-_-_"),
        ("padding", "AA=="),
        ("single padding", "AAE="),
        ("plus sign", "+A"),
        ("slash", "/w"),
        ("space", "AA A"),
        ("newline", "AAEC\n"),
        ("impossible length 5", "AAECA"),
        ("non-zero unused bits (1 byte)", "AB"),
        ("non-zero unused bits (2 bytes)", "AAF"),
        ("non-ASCII letter", "AAé"),
    ]
    cases: list[dict[str, Any]] = []
    for name, text in inputs:
        case: dict[str, Any] = {"name": name, "input": text}
        code = error_code(lambda text=text: b64url_decode(text))  # type: ignore[misc]
        if code is None:
            case["bytes_hex"] = b64url_decode(text).hex()
        else:
            case["error"] = code
        cases.append(case)
    return {"format": VECTOR_FORMAT, "kind": "base64url", "cases": cases}
