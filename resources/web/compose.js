// Shared by the reply composer and the conversation starter: the attachment picker (paperclip,
// name and size per file, remove before sending) and the encrypt-then-upload pipeline with
// progress and cancel.

import { uploadBlob } from "./api.js";
import { el, formatSize, paperclipIcon } from "./dom.js";
import { encryptBlob, newId, sealManifest, sha256Hex } from "./page-crypto.js";

/** The paperclip button, the hidden file input and the list of chosen files. */
export function attachmentPicker(idPrefix) {
  const files = [];
  const input = el("input", {
    class: "file-input",
    attrs: { type: "file", id: `${idPrefix}-files`, multiple: true, tabindex: "-1", "aria-hidden": "true" },
  });
  const button = el(
    "button",
    { class: "button secondary", attrs: { type: "button", id: `${idPrefix}-attach` } },
    [paperclipIcon(), el("span", { i18n: ["reply.attach"] })],
  );
  const list = el("ul", { class: "attachments", attrs: { id: `${idPrefix}-file-list` } });
  const render = () => {
    list.replaceChildren(
      ...files.map((file, index) =>
        el("li", { class: "attachment" }, [
          el("span", { class: "attachment-name", text: file.name }),
          el("span", { class: "attachment-size", i18n: ["plain", { v: formatSize(file.size) }] }),
          el("button", {
            class: "button small secondary",
            attrs: { type: "button", "data-remove": String(index) },
            i18n: ["reply.remove"],
            i18nAttrs: { "aria-label": ["reply.removeLabel", { name: file.name }] },
            on: {
              click: () => {
                files.splice(index, 1);
                render();
                button.focus();
              },
            },
          }),
        ]),
      ),
    );
  };
  button.addEventListener("click", () => input.click());
  input.addEventListener("change", () => {
    files.push(...input.files);
    input.value = "";
    render();
  });
  return {
    files,
    elements: [el("div", { class: "actions" }, [button, input]), list],
    clear: () => {
      files.splice(0);
      render();
    },
    setDisabled: (disabled) => {
      button.disabled = disabled;
      for (const b of list.querySelectorAll("button")) b.disabled = disabled;
    },
  };
}

/** The manifest's `created`: RFC 3339 UTC to the second. */
export function nowRfc3339() {
  return new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * Encrypt `files` and the manifest built by `buildManifest(attachments)` under `cek`, then
 * announce the blobs with `create(blobs)` and upload each to `urlFor(blobId)`. Progress is one
 * fraction over encryption and upload together; `signal` cancels at the next step.
 */
export async function encryptAndUpload({ cek, files, buildManifest, create, urlFor, onProgress, signal }) {
  const totalPlain = files.reduce((sum, f) => sum + f.size, 0) + 1024;
  let done = 0;
  const step = (bytes) => {
    done += bytes;
    onProgress(Math.min(0.99, done / (2 * totalPlain)));
  };
  const attachments = [];
  const uploads = [];
  for (const file of files) {
    signal.throwIfAborted();
    const blobId = newId();
    const plainHash = await sha256Hex(file);
    const ciphertext = await encryptBlob(cek, blobId, file);
    step(file.size);
    attachments.push({
      blob_id: blobId,
      name: file.name,
      size: file.size,
      media_type: file.type || "application/octet-stream",
      sha256: plainHash,
    });
    uploads.push({ blobId, ciphertext, plainSize: file.size });
  }
  signal.throwIfAborted();
  const manifestBlob = new Blob([await sealManifest(cek, buildManifest(attachments))]);
  step(512);
  // The relay takes the first blob listed as the manifest.
  uploads.unshift({ blobId: newId(), ciphertext: manifestBlob, plainSize: 512 });
  const blobs = [];
  for (const u of uploads) {
    blobs.push({ blob_id: u.blobId, size: u.ciphertext.size, sha256: await sha256Hex(u.ciphertext) });
  }
  signal.throwIfAborted();
  const created = await create(blobs);
  for (const u of uploads) {
    let last = 0;
    await uploadBlob(urlFor(u.blobId, created), u.ciphertext, {
      signal,
      onProgress: (sent) => {
        const share = Math.round((sent / Math.max(u.ciphertext.size, 1)) * u.plainSize);
        step(share - last);
        last = share;
      },
    });
  }
  signal.throwIfAborted();
  return created;
}
