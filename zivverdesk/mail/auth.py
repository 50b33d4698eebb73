"""How the mail layer authenticates: the seam between IMAP/SMTP and sign-in methods.

The IMAP and SMTP code ask an `MailAuth` for what to send; a password account and an OAuth2
account (Microsoft 365, Google) are two implementations. Only `zivverdesk.mail.oauth` knows
MSAL; everything else depends on the `TokenProvider` protocol below.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Protocol

from zivverdesk.core.errors import ZivverdeskError
from zivverdesk.core.secret import Secret


class AuthenticationFailed(ZivverdeskError):
    """The server refused the credentials (wrong password, rejected token)."""

    code = "auth_failed"


class ReauthRequired(AuthenticationFailed):
    """The sign-in must be repeated by the user ("opnieuw aanmelden"): the refresh token was
    revoked or expired, or a fresh token was still refused. Queued mail waits meanwhile."""

    code = "reauth_required"


class TemporarilyUnavailable(ZivverdeskError):
    """The identity provider or the server's token check is down: retry later, with backoff,
    and do not ask the user to sign in."""

    code = "temporarily_unavailable"


class BasicAuthDisabled(AuthenticationFailed):
    """The server no longer accepts passwords (Microsoft 365: 550 5.7.30)."""

    code = "basic_auth_disabled"

    def __init__(self, server: str) -> None:
        super().__init__(
            f"{server} no longer accepts a password for this account. Switch the account to "
            "'Aanmelden met Microsoft' (zivverdesk account add --provider microsoft)."
        )


class TokenProvider(Protocol):
    """Hands out a fresh OAuth2 access token for one account."""

    def access_token(self, *, force_refresh: bool = False) -> Secret[str]:
        """A token valid for at least a few minutes. `force_refresh` after a server refused
        the previous one. Raises `ReauthRequired` or `TemporarilyUnavailable`."""
        ...


@dataclass(frozen=True, kw_only=True)
class PasswordAuth:
    username: str
    password: Secret[str]


@dataclass(frozen=True, kw_only=True)
class OAuthAuth:
    """`username` is the mailbox address sent as `user=`: for a shared mailbox it is the
    shared address while the token belongs to the signed-in user."""

    username: str
    provider: TokenProvider
    mechanism: str = "XOAUTH2"  # or "OAUTHBEARER" where the server offers it


MailAuth = PasswordAuth | OAuthAuth


def xoauth2_initial_response(username: str, token: Secret[str]) -> bytes:
    """The SASL XOAUTH2 client response (before base64), as Google and Microsoft define it."""
    return f"user={username}\x01auth=Bearer {token.reveal()}\x01\x01".encode()


def oauthbearer_initial_response(username: str, token: Secret[str]) -> bytes:
    """The SASL OAUTHBEARER (RFC 7628) client response (before base64)."""
    return f"n,a={username},\x01auth=Bearer {token.reveal()}\x01\x01".encode()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
