// The key schedule of docs/PROTOCOL.md §1, §3, §4 and §6: access-code normalisation, the
// code key (PBKDF2), wrap key and relay auth token from link secret ‖ code key, the wrapped
// content key (CEK), file keys per blob and reply keys.
//
// What the relay never sees: the link secret L (it lives in the URL fragment) and the code.
// It receives only `auth`, of which it stores SHA-256, so it can neither unwrap nor test guesses.

import { b64urlDecode } from "./b64.js";
import { concat, equalBytes, utf8Bytes } from "./bytes.js";
import {
  BadEncoding,
  IntegrityError,
  InvalidAccessCode,
  InvalidParameters,
  UnsupportedVersion,
  WrongAccessCode,
} from "./errors.js";
import { aesGcmKey, aesGcmOpen, aesGcmSeal, hkdf, randomBytes, sha256 } from "./primitives.js";

export const MIN_ITERATIONS = 600_000;
export const MAX_ITERATIONS = 10_000_000;
export const WRAP_VERSION = 0x01;
export const WRAPPED_CEK_SIZE = 61;

const LABEL_FILE = utf8Bytes("zivverdesk/v1/file");
const LABEL_WRAP = utf8Bytes("zivverdesk/v1/wrap");
const LABEL_AUTH = utf8Bytes("zivverdesk/v1/relay-auth");
const LABEL_REPLY = utf8Bytes("zivverdesk/v1/reply");
const EMPTY = new Uint8Array(0);
const ID_RE = /^[0-9a-f]{32}$/;

// The Unicode White_Space property plus U+FEFF (a BOM that copy and paste brings along), and
// "-". Listed explicitly, as on the Python side, because JavaScript's \s and Python's
// str.isspace() disagree at the edges.
const SEPARATORS =
  /[\u0009-\u000d\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff-]/gu;

/** NFKC, drop every whitespace character and "-", lowercase; empty → InvalidAccessCode. */
export function normaliseAccessCode(code) {
  const normalised = code.normalize("NFKC").replace(SEPARATORS, "").toLowerCase();
  if (normalised === "") throw new InvalidAccessCode();
  return normalised;
}

/** @param {string} id @param {string} what @returns {Uint8Array} the id's ASCII bytes */
export function idBytes(id, what = "id") {
  if (typeof id !== "string" || !ID_RE.test(id)) {
    throw new BadEncoding(`${what} must be 32 lowercase hexadecimal characters`);
  }
  return utf8Bytes(id);
}

/** @returns {Uint8Array} a fresh 32-byte secret (CEK or link secret) */
export function newSecret() {
  return randomBytes(32);
}

/** The link secret L from a URL fragment ("#" optional): strict base64url of 32 bytes. */
export function linkSecretFromFragment(fragment) {
  const text = fragment.startsWith("#") ? fragment.slice(1) : fragment;
  return b64urlDecode(text, { length: 32, what: "de link / the link" });
}

function checkIterations(iterations) {
  if (!Number.isInteger(iterations) || iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
    throw new InvalidParameters(
      `PBKDF2 iteration count ${iterations} outside ${MIN_ITERATIONS}..${MAX_ITERATIONS}`,
    );
  }
}

/** K = PBKDF2-HMAC-SHA256(normalised code, code_salt, N, 32 bytes). Deliberately slow. */
export async function deriveCodeKey(accessCode, codeSalt, iterations) {
  checkIterations(iterations);
  if (codeSalt.length !== 16) throw new BadEncoding("code salt must be 16 bytes");
  const password = utf8Bytes(normaliseAccessCode(accessCode));
  const key = await crypto.subtle.importKey("raw", password, "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt: codeSalt, iterations },
    key,
    256,
  );
  return new Uint8Array(bits);
}

/**
 * wrap_key and auth for one recipient. `accessCode` is null for SMS / e-mail verification
 * (K empty: the relay gates release itself).
 * @param {{linkSecret: Uint8Array, accessCode: string|null, codeSalt?: Uint8Array,
 *          iterations?: number, messageId: string, recipientId: string}} params
 * @returns {Promise<{wrapKey: Uint8Array, auth: Uint8Array}>}
 */
export async function deriveRecipientKeys({
  linkSecret,
  accessCode,
  codeSalt,
  iterations,
  messageId,
  recipientId,
}) {
  if (linkSecret.length !== 32) throw new BadEncoding("link secret must be 32 bytes");
  const codeKey =
    accessCode === null ? EMPTY : await deriveCodeKey(accessCode, codeSalt, iterations);
  const ikm = concat(linkSecret, codeKey);
  const salt = concat(idBytes(messageId, "message id"), idBytes(recipientId, "recipient id"));
  const [wrapKey, auth] = await Promise.all([
    hkdf(ikm, salt, LABEL_WRAP),
    hkdf(ikm, salt, LABEL_AUTH),
  ]);
  return { wrapKey, auth };
}

/** What the relay stores instead of auth: SHA-256(auth). */
export function authVerifier(auth) {
  return sha256(auth);
}

function wrapAad(messageId, recipientId) {
  return concat(LABEL_WRAP, idBytes(messageId, "message id"), idBytes(recipientId, "recipient id"));
}

/**
 * wrapped = 0x01 ‖ nonce(12) ‖ AES-256-GCM(wrap_key, nonce, CEK, aad). The nonce is random;
 * `nonce` may be given for reproducible vectors only.
 */
export async function wrapCek(
  wrapKey,
  cek,
  messageId,
  recipientId,
  { nonce = randomBytes(12) } = {},
) {
  if (cek.length !== 32) throw new BadEncoding("content key must be 32 bytes");
  const key = await aesGcmKey(wrapKey, ["encrypt"]);
  const ct = await aesGcmSeal(key, nonce, cek, wrapAad(messageId, recipientId));
  return concat(new Uint8Array([WRAP_VERSION]), nonce, ct);
}

/**
 * Unwrap the CEK. A failing tag gives IntegrityError: with the relay's auth check in front (see
 * openAsLinkRecipient) a wrong code or link never gets this far.
 */
export async function unwrapCek(wrapKey, wrapped, messageId, recipientId) {
  if (wrapped.length < 1) throw new BadEncoding("the wrapped key is empty");
  if (wrapped[0] !== WRAP_VERSION)
    throw new UnsupportedVersion("De verpakte sleutel / The wrapped key", wrapped[0]);
  if (wrapped.length !== WRAPPED_CEK_SIZE)
    throw new BadEncoding(`the wrapped key must be ${WRAPPED_CEK_SIZE} bytes`);
  const key = await aesGcmKey(wrapKey, ["decrypt"]);
  try {
    return await aesGcmOpen(
      key,
      wrapped.subarray(1, 13),
      wrapped.subarray(13),
      wrapAad(messageId, recipientId),
    );
  } catch (error) {
    if (error instanceof DOMException) throw new IntegrityError("wrapped key");
    throw error;
  }
}

/**
 * The recipient's side end to end, as the relay and the page split it: derive auth and
 * wrap_key, compare SHA-256(auth) with the stored verifier (the relay's check: a mismatch is a
 * wrong code or a damaged link), then unwrap the CEK.
 * @param {{messageId: string, recipientId: string, codeSalt: Uint8Array|null,
 *          iterations: number|null, verifier: Uint8Array, wrappedCek: Uint8Array}} envelope
 */
export async function openAsLinkRecipient(envelope, linkSecret, accessCode) {
  const { wrapKey, auth } = await deriveRecipientKeys({
    linkSecret,
    accessCode,
    codeSalt: envelope.codeSalt,
    iterations: envelope.iterations,
    messageId: envelope.messageId,
    recipientId: envelope.recipientId,
  });
  if (!equalBytes(await authVerifier(auth), envelope.verifier)) throw new WrongAccessCode();
  return unwrapCek(wrapKey, envelope.wrappedCek, envelope.messageId, envelope.recipientId);
}

/** file_key = HKDF(CEK, empty salt, "zivverdesk/v1/file" ‖ blob_id); manifest: "manifest". */
export function fileKey(cek, blobId) {
  if (blobId !== "manifest") idBytes(blobId, "blob id");
  return hkdf(cek, EMPTY, concat(LABEL_FILE, utf8Bytes(blobId)));
}

/** reply_cek = HKDF(CEK of the original, empty salt, "zivverdesk/v1/reply" ‖ reply_id). */
export function replyCek(cek, replyId) {
  return hkdf(cek, EMPTY, concat(LABEL_REPLY, idBytes(replyId, "reply id")));
}
