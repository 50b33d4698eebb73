"""Signing an account in with Microsoft 365 or Google, and getting its token provider later.

    info = sign_in("secretariaat@praktijk.nl", "microsoft")      # opens the browser
    auth = oauth_auth("secretariaat@praktijk.nl")                # OAuthAuth for IMAP/SMTP
    reauth("secretariaat@praktijk.nl")                           # after "opnieuw aanmelden"

What is needed to sign in again (provider, client id, tenant or endpoints, the signed-in
user) is kept per account in `<data>/oauth/<id>.json`; none of it is secret. The tokens are
in `<data>/oauth/<id>.tokens`, encrypted (see `token_cache`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zivverdesk.config import ProfilePaths, profile_paths
from zivverdesk.core.errors import ZivverdeskError
from zivverdesk.mail.auth import OAuthAuth, TokenProvider
from zivverdesk.mail.oauth.google_provider import GoogleTokenProvider
from zivverdesk.mail.oauth.msal_provider import MicrosoftTokenProvider
from zivverdesk.mail.oauth.providers import (
    GoogleSettings,
    MailServer,
    MicrosoftSettings,
    Provider,
    google_settings,
    mail_servers,
    microsoft_settings,
    parse_provider,
    site_oauth_section,
)
from zivverdesk.mail.oauth.token_cache import open_secure_file

RECORD_VERSION = 1


class UnknownOAuthAccount(ZivverdeskError):
    code = "unknown_account"


@dataclass(frozen=True, kw_only=True)
class OAuthAccountInfo:
    """What the account setup needs after a successful sign-in."""

    email: str  # the mailbox: `user=` in XOAUTH2 (a shared mailbox's own address)
    provider: Provider
    sign_in_user: str  # whose token it is (differs from `email` for a shared mailbox)
    settings: MicrosoftSettings | GoogleSettings
    imap: MailServer
    smtp: MailServer
    ca_file: Path | None = None

    def auth(self, provider: TokenProvider, mechanism: str = "XOAUTH2") -> OAuthAuth:
        return OAuthAuth(username=self.email, provider=provider, mechanism=mechanism)


def _stdout(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def sign_in(
    email: str,
    provider: str | Provider,
    *,
    tenant: str | None = None,
    client_id: str | None = None,
    device_code: bool = False,
    sign_in_as: str | None = None,
    paths: ProfilePaths | None = None,
    ca_file: Path | None = None,
    show: Callable[[str], None] = _stdout,
    timeout: float | None = 300,
) -> OAuthAccountInfo:
    """Sign `email` in interactively and remember how. `sign_in_as` is the user who signs in
    when `email` is a shared mailbox. `device_code` uses the device-code flow instead of the
    browser (Microsoft only); `show` then receives the instructions for the user."""
    paths = paths or profile_paths()
    kind = parse_provider(provider) if isinstance(provider, str) else provider
    site = site_oauth_section(paths.site_config_file, kind)
    settings: MicrosoftSettings | GoogleSettings
    if kind is Provider.MICROSOFT:
        settings = microsoft_settings(site, tenant=tenant, client_id=client_id)
    else:
        if device_code:
            raise ZivverdeskError(
                "Aanmelden met een apparaatcode kan alleen bij Microsoft 365. / Device-code "
                "sign-in is only available for Microsoft 365.",
                code="usage",
            )
        settings = google_settings(site, client_id=client_id)
    imap, smtp = mail_servers(site, kind)
    info = OAuthAccountInfo(
        email=email.strip(),
        provider=kind,
        sign_in_user=(sign_in_as or email).strip(),
        settings=settings,
        imap=imap,
        smtp=smtp,
        ca_file=ca_file,
    )
    _run_sign_in(info, paths, device_code=device_code, show=show, timeout=timeout)
    _write_record(paths, info)
    return info


def reauth(
    email: str,
    *,
    device_code: bool = False,
    paths: ProfilePaths | None = None,
    show: Callable[[str], None] = _stdout,
    timeout: float | None = 300,
) -> OAuthAccountInfo:
    """Repeat the interactive sign-in of an account whose sign-in expired or was revoked."""
    paths = paths or profile_paths()
    info = load_account(email, paths=paths)
    _run_sign_in(info, paths, device_code=device_code, show=show, timeout=timeout)
    return info


def token_provider(email: str, *, paths: ProfilePaths | None = None) -> TokenProvider:
    """The token provider of a signed-in account, for `OAuthAuth`."""
    paths = paths or profile_paths()
    return _provider_for(load_account(email, paths=paths), paths)


def oauth_auth(
    email: str, *, paths: ProfilePaths | None = None, mechanism: str = "XOAUTH2"
) -> OAuthAuth:
    paths = paths or profile_paths()
    info = load_account(email, paths=paths)
    return info.auth(_provider_for(info, paths), mechanism)


def sign_out(email: str, *, paths: ProfilePaths | None = None) -> None:
    """Forget an account's sign-in: its tokens and its record."""
    paths = paths or profile_paths()
    info = load_account(email, paths=paths)
    provider = _provider_for(info, paths)
    provider.sign_out()
    _token_file(paths, info.email).unlink(missing_ok=True)
    _record_file(paths, info.email).unlink(missing_ok=True)


def load_account(email: str, *, paths: ProfilePaths) -> OAuthAccountInfo:
    record = _record_file(paths, email)
    try:
        raw = json.loads(record.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UnknownOAuthAccount(
            f"Voor {email} is geen aanmelding met Microsoft of Google bekend; voeg het account "
            f"toe met --provider. / No Microsoft or Google sign-in is known for {email}; add "
            "the account with --provider."
        ) from None
    except (OSError, ValueError) as error:
        raise ZivverdeskError(
            f"De aanmeldgegevens in {record} zijn onleesbaar: {error}. / The sign-in record "
            f"{record} cannot be read: {error}."
        ) from error
    return _info_from_record(raw)


# --- internals -------------------------------------------------------------------------


def _run_sign_in(
    info: OAuthAccountInfo,
    paths: ProfilePaths,
    *,
    device_code: bool,
    show: Callable[[str], None],
    timeout: float | None,
) -> None:
    provider = _provider_for(info, paths)
    if isinstance(provider, MicrosoftTokenProvider):
        if device_code:
            provider.sign_in_device_code(show)
        else:
            provider.sign_in_interactive(timeout=timeout)
    else:
        provider.sign_in_interactive(timeout=timeout)


def _provider_for(
    info: OAuthAccountInfo, paths: ProfilePaths
) -> MicrosoftTokenProvider | GoogleTokenProvider:
    cache = open_secure_file(
        _token_file(paths, info.email),
        profile_dir=paths.data_dir,
        purpose=f"oauth-tokens:{info.provider.value}:{info.email.lower()}",
    )
    if isinstance(info.settings, MicrosoftSettings):
        return MicrosoftTokenProvider(
            info.settings, cache_file=cache, sign_in_user=info.sign_in_user, ca_file=info.ca_file
        )
    return GoogleTokenProvider(
        info.settings, cache_file=cache, sign_in_user=info.sign_in_user, ca_file=info.ca_file
    )


def _account_id(email: str) -> str:
    # A stable file name that needs no escaping and does not show the address in listings.
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:24]


def _record_file(paths: ProfilePaths, email: str) -> Path:
    return paths.data_dir / "oauth" / f"{_account_id(email)}.json"


def _token_file(paths: ProfilePaths, email: str) -> Path:
    return paths.data_dir / "oauth" / f"{_account_id(email)}.tokens"


def _write_record(paths: ProfilePaths, info: OAuthAccountInfo) -> None:
    record = {
        "version": RECORD_VERSION,
        "email": info.email,
        "provider": info.provider.value,
        "sign_in_user": info.sign_in_user,
        "settings": {
            k: list(v) if isinstance(v, tuple) else v
            for k, v in dataclasses.asdict(info.settings).items()
        },
        "imap": dataclasses.asdict(info.imap),
        "smtp": dataclasses.asdict(info.smtp),
        "ca_file": str(info.ca_file) if info.ca_file else None,
    }
    target = _record_file(paths, info.email)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(json.dumps(record, indent=2, sort_keys=True), encoding="utf-8")
    tmp.replace(target)


def _info_from_record(raw: Any) -> OAuthAccountInfo:
    try:
        if raw["version"] != RECORD_VERSION:
            raise ValueError(f"unknown record version {raw['version']}")
        kind = Provider(raw["provider"])
        fields = dict(raw["settings"])
        if "scopes" in fields:
            fields["scopes"] = tuple(fields["scopes"])
        settings: MicrosoftSettings | GoogleSettings = (
            MicrosoftSettings(**fields) if kind is Provider.MICROSOFT else GoogleSettings(**fields)
        )
        return OAuthAccountInfo(
            email=str(raw["email"]),
            provider=kind,
            sign_in_user=str(raw["sign_in_user"]),
            settings=settings,
            imap=MailServer(**raw["imap"]),
            smtp=MailServer(**raw["smtp"]),
            ca_file=Path(raw["ca_file"]) if raw.get("ca_file") else None,
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ZivverdeskError(
            f"De aanmeldgegevens zijn ongeldig ({error}); voeg het account opnieuw toe. / The "
            f"sign-in record is invalid ({error}); add the account again."
        ) from error
