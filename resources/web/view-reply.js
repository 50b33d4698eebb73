// The reply composer: "Beantwoorden" opens an answer field with attachments; the reply is a
// message of its own under a key derived from the opened message's CEK (PROTOCOL.md §6),
// encrypted here and uploaded as ciphertext with progress and a working cancel.

import { RelayError, recipientApi } from "./api.js";
import { attachmentPicker, encryptAndUpload, nowRfc3339 } from "./compose.js";
import { el } from "./dom.js";
import { clearText, setText } from "./i18n.js";
import { newId, replyCek } from "./page-crypto.js";

function replySubject(subject) {
  const s = subject || "";
  return /^(re|antw):/i.test(s) ? s : `Re: ${s}`;
}

/**
 * Encrypt and upload one reply. `files` are File objects; `onProgress(fraction)`; `signal`
 * cancels between steps and aborts a running upload. Returns the reply id.
 */
export async function sendReply(ctx, { text, files, onProgress, signal }) {
  const replyId = newId();
  const key = await replyCek(ctx.cek, replyId);
  const original = ctx.rootManifest;
  const me = ctx.me;
  await encryptAndUpload({
    cek: key,
    files,
    buildManifest: (attachments) => ({
      v: 1,
      conversation_id: original.conversation_id,
      message_id: replyId,
      in_reply_to: ctx.mid,
      sender: { name: me.name || me.address || "", organisation: "", address: me.address || "", key_fingerprint: null },
      recipients: [{ address: original.sender.address, name: original.sender.name }],
      subject: replySubject(original.subject),
      body: text,
      created: nowRfc3339(),
      attachments,
    }),
    create: (blobs) => recipientApi.createReply(ctx.mid, ctx.rid, { reply_id: replyId, blobs }, signal),
    urlFor: (blobId) => recipientApi.uploadUrl(ctx.mid, ctx.rid, blobId),
    onProgress,
    signal,
  });
  await recipientApi.commitReply(ctx.mid, ctx.rid, replyId, signal);
  onProgress(1);
  return replyId;
}

/** The "Beantwoorden" button and the composer it opens; `onSent()` reloads the thread. */
export function replySection(ctx, onSent) {
  const picker = attachmentPicker("reply");
  const files = picker.files;
  const open = el("button", {
    class: "button",
    attrs: { type: "button", id: "reply-open", "aria-expanded": "false", "aria-controls": "reply-form" },
    i18n: ["reply.button"],
  });
  const textarea = el("textarea", {
    attrs: { id: "reply-text", name: "reply-text", rows: "8", "aria-describedby": "reply-error" },
  });
  const error = el("p", { class: "notice notice-error", attrs: { id: "reply-error", role: "alert" } });
  const status = el("p", { class: "notice notice-ok", attrs: { id: "reply-status", role: "status" } });
  const progress = el("progress", { class: "hidden", attrs: { id: "reply-progress", max: "100", value: "0" } });
  const progressText = el("p", { class: "hint", attrs: { id: "reply-progress-text", "aria-live": "polite" } });
  const send = el("button", { class: "button", attrs: { type: "submit", id: "reply-send" }, i18n: ["reply.send"] });
  const cancel = el("button", {
    class: "button secondary hidden",
    attrs: { type: "button", id: "reply-cancel" },
    i18n: ["reply.cancel"],
  });
  const form = el("form", { class: "card composer hidden", attrs: { id: "reply-form", novalidate: true } }, [
    el("div", { class: "field" }, [el("label", { attrs: { for: "reply-text" }, i18n: ["reply.label"] }), textarea]),
    ...picker.elements,
    error,
    progress,
    progressText,
    el("div", { class: "actions" }, [send, cancel]),
  ]);

  open.addEventListener("click", () => {
    form.classList.remove("hidden");
    open.setAttribute("aria-expanded", "true");
    clearText(status);
    textarea.focus();
  });
  let controller = null;
  cancel.addEventListener("click", () => controller && controller.abort());
  const setSending = (sending) => {
    textarea.disabled = sending;
    send.disabled = sending;
    picker.setDisabled(sending);
    cancel.classList.toggle("hidden", !sending);
    progress.classList.toggle("hidden", !sending);
    form.setAttribute("aria-busy", sending ? "true" : "false");
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (controller) return;
    clearText(error);
    clearText(status);
    const text = textarea.value;
    if (!text.trim() && files.length === 0) {
      setText(error, "reply.empty");
      textarea.focus();
      return;
    }
    controller = new AbortController();
    setSending(true);
    const showProgress = (fraction) => {
      const pct = Math.floor(fraction * 100);
      progress.value = pct;
      setText(progressText, "reply.progress", { pct });
    };
    showProgress(0);
    try {
      await sendReply(ctx, { text, files: [...files], onProgress: showProgress, signal: controller.signal });
      textarea.value = "";
      picker.clear();
      form.classList.add("hidden");
      open.setAttribute("aria-expanded", "false");
      setText(status, "reply.sent");
      await onSent();
      open.focus();
    } catch (e) {
      if (e && e.name === "AbortError") setText(error, "reply.cancelled");
      else if (e instanceof RelayError && e.code === "too_large") setText(error, "reply.tooLarge");
      else if (e instanceof RelayError && e.code === "network") setText(error, "error.network");
      else if (e instanceof RelayError && e.status === 401) setText(error, "error.session");
      else {
        console.error(e);
        setText(error, "reply.failed");
      }
    } finally {
      controller = null;
      setSending(false);
      clearText(progressText);
    }
  });

  return el("section", { class: "reply-section" }, [el("div", { class: "actions" }, [open]), status, form]);
}
