"""Vectors for the manifest: sealed manifests and canonical-JSON parsing cases."""

from __future__ import annotations

import json
from typing import Any

from vector_helpers import VECTOR_FORMAT, error_code, fixed, fixed_id

from zivverdesk.crypto import keyschedule as ks
from zivverdesk.crypto import manifest as mf
from zivverdesk.crypto.encoding import b64url_encode

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
