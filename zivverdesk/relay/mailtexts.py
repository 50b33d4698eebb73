"""The texts of the mails the relay sends itself: Dutch first, English second, plain text and
HTML, no content of any message, no tracking, no remote images."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class MailText:
    subject: str
    text: str
    html: str


def _html(paragraphs: list[str], link: tuple[str, str] | None = None) -> str:
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    if link is not None:
        href, label = link
        body += f'<p><a href="{escape(href, quote=True)}">{escape(label)}</a></p>'
    head = '<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"></head>'
    return f"{head}<body>{body}</body></html>"


def verification_code(code: str, office: str, minutes: int) -> MailText:
    nl = [
        f"Uw verificatiecode voor het beveiligde bericht van {office} is: {code}",
        f"De code is {minutes} minuten geldig en werkt één keer.",
        "Heeft u deze code niet aangevraagd? Dan kunt u deze e-mail negeren.",
    ]
    en = [
        f"Your verification code for the secure message from {office} is: {code}",
        f"The code is valid for {minutes} minutes and works once.",
        "Did you not ask for this code? Then you can ignore this e-mail.",
    ]
    return MailText(
        subject=f"Verificatiecode / Verification code: {code}",
        text="\n".join(nl) + "\n\n---\n\n" + "\n".join(en) + "\n",
        html=_html([*nl, "—", *en]),
    )


def reply_notification(
    *, who: str, conversation_id: str, desktop_link: str, relay_url: str, office: str
) -> MailText:
    nl = [
        f"{who} heeft geantwoord in een beveiligd gesprek van {office}.",
        "Open Zivverdesk om het antwoord te lezen. De inhoud staat niet in deze e-mail.",
        f"Gesprek: {conversation_id}",
        f"Relay: {relay_url}",
    ]
    en = [
        f"{who} replied in a secure conversation of {office}.",
        "Open Zivverdesk to read the reply. The content is not in this e-mail.",
        f"Conversation: {conversation_id}",
    ]
    return MailText(
        subject="Nieuw beveiligd antwoord / New secure reply",
        text="\n".join(nl) + f"\n{desktop_link}\n\n---\n\n" + "\n".join(en) + "\n",
        html=_html([*nl, "—", *en], (desktop_link, "Openen in Zivverdesk / Open in Zivverdesk")),
    )


def starter_confirmation(*, office: str) -> MailText:
    nl = [
        f"Uw beveiligde bericht is afgeleverd bij {office}.",
        "U krijgt een nieuwe e-mail met de knop 'Klik voor bericht' zodra er een antwoord is.",
        "Deze e-mail bevat geen inhoud van uw bericht.",
    ]
    en = [
        f"Your secure message was delivered to {office}.",
        "You will get a new e-mail with the button 'Klik voor bericht' when there is an answer.",
        "This e-mail holds none of the content of your message.",
    ]
    return MailText(
        subject=f"Bericht afgeleverd / Message delivered: {office}",
        text="\n".join(nl) + "\n\n---\n\n" + "\n".join(en) + "\n",
        html=_html([*nl, "—", *en]),
    )
