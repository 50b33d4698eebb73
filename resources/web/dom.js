// Small DOM builders. User data only ever reaches the page through textContent and attribute
// setters: nothing here parses HTML, so a subject like "<script>" stays text.

import { setAttr, setText } from "./i18n.js";

/**
 * Create an element. `opts`: class (string), text (plain text), i18n ([key, params]),
 * attrs (object of attributes), on (object of event listeners).
 */
export function el(tag, opts = {}, children = []) {
  const node = document.createElement(tag);
  if (opts.class) node.className = opts.class;
  if (opts.text !== undefined) node.textContent = String(opts.text);
  if (opts.i18n) setText(node, opts.i18n[0], opts.i18n[1] || {});
  for (const [name, value] of Object.entries(opts.attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const [attr, spec] of Object.entries(opts.i18nAttrs || {})) {
    setAttr(node, attr, spec[0], spec[1] || {});
  }
  for (const [event, fn] of Object.entries(opts.on || {})) node.addEventListener(event, fn);
  for (const child of children) if (child) node.append(child);
  return node;
}

const SVG_NS = "http://www.w3.org/2000/svg";

/** An envelope icon drawn in SVG (closed or open); decorative, the state is also in text. */
export function envelopeIcon(open) {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("class", open ? "icon envelope envelope-open" : "icon envelope envelope-closed");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const path = document.createElementNS(SVG_NS, "path");
  path.setAttribute(
    "d",
    open
      ? "M3 10 L12 4 L21 10 V20 H3 Z M3 10 L12 15 L21 10"
      : "M3 6 H21 V18 H3 Z M3 6 L12 13 L21 6",
  );
  svg.append(path);
  return svg;
}

/** A paperclip icon for "Bijlage toevoegen". */
export function paperclipIcon() {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("class", "icon paperclip");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const path = document.createElementNS(SVG_NS, "path");
  path.setAttribute(
    "d",
    "M16 6 V16 A4 4 0 0 1 8 16 V5 A2.5 2.5 0 0 1 13 5 V15 A1 1 0 0 1 11 15 V7",
  );
  svg.append(path);
  return svg;
}

/** A size in bytes as people read it, in the current language ("1,5 MB" / "1.5 MB"). */
export function formatSize(bytes) {
  return (lang) => {
    const locale = lang === "nl" ? "nl-NL" : "en-GB";
    const units = ["B", "kB", "MB", "GB", "TB"];
    let value = bytes;
    let unit = 0;
    while (value >= 1000 && unit < units.length - 1) {
      value /= 1000;
      unit += 1;
    }
    const digits = unit === 0 || value >= 100 ? 0 : 1;
    return `${value.toLocaleString(locale, { maximumFractionDigits: digits })} ${units[unit]}`;
  };
}

/** A date and time in the reader's time zone, in the current language. */
export function formatDateTime(iso) {
  return (lang) => {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return String(iso);
    return date.toLocaleString(lang === "nl" ? "nl-NL" : "en-GB", {
      dateStyle: "long",
      timeStyle: "short",
    });
  };
}

/**
 * A date and time written out, "7 december 2026 om 14:23" / "7 December 2026 at 14:23", in
 * the reader's own time zone (the relay gives UTC): a deadline must be read as local time.
 */
export function formatLongDateTime(iso) {
  return (lang) => {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return String(iso);
    const format = new Intl.DateTimeFormat(lang === "nl" ? "nl-NL" : "en-GB", {
      day: "numeric",
      month: "long",
      year: "numeric",
      hour: "2-digit",
      minute: "2-digit",
    });
    return format.format(date);
  };
}

/** Replace the children of `node`. */
export function replaceChildren(node, ...children) {
  node.replaceChildren(...children.filter(Boolean));
  return node;
}
