"""Generate the test vectors in tests/vectors/ from the Python implementation.

    python scripts/gen_vectors.py [OUT_DIR]     (default: tests/vectors)

Deterministic: every key, salt, nonce and ephemeral key comes from a fixed label, so running
it twice gives identical files (a unit test checks that the checked-in files are current).
Field conventions (docs/PROTOCOL.md §10): byte strings are lowercase hex in fields ending in
`_hex`, base64url without padding in fields ending in `_b64url`; a case has either an
expected result or `"error"` with a code from the vocabulary in PROTOCOL.md §9.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from zivverdesk.core.errors import ZivverdeskError  # noqa: E402
from zivverdesk.core.model import VerificationMethod  # noqa: E402
from zivverdesk.core.secret import Secret  # noqa: E402
from zivverdesk.crypto import hpke as zhpke  # noqa: E402
from zivverdesk.crypto import keyschedule as ks  # noqa: E402
from zivverdesk.crypto import manifest as mf  # noqa: E402
from zivverdesk.crypto import stream  # noqa: E402
from zivverdesk.crypto.encoding import b64url_decode, b64url_encode  # noqa: E402
from zivverdesk.crypto.identity import IdentityKeyPair, PublicIdentity  # noqa: E402

VECTOR_FORMAT = "zivverdesk-vectors/1"
ITERATIONS = ks.MIN_ITERATIONS  # the smallest accepted N keeps browser runs fast


def fixed(label: str, n: int) -> bytes:
    """n deterministic bytes named by `label` (SHA-256 in counter mode)."""
    out = b""
    counter = 0
    while len(out) < n:
        out += hashlib.sha256(f"{label}/{counter}".encode()).digest()
        counter += 1
    return out[:n]


def fixed_id(label: str) -> str:
    return fixed("id/" + label, 16).hex()


def error_code(fn: Callable[[], object]) -> str | None:
    try:
        fn()
    except ZivverdeskError as exc:
        return exc.code
    return None


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


# --- key schedule ---------------------------------------------------------------------


def keyschedule_vectors() -> dict[str, Any]:
    cek = fixed("ks/cek", 32)
    message_id = fixed_id("ks/message")
    recipient_id = fixed_id("ks/recipient")
    blob_id = fixed_id("ks/blob")
    reply_id = fixed_id("ks/reply")
    header = stream.build_header(stream.DEFAULT_RECORD_SIZE, fixed("ks/salt", 16))
    derivations = {
        "cek_hex": cek.hex(),
        "file_keys": [
            {"blob_id": b, "file_key_hex": ks.file_key(cek, b).hex()} for b in ("manifest", blob_id)
        ],
        "payload_key": {
            "file_key_hex": ks.file_key(cek, blob_id).hex(),
            "header_hex": header.hex(),
            "payload_key_hex": stream.payload_key(ks.file_key(cek, blob_id), header).hex(),
        },
        "reply": {
            "reply_id": reply_id,
            "reply_cek_hex": ks.reply_cek(cek, reply_id).hex(),
            "reply_manifest_file_key_hex": ks.file_key(
                ks.reply_cek(cek, reply_id), "manifest"
            ).hex(),
        },
        "nonces": [
            {"counter": c, "final": f, "nonce_hex": stream.record_nonce(c, f).hex()}
            for c, f in ((0, False), (0, True), (1, False), (258, True))
        ],
    }

    recipients: list[dict[str, Any]] = []
    code = "Ab-12 Cd 34"
    for index, (method, access_code) in enumerate(
        (
            (VerificationMethod.ACCESS_CODE, code),
            (VerificationMethod.SMS, None),
            (VerificationMethod.EMAIL, None),
        )
    ):
        link = Secret(fixed(f"ks/link/{index}", 32))
        salt = fixed(f"ks/code_salt/{index}", 16)
        nonce = fixed(f"ks/wrap_nonce/{index}", 12)
        envelope, _ = ks.seal_for_link_recipient(
            Secret(cek),
            message_id=message_id,
            recipient_id=recipient_id,
            method=method,
            access_code=Secret(access_code) if access_code else None,
            iterations=ITERATIONS,
            link_secret=link,
            code_salt=salt,
            nonce=nonce,
        )
        keys = ks.derive_for_link_recipient(
            envelope, link, Secret(access_code) if access_code else None
        )
        k = ks.code_key(Secret(access_code), salt, ITERATIONS) if access_code else b""
        recipients.append(
            {
                "name": f"{method.value}: full schedule",
                "method": method.value,
                "message_id": message_id,
                "recipient_id": recipient_id,
                "link_secret_b64url": b64url_encode(link.reveal()),
                "access_code": access_code,
                "normalised_code": ks.normalise_access_code(access_code) if access_code else None,
                "code_salt_hex": salt.hex() if access_code else None,
                "iterations": ITERATIONS if access_code else None,
                "code_key_hex": k.hex(),
                "wrap_key_hex": keys.wrap_key.hex(),
                "auth_hex": keys.auth.hex(),
                "auth_b64url": b64url_encode(keys.auth),
                "verifier_hex": envelope.verifier.hex(),
                "wrap_nonce_hex": nonce.hex(),
                "wrapped_cek_hex": envelope.wrapped_cek.hex(),
                "cek_hex": cek.hex(),
            }
        )

    # Negative cases: "open" = derive K and the keys, check SHA-256(auth) against the
    # verifier (what the relay does), then unwrap. Inputs not listed equal recipients[0].
    good = recipients[0]
    env, _ = ks.seal_for_link_recipient(
        Secret(cek),
        message_id=message_id,
        recipient_id=recipient_id,
        method=VerificationMethod.ACCESS_CODE,
        access_code=Secret(code),
        iterations=ITERATIONS,
        link_secret=Secret(fixed("ks/link/0", 32)),
        code_salt=fixed("ks/code_salt/0", 16),
        nonce=fixed("ks/wrap_nonce/0", 12),
    )
    wrapped = env.wrapped_cek
    negatives: list[dict[str, Any]] = []

    def open_case(name: str, **changes: Any) -> None:
        inputs = {
            "link_secret_b64url": good["link_secret_b64url"],
            "access_code": code,
            "code_salt_hex": good["code_salt_hex"],
            "iterations": ITERATIONS,
            "message_id": message_id,
            "recipient_id": recipient_id,
            "verifier_hex": good["verifier_hex"],
            "wrapped_cek_hex": wrapped.hex(),
        }
        inputs.update(changes)

        def attempt() -> bytes:
            envelope = ks.LinkRecipientEnvelope(
                message_id=inputs["message_id"],
                recipient_id=inputs["recipient_id"],
                method=VerificationMethod.ACCESS_CODE,
                code_salt=bytes.fromhex(inputs["code_salt_hex"]),
                iterations=inputs["iterations"],
                verifier=bytes.fromhex(inputs["verifier_hex"]),
                wrapped_cek=bytes.fromhex(inputs["wrapped_cek_hex"]),
            )
            link = ks.parse_link_secret(inputs["link_secret_b64url"])
            return ks.open_as_link_recipient(envelope, link, Secret(inputs["access_code"])).reveal()

        result = error_code(attempt)
        case: dict[str, Any] = {"name": name, "method": "access_code", **inputs}
        if result is None:
            case["cek_hex"] = attempt().hex()
        else:
            case["error"] = result
        negatives.append(case)

    open_case("right code written differently (spaces, case, dashes)", access_code=" ab12-CD-34 ")
    open_case("wrong access code", access_code="AB12CD35")
    open_case("wrong link secret", link_secret_b64url=b64url_encode(fixed("ks/wrong-link", 32)))
    open_case("code salt altered", code_salt_hex=fixed("ks/other-salt", 16).hex())
    open_case("iteration count altered (within range)", iterations=ITERATIONS + 1)
    open_case("recipient id of another recipient", recipient_id=fixed_id("ks/other-recipient"))
    open_case("message id of another message", message_id=fixed_id("ks/other-message"))
    open_case("empty access code", access_code=" - ")
    open_case("iteration count below 600000", iterations=ITERATIONS - 1)
    open_case("iteration count above 10000000", iterations=ks.MAX_ITERATIONS + 1)
    open_case(
        "wrapped CEK tag altered", wrapped_cek_hex=(wrapped[:-1] + bytes([wrapped[-1] ^ 1])).hex()
    )
    open_case(
        "wrapped CEK nonce altered",
        wrapped_cek_hex=(wrapped[:1] + bytes([wrapped[1] ^ 1]) + wrapped[2:]).hex(),
    )
    open_case("wrapped CEK version 2", wrapped_cek_hex=(b"\x02" + wrapped[1:]).hex())
    open_case("wrapped CEK one byte short", wrapped_cek_hex=wrapped[:-1].hex())
    open_case("wrapped CEK one byte long", wrapped_cek_hex=(wrapped + b"\x00").hex())
    open_case("link secret with padding", link_secret_b64url=good["link_secret_b64url"] + "=")
    open_case("link secret in standard base64 alphabet", link_secret_b64url=_std_alphabet_variant())
    open_case("link secret 42 characters", link_secret_b64url=good["link_secret_b64url"][:-1])
    open_case(
        "link secret with non-zero unused bits",
        link_secret_b64url=_nonzero_bits_variant(good["link_secret_b64url"]),
    )
    open_case(
        "link secret with a space",
        link_secret_b64url=good["link_secret_b64url"][:20] + " " + good["link_secret_b64url"][21:],
    )

    return {
        "format": VECTOR_FORMAT,
        "kind": "keyschedule",
        "derivations": derivations,
        "recipients": recipients,
        "open_cases": negatives,
    }


def _std_alphabet_variant() -> str:
    """A link secret whose base64url text needs '-' and '_', written with '+' and '/'."""
    counter = 0
    while True:
        text = b64url_encode(fixed(f"ks/alphabet/{counter}", 32))
        if "-" in text or "_" in text:
            return text.replace("-", "+").replace("_", "/")
        counter += 1


def _nonzero_bits_variant(text: str) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = alphabet.index(text[-1])
    return text[:-1] + alphabet[last ^ 0x01]  # 32 bytes leave 2 unused bits in the last char


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


# --- manifest -------------------------------------------------------------------------


def _sample_manifest() -> mf.Manifest:
    return mf.Manifest(
        conversation_id=fixed_id("mf/conversation"),
        message_id=fixed_id("mf/message"),
        in_reply_to=None,
        sender=mf.Sender(
            name="Secretariaat Één",
            organisation='Medisch Adviesbureau "De Linde"',
            address="secretariaat@example.test",
            key_fingerprint=fixed("mf/fingerprint", 32).hex(),
        ),
        recipients=(mf.ManifestRecipient(address="j.jansen@example.test", name="J. Jansen"),),
        subject="Uw dossier / your file — ✓",
        body="Beste heer Jansen,\n\nIn de bijlage vindt u het rapport.\tGroet\r\n\u0001\u001f/\\😀",
        created="2026-01-31T09:30:00Z",
        attachments=(
            mf.AttachmentEntry(
                blob_id=fixed_id("mf/blob"),
                name="rapport 2026.pdf",
                size=123456,
                media_type="application/pdf",
                sha256=fixed("mf/sha", 32).hex(),
            ),
        ),
    )


def manifest_vectors() -> dict[str, Any]:
    cek = fixed("mf/cek", 32)
    sample = _sample_manifest()
    data = mf.encode_manifest(sample)
    reply = mf.Manifest(
        conversation_id=sample.conversation_id,
        message_id=fixed_id("mf/reply"),
        in_reply_to=sample.message_id,
        sender=mf.Sender(
            name="J. Jansen", organisation="", address="j.jansen@example.test", key_fingerprint=None
        ),
        recipients=(
            mf.ManifestRecipient(address="secretariaat@example.test", name="Secretariaat Één"),
        ),
        subject="Re: Uw dossier",
        body="Dank u.",
        created="2026-02-01T10:00:00Z",
        attachments=(),
    )
    reply_cek = ks.reply_cek(cek, reply.message_id)
    sealed = [
        {
            "name": "message manifest",
            "cek_hex": cek.hex(),
            "blob_b64url": b64url_encode(mf.seal_manifest(sample, cek, salt=fixed("mf/salt", 16))),
            "manifest_utf8_hex": data.hex(),
            "manifest": json.loads(data),
        },
        {
            "name": "reply manifest under the reply CEK",
            "original_cek_hex": cek.hex(),
            "reply_id": reply.message_id,
            "cek_hex": reply_cek.hex(),
            "blob_b64url": b64url_encode(
                mf.seal_manifest(reply, reply_cek, salt=fixed("mf/salt2", 16))
            ),
            "manifest_utf8_hex": mf.encode_manifest(reply).hex(),
            "manifest": json.loads(mf.encode_manifest(reply)),
        },
        {
            "name": "message manifest opened with the wrong CEK",
            "cek_hex": fixed("mf/wrong-cek", 32).hex(),
            "blob_b64url": b64url_encode(mf.seal_manifest(sample, cek, salt=fixed("mf/salt", 16))),
            "error": "integrity",
        },
    ]

    text = data.decode("utf-8")
    doc = json.loads(data)
    cases: list[dict[str, Any]] = []

    def case(name: str, raw: bytes) -> None:
        code = error_code(lambda: mf.decode_manifest(raw))
        entry: dict[str, Any] = {"name": name, "data_hex": raw.hex()}
        if code is None:
            entry["valid"] = True
        else:
            entry["error"] = code
        cases.append(entry)

    def variant(**changes: Any) -> bytes:
        new = json.loads(data)
        for key, value in changes.items():
            if value is _DELETE:
                del new[key]
            else:
                new[key] = value
        return json.dumps(new, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()

    def attachment_variant(**changes: Any) -> bytes:
        new = json.loads(data)
        new["attachments"][0].update(changes)
        return json.dumps(new, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()

    case("canonical manifest", data)
    case("space after a colon", text.replace('"v":1', '"v": 1').encode())
    case("trailing newline", data + b"\n")
    case("leading space", b" " + data)
    case("pretty-printed", json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1).encode())
    reversed_doc = dict(reversed(list(doc.items())))
    case(
        "keys in reverse order",
        json.dumps(reversed_doc, ensure_ascii=False, separators=(",", ":")).encode(),
    )
    case(
        "non-ASCII escaped as \\u",
        json.dumps(doc, ensure_ascii=True, sort_keys=True, separators=(",", ":")).encode(),
    )
    case("slash escaped", text.replace("/\\\\", "\\/\\\\").encode())
    case("control character escaped in upper-case hex", text.replace("\\u001f", "\\u001F").encode())
    case("newline escaped as \\u000a", text.replace("\\n", "\\u000a", 1).encode())
    case("float 1.0 for v", text.replace('"v":1', '"v":1.0').encode())
    case("exponent 1e0 for v", text.replace('"v":1', '"v":1e0').encode())
    case("size as float", text.replace('"size":123456', '"size":123456.0').encode())
    case("negative zero", text.replace('"size":123456', '"size":-0').encode())
    case("integer beyond 2^53-1", text.replace('"size":123456', '"size":9007199254740993').encode())
    case(
        "integer 2^53 (not a safe integer)",
        text.replace('"size":123456', '"size":9007199254740992').encode(),
    )
    case(
        "integer 2^53-1 is allowed",
        text.replace('"size":123456', '"size":9007199254740991').encode(),
    )
    case("duplicate key", text.replace('"v":1', '"v":1,"v":1').encode())
    case("lone surrogate escape", text.replace("J. Jansen", "J. Jansen\\ud800").encode())
    case("UTF-8 byte order mark", b"\xef\xbb\xbf" + data)
    case("invalid UTF-8", data.replace("Één".encode(), b"\xc3\x28n"))
    case("not JSON", b'{"v":1')
    case("NaN", text.replace('"size":123456', '"size":NaN').encode())
    case("top level is an array", b"[1]")
    case("v is 2", variant(v=2))
    case("v is 0", variant(v=0))
    case("v is true", variant(v=True))
    case("v missing", variant(v=_DELETE))
    case("body missing", variant(body=_DELETE))
    case("unknown top-level field", variant(extra="x"))
    case("message id in upper case", variant(message_id=doc["message_id"].upper()))
    case("message id too short", variant(message_id=doc["message_id"][:-1]))
    case("in_reply_to not an id", variant(in_reply_to="manifest"))
    case("subject not a string", variant(subject=5))
    case("created without Z", variant(created="2026-01-31T09:30:00+00:00"))
    case("created with fractional seconds", variant(created="2026-01-31T09:30:00.5Z"))
    case("created on 31 February", variant(created="2026-02-31T09:30:00Z"))
    case(
        "sender fingerprint in upper case",
        variant(
            sender={**doc["sender"], "key_fingerprint": doc["sender"]["key_fingerprint"].upper()}
        ),
    )
    case(
        "sender without organisation",
        variant(sender={k: v for k, v in doc["sender"].items() if k != "organisation"}),
    )
    case("recipients not a list", variant(recipients={"address": "a@example.test", "name": "A"}))
    case("attachment name with a slash", attachment_variant(name="../etc/passwd"))
    case("attachment name with a backslash", attachment_variant(name="..\\boot.ini"))
    case("attachment name '..'", attachment_variant(name=".."))
    case("attachment name empty", attachment_variant(name=""))
    case("attachment size negative", attachment_variant(size=-1))
    case("attachment size as string", attachment_variant(size="1"))
    case("attachment sha256 too short", attachment_variant(sha256="00"))
    case("attachment blob id 'manifest'", attachment_variant(blob_id="manifest"))
    case(
        "two attachments with the same blob id",
        variant(attachments=[doc["attachments"][0], doc["attachments"][0]]),
    )
    return {"format": VECTOR_FORMAT, "kind": "manifest", "sealed": sealed, "cases": cases}


_DELETE = object()


# --- HPKE -----------------------------------------------------------------------------


def _hkdf_extract(salt: bytes, ikm: bytes) -> bytes:
    return hmac.new(salt or bytes(32), ikm, hashlib.sha256).digest()


def _hkdf_expand(prk: bytes, info: bytes, length: int) -> bytes:
    out, block, counter = b"", b"", 1
    while len(out) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        out += block
        counter += 1
    return out[:length]


def _labeled_extract(suite: bytes, salt: bytes, label: bytes, ikm: bytes) -> bytes:
    return _hkdf_extract(salt, b"HPKE-v1" + suite + label + ikm)


def _labeled_expand(suite: bytes, prk: bytes, label: bytes, info: bytes, length: int) -> bytes:
    return _hkdf_expand(prk, length.to_bytes(2, "big") + b"HPKE-v1" + suite + label + info, length)


def _raw_public(private: X25519PrivateKey) -> bytes:
    return private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )


def hpke_seal_deterministic(
    pk_r: bytes, sk_e: bytes, info: bytes, plaintext: bytes, aad: bytes = b""
) -> tuple[bytes, bytes]:
    """RFC 9180 base mode, DHKEM(X25519)/HKDF-SHA256/AES-256-GCM, with a given ephemeral key.

    Only for vectors: `cryptography` draws the ephemeral key itself. Checked against RFC 9180's
    own vector below and against `cryptography`'s decryption of every sealed key it makes.
    """
    kem_suite = b"KEM" + (0x0020).to_bytes(2, "big")
    hpke_suite = b"HPKE" + zhpke.SUITE_IDS
    eph = X25519PrivateKey.from_private_bytes(sk_e)
    enc = _raw_public(eph)
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

    dh = eph.exchange(X25519PublicKey.from_public_bytes(pk_r))
    eae_prk = _labeled_extract(kem_suite, b"", b"eae_prk", dh)
    shared = _labeled_expand(kem_suite, eae_prk, b"shared_secret", enc + pk_r, 32)
    psk_id_hash = _labeled_extract(hpke_suite, b"", b"psk_id_hash", b"")
    info_hash = _labeled_extract(hpke_suite, b"", b"info_hash", info)
    context = b"\x00" + psk_id_hash + info_hash
    secret = _labeled_extract(hpke_suite, shared, b"secret", b"")
    key = _labeled_expand(hpke_suite, secret, b"key", context, 32)
    nonce = _labeled_expand(hpke_suite, secret, b"base_nonce", context, 12)
    return enc, AESGCM(key).encrypt(nonce, plaintext, aad or None)


def _check_against_rfc9180() -> None:
    import cryptography_vectors

    path = Path(cryptography_vectors.__file__).parent / "HPKE" / "test-vectors.json"
    for v in json.loads(path.read_text()):
        if (v["mode"], v["kem_id"], v["kdf_id"], v["aead_id"]) != (0, 0x20, 1, 2):
            continue
        first = v["encryptions"][0]
        enc, ct = hpke_seal_deterministic(
            bytes.fromhex(v["pkRm"]),
            bytes.fromhex(v["skEm"]),
            bytes.fromhex(v["info"]),
            bytes.fromhex(first["pt"]),
            bytes.fromhex(first["aad"]),
        )
        assert enc.hex() == v["enc"] and ct.hex() == first["ct"], (
            "HPKE helper disagrees with RFC 9180"
        )
        return
    raise AssertionError("RFC 9180 base-mode X25519/AES-256-GCM vector not found")


def hpke_vectors() -> dict[str, Any]:
    _check_against_rfc9180()
    recipient = IdentityKeyPair.from_private_bytes(Secret(fixed("hpke/recipient", 32)))
    other = IdentityKeyPair.from_private_bytes(Secret(fixed("hpke/other", 32)))
    pk = recipient.public.raw
    message_id = fixed_id("hpke/message")
    cek = fixed("hpke/cek", 32)
    info = zhpke.seal_info(message_id, pk)
    enc, ct = hpke_seal_deterministic(pk, fixed("hpke/ephemeral", 32), info, cek)
    sealed = bytes([zhpke.SEAL_VERSION]) + zhpke.SUITE_IDS + enc + ct
    assert zhpke.open_sealed_cek(sealed, recipient.private_key, message_id) == cek

    base = {
        "recipient_private_hex": recipient.private_bytes().reveal().hex(),
        "recipient_public_hex": pk.hex(),
        "message_id": message_id,
    }
    cases: list[dict[str, Any]] = [
        {
            "name": "sealed CEK",
            **base,
            "ephemeral_private_hex": fixed("hpke/ephemeral", 32).hex(),
            "info_hex": info.hex(),
            "sealed_hex": sealed.hex(),
            "cek_hex": cek.hex(),
        }
    ]

    def bad(name: str, blob: bytes, **override: Any) -> None:
        params = {**base, **override}
        private = IdentityKeyPair.from_private_bytes(
            Secret(bytes.fromhex(params["recipient_private_hex"]))
        )
        code = error_code(
            lambda: zhpke.open_sealed_cek(blob, private.private_key, params["message_id"])
        )
        assert code is not None, name
        cases.append({"name": name, **params, "sealed_hex": blob.hex(), "error": code})

    def at(pos: int, value: bytes) -> bytes:
        return sealed[:pos] + value + sealed[pos + len(value) :]

    bad("ciphertext tag altered", at(len(sealed) - 1, bytes([sealed[-1] ^ 1])))
    bad("enc altered", at(7, bytes([sealed[7] ^ 1])))
    bad("other message id (info binds it)", sealed, message_id=fixed_id("hpke/other-message"))
    bad(
        "other recipient's private key",
        sealed,
        recipient_private_hex=other.private_bytes().reveal().hex(),
        recipient_public_hex=other.public.raw.hex(),
    )
    bad("version 0", at(0, b"\x00"))
    bad("version 2", at(0, b"\x02"))
    bad("KEM P-256 (0x0010)", at(1, b"\x00\x10"))
    bad("KEM ML-KEM-768+X25519 (0x647a)", at(1, b"\x64\x7a"))
    bad("KDF HKDF-SHA384 (0x0002)", at(3, b"\x00\x02"))
    bad("AEAD AES-128-GCM (0x0001)", at(5, b"\x00\x01"))
    bad("AEAD ChaCha20-Poly1305 (0x0003)", at(5, b"\x00\x03"))
    bad("one byte short", sealed[:-1])
    bad("one byte long", sealed + b"\x00")
    bad("only the prefix", sealed[:7])
    bad("empty", b"")

    fingerprints = []
    for label in ("hpke/recipient", "hpke/other"):
        pair = IdentityKeyPair.from_private_bytes(Secret(fixed(label, 32)))
        public = PublicIdentity(pair.public.raw)
        fingerprints.append(
            {
                "public_hex": public.raw.hex(),
                "public_b64url": public.to_b64url(),
                "fingerprint_hex": public.fingerprint_hex,
                "human": public.human_fingerprint,
            }
        )
    return {"format": VECTOR_FORMAT, "kind": "hpke", "cases": cases, "fingerprints": fingerprints}


GENERATORS: dict[str, Callable[[], dict[str, Any]]] = {
    "blob.json": blob_vectors,
    "keyschedule.json": keyschedule_vectors,
    "access_code.json": access_code_vectors,
    "base64url.json": base64url_vectors,
    "manifest.json": manifest_vectors,
    "hpke.json": hpke_vectors,
}


def render(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=False) + "\n"


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else ROOT / "tests" / "vectors"
    out.mkdir(parents=True, exist_ok=True)
    positive = negative = 0
    for name, make in GENERATORS.items():
        doc = make()
        (out / name).write_text(render(doc), encoding="utf-8")
        for value in doc.values():
            if isinstance(value, list) and value and isinstance(value[0], dict):
                for case in value:
                    if "error" in case:
                        negative += 1
                    elif "name" in case:
                        positive += 1
    total = positive + negative
    print(f"{total} cases, {negative} negative ({100 * negative // max(total, 1)}%) in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
