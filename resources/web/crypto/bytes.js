// Byte helpers shared by the crypto modules: concatenation, big-endian integers, hex, ASCII.

const utf8 = new TextEncoder();

/** @param {...Uint8Array} parts @returns {Uint8Array} */
export function concat(...parts) {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** UTF-8 bytes of a string (labels and ids are ASCII, so this is their ASCII encoding). */
export function utf8Bytes(text) {
  return utf8.encode(text);
}

/** @param {number} value @param {number} length @returns {Uint8Array} big-endian */
export function uintBE(value, length) {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not a safe uint: ${value}`);
  const out = new Uint8Array(length);
  let v = value;
  for (let i = length - 1; i >= 0; i--) {
    out[i] = v % 256;
    v = Math.floor(v / 256);
  }
  if (v !== 0) throw new RangeError(`${value} does not fit in ${length} bytes`);
  return out;
}

/** @param {Uint8Array} bytes @returns {string} lowercase hex */
export function toHex(bytes) {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}

/** @param {string} hex @returns {Uint8Array} */
export function fromHex(hex) {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new RangeError("bad hex");
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Constant-length comparison; timing is irrelevant in the page but the habit is kept. */
export function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}
