// "Dit apparaat onthouden": what this browser keeps for a returning recipient, in IndexedDB
// (so per relay origin), under keys made here as non-extractable CryptoKeys — script on the
// page can use them but never read them out.
//
// - Access-code recipients: the normalised access code, encrypted with AES-256-GCM under such
//   a key. The code never leaves the browser; the page derives K and `auth` from it itself.
// - SMS / e-mail-code recipients: an ECDSA P-256 key pair; the relay holds only the public key
//   and asks for a signature over "zivverdesk/v1/device" ‖ challenge ‖ mid ‖ rid.
//
// Entries are keyed by kind, office name and the relay's address hash for this person, and
// carry an expiry; an expired entry is deleted when it is looked at.

import { b64urlDecode, b64urlEncode, normaliseAccessCode } from "./crypto/index.js";

const DB_NAME = "zivverdesk-remember";
const STORE = "entries";
const DEVICE_LABEL = new TextEncoder().encode("zivverdesk/v1/device");
const DAY_MS = 24 * 60 * 60 * 1000;

function promised(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

let dbPromise = null;

function database() {
  if (!dbPromise) {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "key" });
    dbPromise = promised(request);
  }
  return dbPromise;
}

async function withStore(mode, fn) {
  const db = await database();
  const tx = db.transaction(STORE, mode);
  const result = await promised(fn(tx.objectStore(STORE)));
  await new Promise((resolve, reject) => {
    tx.oncomplete = resolve;
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
  return result;
}

/** Whether this link's office allows remembering, and the data needed to do it. */
export function rememberAllowed(info) {
  return Boolean(info && info.office && info.office.remember_device && info.address_hash);
}

function entryKey(kind, info) {
  return `${kind}|${info.office.name || ""}|${info.address_hash}`;
}

/** The unexpired entry of `kind` ("code" or "device") for this link's person, or null. */
export async function findEntry(kind, info) {
  if (!rememberAllowed(info)) return null;
  const key = entryKey(kind, info);
  const entry = await withStore("readonly", (store) => store.get(key));
  if (!entry) return null;
  if (entry.expiresAt <= Date.now()) {
    await withStore("readwrite", (store) => store.delete(key));
    return null;
  }
  return entry;
}

export async function deleteEntry(kind, info) {
  await withStore("readwrite", (store) => store.delete(entryKey(kind, info)));
}

/** Keep the access code (normalised) for `days`, encrypted under a fresh non-extractable key. */
export async function rememberCode(info, code, days) {
  const key = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const plaintext = new TextEncoder().encode(normaliseAccessCode(code));
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, plaintext));
  const expiresAt = Date.now() + days * DAY_MS;
  const entry = { key: entryKey("code", info), kind: "code", cryptoKey: key, iv, ciphertext, expiresAt };
  await withStore("readwrite", (store) => store.put(entry));
  return entry;
}

/** The remembered access code of an entry from `findEntry("code", …)`. */
export async function recallCode(entry) {
  const plaintext = await crypto.subtle.decrypt({ name: "AES-GCM", iv: entry.iv }, entry.cryptoKey, entry.ciphertext);
  return new TextDecoder().decode(plaintext);
}

/** A fresh device key pair; returns it with the public key as SPKI base64url for the relay. */
export async function newDeviceKey() {
  const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"]);
  const spki = new Uint8Array(await crypto.subtle.exportKey("spki", pair.publicKey));
  return { pair, publicKey: b64urlEncode(spki) };
}

export async function storeDevice(info, pair, deviceId, expiresAtIso) {
  const entry = {
    key: entryKey("device", info),
    kind: "device",
    privateKey: pair.privateKey,
    deviceId,
    expiresAt: Date.parse(expiresAtIso),
  };
  await withStore("readwrite", (store) => store.put(entry));
  return entry;
}

/** ECDSA P-256 / SHA-256 over the label, the challenge and the link's ids (r ‖ s, base64url). */
export async function signChallenge(entry, challengeB64, mid, rid) {
  const challenge = b64urlDecode(challengeB64, { length: 32, what: "challenge" });
  const ids = new TextEncoder().encode(mid + rid);
  const data = new Uint8Array(DEVICE_LABEL.length + challenge.length + ids.length);
  data.set(DEVICE_LABEL, 0);
  data.set(challenge, DEVICE_LABEL.length);
  data.set(ids, DEVICE_LABEL.length + challenge.length);
  const signature = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, entry.privateKey, data);
  return b64urlEncode(new Uint8Array(signature));
}
