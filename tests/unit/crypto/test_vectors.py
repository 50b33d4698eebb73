"""Every vector in tests/vectors/ against the Python implementation (the browser runs the
same files in Chromium), plus a check that the checked-in vectors are what the generator
makes today."""

from __future__ import annotations

import hashlib
import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

from zivverdesk.core.errors import ZivverdeskError
from zivverdesk.core.model import VerificationMethod
from zivverdesk.core.secret import Secret
from zivverdesk.crypto import hpke, keyschedule, manifest, stream
from zivverdesk.crypto.encoding import b64url_decode
from zivverdesk.crypto.identity import IdentityKeyPair, PublicIdentity

ROOT = Path(__file__).resolve().parents[3]
VECTORS = ROOT / "tests" / "vectors"
ERROR_CODES = {
    "integrity",
    "truncated",
    "trailing_data",
    "unsupported_version",
    "unsupported_suite",
    "bad_header",
    "bad_encoding",
    "non_canonical",
    "invalid_manifest",
    "bad_parameters",
    "invalid_code",
    "wrong_code",
}


def load(name: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((VECTORS / name).read_text(encoding="utf-8"))
    assert doc["format"] == "zivverdesk-vectors/1"
    return doc


def cases(name: str, key: str = "cases") -> list[Any]:
    items = load(name)[key]
    return [pytest.param(c, id=c.get("name", str(i))) for i, c in enumerate(items)]


def expect_error(code: str, fn: Any) -> None:
    assert code in ERROR_CODES
    with pytest.raises(ZivverdeskError) as info:
        fn()
    assert info.value.code == code, str(info.value)


def b(text: str) -> bytes:
    return bytes.fromhex(text)


@pytest.mark.parametrize("case", cases("blob.json"))
def test_blob(case: dict[str, Any]) -> None:
    blob = b64url_decode(case["blob_b64url"])
    key = b(case["file_key_hex"])
    if "error" in case:
        expect_error(case["error"], lambda: stream.decrypt_bytes(blob, key))
        return
    plain = stream.decrypt_bytes(blob, key)
    assert len(plain) == case["plaintext_size"]
    assert hashlib.sha256(plain).hexdigest() == case["plaintext_sha256_hex"]
    if "plaintext_hex" in case:
        assert plain.hex() == case["plaintext_hex"]
    record_size = stream.parse_header(blob).record_size
    assert len(blob) == stream.encrypted_size(len(plain), record_size)


@pytest.mark.parametrize("case", cases("base64url.json"))
def test_base64url(case: dict[str, Any]) -> None:
    if "error" in case:
        expect_error(case["error"], lambda: b64url_decode(case["input"]))
    else:
        assert b64url_decode(case["input"]).hex() == case["bytes_hex"]


@pytest.mark.parametrize("case", cases("access_code.json"))
def test_access_code(case: dict[str, Any]) -> None:
    if "error" in case:
        expect_error(case["error"], lambda: keyschedule.normalise_access_code(case["input"]))
    else:
        normalised = keyschedule.normalise_access_code(case["input"])
        assert normalised == case["normalised"]
        assert normalised.encode().hex() == case["normalised_utf8_hex"]


def test_keyschedule_derivations() -> None:
    d = load("keyschedule.json")["derivations"]
    cek = b(d["cek_hex"])
    for entry in d["file_keys"]:
        assert keyschedule.file_key(cek, entry["blob_id"]).hex() == entry["file_key_hex"]
    p = d["payload_key"]
    assert (
        stream.payload_key(b(p["file_key_hex"]), b(p["header_hex"])).hex() == p["payload_key_hex"]
    )
    r = d["reply"]
    assert keyschedule.reply_cek(cek, r["reply_id"]).hex() == r["reply_cek_hex"]
    assert (
        keyschedule.file_key(b(r["reply_cek_hex"]), "manifest").hex()
        == r["reply_manifest_file_key_hex"]
    )
    for n in d["nonces"]:
        assert stream.record_nonce(n["counter"], n["final"]).hex() == n["nonce_hex"]


@pytest.mark.parametrize("case", cases("keyschedule.json", "recipients"))
def test_recipient_schedule(case: dict[str, Any]) -> None:
    link = keyschedule.parse_link_secret(case["link_secret_b64url"])
    method = VerificationMethod(case["method"])
    code = Secret(case["access_code"]) if case["access_code"] is not None else None
    k = b""
    if method is VerificationMethod.ACCESS_CODE:
        assert code is not None
        assert keyschedule.normalise_access_code(code.reveal()) == case["normalised_code"]
        k = keyschedule.code_key(code, b(case["code_salt_hex"]), case["iterations"])
    assert k.hex() == case["code_key_hex"]
    keys = keyschedule.recipient_keys(link.reveal(), k, case["message_id"], case["recipient_id"])
    assert keys.wrap_key.hex() == case["wrap_key_hex"]
    assert keys.auth.hex() == case["auth_hex"]
    assert keyschedule.auth_verifier(keys.auth).hex() == case["verifier_hex"]
    wrapped = keyschedule.wrap_cek(
        b(case["cek_hex"]),
        keys.wrap_key,
        case["message_id"],
        case["recipient_id"],
        nonce=b(case["wrap_nonce_hex"]),
    )
    assert wrapped.hex() == case["wrapped_cek_hex"]
    assert keyschedule.unwrap_cek(
        wrapped, keys.wrap_key, case["message_id"], case["recipient_id"]
    ) == b(case["cek_hex"])


@pytest.mark.parametrize("case", cases("keyschedule.json", "open_cases"))
def test_open_as_link_recipient(case: dict[str, Any]) -> None:
    def attempt() -> bytes:
        envelope = keyschedule.LinkRecipientEnvelope(
            message_id=case["message_id"],
            recipient_id=case["recipient_id"],
            method=VerificationMethod(case["method"]),
            code_salt=b(case["code_salt_hex"]),
            iterations=case["iterations"],
            verifier=b(case["verifier_hex"]),
            wrapped_cek=b(case["wrapped_cek_hex"]),
        )
        link = keyschedule.parse_link_secret(case["link_secret_b64url"])
        return keyschedule.open_as_link_recipient(
            envelope, link, Secret(case["access_code"])
        ).reveal()

    if "error" in case:
        expect_error(case["error"], attempt)
    else:
        assert attempt().hex() == case["cek_hex"]


@pytest.mark.parametrize("case", cases("manifest.json", "sealed"))
def test_sealed_manifest(case: dict[str, Any]) -> None:
    blob = b64url_decode(case["blob_b64url"])
    cek = b(case["cek_hex"])
    if "error" in case:
        expect_error(case["error"], lambda: manifest.open_manifest(blob, cek))
        return
    if "original_cek_hex" in case:
        assert keyschedule.reply_cek(b(case["original_cek_hex"]), case["reply_id"]) == cek
    opened = manifest.open_manifest(blob, cek)
    assert manifest.encode_manifest(opened).hex() == case["manifest_utf8_hex"]
    assert opened.to_json() == case["manifest"]


@pytest.mark.parametrize("case", cases("manifest.json"))
def test_manifest_parsing(case: dict[str, Any]) -> None:
    data = b(case["data_hex"])
    if "error" in case:
        expect_error(case["error"], lambda: manifest.decode_manifest(data))
    else:
        assert manifest.encode_manifest(manifest.decode_manifest(data)) == data


@pytest.mark.parametrize("case", cases("hpke.json"))
def test_hpke_sealed_cek(case: dict[str, Any]) -> None:
    pair = IdentityKeyPair.from_private_bytes(Secret(b(case["recipient_private_hex"])))
    assert pair.public.raw.hex() == case["recipient_public_hex"]
    sealed = b(case["sealed_hex"])
    if "error" in case:
        expect_error(
            case["error"],
            lambda: hpke.open_sealed_cek(sealed, pair.private_key, case["message_id"]),
        )
    else:
        assert hpke.seal_info(case["message_id"], pair.public.raw).hex() == case["info_hex"]
        assert hpke.open_sealed_cek(sealed, pair.private_key, case["message_id"]) == b(
            case["cek_hex"]
        )


def test_fingerprints() -> None:
    for entry in load("hpke.json")["fingerprints"]:
        public = PublicIdentity.from_b64url(entry["public_b64url"])
        assert public.raw.hex() == entry["public_hex"]
        assert public.fingerprint_hex == entry["fingerprint_hex"]
        assert public.human_fingerprint == entry["human"]
        assert len(entry["human"].split(" ")) == 10


def test_most_vectors_are_negative() -> None:
    total = negative = 0
    for path in VECTORS.glob("*.json"):
        for value in json.loads(path.read_text(encoding="utf-8")).values():
            if isinstance(value, list):
                for case in value:
                    if isinstance(case, dict) and "name" in case:
                        total += 1
                        negative += "error" in case
    assert total >= 150
    assert negative / total >= 0.6


def test_checked_in_vectors_are_current(tmp_path: Path) -> None:
    """Regenerating must reproduce the files byte for byte: the generator is deterministic
    and the implementation has not drifted from the vectors the browser runs."""
    spec = importlib.util.spec_from_file_location(
        "gen_vectors", ROOT / "scripts" / "gen_vectors.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["gen_vectors.py", str(tmp_path)]) == 0
    for path in sorted(VECTORS.glob("*.json")):
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name
