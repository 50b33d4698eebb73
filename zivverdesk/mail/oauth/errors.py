"""What an identity provider's answer means for the user: sign in again, or wait.

OAuth2 error codes (RFC 6749 §5.2, OpenID Connect, Entra ID) are mapped to the mail seam's
errors: a dead refresh token means "opnieuw aanmelden" (`ReauthRequired`); a provider that
cannot be reached or answers 5xx means "later opnieuw" (`TemporarilyUnavailable`), and the
user is not asked to sign in for that.
"""

from __future__ import annotations

from typing import Any

from zivverdesk.core.errors import ZivverdeskError
from zivverdesk.mail.auth import AuthenticationFailed, ReauthRequired, TemporarilyUnavailable

# The grant is gone for good: only a new interactive sign-in helps.
_REAUTH_ERRORS = frozenset(
    {
        "invalid_grant",
        "interaction_required",
        "login_required",
        "consent_required",
        "expired_token",
        "access_denied",
        "no_account",
    }
)
# The provider has trouble of its own: try again later.
_TEMPORARY_ERRORS = frozenset({"temporarily_unavailable", "server_error", "slow_down"})


class SignInFailed(AuthenticationFailed):
    """The interactive sign-in did not complete (declined, timed out, wrong account)."""

    code = "sign_in_failed"


def reauth_required(email: str, reason: str = "") -> ReauthRequired:
    detail = f" ({reason})" if reason else ""
    return ReauthRequired(
        f"De aanmelding voor {email} is verlopen of ingetrokken{detail}: opnieuw aanmelden is "
        f"nodig. Berichten in het Postvak UIT wachten tot dan. / The sign-in for {email} has "
        f"expired or was revoked{detail}: please sign in again. Messages in the Outbox wait "
        "until then."
    )


def provider_unreachable(provider_name: str, reason: str) -> TemporarilyUnavailable:
    return TemporarilyUnavailable(
        f"{provider_name} is nu niet bereikbaar ({reason}); zivverdesk probeert het later "
        f"opnieuw. / {provider_name} cannot be reached now ({reason}); zivverdesk retries later."
    )


def error_from_token_response(
    result: dict[str, Any], *, email: str, provider_name: str, signing_in: bool = False
) -> ZivverdeskError:
    """The error for a token endpoint answer that carries no access token. `signing_in`:
    the user is at the sign-in right now, so a refusal is reported as such, not as a request
    to sign in again."""
    code = str(result.get("error") or "unknown_error")
    # Keep only the first line: Entra's descriptions carry trace and correlation ids.
    description = str(result.get("error_description") or "").splitlines()[0:1]
    reason = f"{code}: {description[0]}" if description else code
    if code in _TEMPORARY_ERRORS:
        return provider_unreachable(provider_name, reason)
    if code in _REAUTH_ERRORS and not signing_in:
        return reauth_required(email, reason)
    return SignInFailed(
        f"{provider_name} weigert de aanmelding voor {email} ({reason}). / {provider_name} "
        f"refuses the sign-in for {email} ({reason})."
    )
