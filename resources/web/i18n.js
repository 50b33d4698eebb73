// Words on the recipient page and the conversation starter: Dutch (the default) and English.
// Elements remember which string they show, so switching language re-translates the page in
// place without losing what the person typed.

const STRINGS = {
  nl: {
    "page.title": "Beveiligd bericht",
    "page.titleStarter": "Gesprek starten",
    "lang.switch": "English",
    "lang.switchLabel": "Switch to English",
    "noscript": "Voor deze beveiligde pagina is JavaScript nodig.",
    "browser.old":
      "Uw browser is te oud voor deze beveiligde pagina. Gebruik een recente versie van Edge, Chrome, Firefox of Safari.",
    "loading": "Bezig met laden…",

    "landing.heading": "Beveiligd bericht van {organisation}",
    "landing.from": "Afzender",
    "landing.check": "Herkent u de afzender? Open het bericht dan hieronder.",
    "office.contact": "Vragen? Neem contact op met {office}: {contact}.",
    "availability.until": "Beschikbaar tot {date}",
    "availability.soon.days": "Bewaar op tijd wat u nodig hebt: dit bericht is nog {n} dagen beschikbaar.",
    "availability.soon.oneDay": "Bewaar op tijd wat u nodig hebt: dit bericht is nog 1 dag beschikbaar.",
    "availability.soon.hours": "Bewaar op tijd wat u nodig hebt: dit bericht is nog {n} uur beschikbaar.",
    "availability.soon.oneHour": "Bewaar op tijd wat u nodig hebt: dit bericht is nog 1 uur beschikbaar.",
    "availability.soon.lessThanHour":
      "Bewaar op tijd wat u nodig hebt: dit bericht is nog minder dan een uur beschikbaar.",

    "state.fragment.title": "Deze link is niet compleet",
    "state.fragment.text":
      "Het laatste deel van de link ontbreekt of is beschadigd. Dat gebeurt soms als een e-mail is omgezet naar PDF of als de link over twee regels is afgebroken.",
    "state.askNew": "Vraag de afzender om u een nieuwe melding te sturen.",
    "state.unknown.title": "Deze link werkt niet",
    "state.unknown.text":
      "Wij kennen dit bericht niet. Misschien is de link niet goed overgenomen, of is er al een nieuwe melding verstuurd.",
    "state.revoked.title": "Dit bericht is ingetrokken door de afzender",
    "state.revoked.text": "De afzender heeft dit bericht ingetrokken. U kunt het niet meer openen.",
    "state.gone.title": "Deze link is vervangen",
    "state.gone.text":
      "De afzender heeft u een nieuwe melding met een nieuwe link gestuurd. Gebruik de link uit de nieuwste e-mail.",
    "state.expired.title": "Dit bericht is verlopen",
    "state.expired.text": "Berichten zijn een beperkte tijd te openen. Die tijd is voorbij.",
    "state.unknownStarter.title": "Deze pagina bestaat niet",
    "state.unknownStarter.text":
      "Wij kennen deze organisatie niet. Controleer het adres op de website van de organisatie.",

    "remember.label": "Dit apparaat onthouden",
    "remember.hint":
      "Volgende berichten van {office} openen op dit apparaat {days} dagen lang zonder code. Kies dit alleen op uw eigen apparaat.",
    "remember.opening": "Bezig met openen op dit onthouden apparaat…",
    "remember.codeMismatch":
      "De onthouden toegangscode past niet bij dit bericht. Vul de toegangscode voor dit bericht in.",
    "remember.deviceUnknown": "Dit apparaat wordt niet meer onthouden. Vraag een verificatiecode aan.",
    "remember.failed": "Openen zonder code lukte niet. Open het bericht met een code.",
    "remember.couldNot": "Dit apparaat kon niet worden onthouden. De volgende keer vragen we weer om een code.",
    "remember.heading": "Dit apparaat",
    "remember.until": "Dit apparaat wordt onthouden tot {date}.",
    "remember.forget": "Dit apparaat vergeten",
    "remember.forgotten": "Dit apparaat is vergeten. De volgende keer vragen we weer om een code.",
    "remember.forgetFailed": "Vergeten is niet gelukt. Probeer het opnieuw.",
    "verify.code.label": "Toegangscode",
    "verify.code.hint":
      "Deze code heeft u van de afzender gekregen, bijvoorbeeld de code die met uw organisatie is afgesproken.",
    "verify.open": "Openen",
    "verify.busy": "Bezig met openen…",
    "verify.code.empty": "Vul de toegangscode in.",
    "verify.code.wrong": "Onjuiste toegangscode. Nog {n} pogingen.",
    "verify.code.wrongOne": "Onjuiste toegangscode. Nog 1 poging.",
    "verify.locked": "Te veel onjuiste pogingen. U kunt het opnieuw proberen vanaf {time}.",
    "verify.forgot": "Toegangscode vergeten?",
    "verify.forgot.sent":
      "De afzender weet nu dat u de toegangscode niet meer heeft. Neem contact op met {office}: {contact}.",
    "verify.sms.intro": "We sturen een verificatiecode naar uw mobiele nummer {phone}.",
    "verify.email.intro": "We sturen een verificatiecode naar uw e-mailadres {email}.",
    "verify.send": "Stuur code",
    "verify.sendAgain": "Stuur nieuwe code",
    "verify.sent": "De code is verstuurd. Hij is 10 minuten geldig.",
    "verify.resendIn": "Over {s} seconden kunt u een nieuwe code aanvragen.",
    "verify.otp.label": "Verificatiecode",
    "verify.otp.hint": "6 cijfers",
    "verify.otp.invalid": "Vul de 6 cijfers van de verificatiecode in.",
    "verify.otp.wrong": "Onjuiste verificatiecode. Nog {n} pogingen.",
    "verify.otp.wrongOne": "Onjuiste verificatiecode. Nog 1 poging.",
    "verify.otp.wrongPlain": "Onjuiste verificatiecode. Controleer de code en probeer het opnieuw.",
    "verify.gatewayFailed":
      "Het versturen van de code is niet gelukt. Probeer het later opnieuw of neem contact op met {office}: {contact}.",
    "verify.damaged":
      "Het bericht kon niet worden geopend met deze link. De link is waarschijnlijk beschadigd.",

    "thread.heading": "Gesprek",
    "thread.from": "Van",
    "thread.to": "Aan",
    "thread.date": "Datum",
    "thread.you": "U",
    "thread.yourReply": "Uw antwoord",
    "thread.opened": "Geopend",
    "thread.notOpened": "Niet geopend",
    "thread.openedByOther": "Geopend door {name}",
    "thread.notOpenedByOther": "Nog niet geopend door {name}",
    "thread.attachments": "Bijlagen",
    "thread.download": "Downloaden",
    "thread.downloadLabel": "{name} downloaden",
    "thread.downloadAll": "Alles downloaden",
    "thread.downloading": "Bezig met downloaden… {pct}%",
    "thread.downloaded": "Gedownload",
    "thread.downloadFailed": "Downloaden is niet gelukt. Probeer het opnieuw.",
    "thread.cantOpen": "Dit deel van het gesprek kan niet worden geopend: de gegevens zijn beschadigd.",
    "thread.earlier": "Een eerder bericht in dit gesprek. U opent het met de link uit de melding die u daarvoor kreeg.",
    "thread.noSubject": "(geen onderwerp)",

    "reply.button": "Beantwoorden",
    "reply.label": "Uw antwoord",
    "reply.attach": "Bijlage toevoegen",
    "reply.remove": "Verwijderen",
    "reply.removeLabel": "{name} verwijderen",
    "reply.send": "Verzenden",
    "reply.cancel": "Annuleren",
    "reply.empty": "Schrijf een antwoord of voeg een bijlage toe.",
    "reply.progress": "Bezig met versleutelen en versturen… {pct}%",
    "reply.sent": "Uw antwoord is veilig verstuurd.",
    "reply.cancelled": "Versturen is afgebroken. Uw antwoord is niet verstuurd.",
    "reply.failed": "Versturen is niet gelukt. Probeer het opnieuw.",
    "reply.tooLarge": "De bijlagen zijn samen te groot om te versturen.",

    "starter.heading": "Gesprek starten",
    "starter.intro":
      "Stuur {office} een beveiligd bericht. Alleen de medewerkers van {office} kunnen het lezen.",
    "starter.name": "Uw naam",
    "starter.email": "Uw e-mailadres",
    "starter.emailHint": "We sturen een verificatiecode naar dit adres.",
    "starter.subject": "Onderwerp",
    "starter.body": "Bericht",
    "starter.missing": "Vul uw naam, e-mailadres, onderwerp en bericht in.",
    "starter.badEmail": "Dit e-mailadres klopt niet. Controleer het en probeer het opnieuw.",
    "starter.codeSent": "We hebben een verificatiecode gestuurd naar {email}. Hij is 10 minuten geldig.",
    "starter.sent":
      "Uw bericht is veilig verstuurd naar {office}. Als zij antwoorden, krijgt u een e-mail met een link naar het beveiligde antwoord.",
    "starter.followUp": "Uw link om het gesprek te volgen",
    "starter.followUpHint":
      "Met deze link leest u het antwoord van {office}. U krijgt hem ook per e-mail. Hij wordt hier maar één keer getoond.",
    "starter.copy": "Link kopiëren",
    "starter.copied": "De link is gekopieerd.",
    "starter.copyFailed": "Kopiëren lukte niet. De link is geselecteerd: kopieer hem met Ctrl+C.",
    "starter.another": "Nog een bericht sturen",

    "error.network":
      "Er is geen verbinding met de server. Controleer uw internetverbinding en probeer het opnieuw.",
    "error.rateLimited": "Te veel verzoeken. Wacht even en probeer het opnieuw.",
    "error.generic": "Er ging iets mis. Probeer het opnieuw.",
    "error.session": "Uw sessie is verlopen. Laad de pagina opnieuw en open het bericht opnieuw.",
    "plain": "{v}",
  },
  en: {
    "page.title": "Secure message",
    "page.titleStarter": "Start a conversation",
    "lang.switch": "Nederlands",
    "lang.switchLabel": "Schakel naar Nederlands",
    "noscript": "This secure page needs JavaScript.",
    "browser.old":
      "Your browser is too old for this secure page. Please use a recent version of Edge, Chrome, Firefox or Safari.",
    "loading": "Loading…",

    "landing.heading": "Secure message from {organisation}",
    "landing.from": "Sender",
    "landing.check": "Do you recognise the sender? Then open the message below.",
    "office.contact": "Questions? Contact {office}: {contact}.",
    "availability.until": "Available until {date}",
    "availability.soon.days": "Save what you need in time: this message is available for {n} more days.",
    "availability.soon.oneDay": "Save what you need in time: this message is available for 1 more day.",
    "availability.soon.hours": "Save what you need in time: this message is available for {n} more hours.",
    "availability.soon.oneHour": "Save what you need in time: this message is available for 1 more hour.",
    "availability.soon.lessThanHour":
      "Save what you need in time: this message is available for less than an hour.",

    "state.fragment.title": "This link is incomplete",
    "state.fragment.text":
      "The last part of the link is missing or damaged. This sometimes happens when an e-mail is converted to PDF or when the link was split over two lines.",
    "state.askNew": "Please ask the sender to send you a new notification.",
    "state.unknown.title": "This link does not work",
    "state.unknown.text":
      "We do not know this message. The link may not have been copied correctly, or a new notification has been sent since.",
    "state.revoked.title": "The sender has revoked this message",
    "state.revoked.text": "The sender has revoked this message. It can no longer be opened.",
    "state.gone.title": "This link has been replaced",
    "state.gone.text":
      "The sender has sent you a new notification with a new link. Please use the link in the newest e-mail.",
    "state.expired.title": "This message has expired",
    "state.expired.text": "Messages can be opened for a limited time. That time has passed.",
    "state.unknownStarter.title": "This page does not exist",
    "state.unknownStarter.text":
      "We do not know this organisation. Please check the address on the organisation's website.",

    "remember.label": "Remember this device",
    "remember.hint":
      "Next messages from {office} open on this device for {days} days without a code. Only choose this on your own device.",
    "remember.opening": "Opening on this remembered device…",
    "remember.codeMismatch": "The remembered access code does not fit this message. Enter the access code for this message.",
    "remember.deviceUnknown": "This device is no longer remembered. Request a verification code.",
    "remember.failed": "Opening without a code did not work. Open the message with a code.",
    "remember.couldNot": "This device could not be remembered. Next time you will be asked for a code again.",
    "remember.heading": "This device",
    "remember.until": "This device is remembered until {date}.",
    "remember.forget": "Forget this device",
    "remember.forgotten": "This device has been forgotten. Next time you will be asked for a code again.",
    "remember.forgetFailed": "Forgetting did not work. Please try again.",
    "verify.code.label": "Access code",
    "verify.code.hint":
      "You received this code from the sender, for example the code agreed with your organisation.",
    "verify.open": "Open",
    "verify.busy": "Opening…",
    "verify.code.empty": "Please enter the access code.",
    "verify.code.wrong": "Wrong access code. {n} tries left.",
    "verify.code.wrongOne": "Wrong access code. 1 try left.",
    "verify.locked": "Too many wrong attempts. You can try again from {time}.",
    "verify.forgot": "Forgot the access code?",
    "verify.forgot.sent":
      "The sender now knows that you no longer have the access code. Please contact {office}: {contact}.",
    "verify.sms.intro": "We will send a verification code to your mobile number {phone}.",
    "verify.email.intro": "We will send a verification code to your e-mail address {email}.",
    "verify.send": "Send code",
    "verify.sendAgain": "Send a new code",
    "verify.sent": "The code has been sent. It is valid for 10 minutes.",
    "verify.resendIn": "You can ask for a new code in {s} seconds.",
    "verify.otp.label": "Verification code",
    "verify.otp.hint": "6 digits",
    "verify.otp.invalid": "Please enter the 6 digits of the verification code.",
    "verify.otp.wrong": "Wrong verification code. {n} tries left.",
    "verify.otp.wrongOne": "Wrong verification code. 1 try left.",
    "verify.otp.wrongPlain": "Wrong verification code. Check the code and try again.",
    "verify.gatewayFailed":
      "Sending the code failed. Please try again later or contact {office}: {contact}.",
    "verify.damaged": "The message could not be opened with this link. The link is probably damaged.",

    "thread.heading": "Conversation",
    "thread.from": "From",
    "thread.to": "To",
    "thread.date": "Date",
    "thread.you": "You",
    "thread.yourReply": "Your reply",
    "thread.opened": "Opened",
    "thread.notOpened": "Not opened",
    "thread.openedByOther": "Opened by {name}",
    "thread.notOpenedByOther": "Not yet opened by {name}",
    "thread.attachments": "Attachments",
    "thread.download": "Download",
    "thread.downloadLabel": "Download {name}",
    "thread.downloadAll": "Download all",
    "thread.downloading": "Downloading… {pct}%",
    "thread.downloaded": "Downloaded",
    "thread.downloadFailed": "The download failed. Please try again.",
    "thread.cantOpen": "This part of the conversation cannot be opened: the data is damaged.",
    "thread.earlier": "An earlier message in this conversation. You open it with the link from the notification you received for it.",
    "thread.noSubject": "(no subject)",

    "reply.button": "Reply",
    "reply.label": "Your reply",
    "reply.attach": "Add attachment",
    "reply.remove": "Remove",
    "reply.removeLabel": "Remove {name}",
    "reply.send": "Send",
    "reply.cancel": "Cancel",
    "reply.empty": "Write a reply or add an attachment.",
    "reply.progress": "Encrypting and sending… {pct}%",
    "reply.sent": "Your reply has been sent securely.",
    "reply.cancelled": "Sending was cancelled. Your reply has not been sent.",
    "reply.failed": "Sending failed. Please try again.",
    "reply.tooLarge": "The attachments are too large to send together.",

    "starter.heading": "Start a conversation",
    "starter.intro": "Send {office} a secure message. Only the staff of {office} can read it.",
    "starter.name": "Your name",
    "starter.email": "Your e-mail address",
    "starter.emailHint": "We will send a verification code to this address.",
    "starter.subject": "Subject",
    "starter.body": "Message",
    "starter.missing": "Please fill in your name, e-mail address, subject and message.",
    "starter.badEmail": "This e-mail address is not valid. Please check it and try again.",
    "starter.codeSent": "We have sent a verification code to {email}. It is valid for 10 minutes.",
    "starter.sent":
      "Your message has been sent securely to {office}. When they answer, you will receive an e-mail with a link to the secure reply.",
    "starter.followUp": "Your link to follow the conversation",
    "starter.followUpHint":
      "With this link you read the answer from {office}. You also receive it by e-mail. It is shown here only once.",
    "starter.copy": "Copy link",
    "starter.copied": "The link has been copied.",
    "starter.copyFailed": "Copying did not work. The link is selected: copy it with Ctrl+C.",
    "starter.another": "Send another message",

    "error.network": "There is no connection to the server. Check your internet connection and try again.",
    "error.rateLimited": "Too many requests. Please wait a moment and try again.",
    "error.generic": "Something went wrong. Please try again.",
    "error.session": "Your session has expired. Reload the page and open the message again.",
    "plain": "{v}",
  },
};

export const LANGUAGES = Object.freeze(Object.keys(STRINGS));
const STORAGE_KEY = "zivverdesk.lang";

// el -> {text: [key, params] | null, attrs: Map(attr -> [key, params])}
const bound = new WeakMap();
const listeners = new Set();
let current = pickInitialLanguage();

function pickInitialLanguage() {
  let stored = null;
  try {
    stored = window.localStorage.getItem(STORAGE_KEY);
  } catch {
    // Storage can be disabled (private mode, policies); the browser language decides then.
    stored = null;
  }
  if (stored && STRINGS[stored]) return stored;
  for (const tag of navigator.languages || [navigator.language || ""]) {
    const base = String(tag).toLowerCase().split("-")[0];
    if (base === "nl") return "nl";
    if (base === "en") return "en";
  }
  return "nl";
}

export function language() {
  return current;
}

/** Translate `key` with `{name}` placeholders; a parameter may be a function of the language. */
export function t(key, params = {}) {
  const table = STRINGS[current];
  let text = table[key] ?? STRINGS.nl[key];
  if (text === undefined) throw new Error(`missing string ${key}`);
  return text.replace(/\{(\w+)\}/g, (whole, name) => {
    if (!(name in params)) return whole;
    const value = params[name];
    return String(typeof value === "function" ? value(current) : value);
  });
}

/** Show translated text in `el` (as text, never as HTML) and keep it translated. */
export function setText(el, key, params = {}) {
  const entry = bound.get(el) || { text: null, attrs: new Map() };
  entry.text = [key, params];
  bound.set(el, entry);
  el.dataset.i18n = key;
  el.textContent = t(key, params);
  return el;
}

/** Empty `el` and forget its text binding, so a language switch does not bring it back. */
export function clearText(el) {
  const entry = bound.get(el);
  if (entry) entry.text = null;
  delete el.dataset.i18n;
  el.replaceChildren();
  return el;
}

/** Set a translated attribute (aria-label, title, placeholder) and keep it translated. */
export function setAttr(el, attr, key, params = {}) {
  const entry = bound.get(el) || { text: null, attrs: new Map() };
  entry.attrs.set(attr, [key, params]);
  bound.set(el, entry);
  el.dataset.i18nAttr = "1";
  el.setAttribute(attr, t(key, params));
  return el;
}

function retranslate(root) {
  for (const el of root.querySelectorAll("[data-i18n], [data-i18n-attr]")) {
    const entry = bound.get(el);
    if (!entry) {
      // Static markup in the HTML file: the key is in the attribute, there are no parameters.
      if (el.dataset.i18n) el.textContent = t(el.dataset.i18n);
      continue;
    }
    if (entry.text) el.textContent = t(entry.text[0], entry.text[1]);
    for (const [attr, [key, params]] of entry.attrs) el.setAttribute(attr, t(key, params));
  }
}

export function setLanguage(lang) {
  if (!STRINGS[lang]) return;
  current = lang;
  try {
    window.localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Not being able to remember the choice is harmless: the page is translated anyway.
  }
  document.documentElement.lang = lang;
  retranslate(document);
  for (const fn of listeners) fn(lang);
}

export function onLanguageChange(fn) {
  listeners.add(fn);
}

/** Wire the visible language switch and translate the static markup of the page. */
export function initLanguage(switchButton) {
  document.documentElement.lang = current;
  retranslate(document);
  if (switchButton) {
    const refresh = () => {
      setText(switchButton, "lang.switch");
      setAttr(switchButton, "aria-label", "lang.switchLabel");
      switchButton.lang = current === "nl" ? "en" : "nl";
    };
    refresh();
    onLanguageChange(refresh);
    switchButton.addEventListener("click", () => setLanguage(current === "nl" ? "en" : "nl"));
  }
}

/** The raw tables, for the test that checks both languages have the same keys and fields. */
export const TABLES = STRINGS;
