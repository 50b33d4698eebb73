"""Vectors for the recipient key schedule and HPKE sealing (with a deterministic HPKE
seal, checked against RFC 9180, because `cryptography` draws its own ephemeral keys)."""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from vector_helpers import ITERATIONS, VECTOR_FORMAT, error_code, fixed, fixed_id

from zivverdesk.core.model import VerificationMethod
from zivverdesk.core.secret import Secret
from zivverdesk.crypto import hpke as zhpke
from zivverdesk.crypto import keyschedule as ks
from zivverdesk.crypto import stream
from zivverdesk.crypto.encoding import b64url_encode
from zivverdesk.crypto.identity import IdentityKeyPair, PublicIdentity

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
