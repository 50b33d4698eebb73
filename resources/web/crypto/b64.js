// Strict base64url (RFC 4648 §5, no padding): one spelling per value, as the protocol requires
// for link secrets and keys. Lenient decoding would accept damaged links and hide the damage.

import { BadEncoding } from "./errors.js";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

/** @param {Uint8Array} bytes @returns {string} */
export function b64urlEncode(bytes) {
  let out = "";
  let i = 0;
  for (; i + 3 <= bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out +=
      ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + ALPHABET[(n >> 6) & 63] + ALPHABET[n & 63];
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i] << 16;
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63];
  } else if (rest === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + ALPHABET[(n >> 6) & 63];
  }
  return out;
}

/**
 * Decode strict unpadded base64url.
 * @param {string} text
 * @param {{length?: number, what?: string}} [options] `length` in bytes must match when given.
 * @returns {Uint8Array}
 */
export function b64urlDecode(text, { length, what = "value" } = {}) {
  if (typeof text !== "string") throw new BadEncoding(`${what} is not text`);
  const values = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? LOOKUP[c] : -1;
    if (v < 0) throw new BadEncoding(`${what} contains characters outside base64url (or padding)`);
    values[i] = v;
  }
  if (text.length % 4 === 1) throw new BadEncoding(`${what} has an impossible base64url length`);
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let o = 0;
  let i = 0;
  for (; i + 4 <= values.length; i += 4) {
    const n = (values[i] << 18) | (values[i + 1] << 12) | (values[i + 2] << 6) | values[i + 3];
    out[o++] = n >> 16;
    out[o++] = (n >> 8) & 255;
    out[o++] = n & 255;
  }
  const rest = values.length - i;
  if (rest === 2) {
    if (values[i + 1] & 15) throw new BadEncoding(`${what} has non-zero unused bits`);
    out[o++] = (values[i] << 2) | (values[i + 1] >> 4);
  } else if (rest === 3) {
    if (values[i + 2] & 3) throw new BadEncoding(`${what} has non-zero unused bits`);
    const n = (values[i] << 18) | (values[i + 1] << 12) | (values[i + 2] << 6);
    out[o++] = n >> 16;
    out[o++] = (n >> 8) & 255;
  }
  if (length !== undefined && out.length !== length) {
    throw new BadEncoding(`${what} must be ${length} bytes, not ${out.length}`);
  }
  return out;
}
