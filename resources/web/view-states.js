// Whole-page states that are not errors but answers: an incomplete link, an unknown link, a
// revoked or expired message, a link replaced by a newer one, an unknown starter address.

import { el, replaceChildren } from "./dom.js";

const STATES = {
  fragment: ["state.fragment.title", "state.fragment.text", true],
  unknown: ["state.unknown.title", "state.unknown.text", true],
  revoked: ["state.revoked.title", "state.revoked.text", false],
  expired: ["state.expired.title", "state.expired.text", true],
  gone: ["state.gone.title", "state.gone.text", false],
  unknownStarter: ["state.unknownStarter.title", "state.unknownStarter.text", false],
};

/** Fill `container` with the page for `state`; `before` (e.g. the sender card) goes above. */
export function renderStatePage(container, state, before = null) {
  const [title, text, askNew] = STATES[state];
  const card = el("section", { class: "card state-page", attrs: { "data-state": state } }, [
    // Below the sender card (which has the page's h1) the state is a section heading.
    el(before ? "h2" : "h1", { i18n: [title] }),
    el("p", { i18n: [text] }),
    askNew ? el("p", { i18n: ["state.askNew"] }) : null,
  ]);
  replaceChildren(container, before, card);
  document.body.dataset.state = state;
}
