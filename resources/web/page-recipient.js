// The recipient page behind "Klik voor bericht": /m/{message}/{recipient}#{link secret}.
// Loading it changes nothing on the relay (it reads the link's public state only); the
// verification, the thread and the reply composer follow in that order.

import { RelayError, recipientApi } from "./api.js";
import { el, replaceChildren } from "./dom.js";
import { initLanguage } from "./i18n.js";
import { parseLinkSecret } from "./page-crypto.js";
import { availability, senderCard, showOffice } from "./view-contact.js";
import { replySection } from "./view-reply.js";
import { renderStatePage } from "./view-states.js";
import { loadThread } from "./view-thread.js";
import { forgetSection, openRemembered } from "./view-remember.js";
import { renderVerify } from "./view-verify.js";

const LINK_PATH = /^\/m\/([0-9a-f]{32})\/([0-9a-f]{32})\/?$/;

function browserIsCapable() {
  return Boolean(
    globalThis.crypto && crypto.subtle && globalThis.TransformStream && globalThis.TextDecoder && window.fetch,
  );
}

function showError(main, key) {
  replaceChildren(main, el("p", { class: "notice notice-error", attrs: { role: "alert" }, i18n: [key] }));
}

async function openThread(main, ctx, opened) {
  ctx.cek = opened.cek;
  ctx.keys = opened.keys;
  ctx.pendingThread = (opened.verifyAnswer && opened.verifyAnswer.thread) || null;
  const list = el("ol", { class: "thread", attrs: { id: "thread", "aria-labelledby": "thread-heading" } });
  const heading = el("h2", { attrs: { id: "thread-heading" }, i18n: ["thread.heading"] });
  const messages = await loadThread(ctx, list);
  const root = messages.find((m) => m.item.message_id === ctx.mid);
  if (!root) {
    renderStatePage(main, "unknown", ctx.senderCard);
    return;
  }
  ctx.rootManifest = root.manifest;
  ctx.me = whoAmI(opened.verifyAnswer, root.manifest);
  const reload = async () => {
    await loadThread(ctx, list);
  };
  // The sender card goes once the message is open; until when it opens stays in view.
  replaceChildren(main, availability(ctx.info), heading, list, replySection(ctx, reload));
  const remembered = await forgetSection(ctx);
  if (remembered) main.append(remembered);
  document.body.dataset.state = "thread";
  const first = list.querySelector("h2");
  main.focus();
  if (first) first.scrollIntoView({ block: "start" });
}

/** The reply's sender: what the relay says this recipient is, else the only recipient listed. */
function whoAmI(verifyAnswer, manifest) {
  if (verifyAnswer && verifyAnswer.recipient && verifyAnswer.recipient.address) return verifyAnswer.recipient;
  const recipients = manifest.recipients || [];
  return recipients.length === 1 ? recipients[0] : { address: "", name: "" };
}

async function main() {
  initLanguage(document.getElementById("lang-switch"));
  const container = document.getElementById("main");
  if (!browserIsCapable()) {
    showError(container, "browser.old");
    return;
  }
  const match = LINK_PATH.exec(location.pathname);
  if (!match) {
    renderStatePage(container, "unknown");
    return;
  }
  const [, mid, rid] = match;
  let info;
  try {
    info = await recipientApi.state(mid, rid);
  } catch (error) {
    if (error instanceof RelayError && (error.status === 404 || error.code === "not_found")) {
      renderStatePage(container, "unknown");
    } else if (error instanceof RelayError && ["revoked", "expired", "gone"].includes(error.code)) {
      renderStatePage(container, error.code);
    } else if (error instanceof RelayError && error.code === "network") {
      showError(container, "error.network");
    } else {
      console.error(error);
      showError(container, "error.generic");
    }
    return;
  }
  showOffice(info.office);
  if (info.state === "revoked" || info.state === "expired") {
    renderStatePage(container, info.state);
    return;
  }
  const card = senderCard(info);
  const linkSecret = parseLinkSecret(location.hash);
  if (!linkSecret) {
    renderStatePage(container, "fragment", card);
    return;
  }
  const ctx = {
    mid,
    rid,
    info,
    linkSecret,
    senderCard: card,
    timings: {},
    onGone: (state) => renderStatePage(container, state),
    onOpened: async (opened) => {
      const t0 = performance.now();
      try {
        await openThread(container, ctx, opened);
      } catch (error) {
        if (error instanceof RelayError && error.code === "network") showError(container, "error.network");
        else if (error instanceof RelayError && error.status === 401) showError(container, "error.session");
        else if (error instanceof RelayError && ["revoked", "expired", "gone"].includes(error.code))
          renderStatePage(container, error.code);
        else {
          console.error(error);
          showError(container, "error.generic");
        }
      }
      const shown = performance.now();
      ctx.timings.threadMs = shown - t0;
      // Read by the benchmark; holds durations only, nothing secret.
      document.body.dataset.kdfMs = String(Math.round(ctx.timings.kdfMs || 0));
      if (ctx.timings.submittedAt) {
        document.body.dataset.openMs = String(Math.round(shown - ctx.timings.submittedAt));
      }
    },
  };
  if (ctx.info.address_hash) {
    replaceChildren(
      container,
      card,
      el("p", { class: "loading", attrs: { id: "remember-busy", role: "status" }, i18n: ["remember.opening"] }),
    );
    const remembered = await openRemembered(ctx);
    if (remembered && remembered.opened) return;
    if (remembered) ctx.rememberNotice = remembered.notice;
  }
  const focus = renderVerify(container, ctx, card);
  if (focus) focus.focus();
}

main();
