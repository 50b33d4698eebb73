"""The identity providers an account can sign in with, and their settings.

Administrators set their own app registrations in the site configuration (`site.toml`):

    [oauth.microsoft]
    client_id = "…"            # the Entra ID app registration (public client)
    tenant = "contoso.nl"      # or a tenant id; default "organizations" (any work account)
    authority = "https://login.microsoftonline.com/contoso.nl"   # optional, overrides tenant
    imap_host = "outlook.office365.com"   # optional: the mail servers (other clouds, tests)
    imap_port = 993
    imap_security = "ssl"                 # "ssl" or "starttls"
    smtp_host = "smtp.office365.com"
    smtp_port = 587
    smtp_security = "starttls"

    [oauth.google]
    client_id = "…apps.googleusercontent.com"
    client_secret = "…"        # Google's "Desktop app" clients have one; it is not secret

Command-line options (`--tenant`, `--client-id`) override the site configuration.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from zivverdesk.core.errors import ZivverdeskError


class Provider(StrEnum):
    MICROSOFT = "microsoft"
    GOOGLE = "google"


MICROSOFT_LOGIN = "https://login.microsoftonline.com"
MICROSOFT_DEFAULT_TENANT = "organizations"
# One resource (Exchange Online), so one access token serves IMAP and SMTP. MSAL adds
# openid, profile and offline_access itself and refuses them in this list.
MICROSOFT_SCOPES = (
    "https://outlook.office.com/IMAP.AccessAsUser.All",
    "https://outlook.office.com/SMTP.Send",
)
GOOGLE_AUTHORIZATION_ENDPOINT = "https://accounts.google.com/o/oauth2/v2/auth"
GOOGLE_TOKEN_ENDPOINT = "https://oauth2.googleapis.com/token"  # noqa: S105 - a URL
GOOGLE_SCOPES = ("openid", "email", "https://mail.google.com/")


@dataclass(frozen=True)
class MailServer:
    host: str
    port: int
    security: str  # "ssl" or "starttls", as in zivverdesk.mail.settings.Security


# Where each provider's mailboxes are; the account setup pre-fills these.
PROVIDER_SERVERS: dict[Provider, tuple[MailServer, MailServer]] = {
    Provider.MICROSOFT: (
        MailServer("outlook.office365.com", 993, "ssl"),
        MailServer("smtp.office365.com", 587, "starttls"),
    ),
    Provider.GOOGLE: (
        MailServer("imap.gmail.com", 993, "ssl"),
        MailServer("smtp.gmail.com", 587, "starttls"),
    ),
}


def mail_servers(site: dict[str, Any], provider: Provider) -> tuple[MailServer, MailServer]:
    """The provider's IMAP and SMTP servers, as overridden in the site configuration."""
    imap, smtp = PROVIDER_SERVERS[provider]
    try:
        return (
            MailServer(
                str(site.get("imap_host", imap.host)),
                int(site.get("imap_port", imap.port)),
                _security(site.get("imap_security", imap.security)),
            ),
            MailServer(
                str(site.get("smtp_host", smtp.host)),
                int(site.get("smtp_port", smtp.port)),
                _security(site.get("smtp_security", smtp.security)),
            ),
        )
    except (TypeError, ValueError) as error:
        raise ZivverdeskError(
            f"Ongeldige mailserver in [oauth.{provider.value}] van site.toml: {error}. / Invalid "
            f"mail server in [oauth.{provider.value}] of site.toml: {error}."
        ) from error


def _security(value: object) -> str:
    if value not in ("ssl", "starttls"):
        raise ValueError(f"security must be 'ssl' or 'starttls', not {value!r}")
    return str(value)


class OAuthNotConfigured(ZivverdeskError):
    """No app registration (client id) is known for the provider."""

    code = "oauth_not_configured"


@dataclass(frozen=True, kw_only=True)
class MicrosoftSettings:
    client_id: str
    authority: str
    tenant: str
    scopes: tuple[str, ...] = MICROSOFT_SCOPES


@dataclass(frozen=True, kw_only=True)
class GoogleSettings:
    client_id: str
    client_secret: str = ""
    authorization_endpoint: str = GOOGLE_AUTHORIZATION_ENDPOINT
    token_endpoint: str = GOOGLE_TOKEN_ENDPOINT
    scopes: tuple[str, ...] = field(default=GOOGLE_SCOPES)


ProviderSettings = MicrosoftSettings | GoogleSettings


def parse_provider(name: str) -> Provider:
    try:
        return Provider(name.strip().lower())
    except ValueError:
        raise ZivverdeskError(
            f"Onbekende aanmeldmethode {name!r}: kies 'microsoft' of 'google'. / Unknown "
            f"sign-in provider {name!r}: choose 'microsoft' or 'google'.",
            code="usage",
        ) from None


def site_oauth_section(site_config_file: Path, provider: Provider) -> dict[str, Any]:
    """The `[oauth.<provider>]` table of the site configuration (empty when absent)."""
    if not site_config_file.exists():
        return {}
    try:
        with site_config_file.open("rb") as fh:
            doc = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ZivverdeskError(
            f"De beheerinstellingen {site_config_file} zijn onleesbaar: {error}. / The site "
            f"configuration {site_config_file} cannot be read: {error}."
        ) from error
    section = doc.get("oauth", {}).get(provider.value, {})
    return dict(section) if isinstance(section, dict) else {}


def microsoft_settings(
    site: dict[str, Any], *, tenant: str | None = None, client_id: str | None = None
) -> MicrosoftSettings:
    chosen_client = client_id or str(site.get("client_id", "")).strip()
    if not chosen_client:
        raise OAuthNotConfigured(
            "Er is geen app-registratie (client id) voor Microsoft 365 ingesteld. Vraag uw "
            "beheerder om [oauth.microsoft] client_id in site.toml, of geef --client-id op. / "
            "No Microsoft 365 app registration (client id) is configured: ask your "
            "administrator to set [oauth.microsoft] client_id in site.toml, or pass --client-id."
        )
    chosen_tenant = tenant or str(site.get("tenant", "")).strip() or MICROSOFT_DEFAULT_TENANT
    authority = str(site.get("authority", "")).strip().rstrip("/")
    if tenant or not authority:  # an explicit tenant always wins over a configured authority
        authority = f"{MICROSOFT_LOGIN}/{chosen_tenant}"
    if not authority.startswith("https://"):
        raise ZivverdeskError(
            f"De Microsoft-authority moet met https:// beginnen, niet {authority!r}. / The "
            f"Microsoft authority must start with https://, not {authority!r}."
        )
    return MicrosoftSettings(client_id=chosen_client, authority=authority, tenant=chosen_tenant)


def google_settings(site: dict[str, Any], *, client_id: str | None = None) -> GoogleSettings:
    chosen_client = client_id or str(site.get("client_id", "")).strip()
    if not chosen_client:
        raise OAuthNotConfigured(
            "Er is geen Google-client-id ingesteld. Vraag uw beheerder om [oauth.google] "
            "client_id in site.toml, of geef --client-id op. / No Google client id is "
            "configured: ask your administrator to set [oauth.google] client_id in site.toml, "
            "or pass --client-id."
        )
    return GoogleSettings(
        client_id=chosen_client,
        client_secret=str(site.get("client_secret", "")),
        authorization_endpoint=str(
            site.get("authorization_endpoint", GOOGLE_AUTHORIZATION_ENDPOINT)
        ),
        token_endpoint=str(site.get("token_endpoint", GOOGLE_TOKEN_ENDPOINT)),
    )
