// Test page glue: exposes the crypto modules and a few helpers on `window` for Playwright.
// It loads the modules exactly as the relay's pages do (ES modules, no inline script).

import * as b64 from "/web/crypto/b64.js";
import * as bytes from "/web/crypto/bytes.js";
import * as errors from "/web/crypto/errors.js";
import * as hpke from "/web/crypto/hpke.js";
import * as keyschedule from "/web/crypto/keyschedule.js";
import * as manifest from "/web/crypto/manifest.js";
import * as stream from "/web/crypto/stream.js";
import * as api from "/web/crypto/index.js";

/** Run `fn` and report its value, or the CryptoError code it failed with. */
async function outcome(fn) {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    return {
      ok: false,
      code: error.code ?? null,
      name: error.name,
      message: String(error.message),
    };
  }
}

/**
 * Read a byte stream to its end, counting bytes, and optionally send the bytes on to `sinkUrl`
 * in POSTs of about `partSize` bytes, one after the other. Memory stays bounded by one part:
 * that is how the 100 MiB cross test checks every byte in Python.
 */
async function drain(readable, { sinkUrl = null, partSize = 4 << 20 } = {}) {
  const reader = readable.getReader();
  let total = 0;
  let part = [];
  let partBytes = 0;
  const flush = async () => {
    if (sinkUrl === null || partBytes === 0) return;
    const response = await fetch(sinkUrl, { method: "POST", body: new Blob(part) });
    if (!response.ok) throw new Error(`sink answered ${response.status}`);
    part = [];
    partBytes = 0;
  };
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (sinkUrl !== null) {
      part.push(value);
      partBytes += value.length;
      if (partBytes >= partSize) await flush();
    }
  }
  await flush();
  return { bytes: total };
}

/** Fetch `url` and decrypt its body as a stream with `fileKeyHex`; returns the drain result. */
async function fetchAndDecrypt(url, fileKeyHex, options = {}) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`fetch answered ${response.status}`);
  const plaintext = response.body.pipeThrough(
    stream.createDecryptStream(bytes.fromHex(fileKeyHex)),
  );
  return drain(plaintext, options);
}

/** Fetch `url` without decrypting (the anchor of the download benchmark). */
async function fetchPlain(url, options = {}) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`fetch answered ${response.status}`);
  return drain(response.body, options);
}

/** A stream of `size` deterministic bytes (i * 31 + 7 mod 256) in chunks of `chunk` bytes. */
function patternStream(size, chunk = 1 << 20) {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= size) {
        controller.close();
        return;
      }
      const n = Math.min(chunk, size - sent);
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = ((sent + i) * 31 + 7) & 255;
      sent += n;
      controller.enqueue(out);
    },
  });
}

/**
 * Encrypt `size` pattern bytes in the page and POST the blob to `sinkUrl`. With `viaFile` the
 * plaintext is first made into a File, as a reply attachment picked by the recipient would be.
 */
async function encryptPatternToSink(
  size,
  fileKeyHex,
  sinkUrl,
  { viaFile = false, recordSize } = {},
) {
  const key = bytes.fromHex(fileKeyHex);
  const options = recordSize === undefined ? {} : { recordSize };
  let ciphertext;
  if (viaFile) {
    const file = new File([await stream.readAll(patternStream(size))], "bijlage.bin");
    ciphertext = stream.encryptFileStream(key, file, options);
  } else {
    ciphertext = patternStream(size).pipeThrough(stream.createEncryptStream(key, options));
  }
  return drain(ciphertext, { sinkUrl });
}

window.zvd = { api, b64, bytes, errors, hpke, keyschedule, manifest, stream };
window.zvdTest = {
  outcome,
  drain,
  fetchAndDecrypt,
  fetchPlain,
  patternStream,
  encryptPatternToSink,
};
document.getElementById("status").textContent = "ready";
document.body.dataset.ready = "1";
