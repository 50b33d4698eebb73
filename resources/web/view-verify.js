// The verification step, by the method the sender chose: an access code (derived into `auth`
// here, the code itself never leaves the browser), or a 6-digit code sent by SMS or e-mail.

import { RelayError, recipientApi } from "./api.js";
import { el, formatDateTime, replaceChildren } from "./dom.js";
import { clearText, setText } from "./i18n.js";
import { recipientKeys, unwrapCek } from "./page-crypto.js";
import { contactText } from "./view-contact.js";
import { rememberAfterOpen, rememberBox } from "./view-remember.js";

const RESEND_SECONDS_DEFAULT = 60;

function errorLine(id) {
  return el("p", { class: "notice notice-error", attrs: { id, role: "alert", "aria-live": "assertive" } });
}

function setBusy(button, form, busy, idleKey) {
  button.disabled = busy;
  button.classList.toggle("busy", busy);
  form.setAttribute("aria-busy", busy ? "true" : "false");
  setText(button, busy ? "verify.busy" : idleKey);
}

function showWrong(line, input, body, prefix) {
  const n = body.attempts_left;
  if (n === 1) setText(line, `${prefix}.wrongOne`);
  else setText(line, `${prefix}.wrong`, { n: n ?? "?" });
  input.setAttribute("aria-invalid", "true");
}

function showLocked(line, lockedUntil) {
  setText(line, "verify.locked", { time: formatDateTime(lockedUntil) });
}

/** Explain a failure of the relay call in `line`; returns true when it was handled. */
function showRelayError(line, error, ctx) {
  if (!(error instanceof RelayError)) return false;
  const office = ctx.info.office || {};
  if (error.code === "locked") showLocked(line, error.body.locked_until);
  else if (error.code === "network") setText(line, "error.network");
  else if (error.code === "rate_limited") setText(line, "error.rateLimited");
  else if (error.code === "gateway_failed")
    setText(line, "verify.gatewayFailed", { office: office.name || "", contact: contactText(office) });
  else if (["revoked", "expired", "gone", "not_found"].includes(error.code))
    ctx.onGone(error.code === "not_found" ? "unknown" : error.code);
  else setText(line, "error.generic");
  return true;
}

/**
 * Ask the relay to verify `body`; on a wrong code or a relay failure, say so in `line`, put
 * the cursor back in `input` (wrong code only) and return null. Anything else is thrown.
 */
async function verifyOrExplain(ctx, body, line, input, wrongPrefix) {
  try {
    return await recipientApi.verify(ctx.mid, ctx.rid, body);
  } catch (e) {
    if (e instanceof RelayError && e.code === "wrong_code") {
      showWrong(line, input, e.body, wrongPrefix);
      input.select();
      input.focus();
      return null;
    }
    if (showRelayError(line, e, ctx)) return null;
    throw e;
  }
}

/** The wrapped key could not be opened with this link: the fragment is damaged. */
function showDamaged(line) {
  clearText(line);
  line.append(
    el("span", { i18n: ["verify.damaged"] }),
    document.createTextNode(" "),
    el("span", { i18n: ["state.askNew"] }),
  );
}

function accessCodeForm(ctx) {
  const error = errorLine("code-error");
  const forgotNote = el("p", { class: "notice notice-info", attrs: { role: "status" } });
  const input = el("input", {
    attrs: {
      id: "access-code",
      name: "access-code",
      type: "password",
      autocomplete: "off",
      autocapitalize: "off",
      spellcheck: "false",
      "aria-describedby": "access-code-hint code-error",
      required: true,
    },
  });
  const button = el("button", { class: "button", attrs: { type: "submit", id: "open" }, i18n: ["verify.open"] });
  const forgot = el("button", {
    class: "linklike",
    attrs: { type: "button", id: "forgot" },
    i18n: ["verify.forgot"],
  });
  const remember = rememberBox(ctx);
  const form = el("form", { class: "card", attrs: { id: "verify-form", novalidate: true } }, [
    el("div", { class: "field" }, [
      el("label", { attrs: { for: "access-code" }, i18n: ["verify.code.label"] }),
      el("p", { class: "hint", attrs: { id: "access-code-hint" }, i18n: ["verify.code.hint"] }),
      input,
    ]),
    remember && remember.element,
    error,
    el("div", { class: "actions" }, [button, forgot]),
    forgotNote,
  ]);
  if (ctx.info.locked_until && new Date(ctx.info.locked_until) > new Date()) {
    showLocked(error, ctx.info.locked_until);
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (button.disabled) return;
    clearText(error);
    input.removeAttribute("aria-invalid");
    setBusy(button, form, true, "verify.open");
    const started = performance.now();
    ctx.timings.submittedAt = started;
    try {
      let keys;
      try {
        keys = await recipientKeys({
          linkSecret: ctx.linkSecret,
          code: input.value,
          kdf: ctx.info.kdf,
          messageId: ctx.mid,
          recipientId: ctx.rid,
        });
      } catch (e) {
        if (e && e.code === "invalid_code") {
          setText(error, "verify.code.empty");
          input.setAttribute("aria-invalid", "true");
          input.focus();
          return;
        }
        throw e;
      }
      ctx.timings.kdfMs = performance.now() - started;
      const answer = await verifyOrExplain(ctx, { auth: keys.auth }, error, input, "verify.code");
      if (!answer) return;
      let cek;
      try {
        cek = await unwrapCek(keys, answer.wrapped_cek, ctx.mid, ctx.rid);
      } catch {
        showDamaged(error);
        return;
      }
      if (remember && remember.checked()) await rememberAfterOpen(ctx, { code: input.value });
      input.value = "";
      await ctx.onOpened({ cek, keys, verifyAnswer: answer });
    } catch (e) {
      console.error(e);
      setText(error, "error.generic");
    } finally {
      setBusy(button, form, false, "verify.open");
    }
  });

  forgot.addEventListener("click", async () => {
    forgot.disabled = true;
    const office = ctx.info.office || {};
    try {
      await recipientApi.forgot(ctx.mid, ctx.rid);
      setText(forgotNote, "verify.forgot.sent", { office: office.name || "", contact: contactText(office) });
    } catch (e) {
      forgot.disabled = false;
      if (!showRelayError(error, e, ctx)) setText(error, "error.generic");
    }
  });
  return { form, focus: input };
}

function oneTimeCodeForm(ctx) {
  const method = ctx.info.method;
  const error = errorLine("otp-error");
  const status = el("p", { class: "notice notice-ok", attrs: { role: "status", id: "otp-status" } });
  const countdown = el("p", { class: "hint", attrs: { id: "otp-countdown" } });
  const intro =
    method === "sms"
      ? el("p", { i18n: ["verify.sms.intro", { phone: ctx.info.masked_phone || "" }] })
      : el("p", { i18n: ["verify.email.intro", { email: ctx.info.masked_email || "" }] });
  const send = el("button", {
    class: "button secondary",
    attrs: { type: "button", id: "send-code" },
    i18n: ["verify.send"],
  });
  const input = el("input", {
    class: "otp",
    attrs: {
      id: "otp",
      name: "otp",
      type: "text",
      inputmode: "numeric",
      autocomplete: "one-time-code",
      maxlength: "6",
      pattern: "[0-9]{6}",
      "aria-describedby": "otp-hint otp-error",
      required: true,
    },
  });
  const button = el("button", { class: "button", attrs: { type: "submit", id: "open" }, i18n: ["verify.open"] });
  const remember = rememberBox(ctx);
  const form = el("form", { class: "card", attrs: { id: "verify-form", novalidate: true } }, [
    intro,
    el("div", { class: "actions" }, [send]),
    status,
    countdown,
    el("div", { class: "field" }, [
      el("label", { attrs: { for: "otp" }, i18n: ["verify.otp.label"] }),
      el("p", { class: "hint", attrs: { id: "otp-hint" }, i18n: ["verify.otp.hint"] }),
      input,
    ]),
    remember && remember.element,
    error,
    el("div", { class: "actions" }, [button]),
  ]);
  if (ctx.info.locked_until && new Date(ctx.info.locked_until) > new Date()) {
    showLocked(error, ctx.info.locked_until);
  }

  let timer = null;
  const startCountdown = (seconds) => {
    let left = seconds;
    send.disabled = true;
    setText(countdown, "verify.resendIn", { s: left });
    clearInterval(timer);
    timer = setInterval(() => {
      left -= 1;
      if (left <= 0) {
        clearInterval(timer);
        clearText(countdown);
        send.disabled = false;
        return;
      }
      setText(countdown, "verify.resendIn", { s: left });
    }, 1000);
  };

  send.addEventListener("click", async () => {
    if (send.disabled) return;
    send.disabled = true;
    clearText(error);
    try {
      const answer = await recipientApi.sendCode(ctx.mid, ctx.rid);
      setText(status, "verify.sent");
      setText(send, "verify.sendAgain");
      startCountdown(answer.resend_after || RESEND_SECONDS_DEFAULT);
      input.focus();
    } catch (e) {
      send.disabled = false;
      if (e instanceof RelayError && e.code === "rate_limited" && e.body.resend_after) {
        startCountdown(e.body.resend_after);
      }
      if (!showRelayError(error, e, ctx)) setText(error, "error.generic");
    }
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (button.disabled) return;
    clearText(error);
    input.removeAttribute("aria-invalid");
    const code = input.value.replace(/\s+/g, "");
    if (!/^[0-9]{6}$/.test(code)) {
      setText(error, "verify.otp.invalid");
      input.setAttribute("aria-invalid", "true");
      input.focus();
      return;
    }
    setBusy(button, form, true, "verify.open");
    try {
      const answer = await verifyOrExplain(ctx, { code }, error, input, "verify.otp");
      if (!answer) return;
      let cek;
      let keys;
      try {
        keys = await recipientKeys({
          linkSecret: ctx.linkSecret,
          code: null,
          kdf: null,
          messageId: ctx.mid,
          recipientId: ctx.rid,
        });
        cek = await unwrapCek(keys, answer.wrapped_cek, ctx.mid, ctx.rid);
      } catch {
        showDamaged(error);
        return;
      }
      clearInterval(timer);
      if (remember && remember.checked()) await rememberAfterOpen(ctx, { code: null });
      await ctx.onOpened({ cek, keys, verifyAnswer: answer });
    } catch (e) {
      console.error(e);
      setText(error, "error.generic");
    } finally {
      setBusy(button, form, false, "verify.open");
    }
  });
  return { form, focus: send };
}

/** Render the verification card for `ctx.info.method` after `before` (the sender card). */
export function renderVerify(container, ctx, before) {
  const { form, focus } = ctx.info.method === "access_code" ? accessCodeForm(ctx) : oneTimeCodeForm(ctx);
  if (ctx.rememberNotice) {
    // What was remembered on this device did not open this message: say why a code is asked.
    form.prepend(
      el("p", {
        class: "notice notice-info",
        attrs: { id: "remember-notice", role: "status" },
        i18n: [ctx.rememberNotice],
      }),
    );
  }
  replaceChildren(container, before, form);
  document.body.dataset.state = "verify";
  return focus;
}
