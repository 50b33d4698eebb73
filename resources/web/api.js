// The relay API as the recipient page uses it (docs/API.md, "Recipient endpoints" and
// "Conversation starter"). Only ciphertext, `auth`, one-time codes and ids go over the wire:
// the link secret and the access code never leave this browser.

export class RelayError extends Error {
  /** `code` is the relay's error code (`wrong_code`, `locked`, …) or `network`. */
  constructor(code, status, body, message) {
    super(message || `${code} (${status})`);
    this.name = "RelayError";
    this.code = code;
    this.status = status;
    this.body = body || {};
  }
}

async function request(method, path, { json, body, headers, signal } = {}) {
  const init = { method, headers: { ...(headers || {}) }, credentials: "same-origin", signal };
  if (json !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(json);
  } else if (body !== undefined) {
    init.body = body;
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    if (error && error.name === "AbortError") throw error;
    throw new RelayError("network", 0, null, String(error));
  }
  return response;
}

async function expectJson(response) {
  let data = {};
  const type = response.headers.get("Content-Type") || "";
  if (type.includes("application/json")) {
    data = await response.json();
  }
  if (!response.ok) {
    throw new RelayError(data.error || `http_${response.status}`, response.status, data, data.message);
  }
  return data;
}

function recipientBase(mid, rid) {
  return `/api/v1/r/${encodeURIComponent(mid)}/${encodeURIComponent(rid)}`;
}

export const recipientApi = {
  state: async (mid, rid) => expectJson(await request("GET", recipientBase(mid, rid))),
  verify: async (mid, rid, payload) =>
    expectJson(await request("POST", `${recipientBase(mid, rid)}/verify`, { json: payload })),
  sendCode: async (mid, rid) =>
    expectJson(await request("POST", `${recipientBase(mid, rid)}/send-code`, { json: {} })),
  forgot: async (mid, rid) =>
    expectJson(await request("POST", `${recipientBase(mid, rid)}/forgot`, { json: {} })),
  thread: async (mid, rid) => expectJson(await request("GET", `${recipientBase(mid, rid)}/thread`)),
  /** The ciphertext of one blob as a streaming Response (checked for an error status). */
  blob: async (mid, rid, blobId, signal) => {
    const response = await request("GET", `${recipientBase(mid, rid)}/blobs/${blobId}`, { signal });
    if (!response.ok) await expectJson(response);
    return response;
  },
  createReply: async (mid, rid, payload, signal) =>
    expectJson(await request("POST", `${recipientBase(mid, rid)}/replies`, { json: payload, signal })),
  registerDevice: async (mid, rid, publicKey) =>
    expectJson(await request("POST", `${recipientBase(mid, rid)}/devices`, { json: { public_key: publicKey } })),
  deviceChallenge: async (mid, rid, deviceId) =>
    expectJson(
      await request("POST", `${recipientBase(mid, rid)}/device-challenge`, { json: { device_id: deviceId } }),
    ),
  deviceVerify: async (mid, rid, payload) =>
    expectJson(await request("POST", `${recipientBase(mid, rid)}/device-verify`, { json: payload })),
  forgetDevice: async (mid, rid, deviceId) => {
    const response = await request("DELETE", `${recipientBase(mid, rid)}/devices/${encodeURIComponent(deviceId)}`);
    if (!response.ok) await expectJson(response);
  },
  uploadUrl: (mid, rid, blobId) => `${recipientBase(mid, rid)}/blobs/${blobId}`,
  commitReply: async (mid, rid, replyId, signal) =>
    expectJson(
      await request("POST", `${recipientBase(mid, rid)}/replies/${replyId}/commit`, { json: {}, signal }),
    ),
};

function starterBase(slug) {
  return `/api/v1/start/${encodeURIComponent(slug)}`;
}

export const starterApi = {
  info: async (slug) => expectJson(await request("GET", starterBase(slug))),
  sendCode: async (slug, email) =>
    expectJson(await request("POST", `${starterBase(slug)}/send-code`, { json: { email } })),
  createMessage: async (slug, payload, signal) =>
    expectJson(await request("POST", `${starterBase(slug)}/messages`, { json: payload, signal })),
  uploadUrl: (slug, blobId) => `${starterBase(slug)}/blobs/${blobId}`,
  commit: async (slug, messageId, signal) =>
    expectJson(
      await request("POST", `${starterBase(slug)}/messages/${messageId}/commit`, { json: {}, signal }),
    ),
};

// Uploads go in pieces with Content-Range (the relay accepts resumable chunks), which gives
// a progress figure that fetch() alone cannot and lets a cancel stop between pieces.
const UPLOAD_PIECE = 4 * 1024 * 1024;

/** PUT `blob` (a Blob of ciphertext) to `url`; `onProgress(sentBytes)` after every piece. */
export async function uploadBlob(url, blob, { signal, onProgress } = {}) {
  const total = blob.size;
  let offset = 0;
  if (total === 0) {
    await expectJson(await request("PUT", url, { body: blob, signal }));
    return;
  }
  while (offset < total) {
    const end = Math.min(offset + UPLOAD_PIECE, total);
    const piece = blob.slice(offset, end);
    const response = await request("PUT", url, {
      body: piece,
      signal,
      headers: {
        "Content-Type": "application/octet-stream",
        "Content-Range": `bytes ${offset}-${end - 1}/${total}`,
      },
    });
    await expectJson(response);
    offset = end;
    if (onProgress) onProgress(offset);
  }
}
