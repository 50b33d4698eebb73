// The conversation as a thread, oldest first: every message decrypted here with keys derived
// from the CEK of the message this link opened; attachments decrypt while they download.

import { RelayError, recipientApi } from "./api.js";
import { el, envelopeIcon, formatDateTime, formatSize } from "./dom.js";
import { setText } from "./i18n.js";
import {
  SMALL_FILE_LIMIT,
  canPickFolder,
  chooseFolder,
  chooseSink,
  countingStream,
  saveToSink,
  sinkInFolder,
} from "./download.js";
import { decryptBlobStream, openManifest, replyCek } from "./page-crypto.js";

function items(thread) {
  const list = Array.isArray(thread) ? thread : thread.items || [];
  return [...list].sort((a, b) => String(a.created).localeCompare(String(b.created)));
}

function manifestBlobId(item) {
  const first = (item.blobs || [])[0];
  return typeof first === "string" ? first : first && first.blob_id;
}

/**
 * The content keys this link can reach: the opened message's own CEK, and from there every
 * reply in its thread, whose key is derived from the message it answers (PROTOCOL.md §6).
 * Messages before the opened one came with their own links and stay closed here.
 */
async function threadKeys(ctx, list) {
  const keys = new Map([[ctx.mid, ctx.cek]]);
  for (const item of list) {
    if (keys.has(item.message_id)) continue;
    const parent = item.in_reply_to;
    if (parent && keys.has(parent)) keys.set(item.message_id, await replyCek(keys.get(parent), item.message_id));
  }
  return keys;
}

async function loadManifest(ctx, item, cek) {
  const response = await recipientApi.blob(ctx.mid, ctx.rid, manifestBlobId(item));
  const ciphertext = new Uint8Array(await response.arrayBuffer());
  const manifest = await openManifest(cek, ciphertext);
  if (manifest.message_id !== item.message_id) throw new Error("manifest names another message");
  if ((manifest.in_reply_to || null) !== (item.in_reply_to || null)) {
    throw new Error("manifest answers another message than the relay says");
  }
  return manifest;
}

function envelope(item, manifest, ctx) {
  const mine = item.from === "recipient";
  // A message from the sender that is on screen decrypted is open, whatever the relay recorded
  // before this view; for the recipient's own replies the envelope says whether the sender
  // has read them (S10).
  const opened = mine ? Boolean(item.opened) : true;
  const other = (ctx.info.sender && ctx.info.sender.name) || "";
  const key = mine
    ? opened
      ? ["thread.openedByOther", { name: other }]
      : ["thread.notOpenedByOther", { name: other }]
    : opened
      ? ["thread.opened"]
      : ["thread.notOpened"];
  const label = el("span", { i18n: key });
  return el(
    "span",
    {
      class: "envelope-state",
      attrs: { "data-opened": opened ? "true" : "false" },
    },
    [envelopeIcon(opened), label],
  );
}

function senderLine(manifest, mine) {
  const s = manifest.sender || {};
  if (mine) return el("dd", { i18n: ["thread.you"] });
  const parts = [s.name, s.organisation].filter(Boolean).join(", ");
  return el("dd", {}, [
    el("span", { text: parts }),
    s.address ? el("span", { class: "sender-address block", text: s.address }) : null,
  ]);
}

async function downloadOne(ctx, cek, attachment, status, folder, signal) {
  const sink = folder
    ? await sinkInFolder(folder, attachment.name)
    : await chooseSink(attachment.name, attachment.size);
  if (!sink) return false;
  const response = await recipientApi.blob(ctx.mid, ctx.rid, attachment.blob_id, signal);
  const total = Number(response.headers.get("Content-Length")) || attachment.size;
  let lastPct = -1;
  const progress = countingStream((bytes) => {
    const pct = Math.min(100, Math.floor((bytes / Math.max(total, 1)) * 100));
    if (pct !== lastPct) {
      lastPct = pct;
      setText(status, "thread.downloading", { pct });
    }
  });
  const plaintext = await decryptBlobStream(cek, attachment.blob_id, response.body.pipeThrough(progress));
  await saveToSink(sink, plaintext, attachment.name, signal);
  setText(status, "thread.downloaded");
  return true;
}

function attachmentList(ctx, cek, manifest) {
  const list = el("ul", { class: "attachments" });
  const runners = [];
  for (const attachment of manifest.attachments || []) {
    const status = el("p", { class: "attachment-status", attrs: { role: "status" } });
    const button = el("button", {
      class: "button small secondary",
      attrs: { type: "button", "data-blob-id": attachment.blob_id },
      i18n: ["thread.download"],
      i18nAttrs: { "aria-label": ["thread.downloadLabel", { name: attachment.name }] },
    });
    const run = async (folder = null) => {
      button.disabled = true;
      try {
        await downloadOne(ctx, cek, attachment, status, folder);
      } catch (error) {
        console.error(error);
        setText(status, error instanceof RelayError && error.status === 401 ? "error.session" : "thread.downloadFailed");
      } finally {
        button.disabled = false;
      }
    };
    runners.push(run);
    button.addEventListener("click", () => run());
    list.append(
      el("li", { class: "attachment" }, [
        el("span", { class: "attachment-name", text: attachment.name }),
        el("span", { class: "attachment-size", i18n: ["plain", { v: formatSize(attachment.size) }] }),
        button,
        status,
      ]),
    );
  }
  const all =
    runners.length > 1
      ? el("button", {
          class: "button small",
          attrs: { type: "button", "data-action": "download-all" },
          i18n: ["thread.downloadAll"],
          on: {
            click: async () => {
              const attachments = manifest.attachments || [];
              let folder = null;
              if (canPickFolder() && attachments.some((a) => a.size > SMALL_FILE_LIMIT)) {
                folder = await chooseFolder();
                if (!folder) return;
              }
              all.disabled = true;
              try {
                for (const run of runners) await run(folder);
              } finally {
                all.disabled = false;
              }
            },
          },
        })
      : null;
  return el("section", { class: "attachment-section" }, [
    el("h3", { i18n: ["thread.attachments"] }),
    list,
    all ? el("div", { class: "actions" }, [all]) : null,
  ]);
}

function messageCard(ctx, item, cek, manifest) {
  const mine = item.from === "recipient";
  const subject = manifest.subject || "";
  const heading = el("h2", subject ? { text: subject } : { i18n: ["thread.noSubject"] });
  const body = el("div", { class: "body", text: manifest.body || "" });
  const meta = el("dl", { class: "meta" }, [
    el("dt", { i18n: ["thread.from"] }),
    senderLine(manifest, mine),
    el("dt", { i18n: ["thread.date"] }),
    el("dd", {}, [
      el("time", {
        attrs: { datetime: manifest.created },
        i18n: ["plain", { v: formatDateTime(manifest.created) }],
      }),
    ]),
  ]);
  const article = el(
    "article",
    {
      class: `card message ${mine ? "from-recipient" : "from-sender"}`,
      attrs: { "data-message-id": item.message_id, "data-from": item.from },
    },
    [el("div", { class: "message-head" }, [heading, envelope(item, manifest, ctx)]), meta, body],
  );
  if ((manifest.attachments || []).length > 0) article.append(attachmentList(ctx, cek, manifest));
  return el("li", {}, [article]);
}

function unreadableCard(item, earlier) {
  return el("li", {}, [
    el("article", { class: "card message", attrs: { "data-message-id": item.message_id, "data-closed": "true" } }, [
      el("p", { class: earlier ? "notice notice-info" : "notice notice-error", i18n: [earlier ? "thread.earlier" : "thread.cantOpen"] }),
    ]),
  ]);
}

/** Fetch and decrypt the thread and fill `list` (an <ol>). Returns the decrypted messages.
 *  The first time, the thread that came with the verification answer is used (no request). */
export async function loadThread(ctx, list) {
  const thread = ctx.pendingThread || (await recipientApi.thread(ctx.mid, ctx.rid));
  ctx.pendingThread = null;
  const ordered = items(thread).filter((item) => !item.revoked);
  const keys = await threadKeys(ctx, ordered);
  const cards = [];
  const opened = [];
  for (const item of ordered) {
    const cek = keys.get(item.message_id);
    if (!cek) {
      cards.push(unreadableCard(item, true));
      continue;
    }
    try {
      const manifest = await loadManifest(ctx, item, cek);
      cards.push(messageCard(ctx, item, cek, manifest));
      opened.push({ item, manifest });
    } catch (error) {
      if (error instanceof RelayError && error.code === "network") throw error;
      console.error(error);
      cards.push(unreadableCard(item, false));
    }
  }
  list.replaceChildren(...cards);
  return opened;
}
