// The sender card and the office contact line shown on every recipient page, and until when
// the message can be opened.

import { el, formatLongDateTime, replaceChildren } from "./dom.js";

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
// Below this the recipient is urged to save the files now: a weekend can be in between.
const NEAR_EXPIRY_MS = 3 * DAY_MS;

/** The sender as the recipient must recognise them: name, organisation, address. */
export function senderCard(info) {
  const sender = info.sender || {};
  const organisation = sender.organisation || (info.office && info.office.name) || "";
  return el("section", { class: "card", attrs: { "aria-labelledby": "landing-heading" } }, [
    el("h1", {
      attrs: { id: "landing-heading" },
      i18n: ["landing.heading", { organisation }],
    }),
    el("p", { class: "label-small", i18n: ["landing.from"] }),
    el("div", { class: "sender", attrs: { "data-testid": "sender" } }, [
      el("span", { class: "sender-name", text: sender.name || "" }),
      organisation ? el("span", { class: "sender-org", text: organisation }) : null,
      sender.address ? el("span", { class: "sender-address", text: sender.address }) : null,
    ]),
    availability(info),
  ]);
}

/**
 * "Beschikbaar tot …" and, when fewer than 3 days remain, a stronger notice to download the
 * files in time: after `expires_at` the relay deletes the content and nothing can be saved.
 * Null when the relay did not say (an older relay).
 */
export function availability(info, at = Date.now()) {
  const until = Date.parse((info && info.expires_at) || "");
  if (Number.isNaN(until)) return null;
  const left = until - at;
  return el("div", { class: "availability", attrs: { "data-testid": "availability" } }, [
    el("p", {
      class: "available-until",
      i18n: ["availability.until", { date: formatLongDateTime(info.expires_at) }],
    }),
    left < NEAR_EXPIRY_MS
      ? el("p", { class: "notice notice-warning near-expiry", i18n: remainingText(left) })
      : null,
  ]);
}

/** The time left in whole units, rounded down: never promise more time than there is. */
function remainingText(left) {
  const days = Math.floor(left / DAY_MS);
  if (days >= 2) return ["availability.soon.days", { n: days }];
  if (days === 1) return ["availability.soon.oneDay"];
  const hours = Math.floor(left / HOUR_MS);
  if (hours >= 2) return ["availability.soon.hours", { n: hours }];
  if (hours === 1) return ["availability.soon.oneHour"];
  return ["availability.soon.lessThanHour"];
}

/** The office contact as one line: the relay gives `{email, phone}` (or a plain string). */
export function contactText(office) {
  const contact = office && office.contact;
  if (!contact) return "";
  if (typeof contact === "string") return contact;
  return [contact.phone, contact.email].filter(Boolean).join(", ");
}

/** "Vragen? Neem contact op met …" in the footer, and the office name in the top bar. */
export function showOffice(office) {
  const name = (office && office.name) || "";
  const contact = contactText(office);
  const bar = document.getElementById("office-name");
  if (bar) bar.textContent = name;
  const footer = document.getElementById("contact");
  if (footer && (name || contact)) {
    replaceChildren(footer, el("p", { i18n: ["office.contact", { office: name, contact }] }));
  }
}
