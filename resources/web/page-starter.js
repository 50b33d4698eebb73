// The conversation starter, /start/{office}: an outsider writes to the office. The message is
// encrypted here to the office users' public keys (HPKE), after the sender's e-mail address is
// confirmed with a one-time code; the relay mails them a link to follow the conversation.

import { RelayError, starterApi } from "./api.js";
import { attachmentPicker, encryptAndUpload, nowRfc3339 } from "./compose.js";
import { el, formatDateTime, replaceChildren } from "./dom.js";
import { clearText, initLanguage, setText } from "./i18n.js";
import { newCek, newId, sealToKeys, starterFollowUp } from "./page-crypto.js";
import { showOffice } from "./view-contact.js";
import { renderStatePage } from "./view-states.js";

const START_PATH = /^\/start\/([a-z0-9][a-z0-9-]{0,62})\/?$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function field(id, labelKey, control, hintKey) {
  return el("div", { class: "field" }, [
    el("label", { attrs: { for: id }, i18n: [labelKey] }),
    hintKey ? el("p", { class: "hint", attrs: { id: `${id}-hint` }, i18n: [hintKey] }) : null,
    control,
  ]);
}

function officeKeys(info) {
  return info.public_keys || info.keys || [];
}

/** The office's own address for the manifest's recipient list (the relay gives `{email, phone}`). */
function officeAddress(office) {
  const contact = office.contact;
  if (contact && typeof contact === "object") return contact.email || "";
  return office.contact_email || "";
}

function officeOf(info) {
  return info.office || { name: info.name || "", contact: info.contact || "" };
}

function renderForm(container, slug, info) {
  const office = officeOf(info);
  const name = el("input", { attrs: { id: "starter-name", type: "text", autocomplete: "name", required: true } });
  const email = el("input", {
    attrs: {
      id: "starter-email",
      type: "email",
      autocomplete: "email",
      required: true,
      "aria-describedby": "starter-email-hint",
    },
  });
  const subject = el("input", { attrs: { id: "starter-subject", type: "text", required: true } });
  const body = el("textarea", { attrs: { id: "starter-body", rows: "8", required: true } });
  const picker = attachmentPicker("starter");
  const error = el("p", { class: "notice notice-error", attrs: { id: "starter-error", role: "alert" } });
  const status = el("p", { class: "notice notice-ok", attrs: { id: "starter-status", role: "status" } });
  const sendCode = el("button", {
    class: "button secondary",
    attrs: { type: "button", id: "starter-send-code" },
    i18n: ["verify.send"],
  });
  const otp = el("input", {
    class: "otp",
    attrs: {
      id: "starter-otp",
      type: "text",
      inputmode: "numeric",
      autocomplete: "one-time-code",
      maxlength: "6",
      "aria-describedby": "starter-otp-hint",
    },
  });
  const otpField = el("div", { class: "hidden", attrs: { id: "starter-otp-block" } }, [
    field("starter-otp", "verify.otp.label", otp, "verify.otp.hint"),
  ]);
  const progress = el("progress", { class: "hidden", attrs: { id: "starter-progress", max: "100", value: "0" } });
  const progressText = el("p", { class: "hint", attrs: { "aria-live": "polite" } });
  const send = el("button", {
    class: "button hidden",
    attrs: { type: "submit", id: "starter-send" },
    i18n: ["reply.send"],
  });
  const cancel = el("button", {
    class: "button secondary hidden",
    attrs: { type: "button", id: "starter-cancel" },
    i18n: ["reply.cancel"],
  });
  const form = el("form", { class: "card", attrs: { id: "starter-form", novalidate: true } }, [
    el("h1", { i18n: ["starter.heading"] }),
    el("p", { i18n: ["starter.intro", { office: office.name || "" }] }),
    field("starter-name", "starter.name", name),
    field("starter-email", "starter.email", email, "starter.emailHint"),
    field("starter-subject", "starter.subject", subject),
    field("starter-body", "starter.body", body),
    ...picker.elements,
    el("div", { class: "actions" }, [sendCode]),
    status,
    otpField,
    error,
    progress,
    progressText,
    el("div", { class: "actions" }, [send, cancel]),
  ]);

  const check = () => {
    if (!name.value.trim() || !email.value.trim() || !subject.value.trim() || !body.value.trim()) {
      setText(error, "starter.missing");
      return false;
    }
    if (!EMAIL.test(email.value.trim())) {
      setText(error, "starter.badEmail");
      email.setAttribute("aria-invalid", "true");
      email.focus();
      return false;
    }
    email.removeAttribute("aria-invalid");
    return true;
  };

  let timer = null;
  sendCode.addEventListener("click", async () => {
    clearText(error);
    if (!check()) return;
    sendCode.disabled = true;
    try {
      const answer = await starterApi.sendCode(slug, email.value.trim());
      setText(status, "starter.codeSent", { email: email.value.trim() });
      setText(sendCode, "verify.sendAgain");
      otpField.classList.remove("hidden");
      send.classList.remove("hidden");
      otp.focus();
      clearTimeout(timer);
      timer = setTimeout(() => {
        sendCode.disabled = false;
      }, (answer.resend_after || 60) * 1000);
    } catch (e) {
      sendCode.disabled = false;
      showStarterError(error, e);
    }
  });

  let controller = null;
  cancel.addEventListener("click", () => controller && controller.abort());
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (controller || send.classList.contains("hidden")) return;
    clearText(error);
    if (!check()) return;
    const code = otp.value.replace(/\s+/g, "");
    if (!/^[0-9]{6}$/.test(code)) {
      setText(error, "verify.otp.invalid");
      otp.focus();
      return;
    }
    controller = new AbortController();
    const signal = controller.signal;
    for (const c of [name, email, subject, body, otp, send, sendCode]) c.disabled = true;
    picker.setDisabled(true);
    cancel.classList.remove("hidden");
    progress.classList.remove("hidden");
    const onProgress = (fraction) => {
      progress.value = Math.floor(fraction * 100);
      setText(progressText, "reply.progress", { pct: Math.floor(fraction * 100) });
    };
    try {
      const cek = newCek();
      const messageId = newId();
      const conversationId = newId();
      const sealed = await sealToKeys(cek, officeKeys(info), messageId);
      const followUp = await starterFollowUp(cek, messageId);
      await encryptAndUpload({
        cek,
        files: [...picker.files],
        buildManifest: (attachments) => ({
          v: 1,
          conversation_id: conversationId,
          message_id: messageId,
          in_reply_to: null,
          sender: { name: name.value.trim(), organisation: "", address: email.value.trim(), key_fingerprint: null },
          recipients: [{ address: officeAddress(office), name: office.name || "" }],
          subject: subject.value.trim(),
          body: body.value,
          created: nowRfc3339(),
          attachments,
          starter_link_secret: followUp.linkSecret,
        }),
        create: (blobs) =>
          starterApi.createMessage(
            slug,
            {
              email: email.value.trim(),
              name: name.value.trim(),
              code,
              message_id: messageId,
              conversation_id: conversationId,
              sealed,
              blobs,
              follow_up: followUp.spec,
            },
            signal,
          ),
        urlFor: (blobId, created) =>
          (created && created.upload && created.upload[blobId]) || starterApi.uploadUrl(slug, blobId),
        onProgress,
        signal,
      });
      await starterApi.commit(slug, messageId, signal);
      const again = el("button", {
        class: "button secondary",
        attrs: { type: "button", id: "starter-again" },
        i18n: ["starter.another"],
        on: { click: () => renderForm(container, slug, info) },
      });
      replaceChildren(
        container,
        el("section", { class: "card", attrs: { id: "starter-done" } }, [
          el("h1", { i18n: ["starter.heading"] }),
          el("p", { class: "notice notice-ok", attrs: { role: "status" }, i18n: ["starter.sent", { office: office.name || "" }] }),
          followUpBlock(`${location.origin}/m/${messageId}/${followUp.recipientId}#${followUp.linkSecret}`, office),
          el("div", { class: "actions" }, [again]),
        ]),
      );
      document.body.dataset.state = "sent";
      again.focus();
    } catch (e) {
      if (e && e.name === "AbortError") setText(error, "reply.cancelled");
      else showStarterError(error, e);
      for (const c of [name, email, subject, body, otp, send, sendCode]) c.disabled = false;
      picker.setDisabled(false);
    } finally {
      controller = null;
      cancel.classList.add("hidden");
      progress.classList.add("hidden");
      clearText(progressText);
    }
  });

  replaceChildren(container, form);
  document.body.dataset.state = "starter";
  name.focus();
}

/** The follow-up link, shown once, with a copy button (it also comes by e-mail from the office). */
function followUpBlock(link, office) {
  const field = el("input", {
    attrs: { id: "starter-link", type: "text", readonly: true, value: link, "aria-describedby": "starter-link-hint" },
  });
  const status = el("p", { class: "hint", attrs: { id: "starter-copy-status", role: "status" } });
  const copy = el("button", {
    class: "button secondary",
    attrs: { type: "button", id: "starter-copy" },
    i18n: ["starter.copy"],
  });
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(link);
      setText(status, "starter.copied");
    } catch (e) {
      // Some browsers refuse the clipboard: select the text so Ctrl+C works.
      console.error(e);
      field.select();
      setText(status, "starter.copyFailed");
    }
  });
  return el("div", { class: "field", attrs: { id: "starter-follow-up" } }, [
    el("label", { attrs: { for: "starter-link" }, i18n: ["starter.followUp"] }),
    el("p", { class: "hint", attrs: { id: "starter-link-hint" }, i18n: ["starter.followUpHint", { office: office.name || "" }] }),
    field,
    el("div", { class: "actions" }, [copy]),
    status,
  ]);
}

function showStarterError(line, e) {
  if (e instanceof RelayError && e.code === "wrong_code") {
    const n = e.body.attempts_left;
    if (n === 1) setText(line, "verify.otp.wrongOne");
    else if (n !== undefined) setText(line, "verify.otp.wrong", { n });
    else setText(line, "verify.otp.wrongPlain");
  } else if (e instanceof RelayError && e.code === "locked") {
    setText(line, "verify.locked", { time: e.body.locked_until ? formatDateTime(e.body.locked_until) : "" });
  } else if (e instanceof RelayError && e.code === "rate_limited") setText(line, "error.rateLimited");
  else if (e instanceof RelayError && e.code === "network") setText(line, "error.network");
  else if (e instanceof RelayError && e.code === "too_large") setText(line, "reply.tooLarge");
  else if (e instanceof RelayError && e.code === "bad_request" && /mail/i.test(e.message)) setText(line, "starter.badEmail");
  else {
    console.error(e);
    setText(line, "reply.failed");
  }
}

async function main() {
  initLanguage(document.getElementById("lang-switch"));
  const container = document.getElementById("main");
  const match = START_PATH.exec(location.pathname);
  if (!match) {
    renderStatePage(container, "unknownStarter");
    return;
  }
  const slug = match[1];
  let info;
  try {
    info = await starterApi.info(slug);
  } catch (e) {
    if (e instanceof RelayError && e.status === 404) renderStatePage(container, "unknownStarter");
    else {
      replaceChildren(container, el("p", { class: "notice notice-error", attrs: { role: "alert" }, i18n: [
        e instanceof RelayError && e.code === "network" ? "error.network" : "error.generic",
      ] }));
    }
    return;
  }
  showOffice(officeOf(info));
  renderForm(container, slug, info);
}

main();
