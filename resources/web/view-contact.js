// The sender card and the office contact line shown on every recipient page.

import { el, replaceChildren } from "./dom.js";

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
  ]);
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
