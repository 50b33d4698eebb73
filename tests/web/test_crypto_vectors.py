"""Every shared vector (tests/vectors/*.json, produced by scripts/gen_vectors.py) through the
browser modules in Chromium; the same files are run by the Python tests, so both sides agree
byte for byte and error code for error code."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

VECTORS = Path(__file__).resolve().parents[1] / "vectors"
KINDS = ["blob", "base64url", "access_code", "keyschedule", "hpke", "manifest"]
RUNNERS = {
    "blob": "runBlob",
    "base64url": "runBase64url",
    "access_code": "runAccessCode",
    "keyschedule": "runKeyschedule",
    "hpke": "runHpke",
    "manifest": "runManifest",
}


def _load(kind: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((VECTORS / f"{kind}.json").read_text(encoding="utf-8"))
    assert doc["format"] == "zivverdesk-vectors/1"
    assert doc["kind"] == kind
    return doc


def _run(page: Any, kind: str) -> Any:
    return page.evaluate("async (fn) => (await import('/harness/vectors.js'))[fn]()", RUNNERS[kind])


def _expect(case: dict[str, Any], result: dict[str, Any]) -> None:
    """A case with "error" must fail with exactly that code; any other must succeed."""
    if "error" in case:
        assert result == {"ok": False, "code": case["error"]}, case["name"]
    else:
        assert result["ok"], f"{case['name']}: {result}"


def test_every_vector_file_is_run_here() -> None:
    files = sorted(p.stem for p in VECTORS.glob("*.json"))
    assert files == sorted(KINDS), "a vector file without a browser runner (or one missing)"


def test_blob_vectors(harness_page: Any) -> None:
    doc = _load("blob")
    results = _run(harness_page, "blob")
    assert [r["name"] for r in results] == [c["name"] for c in doc["cases"]]
    for case, r in zip(doc["cases"], results, strict=True):
        for mode in ("whole", "chunked"):
            _expect(case, r[mode])
            if "error" not in case:
                assert r[mode]["size"] == case["plaintext_size"], case["name"]
                assert r[mode]["sha256"] == case["plaintext_sha256_hex"], case["name"]
        if "plaintext_hex" in case:
            assert r["whole"]["plaintext_hex"] == case["plaintext_hex"], case["name"]
            assert r["whole"]["reencrypted_equal"], case["name"]


def test_base64url_vectors(harness_page: Any) -> None:
    doc = _load("base64url")
    results = _run(harness_page, "base64url")
    for case, r in zip(doc["cases"], results, strict=True):
        _expect(case, r["result"])
        if "error" not in case:
            assert r["result"]["bytes_hex"] == case["bytes_hex"], case["name"]
            assert r["result"]["reencoded"] == case["input"], case["name"]


def test_access_code_vectors(harness_page: Any) -> None:
    doc = _load("access_code")
    results = _run(harness_page, "access_code")
    for case, r in zip(doc["cases"], results, strict=True):
        _expect(case, r["result"])
        if "error" not in case:
            assert r["result"]["normalised"] == case["normalised"], case["name"]
            assert r["result"]["normalised"].encode() == bytes.fromhex(case["normalised_utf8_hex"])


def test_keyschedule_vectors(harness_page: Any) -> None:
    doc = _load("keyschedule")
    got = _run(harness_page, "keyschedule")
    d = doc["derivations"]
    assert got["derivations"]["file_keys"] == [f["file_key_hex"] for f in d["file_keys"]]
    assert got["derivations"]["payload_key_hex"] == d["payload_key"]["payload_key_hex"]
    assert got["derivations"]["reply_cek_hex"] == d["reply"]["reply_cek_hex"]
    assert (
        got["derivations"]["reply_manifest_file_key_hex"]
        == d["reply"]["reply_manifest_file_key_hex"]
    )
    assert got["derivations"]["nonces"] == [n["nonce_hex"] for n in d["nonces"]]
    assert len(got["recipients"]) == len(doc["recipients"])
    for r, mine in zip(doc["recipients"], got["recipients"], strict=True):
        for field, value in mine["values"].items():
            assert value == r[field], f"{r['name']}: {field}"
        expected_fields = {"wrap_key_hex", "auth_hex", "verifier_hex", "wrapped_cek_hex"}
        assert expected_fields <= mine["values"].keys()
    for case, r in zip(doc["open_cases"], got["opens"], strict=True):
        _expect(case, r["result"])
        if "error" not in case:
            assert r["result"]["cek_hex"] == case["cek_hex"], case["name"]


def test_hpke_vectors(harness_page: Any) -> None:
    doc = _load("hpke")
    got = _run(harness_page, "hpke")
    for case, r in zip(doc["cases"], got["cases"], strict=True):
        _expect(case, r["open"])
        if "error" not in case:
            assert r["open"]["cek_hex"] == case["cek_hex"], case["name"]
        if "ephemeral_private_hex" in case:
            assert r["info_hex"] == case["info_hex"], case["name"]
            assert r["sealed_hex"] == case["sealed_hex"], case["name"]
    for f, mine in zip(doc["fingerprints"], got["fingerprints"], strict=True):
        assert mine == {"fingerprint_hex": f["fingerprint_hex"], "human": f["human"]}


def test_manifest_vectors(harness_page: Any) -> None:
    doc = _load("manifest")
    got = _run(harness_page, "manifest")
    for case, r in zip(doc["cases"], got["cases"], strict=True):
        _expect(case, r["result"])
        assert ("error" not in case) == bool(case.get("valid")), case["name"]
    for s, r in zip(doc["sealed"], got["sealed"], strict=True):
        _expect(s, r["open"])
        if "original_cek_hex" in s:
            assert r["reply_cek_hex"] == s["cek_hex"], s["name"]
        if "error" not in s:
            assert r["open"]["manifest"] == s["manifest"], s["name"]
            assert r["open"]["canonical_hex"] == s["manifest_utf8_hex"], s["name"]
            assert r["open"]["resealed_equal"], s["name"]
