"""Python ↔ browser: what `zivverdesk.crypto` writes the page reads, and what the page writes
Python reads — attachments (0 B to 100 MiB, streamed over loopback HTTP), manifests, replies,
HPKE sealing both ways and the access-code path with the right and a wrong code."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.crypto_harness.server import HarnessServer
from zivverdesk.core.model import VerificationMethod, new_id
from zivverdesk.core.secret import Secret
from zivverdesk.crypto.errors import IntegrityError
from zivverdesk.crypto.hpke import open_sealed_cek, seal_cek
from zivverdesk.crypto.identity import IdentityKeyPair, PublicIdentity
from zivverdesk.crypto.keyschedule import (
    encode_link_secret,
    file_key,
    new_cek,
    reply_cek,
    seal_for_link_recipient,
)
from zivverdesk.crypto.manifest import (
    AttachmentEntry,
    Manifest,
    ManifestRecipient,
    Sender,
    check_reply_binding,
    open_manifest,
    seal_manifest,
)
from zivverdesk.crypto.stream import DEFAULT_RECORD_SIZE, decrypt_file, encrypt_file

pytestmark = pytest.mark.browser

MIB = 1 << 20
RECORD = DEFAULT_RECORD_SIZE
SIZES = [0, 1, RECORD, RECORD + 1]


def pattern(size: int) -> bytes:
    """The bytes harness.js's patternStream makes: byte i is (31 i + 7) mod 256."""
    period = bytes((i * 31 + 7) & 255 for i in range(256))
    return (period * (size // 256 + 1))[:size]


def write_pattern(path: Path, size: int) -> str:
    """Write pattern(size) in 1 MiB pieces; returns its SHA-256 hex."""
    digest = hashlib.sha256()
    with path.open("wb") as f:
        for chunk in _pattern_pieces(size):
            f.write(chunk)
            digest.update(chunk)
    return digest.hexdigest()


def pattern_sha256(size: int) -> str:
    digest = hashlib.sha256()
    for chunk in _pattern_pieces(size):
        digest.update(chunk)
    return digest.hexdigest()


def _pattern_pieces(size: int) -> Iterator[bytes]:
    piece = pattern(MIB)  # MIB is a multiple of the pattern's period of 256
    for offset in range(0, size, MIB):
        yield piece[: min(MIB, size - offset)]


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(MIB):
            digest.update(chunk)
    return digest.hexdigest()


def _python_encrypts_browser_decrypts(
    page: Any, harness: HarnessServer, tmp_path: Path, size: int
) -> None:
    cek = new_cek().reveal()
    blob_id = new_id()
    key = file_key(cek, blob_id)
    plain = tmp_path / f"plain-{size}"
    expected = write_pattern(plain, size)
    encrypt_file(plain, tmp_path / f"blob-{size}", key)
    url = harness.add_file(f"{blob_id}.zvdb", tmp_path / f"blob-{size}")
    sink = harness.new_sink(blob_id)
    result = page.evaluate(
        "([url, key, sink]) => window.zvdTest.fetchAndDecrypt(url, key, { sinkUrl: sink })",
        [url, key.hex(), sink],
    )
    assert result["bytes"] == size
    assert harness.sinks[blob_id].size == size
    assert harness.sinks[blob_id].digest.hexdigest() == expected


def _browser_encrypts_python_decrypts(
    page: Any, harness: HarnessServer, tmp_path: Path, size: int, *, via_file: bool
) -> None:
    cek = new_cek().reveal()
    blob_id = new_id()
    key = file_key(cek, blob_id)
    blob = tmp_path / f"from-browser-{size}"
    sink = harness.new_sink(blob_id, blob)
    page.evaluate(
        """([size, key, sink, viaFile]) =>
             window.zvdTest.encryptPatternToSink(size, key, sink, { viaFile })""",
        [size, key.hex(), sink, via_file],
    )
    records = max(1, -(-size // RECORD))
    assert blob.stat().st_size == 28 + size + 16 * records
    out = tmp_path / f"decrypted-{size}"
    assert decrypt_file(blob, out, key) == size
    assert file_sha256(out) == pattern_sha256(size)


@pytest.mark.parametrize("size", SIZES)
def test_python_encrypts_browser_decrypts_attachment(
    harness_page: Any, crypto_harness: HarnessServer, tmp_path: Path, size: int
) -> None:
    _python_encrypts_browser_decrypts(harness_page, crypto_harness, tmp_path, size)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("via_file", [False, True], ids=["stream", "file"])
def test_browser_encrypts_python_decrypts_attachment(
    harness_page: Any, crypto_harness: HarnessServer, tmp_path: Path, size: int, via_file: bool
) -> None:
    _browser_encrypts_python_decrypts(
        harness_page, crypto_harness, tmp_path, size, via_file=via_file
    )


def test_100_mib_python_to_browser_streamed(
    harness_page: Any, crypto_harness: HarnessServer, tmp_path: Path
) -> None:
    """Decrypted while downloading; every byte is hashed back in Python, never held whole."""
    _python_encrypts_browser_decrypts(harness_page, crypto_harness, tmp_path, 100 * MIB)


def test_100_mib_browser_to_python(
    harness_page: Any, crypto_harness: HarnessServer, tmp_path: Path
) -> None:
    _browser_encrypts_python_decrypts(
        harness_page, crypto_harness, tmp_path, 100 * MIB, via_file=False
    )


def test_browser_decrypt_of_a_python_blob_cut_off_in_transit_fails(
    harness_page: Any, crypto_harness: HarnessServer, tmp_path: Path
) -> None:
    key = file_key(new_cek().reveal(), new_id())
    plain = tmp_path / "plain"
    write_pattern(plain, 3 * RECORD)
    encrypt_file(plain, tmp_path / "blob", key)
    data = (tmp_path / "blob").read_bytes()
    (tmp_path / "cut").write_bytes(data[: 28 + 2 * (RECORD + 16)])
    url = crypto_harness.add_file("cut.zvdb", tmp_path / "cut")
    result = harness_page.evaluate(
        "([url, key]) => window.zvdTest.outcome(() => window.zvdTest.fetchAndDecrypt(url, key))",
        [url, key.hex()],
    )
    assert result["ok"] is False
    assert result["code"] == "truncated"


# --- manifests and replies -----------------------------------------------------------------


def _manifest(*, message_id: str, conversation_id: str, in_reply_to: str | None = None) -> Manifest:
    return Manifest(
        conversation_id=conversation_id,
        message_id=message_id,
        in_reply_to=in_reply_to,
        sender=Sender(
            name="Dr. Ümit Çelik",
            organisation="Huisartsenpraktijk De Linde",
            address="assistente@praktijk.example.test",
            key_fingerprint=hashlib.sha256(b"sender key").hexdigest(),
        ),
        recipients=(ManifestRecipient(address="jan@example.test", name="Jan de Vries"),),
        subject="Uitslag bloedonderzoek — vertrouwelijk ✓",
        body='Beste heer De Vries,\n\n"Alles" is in orde.\tGroet 🙂\u0001',
        created="2026-11-30T08:15:00Z",
        attachments=(
            AttachmentEntry(
                blob_id=new_id(),
                name="uitslag 2026.pdf",
                size=123456,
                media_type="application/pdf",
                sha256=hashlib.sha256(b"pdf").hexdigest(),
            ),
        ),
    )


def test_python_manifest_opens_in_the_browser(harness_page: Any) -> None:
    cek = new_cek().reveal()
    manifest = _manifest(message_id=new_id(), conversation_id=new_id())
    blob = seal_manifest(manifest, cek)
    got = harness_page.evaluate(
        """async ([cek, blob]) => {
          const { manifest, bytes } = window.zvd;
          return manifest.openManifest(bytes.fromHex(cek), bytes.fromHex(blob));
        }""",
        [cek.hex(), blob.hex()],
    )
    assert got == manifest.to_json()


def test_browser_reply_with_attachment_opens_in_python(
    harness_page: Any, crypto_harness: HarnessServer, tmp_path: Path
) -> None:
    """The page answers a message: reply CEK from the original CEK, manifest and attachment."""
    original_cek = new_cek().reveal()
    original_id, conversation_id, reply_id, blob_id = new_id(), new_id(), new_id(), new_id()
    attachment = tmp_path / "reply-attachment"
    sink = crypto_harness.new_sink(blob_id, attachment)
    size = RECORD + 1
    reply = harness_page.evaluate(
        """async ([cekHex, originalId, conversationId, replyId, blobId, size, sink]) => {
          const { keyschedule, manifest, bytes } = window.zvd;
          const replyCek = await keyschedule.replyCek(bytes.fromHex(cekHex), replyId);
          const key = await keyschedule.fileKey(replyCek, blobId);
          const keyHex = bytes.toHex(key);
          await window.zvdTest.encryptPatternToSink(size, keyHex, sink, { viaFile: true });
          const plain = await window.zvd.stream.readAll(window.zvdTest.patternStream(size));
          const sha = bytes.toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", plain)));
          const m = {
            v: 1, conversation_id: conversationId, message_id: replyId, in_reply_to: originalId,
            sender: {
              name: "Jan de Vries", organisation: "", address: "jan@example.test",
              key_fingerprint: null,
            },
            recipients: [{ address: "assistente@praktijk.example.test", name: "Praktijk" }],
            subject: "Re: Uitslag", body: "Dank u wel — ik bel morgen. ✓",
            created: "2026-11-30T09:00:00Z",
            attachments: [
              { blob_id: blobId, name: "vragen.txt", size, media_type: "text/plain", sha256: sha },
            ],
          };
          return bytes.toHex(await manifest.sealManifest(replyCek, m));
        }""",
        [original_cek.hex(), original_id, conversation_id, reply_id, blob_id, size, sink],
    )
    key_for_reply = reply_cek(original_cek, reply_id)
    manifest = open_manifest(bytes.fromhex(reply), key_for_reply)
    check_reply_binding(
        manifest,
        reply_id=reply_id,
        original_message_id=original_id,
        conversation_id=conversation_id,
    )
    assert manifest.body == "Dank u wel — ik bel morgen. ✓"
    assert manifest.sender.key_fingerprint is None
    (entry,) = manifest.attachments
    out = tmp_path / "vragen.txt"
    assert decrypt_file(attachment, out, file_key(key_for_reply, blob_id)) == size
    assert hashlib.sha256(out.read_bytes()).hexdigest() == entry.sha256
    assert out.read_bytes() == pattern(size)


# --- HPKE ------------------------------------------------------------------------------------


def test_python_seals_browser_opens(harness_page: Any) -> None:
    identity = IdentityKeyPair.generate()
    cek = new_cek().reveal()
    message_id = new_id()
    sealed = seal_cek(cek, identity.public, message_id)
    got = harness_page.evaluate(
        """async ([sealed, priv, messageId, otherId]) => {
          const { hpke, bytes } = window.zvd;
          const h = bytes.fromHex;
          const right = bytes.toHex(await hpke.openSealedCek(h(sealed), h(priv), messageId));
          const wrong = await window.zvdTest.outcome(
            () => hpke.openSealedCek(bytes.fromHex(sealed), bytes.fromHex(priv), otherId));
          return { right, wrong };
        }""",
        [sealed.hex(), identity.private_bytes().reveal().hex(), message_id, new_id()],
    )
    assert got["right"] == cek.hex()
    assert got["wrong"]["code"] == "integrity"


def test_browser_conversation_starter_seals_to_every_office_key(harness_page: Any) -> None:
    """A fresh CEK made in the page, sealed to two colleagues; both open it in Python."""
    office = [IdentityKeyPair.generate(), IdentityKeyPair.generate()]
    message_id = new_id()
    got = harness_page.evaluate(
        """async ([publics, messageId]) => {
          const { hpke, keyschedule, bytes } = window.zvd;
          const cek = keyschedule.newSecret();
          const sealed = [];
          for (const pub of publics) {
            sealed.push(bytes.toHex(await hpke.sealCek(cek, bytes.fromHex(pub), messageId)));
          }
          return { cek: bytes.toHex(cek), sealed };
        }""",
        [[k.public.raw.hex() for k in office], message_id],
    )
    assert len(set(got["sealed"])) == 2  # fresh ephemeral key per seal
    for identity, sealed in zip(office, got["sealed"], strict=True):
        assert (
            open_sealed_cek(bytes.fromhex(sealed), identity.private_key, message_id).hex()
            == got["cek"]
        )
    with pytest.raises(IntegrityError):
        open_sealed_cek(bytes.fromhex(got["sealed"][0]), office[1].private_key, message_id)
    fingerprint_in_page = harness_page.evaluate(
        """async (pub) => window.zvd.hpke.displayFingerprint(
             await window.zvd.hpke.keyFingerprint(window.zvd.bytes.fromHex(pub)))""",
        office[0].public.raw.hex(),
    )
    assert fingerprint_in_page == PublicIdentity(office[0].public.raw).human_fingerprint


# --- the access-code path ----------------------------------------------------------------------


OPEN_AS_RECIPIENT = """async ([env, fragment, code]) => {
  const { keyschedule, bytes } = window.zvd;
  return window.zvdTest.outcome(async () => {
    const linkSecret = keyschedule.linkSecretFromFragment(fragment);
    const envelope = {
      messageId: env.message_id, recipientId: env.recipient_id,
      codeSalt: env.code_salt === null ? undefined : bytes.fromHex(env.code_salt),
      iterations: env.iterations ?? undefined,
      verifier: bytes.fromHex(env.verifier), wrappedCek: bytes.fromHex(env.wrapped_cek),
    };
    return bytes.toHex(await keyschedule.openAsLinkRecipient(envelope, linkSecret, code));
  });
}"""


def _envelope_json(envelope: Any) -> dict[str, Any]:
    return {
        "message_id": envelope.message_id,
        "recipient_id": envelope.recipient_id,
        "code_salt": envelope.code_salt.hex() if envelope.code_salt else None,
        "iterations": envelope.iterations,
        "verifier": envelope.verifier.hex(),
        "wrapped_cek": envelope.wrapped_cek.hex(),
    }


def test_access_code_right_and_wrong(harness_page: Any) -> None:
    cek = new_cek()
    envelope, link = seal_for_link_recipient(
        cek,
        message_id=new_id(),
        recipient_id=new_id(),
        method=VerificationMethod.ACCESS_CODE,
        access_code=Secret("Kx7-Pq92"),
        iterations=600_000,
    )
    fragment = "#" + encode_link_secret(link)
    env = _envelope_json(envelope)
    right = harness_page.evaluate(OPEN_AS_RECIPIENT, [env, fragment, " kx7 pq92 "])
    assert right == {"ok": True, "value": cek.reveal().hex()}
    wrong = harness_page.evaluate(OPEN_AS_RECIPIENT, [env, fragment, "Kx7-Pq93"])
    assert wrong["ok"] is False
    assert wrong["code"] == "wrong_code"
    other_link = "#" + encode_link_secret(Secret(bytes(32)))
    assert (
        harness_page.evaluate(OPEN_AS_RECIPIENT, [env, other_link, "Kx7-Pq92"])["code"]
        == "wrong_code"
    )


def test_sms_method_needs_only_the_link(harness_page: Any) -> None:
    cek = new_cek()
    envelope, link = seal_for_link_recipient(
        cek, message_id=new_id(), recipient_id=new_id(), method=VerificationMethod.SMS
    )
    got = harness_page.evaluate(
        OPEN_AS_RECIPIENT, [_envelope_json(envelope), encode_link_secret(link), None]
    )
    assert got == {"ok": True, "value": cek.reveal().hex()}
