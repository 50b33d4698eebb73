// "Dit apparaat onthouden" on the page: the choice on the verification card (only where the
// office allows it), opening a later link on a remembered device without a code, and
// "Dit apparaat vergeten" below the thread.

import { RelayError, recipientApi } from "./api.js";
import { el, formatDateTime } from "./dom.js";
import { setText } from "./i18n.js";
import { recipientKeys, unwrapCek } from "./page-crypto.js";
import {
  deleteEntry,
  findEntry,
  newDeviceKey,
  recallCode,
  rememberAllowed,
  rememberCode,
  signChallenge,
  storeDevice,
} from "./remember.js";

const DEFAULT_DAYS = 30;

function entryKind(info) {
  return info.method === "access_code" ? "code" : "device";
}

function days(info) {
  return info.office.remember_device_days || DEFAULT_DAYS;
}

/** The checkbox (off by default) for a verification form, or null where not allowed. */
export function rememberBox(ctx) {
  if (!rememberAllowed(ctx.info)) return null;
  const input = el("input", {
    attrs: { type: "checkbox", id: "remember-device", name: "remember-device", "aria-describedby": "remember-hint" },
  });
  const element = el("div", { class: "field" }, [
    el("div", { class: "checkbox" }, [
      input,
      el("label", { attrs: { for: "remember-device" }, i18n: ["remember.label"] }),
    ]),
    el("p", {
      class: "hint",
      attrs: { id: "remember-hint" },
      i18n: ["remember.hint", { days: days(ctx.info), office: ctx.info.office.name || "" }],
    }),
  ]);
  return { element, checked: () => input.checked };
}

/**
 * Remember this browser after a successful verification with the box ticked: the access code
 * (kept here only), or a device key registered with the relay (the session is open now).
 * Opening goes on when this fails; the thread page then says it was not remembered.
 */
export async function rememberAfterOpen(ctx, { code }) {
  try {
    if (entryKind(ctx.info) === "code") {
      await rememberCode(ctx.info, code, days(ctx.info));
    } else {
      const { pair, publicKey } = await newDeviceKey();
      const answer = await recipientApi.registerDevice(ctx.mid, ctx.rid, publicKey);
      await storeDevice(ctx.info, pair, answer.device_id, answer.expires_at);
    }
    ctx.rememberOutcome = "remembered";
  } catch (error) {
    console.error(error);
    ctx.rememberOutcome = "failed";
  }
}

async function lookUp(kind, info) {
  try {
    return await findEntry(kind, info);
  } catch (error) {
    // No IndexedDB (a private window, a locked-down browser): nothing is remembered here.
    console.error(error);
    return null;
  }
}

/**
 * Open this link with what the browser remembered for this person. Returns null when nothing
 * is remembered, `{opened: true}` when the page moved on, or `{notice}` (an i18n key) to show
 * on the verification card when the remembered credential no longer fits.
 */
export async function openRemembered(ctx) {
  if (!rememberAllowed(ctx.info)) return null;
  const kind = entryKind(ctx.info);
  const entry = await lookUp(kind, ctx.info);
  if (!entry) return null;
  ctx.timings.submittedAt = performance.now();
  try {
    let keys;
    let answer;
    if (kind === "code") {
      keys = await recipientKeys({
        linkSecret: ctx.linkSecret,
        code: await recallCode(entry),
        kdf: ctx.info.kdf,
        messageId: ctx.mid,
        recipientId: ctx.rid,
      });
      ctx.timings.kdfMs = performance.now() - ctx.timings.submittedAt;
      answer = await recipientApi.verify(ctx.mid, ctx.rid, { auth: keys.auth, remembered: true });
    } else {
      const { challenge } = await recipientApi.deviceChallenge(ctx.mid, ctx.rid, entry.deviceId);
      const signature = await signChallenge(entry, challenge, ctx.mid, ctx.rid);
      answer = await recipientApi.deviceVerify(ctx.mid, ctx.rid, { device_id: entry.deviceId, challenge, signature });
      keys = await recipientKeys({
        linkSecret: ctx.linkSecret,
        code: null,
        kdf: null,
        messageId: ctx.mid,
        recipientId: ctx.rid,
      });
    }
    let cek;
    try {
      cek = await unwrapCek(keys, answer.wrapped_cek, ctx.mid, ctx.rid);
    } catch {
      return { notice: "verify.damaged" };
    }
    await ctx.onOpened({ cek, keys, verifyAnswer: answer });
    return { opened: true };
  } catch (error) {
    if (error instanceof RelayError && ["wrong_code", "not_found"].includes(error.code)) {
      // A different code for this message, or a device the relay forgot or let expire.
      await deleteEntry(kind, ctx.info);
      return { notice: kind === "code" ? "remember.codeMismatch" : "remember.deviceUnknown" };
    }
    if (error instanceof RelayError && ["revoked", "expired", "gone"].includes(error.code)) {
      ctx.onGone(error.code);
      return { opened: true };
    }
    console.error(error);
    return { notice: "remember.failed" };
  }
}

/** "Dit apparaat vergeten" for the thread page, or null when nothing is remembered here. */
export async function forgetSection(ctx) {
  if (!rememberAllowed(ctx.info)) return null;
  const status = el("p", { class: "notice notice-info", attrs: { role: "status", id: "remember-status" } });
  if (ctx.rememberOutcome === "failed") setText(status, "remember.couldNot");
  const entry = await lookUp(entryKind(ctx.info), ctx.info);
  if (!entry) {
    return ctx.rememberOutcome === "failed" ? el("section", { class: "card", attrs: { id: "remember" } }, [status]) : null;
  }
  const until = formatDateTime(new Date(entry.expiresAt).toISOString());
  const button = el("button", {
    class: "button secondary",
    attrs: { type: "button", id: "forget-device" },
    i18n: ["remember.forget"],
  });
  const section = el("section", { class: "card", attrs: { id: "remember", "aria-labelledby": "remember-heading" } }, [
    el("h2", { attrs: { id: "remember-heading" }, i18n: ["remember.heading"] }),
    el("p", { i18n: ["remember.until", { date: until }] }),
    el("div", { class: "actions" }, [button]),
    status,
  ]);
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      if (entry.kind === "device") {
        try {
          await recipientApi.forgetDevice(ctx.mid, ctx.rid, entry.deviceId);
        } catch (error) {
          // Already gone on the relay (expired, forgotten elsewhere): forgetting here suffices.
          if (!(error instanceof RelayError && error.code === "not_found")) throw error;
        }
      }
      await deleteEntry(entry.kind, ctx.info);
      setText(status, "remember.forgotten");
      button.hidden = true;
    } catch (error) {
      console.error(error);
      button.disabled = false;
      setText(status, "remember.forgetFailed");
    }
  });
  return section;
}
