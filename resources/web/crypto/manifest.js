// The message manifest of docs/PROTOCOL.md §2: canonical JSON (one byte string per value),
// sealed as the blob "manifest" under the message's content key.

import { equalBytes, utf8Bytes } from "./bytes.js";
import { InvalidManifest, NonCanonical, UnsupportedVersion } from "./errors.js";
import { fileKey } from "./keyschedule.js";
import { decryptBytes, encryptBytes } from "./stream.js";

export const MANIFEST_VERSION = 1;
export const MANIFEST_BLOB_ID = "manifest";

/** Order strings by Unicode code point (JS's default sort compares UTF-16 code units). */
function compareCodePoints(a, b) {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done === y.done ? 0 : x.done ? -1 : 1;
    const d = x.value.codePointAt(0) - y.value.codePointAt(0);
    if (d !== 0) return d;
  }
}

function encodeValue(value) {
  if (value === null) return "null";
  if (value === true) return "true";
  if (value === false) return "false";
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new NonCanonical("numbers must be integers");
    return String(value);
  }
  if (typeof value === "string") {
    // Lone surrogates cannot be written as UTF-8; JSON.stringify would escape them.
    if (!value.isWellFormed()) throw new NonCanonical("text with a lone surrogate");
    // JSON.stringify escapes exactly '"', '\\' and the control characters, the same set (and
    // the same short forms and lowercase \u00xx) as Python's json.dumps(ensure_ascii=False).
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(encodeValue).join(",")}]`;
  if (typeof value === "object") {
    const keys = Object.keys(value).sort(compareCodePoints);
    return `{${keys.map((k) => `${encodeValue(k)}:${encodeValue(value[k])}`).join(",")}}`;
  }
  throw new NonCanonical(`unsupported JSON value of type ${typeof value}`);
}

/** @returns {Uint8Array} the canonical JSON encoding of `value` as UTF-8 */
export function canonicalJson(value) {
  return utf8Bytes(encodeValue(value));
}

/**
 * Parse canonical JSON: the bytes must be valid UTF-8 JSON and re-encoding the parsed value must
 * reproduce them exactly. That one comparison rejects whitespace, key order, escapes of
 * non-ASCII, floats and exponents, and duplicate keys (JSON.parse keeps one of them).
 */
export function parseCanonicalJson(bytes) {
  let text;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new NonCanonical("not valid UTF-8");
  }
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    throw new NonCanonical("not valid JSON");
  }
  if (!equalBytes(canonicalJson(value), bytes)) throw new NonCanonical("not in canonical form");
  return value;
}

const ID_RE = /^[0-9a-f]{32}$/;
const SHA256_RE = /^[0-9a-f]{64}$/;
const CREATED_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

function isObject(v) {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function requireField(obj, name, check, where) {
  if (!(name in obj)) throw new InvalidManifest(`${where}${name} is missing`);
  if (!check(obj[name])) throw new InvalidManifest(`${where}${name} has the wrong type or form`);
}

const isString = (v) => typeof v === "string";
const isId = (v) => isString(v) && ID_RE.test(v);
const isIdOrNull = (v) => v === null || isId(v);
const isStringOrNull = (v) => v === null || isString(v);
const isSize = (v) => Number.isSafeInteger(v) && v >= 0;

/** Check the fields of a parsed manifest; throws InvalidManifest / UnsupportedVersion. */
export function validateManifest(m) {
  if (!isObject(m)) throw new InvalidManifest("not a JSON object");
  if (!("v" in m)) throw new InvalidManifest("v is missing");
  if (m.v !== MANIFEST_VERSION) throw new UnsupportedVersion("Het berichtoverzicht / The manifest", m.v);
  requireField(m, "conversation_id", isId, "");
  requireField(m, "message_id", isId, "");
  requireField(m, "in_reply_to", isIdOrNull, "");
  requireField(m, "sender", isObject, "");
  for (const f of ["name", "organisation", "address"]) requireField(m.sender, f, isString, "sender.");
  requireField(m.sender, "key_fingerprint", isStringOrNull, "sender.");
  requireField(m, "recipients", Array.isArray, "");
  m.recipients.forEach((r, i) => {
    if (!isObject(r)) throw new InvalidManifest(`recipients[${i}] is not an object`);
    for (const f of ["address", "name"]) requireField(r, f, isString, `recipients[${i}].`);
  });
  requireField(m, "subject", isString, "");
  requireField(m, "body", isString, "");
  requireField(m, "created", (v) => isString(v) && CREATED_RE.test(v), "");
  requireField(m, "attachments", Array.isArray, "");
  m.attachments.forEach((a, i) => {
    const where = `attachments[${i}].`;
    if (!isObject(a)) throw new InvalidManifest(`attachments[${i}] is not an object`);
    requireField(a, "blob_id", isId, where);
    requireField(a, "name", isString, where);
    requireField(a, "size", isSize, where);
    requireField(a, "media_type", isString, where);
    requireField(a, "sha256", (v) => isString(v) && SHA256_RE.test(v), where);
  });
  return m;
}

/** Parse and check manifest bytes (already decrypted). */
export function parseManifest(bytes) {
  return validateManifest(parseCanonicalJson(bytes));
}

/** Encrypt a manifest as the blob "manifest" under `cek`; `options` as for encryptBytes. */
export async function sealManifest(cek, manifest, options = {}) {
  const key = await fileKey(cek, MANIFEST_BLOB_ID);
  return encryptBytes(key, canonicalJson(validateManifest(manifest)), options);
}

/** Decrypt and check the manifest blob of a message. */
export async function openManifest(cek, blob) {
  const key = await fileKey(cek, MANIFEST_BLOB_ID);
  return parseManifest(await decryptBytes(key, blob));
}
