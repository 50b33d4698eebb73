// Runs the shared vector files (tests/vectors/*.json) through the browser modules and reports,
// per case, what the browser produced; the Python test compares that with the expectation.

import { b64urlDecode, b64urlEncode } from "/web/crypto/b64.js";
import { equalBytes, fromHex, toHex } from "/web/crypto/bytes.js";
import * as hpke from "/web/crypto/hpke.js";
import * as ks from "/web/crypto/keyschedule.js";
import * as manifest from "/web/crypto/manifest.js";
import * as stream from "/web/crypto/stream.js";
import { sha256 } from "/web/crypto/primitives.js";

async function outcome(fn) {
  try {
    return { ok: true, ...(await fn()) };
  } catch (error) {
    if (error.code === undefined) throw error; // a bug in the page, not a rejection
    return { ok: false, code: error.code };
  }
}

async function loadVectors(name) {
  const response = await fetch(`/vectors/${name}.json`);
  if (!response.ok) throw new Error(`vectors ${name}: HTTP ${response.status}`);
  return response.json();
}

/** Decrypt from a stream of `chunkSize`-byte chunks, as a network would deliver it. */
function decryptChunked(key, blob, chunkSize) {
  let offset = 0;
  const source = new ReadableStream({
    pull(c) {
      if (offset >= blob.length) return c.close();
      c.enqueue(blob.slice(offset, offset + chunkSize));
      offset += chunkSize;
    },
  });
  return stream.readAll(source.pipeThrough(stream.createDecryptStream(key)));
}

export async function runBlob() {
  const doc = await loadVectors("blob");
  const results = [];
  for (const c of doc.cases) {
    const key = fromHex(c.file_key_hex);
    const blob = b64urlDecode(c.blob_b64url);
    results.push({
      name: c.name,
      whole: await outcome(async () => {
        const pt = await stream.decryptBytes(key, blob);
        const out = { size: pt.length, sha256: toHex(await sha256(pt)) };
        if (c.plaintext_hex !== undefined) {
          // The encryptor, given the vector's salt and record size, must produce the same bytes.
          const { recordSize, salt } = stream.parseHeader(blob);
          const again = await stream.encryptBytes(key, pt, { recordSize, salt });
          out.reencrypted_equal = equalBytes(again, blob);
          out.plaintext_hex = toHex(pt);
        }
        return out;
      }),
      chunked: await outcome(async () => {
        const pt = await decryptChunked(key, blob, 1000);
        return { size: pt.length, sha256: toHex(await sha256(pt)) };
      }),
    });
  }
  return results;
}

export async function runBase64url() {
  const doc = await loadVectors("base64url");
  const results = [];
  for (const c of doc.cases) {
    results.push({
      name: c.name,
      result: await outcome(async () => {
        const bytes = b64urlDecode(c.input);
        return { bytes_hex: toHex(bytes), reencoded: b64urlEncode(bytes) };
      }),
    });
  }
  return results;
}

export async function runAccessCode() {
  const doc = await loadVectors("access_code");
  const results = [];
  for (const c of doc.cases) {
    results.push({
      name: c.name,
      result: await outcome(async () => ({ normalised: ks.normaliseAccessCode(c.input) })),
    });
  }
  return results;
}

async function recipientValues(r) {
  const linkSecret = ks.linkSecretFromFragment(`#${r.link_secret_b64url}`);
  const out = {};
  if (r.access_code !== null) {
    out.normalised_code = ks.normaliseAccessCode(r.access_code);
    out.code_key_hex = toHex(
      await ks.deriveCodeKey(r.access_code, fromHex(r.code_salt_hex), r.iterations),
    );
  }
  const { wrapKey, auth } = await ks.deriveRecipientKeys({
    linkSecret,
    accessCode: r.access_code,
    codeSalt: r.code_salt_hex === null ? undefined : fromHex(r.code_salt_hex),
    iterations: r.iterations ?? undefined,
    messageId: r.message_id,
    recipientId: r.recipient_id,
  });
  out.wrap_key_hex = toHex(wrapKey);
  out.auth_hex = toHex(auth);
  out.auth_b64url = b64urlEncode(auth);
  out.verifier_hex = toHex(await ks.authVerifier(auth));
  const wrapped = await ks.wrapCek(wrapKey, fromHex(r.cek_hex), r.message_id, r.recipient_id, {
    nonce: fromHex(r.wrap_nonce_hex),
  });
  out.wrapped_cek_hex = toHex(wrapped);
  out.cek_hex = toHex(
    await ks.unwrapCek(wrapKey, fromHex(r.wrapped_cek_hex), r.message_id, r.recipient_id),
  );
  return out;
}

export async function runKeyschedule() {
  const doc = await loadVectors("keyschedule");
  const d = doc.derivations;
  const cek = fromHex(d.cek_hex);
  const derivations = {
    file_keys: [],
    payload_key_hex: toHex(
      await stream.derivePayloadKey(
        fromHex(d.payload_key.file_key_hex),
        fromHex(d.payload_key.header_hex),
      ),
    ),
    reply_cek_hex: toHex(await ks.replyCek(cek, d.reply.reply_id)),
    nonces: d.nonces.map((n) => toHex(stream.recordNonce(n.counter, n.final))),
  };
  derivations.reply_manifest_file_key_hex = toHex(
    await ks.fileKey(fromHex(derivations.reply_cek_hex), "manifest"),
  );
  for (const f of d.file_keys) derivations.file_keys.push(toHex(await ks.fileKey(cek, f.blob_id)));
  const recipients = [];
  for (const r of doc.recipients)
    recipients.push({ name: r.name, values: await recipientValues(r) });
  const opens = [];
  for (const c of doc.open_cases) {
    opens.push({
      name: c.name,
      result: await outcome(async () => {
        const linkSecret = ks.linkSecretFromFragment(c.link_secret_b64url);
        const envelope = {
          messageId: c.message_id,
          recipientId: c.recipient_id,
          codeSalt: c.code_salt_hex === null ? undefined : fromHex(c.code_salt_hex),
          iterations: c.iterations ?? undefined,
          verifier: fromHex(c.verifier_hex),
          wrappedCek: fromHex(c.wrapped_cek_hex),
        };
        const accessCode = c.method === "access_code" ? c.access_code : null;
        return { cek_hex: toHex(await ks.openAsLinkRecipient(envelope, linkSecret, accessCode)) };
      }),
    });
  }
  return { derivations, recipients, opens };
}

export async function runHpke() {
  const doc = await loadVectors("hpke");
  const cases = [];
  for (const c of doc.cases) {
    const entry = { name: c.name };
    entry.open = await outcome(async () => ({
      cek_hex: toHex(
        await hpke.openSealedCek(
          fromHex(c.sealed_hex),
          fromHex(c.recipient_private_hex),
          c.message_id,
        ),
      ),
    }));
    if (c.ephemeral_private_hex !== undefined) {
      const publicRaw = fromHex(c.recipient_public_hex);
      entry.info_hex = toHex(await hpke.sealInfo(c.message_id, publicRaw));
      entry.sealed_hex = toHex(
        await hpke.sealCek(fromHex(c.cek_hex), publicRaw, c.message_id, {
          ephemeralPrivateRaw: fromHex(c.ephemeral_private_hex),
        }),
      );
    }
    cases.push(entry);
  }
  const fingerprints = [];
  for (const f of doc.fingerprints) {
    const fp = await hpke.keyFingerprint(b64urlDecode(f.public_b64url, { length: 32 }));
    fingerprints.push({ fingerprint_hex: toHex(fp), human: hpke.displayFingerprint(fp) });
  }
  return { cases, fingerprints };
}

export async function runManifest() {
  const doc = await loadVectors("manifest");
  const cases = [];
  for (const c of doc.cases) {
    cases.push({
      name: c.name,
      result: await outcome(async () => ({ parsed: manifest.parseManifest(fromHex(c.data_hex)) })),
    });
  }
  const sealed = [];
  for (const s of doc.sealed) {
    const entry = { name: s.name };
    if (s.original_cek_hex !== undefined) {
      entry.reply_cek_hex = toHex(await ks.replyCek(fromHex(s.original_cek_hex), s.reply_id));
    }
    const cek = fromHex(s.cek_hex);
    const blob = b64urlDecode(s.blob_b64url);
    entry.open = await outcome(async () => {
      const m = await manifest.openManifest(cek, blob);
      const { recordSize, salt } = stream.parseHeader(blob);
      const again = await manifest.sealManifest(cek, m, { recordSize, salt });
      return {
        manifest: m,
        canonical_hex: toHex(manifest.canonicalJson(m)),
        resealed_equal: equalBytes(again, blob),
      };
    });
    sealed.push(entry);
  }
  return { cases, sealed };
}
