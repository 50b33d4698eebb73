"""The relay alone decrypts nothing (PROTOCOL.md §10).

An attacker gets every byte the relay stores for a message — blobs, the recipient's
verifier, wrapped CEK, code salt and iteration count, and the CEKs sealed to desktop users —
plus the complete (tiny) space of access codes. Without the link secret L they can neither
confirm a code against the verifier nor unwrap the CEK; the same brute force *with* L finds
the code at once, which shows the attack harness itself works.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

import pytest

from zivverdesk.core.model import VerificationMethod, new_id
from zivverdesk.core.secret import Secret
from zivverdesk.crypto import hpke, keyschedule, manifest, stream
from zivverdesk.crypto.encoding import b64url_encode
from zivverdesk.crypto.errors import IntegrityError
from zivverdesk.crypto.identity import IdentityKeyPair
from zivverdesk.crypto.kdf import pbkdf2_sha256

CODE_SPACE = [f"{n:03d}" for n in range(10)]  # a deliberately tiny space: "000".."009"
SECRET_CODE = "007"
SUBJECT = "Uitslag bloedonderzoek patiënt 4711"
BODY = "Geachte heer Jansen, de uitslag is afwijkend."
ATTACHMENT = b"%PDF-1.7 CONFIDENTIAL-MEDICAL-REPORT " * 2000


@dataclass
class Sent:
    cek: bytes
    link: bytes
    relay_view: dict[str, bytes]  # everything the relay stores, by name
    envelope: keyschedule.LinkRecipientEnvelope


@pytest.fixture(scope="module")
def sent() -> Sent:
    cek = keyschedule.new_cek()
    message_id, recipient_id, blob_id = new_id(), new_id(), new_id()
    office = IdentityKeyPair.generate()
    m = manifest.Manifest(
        conversation_id=new_id(),
        message_id=message_id,
        in_reply_to=None,
        sender=manifest.Sender(
            name="Secretariaat",
            organisation="Adviesbureau",
            address="secretariaat@example.test",
            key_fingerprint=office.public.fingerprint_hex,
        ),
        recipients=(manifest.ManifestRecipient(address="jansen@example.test", name="Jansen"),),
        subject=SUBJECT,
        body=BODY,
        created=manifest.created_now(),
        attachments=(
            manifest.AttachmentEntry(
                blob_id=blob_id,
                name="uitslag-jansen.pdf",
                size=len(ATTACHMENT),
                media_type="application/pdf",
                sha256=hashlib.sha256(ATTACHMENT).hexdigest(),
            ),
        ),
    )
    envelope, link = keyschedule.seal_for_link_recipient(
        cek,
        message_id=message_id,
        recipient_id=recipient_id,
        method=VerificationMethod.ACCESS_CODE,
        access_code=Secret(SECRET_CODE),
        iterations=keyschedule.MIN_ITERATIONS,
    )
    assert envelope.code_salt is not None and envelope.iterations is not None
    relay_view = {
        "manifest_blob": manifest.seal_manifest(m, cek.reveal()),
        "attachment_blob": stream.encrypt_bytes(
            ATTACHMENT, keyschedule.file_key(cek.reveal(), blob_id)
        ),
        "verifier": envelope.verifier,
        "wrapped_cek": envelope.wrapped_cek,
        "code_salt": envelope.code_salt,
        "iterations": envelope.iterations.to_bytes(4, "big"),
        "sealed_to_office": hpke.seal_cek(cek.reveal(), office.public, message_id),
        "office_public_key": office.public.raw,
        "ids": (message_id + recipient_id + blob_id).encode(),
    }
    return Sent(cek=cek.reveal(), link=link.reveal(), relay_view=relay_view, envelope=envelope)


@pytest.fixture(scope="module")
def candidate_code_keys(sent: Sent) -> dict[str, bytes]:
    """What an attacker can precompute from the relay's data: K for every possible code."""
    salt, n = sent.envelope.code_salt, sent.envelope.iterations
    assert salt is not None and n is not None
    return {
        code: pbkdf2_sha256(
            keyschedule.normalise_access_code(code).encode(), salt=salt, iterations=n
        )
        for code in CODE_SPACE
    }


def _matches(sent: Sent, link: bytes, k: bytes) -> bool:
    keys = keyschedule.recipient_keys(link, k, sent.envelope.message_id, sent.envelope.recipient_id)
    return keyschedule.check_auth(sent.envelope.verifier, keys.auth)


def test_brute_force_with_the_link_secret_finds_the_code(
    sent: Sent, candidate_code_keys: dict[str, bytes]
) -> None:
    """Control: the harness works, and L is the one thing the relay lacks."""
    hits = [c for c, k in candidate_code_keys.items() if _matches(sent, sent.link, k)]
    assert hits == [SECRET_CODE]


def test_brute_force_without_the_link_secret_fails(
    sent: Sent, candidate_code_keys: dict[str, bytes]
) -> None:
    guesses = [bytes(32), b"\xff" * 32, hashlib.sha256(sent.relay_view["verifier"]).digest()]
    guesses += [secrets.token_bytes(32) for _ in range(200)]
    message_id, recipient_id = sent.envelope.message_id, sent.envelope.recipient_id
    for k in candidate_code_keys.values():
        for link in guesses:
            assert not _matches(sent, link, k)
            wrap_key = keyschedule.recipient_keys(link, k, message_id, recipient_id).wrap_key
            with pytest.raises(IntegrityError):
                keyschedule.unwrap_cek(
                    sent.relay_view["wrapped_cek"], wrap_key, message_id, recipient_id
                )
        # Nor does leaving L out, or using K directly as the wrap key.
        for wrap_key in (k, keyschedule.recipient_keys(k, b"", message_id, recipient_id).wrap_key):
            with pytest.raises(IntegrityError):
                keyschedule.unwrap_cek(
                    sent.relay_view["wrapped_cek"], wrap_key, message_id, recipient_id
                )


def test_the_relay_cannot_open_what_is_sealed_to_desktop_users(sent: Sent) -> None:
    relay_own_key = IdentityKeyPair.generate()
    with pytest.raises(IntegrityError):
        hpke.open_sealed_cek(
            sent.relay_view["sealed_to_office"], relay_own_key.private_key, sent.envelope.message_id
        )


def test_stored_bytes_contain_no_plaintext_and_no_key(
    sent: Sent, candidate_code_keys: dict[str, bytes]
) -> None:
    everything = b"".join(sent.relay_view.values())
    keys = keyschedule.recipient_keys(
        sent.link,
        candidate_code_keys[SECRET_CODE],
        sent.envelope.message_id,
        sent.envelope.recipient_id,
    )
    needles = [
        SUBJECT.encode(),
        BODY.encode(),
        b"uitslag-jansen.pdf",
        b"CONFIDENTIAL-MEDICAL-REPORT",
        b"jansen@example.test",
        SECRET_CODE.encode(),
    ]
    for key in (sent.cek, sent.link, candidate_code_keys[SECRET_CODE], keys.auth, keys.wrap_key):
        needles += [key, key[:8], key.hex().encode(), b64url_encode(key).encode()]
    for needle in needles:
        if needle == SECRET_CODE.encode():
            continue  # 3 ASCII digits may occur by chance in 90 KB of ciphertext; K covers it
        assert needle not in everything, needle[:20]
    # The CEK opens it all: the stored data is complete, just useless without a key.
    assert manifest.open_manifest(sent.relay_view["manifest_blob"], sent.cek).subject == SUBJECT
