// The few crypto operations the pages need, in the shapes the pages use, on top of the
// protocol modules in ./crypto/ (which implement docs/PROTOCOL.md and are tested against the
// Python implementation). Nothing here invents cryptography: it only picks keys and ids.

import {
  authVerifier,
  b64urlDecode,
  b64urlEncode,
  createDecryptStream,
  deriveRecipientKeys,
  encryptFileStream,
  fileKey,
  linkSecretFromFragment,
  newSecret,
  normaliseAccessCode,
  openManifest as openManifestBlob,
  replyCek as deriveReplyCek,
  sealCek,
  sealManifest as sealManifestBlob,
  toHex,
  unwrapCek as unwrapWrappedCek,
  wrapCek,
} from "./crypto/index.js";

/** The link secret from `location.hash`, or null when it is missing or damaged. */
export function parseLinkSecret(hash) {
  if (!hash || hash === "#") return null;
  try {
    return linkSecretFromFragment(hash);
  } catch {
    return null;
  }
}

/**
 * `auth` (base64url, what the relay checks) and the wrap key. `code` is the access code as typed,
 * or null for SMS / e-mail verification. Throws InvalidAccessCode (code "invalid_code") for an
 * empty code before any slow work starts.
 */
export async function recipientKeys({ linkSecret, code, kdf, messageId, recipientId }) {
  let codeSalt;
  let iterations;
  if (code !== null) {
    normaliseAccessCode(code);
    codeSalt = b64urlDecode(kdf.code_salt, { length: 16, what: "code salt" });
    iterations = kdf.iterations;
  }
  const { wrapKey, auth } = await deriveRecipientKeys({
    linkSecret,
    accessCode: code,
    codeSalt,
    iterations,
    messageId,
    recipientId,
  });
  return { wrapKey, auth: b64urlEncode(auth) };
}

export function unwrapCek(keys, wrappedB64, messageId, recipientId) {
  return unwrapWrappedCek(keys.wrapKey, b64urlDecode(wrappedB64, { what: "wrapped key" }), messageId, recipientId);
}

export const replyCek = deriveReplyCek;
export const openManifest = openManifestBlob;
export const sealManifest = sealManifestBlob;

/** Decrypting view of a ciphertext stream of blob `blobId` under `cek`. */
export async function decryptBlobStream(cek, blobId, ciphertext) {
  const key = await fileKey(cek, blobId);
  return ciphertext.pipeThrough(createDecryptStream(key));
}

/**
 * Encrypt a File/Blob as blob `blobId` under `cek`. The ciphertext is collected in a Blob,
 * which the browser keeps in its blob store rather than the page heap; the upload needs the
 * ciphertext's SHA-256 before it starts (docs/API.md), so it cannot be streamed straight out.
 */
export async function encryptBlob(cek, blobId, file) {
  const key = await fileKey(cek, blobId);
  return new Response(encryptFileStream(key, file)).blob();
}

/** SHA-256 of a Blob or bytes as lowercase hex. */
export async function sha256Hex(data) {
  const bytes = data instanceof Blob ? await data.arrayBuffer() : data;
  return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)));
}

/** A fresh id: 32 lowercase hex characters from 16 random bytes. */
export function newId() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return toHex(bytes);
}

/** A fresh 32-byte content key. */
export function newCek() {
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  return bytes;
}

/**
 * The conversation starter's own follow-up link (PROTOCOL.md §9.1): a fresh link secret and
 * the starter as an e-mail-code recipient of their own message (K empty). The relay gets
 * `spec` (verifier and wrapped key); the secret goes only into the sealed manifest, to the
 * office, and onto this page once.
 */
export async function starterFollowUp(cek, messageId) {
  const linkSecret = newSecret();
  const recipientId = newId();
  const { wrapKey, auth } = await deriveRecipientKeys({ linkSecret, accessCode: null, messageId, recipientId });
  const wrapped = await wrapCek(wrapKey, cek, messageId, recipientId);
  return {
    linkSecret: b64urlEncode(linkSecret),
    recipientId,
    spec: {
      recipient_id: recipientId,
      verifier: b64urlEncode(await authVerifier(auth)),
      wrapped_cek: b64urlEncode(wrapped),
    },
  };
}

/** Seal `cek` to each office key `[{key_id, public_key}]` → `[{key_id, sealed_cek}]`. */
export async function sealToKeys(cek, keys, messageId) {
  const sealed = [];
  for (const k of keys) {
    const publicKey = b64urlDecode(k.public_key, { length: 32, what: "public key" });
    sealed.push({ key_id: k.key_id, sealed_cek: b64urlEncode(await sealCek(cek, publicKey, messageId)) });
  }
  return sealed;
}
