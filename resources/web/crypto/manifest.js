// The message manifest of docs/PROTOCOL.md §2: canonical JSON (one byte string per value),
// sealed as the blob "manifest" under the message's content key.

import { equalBytes, utf8Bytes } from "./bytes.js";
import { BadEncoding, InvalidManifest, NonCanonical, UnsupportedVersion } from "./errors.js";
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
 * Parse canonical JSON: bytes that are not UTF-8 JSON are BadEncoding; otherwise re-encoding
 * the parsed value must reproduce them exactly (NonCanonical). That one comparison rejects
 * whitespace, key order, escapes of non-ASCII, floats and exponents, and duplicate keys
 * (JSON.parse keeps one of them).
 */
export function parseCanonicalJson(bytes) {
  let text;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new BadEncoding("the manifest is not UTF-8");
  }
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BadEncoding("the manifest is not JSON");
  }
  if (!equalBytes(canonicalJson(value), bytes)) throw new NonCanonical("not in canonical form");
  return value;
}

const ID_RE = /^[0-9a-f]{32}$/;
const HEX64_RE = /^[0-9a-f]{64}$/;
const CREATED_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;
// An attachment name becomes a file name on the recipient's disk: no paths, no control characters.
const FORBIDDEN_IN_NAME = /[/\\\x00-\x1f\x7f]/;
// 32 bytes in unpadded base64url: 42 free characters and one whose low 2 bits are zero.
const LINK_SECRET_RE = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;
const MANIFEST_FIELDS = [
  "v",
  "conversation_id",
  "message_id",
  "in_reply_to",
  "sender",
  "recipients",
  "subject",
  "body",
  "created",
  "attachments",
];

function isObject(v) {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The object must have exactly these keys: none missing, none unknown. */
function exactKeys(obj, keys, where) {
  const missing = keys.filter((k) => !Object.hasOwn(obj, k)).sort();
  if (missing.length) throw new InvalidManifest(`${where} lacks ${missing.join(", ")}`);
  const unknown = Object.keys(obj)
    .filter((k) => !keys.includes(k))
    .sort();
  if (unknown.length) throw new InvalidManifest(`${where} has unknown field ${unknown.join(", ")}`);
}

function str(obj, key) {
  if (typeof obj[key] !== "string") throw new InvalidManifest(`'${key}' must be a string`);
  return obj[key];
}

function id(obj, key) {
  if (!ID_RE.test(str(obj, key))) {
    throw new InvalidManifest(`'${key}' must be 32 lowercase hexadecimal characters`);
  }
}

function list(obj, key) {
  if (!Array.isArray(obj[key])) throw new InvalidManifest(`'${key}' must be a list`);
  return obj[key];
}

/** "YYYY-MM-DDTHH:MM:SSZ" naming a real UTC time (month 1..12, day in month, 23:59:59 at most). */
function isValidCreated(text) {
  const m = CREATED_RE.exec(text);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number);
  if (year < 1 || hour > 23 || minute > 59 || second > 59) return false;
  const date = new Date(Date.UTC(2000, month - 1, day));
  date.setUTCFullYear(year);
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function checkAttachment(a) {
  if (!isObject(a)) throw new InvalidManifest("an attachment must be an object");
  exactKeys(a, ["blob_id", "name", "size", "media_type", "sha256"], "attachment");
  const name = str(a, "name");
  if (!name || name === "." || name === ".." || FORBIDDEN_IN_NAME.test(name)) {
    throw new InvalidManifest("an attachment name must be a plain file name");
  }
  if (!Number.isSafeInteger(a.size) || a.size < 0) {
    throw new InvalidManifest("an attachment size must be a non-negative integer");
  }
  if (!HEX64_RE.test(str(a, "sha256")))
    throw new InvalidManifest("'sha256' must be 64 lowercase hex characters");
  id(a, "blob_id");
  str(a, "media_type");
}

/** Check the fields of a parsed manifest, in the same order and with the same codes as Python. */
export function validateManifest(m) {
  if (!isObject(m)) throw new InvalidManifest("not a JSON object");
  if (!Object.hasOwn(m, "v")) throw new InvalidManifest("field 'v' is missing");
  if (!Number.isSafeInteger(m.v)) throw new InvalidManifest("field 'v' must be an integer");
  if (m.v !== MANIFEST_VERSION) throw new UnsupportedVersion("Het bericht / The message", m.v);
  // `starter_link_secret` is optional (conversation starter only, PROTOCOL.md §4.2).
  const optional = Object.hasOwn(m, "starter_link_secret") ? ["starter_link_secret"] : [];
  exactKeys(m, [...MANIFEST_FIELDS, ...optional], "manifest");
  if (!isValidCreated(str(m, "created"))) {
    throw new InvalidManifest("'created' must be a UTC time like 2026-01-31T09:30:00Z");
  }
  if (m.in_reply_to !== null && !(typeof m.in_reply_to === "string" && ID_RE.test(m.in_reply_to))) {
    throw new InvalidManifest("'in_reply_to' must be an id or null");
  }
  if (optional.length && !(typeof m.starter_link_secret === "string" && LINK_SECRET_RE.test(m.starter_link_secret))) {
    throw new InvalidManifest("'starter_link_secret' must be 43 base64url characters");
  }
  const attachments = list(m, "attachments");
  attachments.forEach(checkAttachment);
  if (new Set(attachments.map((a) => a.blob_id)).size !== attachments.length) {
    throw new InvalidManifest("two attachments share a blob id");
  }
  id(m, "conversation_id");
  id(m, "message_id");
  const sender = m.sender;
  if (!isObject(sender)) throw new InvalidManifest("'sender' must be an object");
  exactKeys(sender, ["name", "organisation", "address", "key_fingerprint"], "sender");
  const fp = sender.key_fingerprint;
  if (fp !== null && !(typeof fp === "string" && HEX64_RE.test(fp))) {
    throw new InvalidManifest("'key_fingerprint' must be 64 lowercase hex characters or null");
  }
  for (const f of ["name", "organisation", "address"]) str(sender, f);
  for (const r of list(m, "recipients")) {
    if (!isObject(r)) throw new InvalidManifest("a recipient must be an object");
    exactKeys(r, ["address", "name"], "recipient");
    str(r, "address");
    str(r, "name");
  }
  str(m, "subject");
  str(m, "body");
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
