"""Opening an authenticated IMAP session (`imapclient`) for an account.

    client = connect(settings, auth)       # SSL or STARTTLS with a verified certificate

`Security.STARTTLS` refuses to continue when the server does not offer it (no silent
downgrade). Passwords use LOGIN; OAuth2 uses SASL XOAUTH2 or OAUTHBEARER in two steps (the
token is sent after the server's continuation, never on the command line). A refused token is
refreshed once and tried again; a second refusal is `ReauthRequired`. Dovecot answers
`NO [UNAVAILABLE]` when it cannot check a token (the identity provider is down): that is
`TemporarilyUnavailable`, not a reason to ask the user to sign in.

Once connected, every function of the mail layer that talks to the server does so inside
`server_errors(client)` (or is decorated with `talks_to_server`): a connection that breaks
mid-command (`OSError`, `ssl.SSLError`, time-outs, imaplib's `abort`) leaves it as
`ConnectionLost`, a refusal (NO/BAD) as `ImapError`. Callers above the mail layer therefore
see typed, worded failures they can report and retry, and never need to catch network
exceptions themselves; mistakes of our own (a command in the wrong state, a capability
not checked) still surface as they are.
"""

from __future__ import annotations

import functools
import imaplib
import socket
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Concatenate

from imapclient import IMAPClient
from imapclient.exceptions import (
    CapabilityError,
    IllegalStateError,
    IMAPClientError,
    IMAPClientReadOnlyError,
    InvalidCriteriaError,
    LoginError,
)

from zivverdesk.mail.auth import (
    AuthenticationFailed,
    MailAuth,
    OAuthAuth,
    ReauthRequired,
    TemporarilyUnavailable,
    oauthbearer_initial_response,
    xoauth2_initial_response,
)
from zivverdesk.mail.errors import (
    CertificateError,
    ConnectionLost,
    ImapError,
    MailError,
    ServerUnreachable,
)
from zivverdesk.mail.settings import Security, ServerSettings, tls_context

# What a broken connection looks like from imapclient/imaplib: socket errors and imaplib's
# `abort` (EOF, "socket error"); callers reconnect on these.
CONNECTION_ERRORS: tuple[type[BaseException], ...] = (OSError, imaplib.IMAP4.abort, EOFError)

# imapclient's errors that mean our code asked the wrong thing (wrong state, an unchecked
# capability, a malformed search, writing to a folder opened read-only): bugs, not the
# server's doing, so they are not dressed up as a refusal.
_OWN_MISTAKES: tuple[type[BaseException], ...] = (
    IllegalStateError,
    CapabilityError,
    InvalidCriteriaError,
    IMAPClientReadOnlyError,
)


def server_label(client: IMAPClient) -> str:
    """ "host:port" of a session, as `ServerSettings.label` words it."""
    return f"{client.host}:{client.port}"


@contextmanager
def server_errors(client: IMAPClient) -> Iterator[None]:
    """Inside the block, a broken connection becomes `ConnectionLost` and a NO/BAD answer
    `ImapError`, each naming the server. Meant for blocks that talk to `client`: an
    `OSError` from anything else in the block (the store's sink writes to SQLite, whose
    errors are not `OSError`s) would be taken for a network failure."""
    try:
        yield
    except CONNECTION_ERRORS as error:
        raise ConnectionLost(server_label(client), _reason(error)) from error
    except _OWN_MISTAKES:
        raise
    except IMAPClientError as error:
        text = _server_text(str(error))
        raise ImapError(
            f"De mailserver {server_label(client)} weigert een opdracht ({text}). / "
            f"The mail server {server_label(client)} refuses a command ({text})."
        ) from error


def talks_to_server[**P, R](
    call: Callable[Concatenate[IMAPClient, P], R],
) -> Callable[Concatenate[IMAPClient, P], R]:
    """`server_errors` around a function whose first argument is the session."""

    @functools.wraps(call)
    def translated(client: IMAPClient, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with server_errors(client):
            return call(client, *args, **kwargs)

    return translated


def _reason(error: BaseException) -> str:
    """Why a connection broke, in a few words fit for the user and the log. imaplib's own
    texts may quote the half-read answer (a subject, an address: never into a message or
    the log), so only the socket's reason or the server's BYE is kept of them."""
    if isinstance(error, socket.timeout | TimeoutError):
        return "time-out"
    text = str(error).strip()
    if isinstance(error, imaplib.IMAP4.abort | EOFError):
        cause = text.rpartition("socket error: ")[2] if "socket error: " in text else text
        if not cause or cause.startswith(("EOF", "unterminated")):
            return "verbinding gesloten / connection closed"
        if "unexpected" in cause or "=>" in cause:
            return "onverwacht antwoord / unexpected answer"
    return text[:200] or type(error).__name__


def connect(settings: ServerSettings, auth: MailAuth) -> IMAPClient:
    client = _open(settings)
    try:
        login(client, settings, auth)
        with server_errors(client):
            if client.has_capability("CONDSTORE"):
                # Makes SELECT report HIGHESTMODSEQ, so a sync with nothing new is one command.
                client.enable("CONDSTORE")
    except BaseException:
        _shutdown(client)
        raise
    return client


def _open(settings: ServerSettings) -> IMAPClient:
    try:
        if settings.security is Security.SSL:
            return IMAPClient(
                settings.host,
                port=settings.port,
                ssl=True,
                ssl_context=tls_context(settings),
                timeout=settings.timeout,
            )
        client = IMAPClient(settings.host, port=settings.port, ssl=False, timeout=settings.timeout)
    except ssl.SSLCertVerificationError as error:
        raise CertificateError(settings.label, error.verify_message) from error
    except CONNECTION_ERRORS as error:
        raise ServerUnreachable(settings.label, str(error) or type(error).__name__) from error
    if settings.security is Security.STARTTLS:
        try:
            if not client.has_capability("STARTTLS"):
                raise MailError(
                    f"{settings.label} biedt geen STARTTLS aan; er wordt niet onversleuteld "
                    f"aangemeld. / {settings.label} does not offer STARTTLS; no unencrypted login."
                )
            client.starttls(tls_context(settings))
        except ssl.SSLCertVerificationError as error:
            _shutdown(client)
            raise CertificateError(settings.label, error.verify_message) from error
        except CONNECTION_ERRORS as error:
            _shutdown(client)
            raise ServerUnreachable(settings.label, str(error)) from error
        except MailError:
            _shutdown(client)
            raise
    return client


def login(client: IMAPClient, settings: ServerSettings, auth: MailAuth) -> None:
    if isinstance(auth, OAuthAuth):
        _oauth_login(client, settings, auth)
        return
    try:
        client.login(auth.username, auth.password.reveal())
    except LoginError as error:
        _raise_if_cut(settings, error)
        raise _login_error(settings, str(error)) from error
    except CONNECTION_ERRORS as error:
        raise ServerUnreachable(settings.label, str(error)) from error


class _OAuthExchange:
    """Client response for the first (empty) challenge; an empty line to end the exchange
    when the server reports a failure in a second challenge (XOAUTH2), or `\\x01`
    (OAUTHBEARER, RFC 7628)."""

    def __init__(self, response: bytes, mechanism: str) -> None:
        self._response: bytes | None = response
        self._abort = b"\x01" if mechanism == "OAUTHBEARER" else b""

    def __call__(self, challenge: bytes) -> bytes:
        response, self._response = self._response, None
        return response if response is not None else self._abort


def _oauth_login(client: IMAPClient, settings: ServerSettings, auth: OAuthAuth) -> None:
    mechanism = auth.mechanism.upper()
    build = oauthbearer_initial_response if mechanism == "OAUTHBEARER" else xoauth2_initial_response
    last = ""
    for attempt in range(2):
        token = auth.provider.access_token(force_refresh=attempt > 0)
        try:
            client.sasl_login(mechanism, _OAuthExchange(build(auth.username, token), mechanism))
            return
        except LoginError as error:
            _raise_if_cut(settings, error)
            last = str(error)
            if "[UNAVAILABLE]" in last.upper():
                raise _login_error(settings, last) from error
        except CONNECTION_ERRORS as error:
            raise ServerUnreachable(settings.label, str(error)) from error
    raise ReauthRequired(
        f"{settings.label} weigert de aanmelding ({_server_text(last)}); meld u opnieuw aan. / "
        f"{settings.label} refuses the sign-in; please sign in again."
    )


def _raise_if_cut(settings: ServerSettings, error: LoginError) -> None:
    """imapclient reports a connection that broke during the sign-in as a `LoginError`
    too (raised while handling imaplib's `abort`): that is no refused password, and must
    not stop the background sync as one would."""
    cause = error.__context__
    if isinstance(cause, CONNECTION_ERRORS):
        raise ConnectionLost(settings.label, _reason(cause)) from error


def _login_error(
    settings: ServerSettings, text: str
) -> AuthenticationFailed | TemporarilyUnavailable:
    if "[UNAVAILABLE]" in text.upper():
        return TemporarilyUnavailable(
            f"{settings.label} kan de aanmelding nu niet controleren; later opnieuw. / "
            f"{settings.label} cannot check the sign-in right now; retrying later."
        )
    return AuthenticationFailed(
        f"{settings.label} weigert gebruikersnaam of wachtwoord ({_server_text(text)}). / "
        f"{settings.label} refuses the user name or password."
    )


def _server_text(text: str) -> str:
    return text.strip()[:200]


def _shutdown(client: IMAPClient) -> None:
    try:
        client.shutdown()
    except (*CONNECTION_ERRORS, IMAPClientError):
        return  # already gone: nothing left to close


def disconnect(client: IMAPClient) -> None:
    """Log out politely; a connection that already broke is just closed."""
    try:
        client.logout()
    except (*CONNECTION_ERRORS, IMAPClientError):
        _shutdown(client)
