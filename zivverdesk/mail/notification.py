"""The notification mail that tells a recipient a secure message waits ("Klik voor bericht").

It is sent by the desktop from the user's own address through the user's own SMTP server, so
the relay never sees the link and the mail comes from someone the recipient knows (S5). The
link carries the link secret in its fragment, which browsers never send to a server.

    link = notification_link(public_url, message_id, recipient_id, link_secret)
    message = build_notification(NotificationContent(..., link=link))

The mail is multipart/alternative: a text part that holds the full link as plain text (it
survives printing and conversion to PDF) and an HTML part with one large button. Neither part
loads anything remote: no images, no style sheets, no tracking pixels. Dutch first, English
second. Headers `X-Zivverdesk-Message` and `X-Zivverdesk-Notification: message` let software
recognise it without trusting its body.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage

from zivverdesk.core.model import VerificationMethod
from zivverdesk.crypto.encoding import b64url_encode
from zivverdesk.mail.errors import MailError

NOTIFICATION_HEADER = "X-Zivverdesk-Notification"
MESSAGE_HEADER = "X-Zivverdesk-Message"
CONVERSATION_HEADER = "X-Zivverdesk-Conversation"

_ID_RE = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True, kw_only=True)
class NotificationContent:
    sender_name: str
    sender_address: str
    organisation: str
    recipient_address: str
    recipient_name: str = ""
    message_id: str
    link: str
    method: VerificationMethod
    #: Whom the recipient contacts about the access code (name, phone, address), free text.
    contact: str
    #: The real subject; `None` keeps the generic "Beveiligd bericht van {organisatie}".
    subject: str | None = None
    #: For SMS: the last digits of the number the code goes to (e.g. "78"), never the whole.
    phone_hint: str | None = None


def notification_link(
    public_url: str, message_id: str, recipient_id: str, link_secret: bytes
) -> str:
    """`{public_url}/m/{message_id}/{recipient_id}#{L}` with L the 32-byte link secret in
    unpadded base64url (43 characters)."""
    if not (_ID_RE.match(message_id) and _ID_RE.match(recipient_id)):
        raise MailError("Ongeldige bericht- of ontvanger-id. / Invalid message or recipient id.")
    if len(link_secret) != 32:
        raise MailError("Het linkgeheim moet 32 bytes zijn. / The link secret must be 32 bytes.")
    if not public_url.startswith(("https://", "http://")):
        raise MailError(f"Ongeldig relay-adres / invalid relay address: {public_url!r}")
    return f"{public_url.rstrip('/')}/m/{message_id}/{recipient_id}#{b64url_encode(link_secret)}"


def notification_subject(content: NotificationContent) -> str:
    if content.subject:
        return content.subject
    return f"Beveiligd bericht van {content.organisation}"


def build_notification(content: NotificationContent) -> EmailMessage:
    """The complete notification mail, ready for `smtp_send.send_message`."""
    if not _ID_RE.match(content.message_id):
        raise MailError("Ongeldige bericht-id. / Invalid message id.")
    if f"/m/{content.message_id}/" not in content.link or "#" not in content.link:
        raise MailError("De link hoort niet bij dit bericht. / The link is not for this message.")
    message = EmailMessage()
    message["From"] = _address(content.sender_name, content.sender_address)
    message["To"] = _address(content.recipient_name, content.recipient_address)
    message["Subject"] = notification_subject(content)
    message[MESSAGE_HEADER] = content.message_id
    message[NOTIFICATION_HEADER] = "message"
    message.set_content(_text_body(content))
    message.add_alternative(_html_body(content), subtype="html")
    return message


def _address(name: str, address: str) -> Address:
    try:
        return Address(display_name=name, addr_spec=address)
    except (ValueError, IndexError, TypeError, HeaderParseError) as error:
        raise MailError(
            f"Ongeldig e-mailadres: {address!r}. / Invalid e-mail address: {address!r}."
        ) from error


def _sender_line(content: NotificationContent) -> tuple[str, str]:
    who = f"{content.sender_name} ({content.organisation})"
    return (
        f"{who} heeft u een beveiligd bericht gestuurd.",
        f"{who} has sent you a secure message.",
    )


def _method_lines(content: NotificationContent) -> tuple[str, str]:
    """How the recipient proves who they are, in Dutch and in English."""
    contact = content.contact
    if content.method is VerificationMethod.ACCESS_CODE:
        return (
            "U opent het bericht met de toegangscode die uw organisatie met "
            f"{content.organisation} heeft afgesproken. Weet u de toegangscode niet? "
            f"Neem contact op met {contact}.",
            "You open the message with the access code your organisation agreed with "
            f"{content.organisation}. Don't know the access code? Contact {contact}.",
        )
    if content.method is VerificationMethod.SMS:
        ending = f" dat eindigt op {content.phone_hint}" if content.phone_hint else ""
        ending_en = f" ending in {content.phone_hint}" if content.phone_hint else ""
        return (
            "Na het klikken vraagt u een verificatiecode aan; die krijgt u per sms op het "
            f"nummer{ending}. Vragen? Neem contact op met {contact}.",
            "After clicking, request a verification code; it is sent by text message to the "
            f"number{ending_en}. Questions? Contact {contact}.",
        )
    return (
        "Na het klikken vraagt u een verificatiecode aan; die krijgt u per e-mail op dit "
        f"adres. Vragen? Neem contact op met {contact}.",
        "After clicking, request a verification code; it is sent by e-mail to this address. "
        f"Questions? Contact {contact}.",
    )


def _text_body(content: NotificationContent) -> str:
    nl_sender, en_sender = _sender_line(content)
    nl_method, en_method = _method_lines(content)
    # The link stands alone on its own line so that it survives wrapping, copying and PDF.
    return (
        f"{nl_sender}\n\n"
        "Klik voor bericht, of kopieer deze link in uw browser:\n\n"
        f"{content.link}\n\n"
        f"{nl_method}\n\n"
        "Deze link is persoonlijk; stuur deze e-mail niet door.\n\n"
        "-- English --\n\n"
        f"{en_sender}\n\n"
        "Click for message, or copy this link into your browser:\n\n"
        f"{content.link}\n\n"
        f"{en_method}\n\n"
        "This link is personal; please do not forward this e-mail.\n"
    )


_BUTTON_STYLE = (
    "display:inline-block;padding:16px 32px;background-color:#0b5394;color:#ffffff;"
    "font-size:20px;font-weight:bold;text-decoration:none;border-radius:6px;"
    "font-family:Arial,Helvetica,sans-serif"
)
_TEXT_STYLE = "font-family:Arial,Helvetica,sans-serif;font-size:15px;color:#222222"


def _html_body(content: NotificationContent) -> str:
    e = html.escape
    nl_sender, en_sender = _sender_line(content)
    nl_method, en_method = _method_lines(content)
    link = e(content.link, quote=True)
    return f"""<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><title>{e(notification_subject(content))}</title>
</head><body style="{_TEXT_STYLE}">
<p>{e(nl_sender)}</p>
<p style="margin:28px 0"><a href="{link}" style="{_BUTTON_STYLE}">Klik voor bericht</a></p>
<p>{e(nl_method)}</p>
<p>Werkt de knop niet? Kopieer deze link in uw browser:<br>
<span style="font-family:monospace;word-break:break-all">{e(content.link)}</span></p>
<p>Deze link is persoonlijk; stuur deze e-mail niet door.</p>
<hr>
<div lang="en">
<p>{e(en_sender)}</p>
<p><a href="{link}">Click for message</a></p>
<p>{e(en_method)}</p>
<p>This link is personal; please do not forward this e-mail.</p>
</div>
</body></html>
"""
