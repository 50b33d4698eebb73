"""Sending mail over the user's own SMTP server (`smtplib`).

    with open_smtp(settings, auth) as smtp:
        result = deliver(smtp, message)      # one connection, many messages
    send_message(settings, auth, message)    # or one call per message

Before sending, `finalise_headers` gives the message a Message-ID (on the sender's domain,
never this machine's host name) and a Date if it has none; the caller keeps the Message-ID
for idempotent resends. Failures are typed (see `zivverdesk.mail.errors`): a 4xx is a
`TemporaryFailure` (retry later), a refused recipient is `RecipientRefused`, no connection is
`ServerUnreachable`.

Authentication follows `zivverdesk.mail.auth`: a password uses AUTH PLAIN/LOGIN (whatever the
server offers, after TLS); OAuth2 uses the two-step XOAUTH2/OAUTHBEARER exchange (`AUTH
XOAUTH2` → `334` → the token on a line of its own), because a token on the AUTH line is
longer than Postfix (2048) and Dovecot submission (1026) accept. A refused token is refreshed
once and tried again before the user is asked to sign in again.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, getaddresses, make_msgid, parseaddr

from zivverdesk.mail.auth import (
    AuthenticationFailed,
    BasicAuthDisabled,
    MailAuth,
    OAuthAuth,
    PasswordAuth,
    ReauthRequired,
    TemporarilyUnavailable,
    oauthbearer_initial_response,
    xoauth2_initial_response,
)
from zivverdesk.mail.errors import (
    CertificateError,
    MailError,
    MessageRejected,
    RecipientRefused,
    ServerUnreachable,
    TemporaryFailure,
)
from zivverdesk.mail.settings import Security, ServerSettings, tls_context

# The name we greet with: a neutral literal so no workstation name leaks into Received headers.
_EHLO_NAME = "zivverdesk.invalid"


@dataclass(frozen=True)
class SendResult:
    message_id: str
    #: Recipients refused while others were accepted (address → (code, reply)).
    refused: dict[str, tuple[int, str]] = field(default_factory=dict)


def finalise_headers(message: EmailMessage) -> str:
    """Add Message-ID and Date when missing; return the Message-ID."""
    if message["Date"] is None:
        message["Date"] = formatdate(localtime=True)
    if message["Message-ID"] is None:
        _, sender = parseaddr(str(message["From"] or ""))
        domain = sender.rpartition("@")[2] or "zivverdesk.invalid"
        message["Message-ID"] = make_msgid(domain=domain)
    return str(message["Message-ID"])


@contextmanager
def open_smtp(settings: ServerSettings, auth: MailAuth | None) -> Iterator[smtplib.SMTP]:
    """A connected, encrypted (unless `Security.NONE`) and authenticated SMTP session."""
    smtp = _connect(settings)
    try:
        try:
            if settings.security is Security.STARTTLS:
                smtp.ehlo()
                if not smtp.has_extn("starttls"):
                    raise MailError(
                        f"{settings.label} biedt geen STARTTLS aan; er wordt niet onversleuteld "
                        f"verzonden. / {settings.label} does not offer STARTTLS; mail is never "
                        "sent unencrypted."
                    )
                smtp.starttls(context=tls_context(settings))
            smtp.ehlo()
            if auth is not None:
                _authenticate(smtp, settings, auth)
        except ssl.SSLCertVerificationError as error:
            raise CertificateError(settings.label, error.verify_message) from error
        except (OSError, smtplib.SMTPServerDisconnected) as error:
            raise ServerUnreachable(settings.label, _reason(error)) from error
        yield smtp
    finally:
        _close(smtp)


def deliver(smtp: smtplib.SMTP, message: EmailMessage, server_label: str = "") -> SendResult:
    """Send one message over an open session. Envelope recipients are To, Cc and Bcc; Bcc is
    not transmitted in the headers (smtplib strips it)."""
    label = server_label or "de mailserver"
    message_id = finalise_headers(message)
    _, sender = parseaddr(str(message["From"] or ""))
    recipients = [
        addr
        for _, addr in getaddresses(
            [str(v) for key in ("To", "Cc", "Bcc") for v in message.get_all(key, [])]
        )
        if addr
    ]
    if not sender or not recipients:
        raise MailError("Het bericht heeft geen afzender of ontvanger. / No sender or recipient.")
    try:
        refused = smtp.send_message(message, from_addr=sender, to_addrs=recipients)
    except smtplib.SMTPRecipientsRefused as error:
        all_refused = {
            addr: (code, _text(reply)) for addr, (code, reply) in error.recipients.items()
        }
        if all(code < 500 for code, _ in all_refused.values()):
            code, text = next(iter(all_refused.values()))
            raise TemporaryFailure(label, code, text) from error
        raise RecipientRefused(all_refused) from error
    except smtplib.SMTPResponseException as error:  # sender refused, data error, other
        raise _response_error(label, error.smtp_code, _text(error.smtp_error)) from error
    except (OSError, smtplib.SMTPServerDisconnected) as error:
        raise ServerUnreachable(label, _reason(error)) from error
    return SendResult(
        message_id=message_id,
        refused={addr: (code, _text(reply)) for addr, (code, reply) in refused.items()},
    )


def send_message(
    settings: ServerSettings, auth: MailAuth | None, message: EmailMessage
) -> SendResult:
    """Connect, authenticate, send one message, disconnect."""
    with open_smtp(settings, auth) as smtp:
        return deliver(smtp, message, settings.label)


def _connect(settings: ServerSettings) -> smtplib.SMTP:
    try:
        if settings.security is Security.SSL:
            return smtplib.SMTP_SSL(
                settings.host,
                settings.port,
                local_hostname=_EHLO_NAME,
                timeout=settings.timeout,
                context=tls_context(settings),
            )
        return smtplib.SMTP(
            settings.host, settings.port, local_hostname=_EHLO_NAME, timeout=settings.timeout
        )
    except smtplib.SMTPConnectError as error:  # the greeting was not 220
        if 400 <= error.smtp_code < 500:
            raise TemporaryFailure(
                settings.label, error.smtp_code, _text(error.smtp_error)
            ) from error
        raise ServerUnreachable(settings.label, _text(error.smtp_error)) from error
    except ssl.SSLCertVerificationError as error:
        raise CertificateError(settings.label, error.verify_message) from error
    except OSError as error:  # smtplib's own exceptions are OSErrors too
        raise ServerUnreachable(settings.label, _reason(error)) from error


def _close(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        # The server already went away; the socket is closed below either way.
        smtp.close()


def _authenticate(smtp: smtplib.SMTP, settings: ServerSettings, auth: MailAuth) -> None:
    if isinstance(auth, PasswordAuth):
        _password_login(smtp, settings, auth)
    else:
        _oauth_login(smtp, settings, auth)


def _password_login(smtp: smtplib.SMTP, settings: ServerSettings, auth: PasswordAuth) -> None:
    try:
        smtp.login(auth.username, auth.password.reveal())
    except smtplib.SMTPAuthenticationError as error:
        text = _text(error.smtp_error)
        if "5.7.30" in text or "5.7.139" in text:  # Microsoft 365: basic auth switched off
            raise BasicAuthDisabled(settings.label) from error
        if 400 <= error.smtp_code < 500:
            raise TemporarilyUnavailable(
                f"{settings.label} kan de aanmelding nu niet controleren ({error.smtp_code}); "
                f"later opnieuw. / {settings.label} cannot check the sign-in now; retrying later."
            ) from error
        raise AuthenticationFailed(
            f"{settings.label} weigert gebruikersnaam of wachtwoord ({error.smtp_code} {text}). "
            f"/ {settings.label} refuses the user name or password."
        ) from error
    except smtplib.SMTPNotSupportedError as error:
        raise MailError(
            f"{settings.label} biedt geen aanmelding aan. / {settings.label} offers no AUTH."
        ) from error


class _TwoStepOAuth:
    """The SASL exchange for smtplib: the token goes on the line after the first `334`; if the
    server answers with another `334` (an error report in JSON), the client ends the exchange
    with an empty response (XOAUTH2) or `\\x01` (OAUTHBEARER, RFC 7628 §3.2.3)."""

    def __init__(self, response: bytes, mechanism: str) -> None:
        self._response: str | None = response.decode("ascii")
        self._abort = "\x01" if mechanism == "OAUTHBEARER" else ""

    def __call__(self, challenge: bytes | None = None) -> str:
        response, self._response = self._response, None
        return response if response is not None else self._abort


def _oauth_login(smtp: smtplib.SMTP, settings: ServerSettings, auth: OAuthAuth) -> None:
    mechanism = auth.mechanism.upper()
    build = oauthbearer_initial_response if mechanism == "OAUTHBEARER" else xoauth2_initial_response
    for attempt in range(2):
        token = auth.provider.access_token(force_refresh=attempt > 0)
        exchange = _TwoStepOAuth(build(auth.username, token), mechanism)
        try:
            # initial_response_ok=False: never put the token on the AUTH line itself.
            smtp.auth(mechanism, exchange, initial_response_ok=False)
            return
        except smtplib.SMTPAuthenticationError as error:
            if 400 <= error.smtp_code < 500:
                raise TemporarilyUnavailable(
                    f"{settings.label} kan de aanmelding nu niet controleren "
                    f"({error.smtp_code}); later opnieuw. / {settings.label} cannot check the "
                    "sign-in now; retrying later."
                ) from error
            last_code, last_text = error.smtp_code, _text(error.smtp_error)
            if "smtpclientauthentication is disabled" in last_text.lower():
                # Exchange Online: SMTP AUTH is off for the mailbox or tenant. A new sign-in
                # cannot fix that; the administrator must enable it (docs/ADMIN.md).
                raise AuthenticationFailed(
                    f"{settings.label} staat verzenden met aanmelding (SMTP AUTH) niet toe voor "
                    "dit postvak; vraag uw beheerder dit aan te zetten. / SMTP AUTH is disabled "
                    f"for this mailbox at {settings.label}; ask your administrator to enable it."
                ) from error
    raise ReauthRequired(
        f"{settings.label} weigert de aanmelding ({last_code} {last_text}); meld u opnieuw aan. "
        f"/ {settings.label} refuses the sign-in; please sign in again."
    )


def _response_error(label: str, code: int, text: str) -> MailError:
    if 400 <= code < 500:
        return TemporaryFailure(label, code, text)
    return MessageRejected(label, code, text)


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply


def _reason(error: BaseException) -> str:
    if isinstance(error, socket.timeout | TimeoutError):
        return "time-out"
    if isinstance(error, ConnectionRefusedError):
        return "verbinding geweigerd / connection refused"
    return str(error) or type(error).__name__
