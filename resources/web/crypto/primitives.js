// WebCrypto primitives in the shapes the protocol uses: HKDF-SHA256, HMAC-SHA256, SHA-256,
// AES-256-GCM keys and random bytes. Everything returns plain Uint8Arrays except AES keys.

const subtle = globalThis.crypto.subtle;

/** @param {number} n @returns {Uint8Array} n bytes from the platform CSPRNG */
export function randomBytes(n) {
  const out = new Uint8Array(n);
  globalThis.crypto.getRandomValues(out);
  return out;
}

/** HKDF-SHA256 (RFC 5869) extract-and-expand; `length` in bytes (32 unless stated). */
export async function hkdf(ikm, salt, info, length = 32) {
  const key = await subtle.importKey("raw", ikm, "HKDF", false, ["deriveBits"]);
  const bits = await subtle.deriveBits(
    { name: "HKDF", hash: "SHA-256", salt, info },
    key,
    length * 8,
  );
  return new Uint8Array(bits);
}

/**
 * HMAC-SHA256. WebCrypto refuses zero-length HMAC keys, so an empty key is replaced by 32 zero
 * bytes: HMAC pads keys with zeros to the block size, so both give the same MAC (this is also
 * how RFC 5869 defines HKDF-Extract with an absent salt).
 */
export async function hmacSha256(key, data) {
  const raw = key.length === 0 ? new Uint8Array(32) : key;
  const k = await subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await subtle.sign("HMAC", k, data));
}

/** @returns {Promise<Uint8Array>} SHA-256 of `data` (WebCrypto hashes in one shot only) */
export async function sha256(data) {
  return new Uint8Array(await subtle.digest("SHA-256", data));
}

/** Import 32 raw bytes as an AES-256-GCM key. */
export function aesGcmKey(raw, usages = ["encrypt", "decrypt"]) {
  return subtle.importKey("raw", raw, { name: "AES-GCM" }, false, usages);
}

/** AES-GCM with a 16-byte tag appended; rejects with WebCrypto's OperationError on tag failure. */
export async function aesGcmSeal(key, nonce, plaintext, aad = new Uint8Array(0)) {
  const ct = await subtle.encrypt(
    { name: "AES-GCM", iv: nonce, additionalData: aad },
    key,
    plaintext,
  );
  return new Uint8Array(ct);
}

export async function aesGcmOpen(key, nonce, ciphertext, aad = new Uint8Array(0)) {
  const pt = await subtle.decrypt(
    { name: "AES-GCM", iv: nonce, additionalData: aad },
    key,
    ciphertext,
  );
  return new Uint8Array(pt);
}
