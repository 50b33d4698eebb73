"""Sending one notification mail for one recipient, over the user's own SMTP account.

The Message-ID is derived from the message and recipient ids, so a retried step hands the
server the same message (and the recipient's mail program can fold a rare duplicate). A
permanent refusal (5xx) is recorded as `notification_refused` for that recipient — the send
goes on for the others and the envelope shows "niet afgeleverd"; a temporary failure raises
so the outbox keeps the job waiting.
"""

from __future__ import annotations

from zivverdesk.core.model import EventKind, VerificationMethod
from zivverdesk.core.secret import Secret
from zivverdesk.crypto.keyschedule import recipient_link
from zivverdesk.mail.errors import MessageRejected, RecipientRefused
from zivverdesk.mail.notification import NotificationContent, build_notification
from zivverdesk.mail.smtp_send import send_message
from zivverdesk.services.profile import Profile
from zivverdesk.store.addressbook import mail_domain


def notification_event_key(recipient_id: str, kind: str) -> str:
    """The timeline key of a notification outcome: the same whether we record it locally
    or the relay's feed reports it, so it appears once."""
    return f"notification:{recipient_id}:{kind}"


def public_url(profile: Profile) -> str:
    enrollment = profile.enrollment()
    return str(enrollment.office.get("public_url") or enrollment.relay_url).rstrip("/")


def send_notification(
    profile: Profile,
    *,
    message_id: str,
    recipient_id: str,
    address: str,
    name: str,
    method: VerificationMethod,
    phone: str | None,
    link_secret: Secret[bytes],
    subject: str,
    account_id: str,
) -> bool:
    """Send; returns False when the server refused the recipient for good (recorded)."""
    account = profile.store.accounts.get(account_id)
    enrollment = profile.enrollment()
    office = enrollment.office
    organisation = account.organisation or str(office.get("name") or "") or account.email
    contact = (
        " / ".join(str(office[k]) for k in ("contact_email", "contact_phone") if office.get(k))
        or f"{account.display_name or account.email} ({account.email})"
    )
    real_subject = bool(profile.settings.get("notification_real_subject"))
    content = NotificationContent(
        sender_name=account.display_name or enrollment.name or account.email,
        sender_address=account.email,
        organisation=organisation,
        recipient_address=address,
        recipient_name=name,
        message_id=message_id,
        link=recipient_link(public_url(profile), message_id, recipient_id, link_secret),
        method=method,
        contact=contact,
        subject=subject if real_subject else None,
        phone_hint=phone[-2:] if phone else None,
    )
    mail = build_notification(content)
    mail["Message-ID"] = f"<{message_id}.{recipient_id}@{mail_domain(account.email)}>"
    servers = profile.mail_servers(account)
    try:
        result = send_message(servers.smtp, profile.mail_auth(account), mail)
    except (RecipientRefused, MessageRejected) as exc:
        _record(profile, message_id, recipient_id, EventKind.NOTIFICATION_REFUSED, str(exc))
        return False
    if result.refused:
        detail = "; ".join(f"{code} {text}" for code, text in result.refused.values())
        _record(profile, message_id, recipient_id, EventKind.NOTIFICATION_REFUSED, detail)
        return False
    _record(profile, message_id, recipient_id, EventKind.NOTIFICATION_ACCEPTED, "")
    return True


def _record(
    profile: Profile, message_id: str, recipient_id: str, kind: EventKind, detail: str
) -> None:
    profile.store.secure.record_event(
        message_id=message_id,
        recipient_id=recipient_id,
        kind=kind.value,
        detail=detail,
        event_key=notification_event_key(recipient_id, kind.value),
    )
