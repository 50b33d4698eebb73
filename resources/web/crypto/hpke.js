// HPKE (RFC 9180) base mode for one suite: DHKEM(X25519, HKDF-SHA256) 0x0020, HKDF-SHA256
// 0x0001, AES-256-GCM 0x0002, on WebCrypto's X25519, HMAC and AES-GCM; plus the zivverdesk
// sealed-CEK envelope of docs/PROTOCOL.md §5 (used by the conversation-starter page).

import { b64urlDecode } from "./b64.js";
import { concat, toHex, uintBE, utf8Bytes } from "./bytes.js";
import { BadEncoding, IntegrityError, UnsupportedSuite, UnsupportedVersion } from "./errors.js";
import { aesGcmKey, aesGcmOpen, aesGcmSeal, hmacSha256, sha256 } from "./primitives.js";
import { idBytes } from "./keyschedule.js";

export const KEM_X25519_HKDF_SHA256 = 0x0020;
export const KDF_HKDF_SHA256 = 0x0001;
export const AEAD_AES_256_GCM = 0x0002;
export const SEALED_VERSION = 0x01;
export const SEALED_SIZE = 1 + 6 + 32 + 48;

const subtle = globalThis.crypto.subtle;
const HPKE_V1 = utf8Bytes("HPKE-v1");
const KEM_SUITE_ID = concat(utf8Bytes("KEM"), uintBE(KEM_X25519_HKDF_SHA256, 2));
const HPKE_SUITE_ID = concat(
  utf8Bytes("HPKE"),
  uintBE(KEM_X25519_HKDF_SHA256, 2),
  uintBE(KDF_HKDF_SHA256, 2),
  uintBE(AEAD_AES_256_GCM, 2),
);
const EMPTY = new Uint8Array(0);
const MODE_BASE = 0x00;
const NK = 32;
const NN = 12;
const SEAL_LABEL = utf8Bytes("zivverdesk/v1/seal");
// PKCS #8 wrapping of a raw X25519 private key (RFC 8410): WebCrypto imports no raw private keys.
const PKCS8_X25519_PREFIX = new Uint8Array([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20,
]);

function labeledExtract(suiteId, salt, label, ikm) {
  return hmacSha256(salt, concat(HPKE_V1, suiteId, utf8Bytes(label), ikm));
}

/** HKDF-Expand (RFC 5869) of a labeled info; L <= 255 * 32. */
async function labeledExpand(suiteId, prk, label, info, length) {
  const labeledInfo = concat(uintBE(length, 2), HPKE_V1, suiteId, utf8Bytes(label), info);
  const blocks = [];
  let previous = EMPTY;
  for (let i = 1; blocks.length * 32 < length; i++) {
    previous = await hmacSha256(prk, concat(previous, labeledInfo, new Uint8Array([i])));
    blocks.push(previous);
  }
  return concat(...blocks).slice(0, length);
}

/** Import 32 raw bytes as an X25519 private key (for keys that exist outside WebCrypto). */
export function importX25519PrivateKey(raw) {
  if (raw.length !== 32) throw new BadEncoding("X25519 private key must be 32 bytes");
  return subtle.importKey("pkcs8", concat(PKCS8_X25519_PREFIX, raw), { name: "X25519" }, true, [
    "deriveBits",
  ]);
}

export function importX25519PublicKey(raw) {
  if (raw.length !== 32) throw new BadEncoding("X25519 public key must be 32 bytes");
  return subtle.importKey("raw", raw, { name: "X25519" }, true, []);
}

/** The raw public key of an extractable private key, through its JWK ("x" is the public part). */
async function publicKeyOf(privateKey) {
  const jwk = await subtle.exportKey("jwk", privateKey);
  return b64urlDecode(jwk.x, { length: 32, what: "X25519 public key" });
}

async function x25519(privateKey, publicRaw) {
  const publicKey = await importX25519PublicKey(publicRaw);
  const bits = await subtle.deriveBits({ name: "X25519", public: publicKey }, privateKey, 256);
  const dh = new Uint8Array(bits);
  // RFC 9180 §7.1.4: an all-zero shared secret (a small-order public key) MUST be rejected.
  if (dh.every((b) => b === 0)) throw new IntegrityError("invalid X25519 public key");
  return dh;
}

async function extractAndExpand(dh, kemContext) {
  const prk = await labeledExtract(KEM_SUITE_ID, EMPTY, "eae_prk", dh);
  return labeledExpand(KEM_SUITE_ID, prk, "shared_secret", kemContext, 32);
}

/**
 * Encap with a given ephemeral key pair (RFC 9180 §4.1). Real use passes a fresh key from
 * generateKey; the RFC vectors pass theirs to reproduce `enc` and the ciphertexts.
 */
async function encap(recipientPublic, ephemeralPrivate) {
  const enc = await publicKeyOf(ephemeralPrivate);
  const dh = await x25519(ephemeralPrivate, recipientPublic);
  return { sharedSecret: await extractAndExpand(dh, concat(enc, recipientPublic)), enc };
}

async function decap(enc, recipientPrivate) {
  if (enc.length !== 32) throw new BadEncoding("HPKE enc must be 32 bytes");
  const dh = await x25519(recipientPrivate, enc);
  const recipientPublic = await publicKeyOf(recipientPrivate);
  return extractAndExpand(dh, concat(enc, recipientPublic));
}

/** The base-mode key schedule (RFC 9180 §5.1): AEAD key and base nonce. */
export async function keySchedule(sharedSecret, info) {
  const pskIdHash = await labeledExtract(HPKE_SUITE_ID, EMPTY, "psk_id_hash", EMPTY);
  const infoHash = await labeledExtract(HPKE_SUITE_ID, EMPTY, "info_hash", info);
  const context = concat(new Uint8Array([MODE_BASE]), pskIdHash, infoHash);
  const secret = await labeledExtract(HPKE_SUITE_ID, sharedSecret, "secret", EMPTY);
  const key = await labeledExpand(HPKE_SUITE_ID, secret, "key", context, NK);
  const baseNonce = await labeledExpand(HPKE_SUITE_ID, secret, "base_nonce", context, NN);
  return { key, baseNonce, keyScheduleContext: context, secret };
}

/** An HPKE encryption context: one AEAD key, nonces base_nonce XOR sequence number. */
class Context {
  constructor(key, baseNonce) {
    this.key = key;
    this.baseNonce = baseNonce;
    this.seq = 0;
  }

  nextNonce() {
    const nonce = this.baseNonce.slice();
    const seq = uintBE(this.seq, NN);
    for (let i = 0; i < NN; i++) nonce[i] ^= seq[i];
    this.seq += 1;
    return nonce;
  }

  async seal(plaintext, aad = EMPTY) {
    return aesGcmSeal(await aesGcmKey(this.key, ["encrypt"]), this.nextNonce(), plaintext, aad);
  }

  async open(ciphertext, aad = EMPTY) {
    const key = await aesGcmKey(this.key, ["decrypt"]);
    try {
      return await aesGcmOpen(key, this.nextNonce(), ciphertext, aad);
    } catch (error) {
      if (error instanceof DOMException) throw new IntegrityError("HPKE ciphertext");
      throw error;
    }
  }
}

/**
 * SetupBaseS. `ephemeralPrivateRaw` exists for the RFC 9180 vectors only; without it a fresh
 * ephemeral key pair is generated, as every real seal must.
 */
export async function setupBaseSender(recipientPublic, info, ephemeralPrivateRaw = null) {
  const ephemeral =
    ephemeralPrivateRaw === null
      ? (await subtle.generateKey({ name: "X25519" }, true, ["deriveBits"])).privateKey
      : await importX25519PrivateKey(ephemeralPrivateRaw);
  const { sharedSecret, enc } = await encap(recipientPublic, ephemeral);
  const { key, baseNonce } = await keySchedule(sharedSecret, info);
  return { enc, context: new Context(key, baseNonce), sharedSecret };
}

export async function setupBaseRecipient(enc, recipientPrivateRaw, info) {
  const sharedSecret = await decap(enc, await importX25519PrivateKey(recipientPrivateRaw));
  const { key, baseNonce } = await keySchedule(sharedSecret, info);
  return new Context(key, baseNonce);
}

/** SHA-256 of the 32-byte raw X25519 public key: the key's identity in the protocol. */
export function keyFingerprint(publicRaw) {
  if (publicRaw.length !== 32) throw new BadEncoding("X25519 public key must be 32 bytes");
  return sha256(publicRaw);
}

/** What people compare: first 20 bytes of the fingerprint, lowercase hex, 10 groups of 4. */
export function displayFingerprint(fingerprint) {
  return toHex(fingerprint.subarray(0, 20)).match(/.{4}/g).join(" ");
}

/** info = "zivverdesk/v1/seal" ‖ message_id ‖ fingerprint of the recipient's public key. */
export async function sealInfo(messageId, recipientPublic) {
  return concat(
    SEAL_LABEL,
    idBytes(messageId, "message id"),
    await keyFingerprint(recipientPublic),
  );
}

/**
 * Seal a content key to a desktop user's X25519 public key:
 * 0x01 ‖ kem u16 ‖ kdf u16 ‖ aead u16 ‖ enc(32) ‖ AES-256-GCM(CEK)(48).
 */
export async function sealCek(
  cek,
  recipientPublic,
  messageId,
  { ephemeralPrivateRaw = null } = {},
) {
  if (cek.length !== 32) throw new BadEncoding("content key must be 32 bytes");
  const info = await sealInfo(messageId, recipientPublic);
  const { enc, context } = await setupBaseSender(recipientPublic, info, ephemeralPrivateRaw);
  const ct = await context.seal(cek);
  return concat(
    new Uint8Array([SEALED_VERSION]),
    uintBE(KEM_X25519_HKDF_SHA256, 2),
    uintBE(KDF_HKDF_SHA256, 2),
    uintBE(AEAD_AES_256_GCM, 2),
    enc,
    ct,
  );
}

/** Open a sealed content key with the recipient's raw private key. */
export async function openSealedCek(sealed, recipientPrivateRaw, messageId) {
  // Checked in the order PROTOCOL.md fixes, so each malformed value gets one error code.
  if (sealed.length < 1) throw new BadEncoding("the sealed key is empty");
  if (sealed[0] !== SEALED_VERSION)
    throw new UnsupportedVersion("De verzegelde sleutel / The sealed key", sealed[0]);
  if (sealed.length < 7) throw new BadEncoding("the sealed key is too short");
  const suite = [1, 3, 5].map((i) => (sealed[i] << 8) | sealed[i + 1]);
  const expected = [KEM_X25519_HKDF_SHA256, KDF_HKDF_SHA256, AEAD_AES_256_GCM];
  if (suite.some((id, i) => id !== expected[i])) {
    throw new UnsupportedSuite(
      "De verzegelde sleutel / The sealed key",
      suite.map((s) => `0x${s.toString(16).padStart(4, "0")}`).join("/"),
    );
  }
  if (sealed.length !== SEALED_SIZE) throw new BadEncoding(`a sealed key is ${SEALED_SIZE} bytes`);
  const privateKey = await importX25519PrivateKey(recipientPrivateRaw);
  const info = await sealInfo(messageId, await publicKeyOf(privateKey));
  const context = await setupBaseRecipient(sealed.subarray(7, 39), recipientPrivateRaw, info);
  return context.open(sealed.subarray(39));
}
