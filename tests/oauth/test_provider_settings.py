"""Which app registration and authority an account signs in with, and what the identity
provider's error answers mean for the user."""

from __future__ import annotations

from pathlib import Path

import pytest

from zivverdesk.core.errors import ZivverdeskError
from zivverdesk.mail.auth import ReauthRequired, TemporarilyUnavailable
from zivverdesk.mail.oauth import OAuthNotConfigured, Provider, SignInFailed
from zivverdesk.mail.oauth.errors import error_from_token_response
from zivverdesk.mail.oauth.providers import (
    MICROSOFT_SCOPES,
    google_settings,
    mail_servers,
    microsoft_settings,
    parse_provider,
    site_oauth_section,
)


def _site(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "site.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_microsoft_defaults_to_organizations_with_outlook_scopes() -> None:
    settings = microsoft_settings({"client_id": "app-1"})
    assert settings.authority == "https://login.microsoftonline.com/organizations"
    assert settings.scopes == MICROSOFT_SCOPES
    assert set(MICROSOFT_SCOPES) == {
        "https://outlook.office.com/IMAP.AccessAsUser.All",
        "https://outlook.office.com/SMTP.Send",
    }


def test_site_config_sets_tenant_and_client_and_the_command_line_wins(tmp_path: Path) -> None:
    site = site_oauth_section(
        _site(tmp_path, '[oauth.microsoft]\nclient_id = "site-app"\ntenant = "praktijk.nl"\n'),
        Provider.MICROSOFT,
    )
    assert microsoft_settings(site).authority == "https://login.microsoftonline.com/praktijk.nl"
    assert microsoft_settings(site).client_id == "site-app"
    chosen = microsoft_settings(site, tenant="other.nl", client_id="cli-app")
    assert (chosen.client_id, chosen.tenant) == ("cli-app", "other.nl")
    assert chosen.authority.endswith("/other.nl")


def test_a_configured_authority_is_used_as_given() -> None:
    settings = microsoft_settings(
        {"client_id": "a", "authority": "https://login.microsoftonline.us/gov.example/"}
    )
    assert settings.authority == "https://login.microsoftonline.us/gov.example"
    with pytest.raises(ZivverdeskError, match="https://"):
        microsoft_settings({"client_id": "a", "authority": "http://plain.example/x"})


def test_no_client_id_is_a_clear_error(tmp_path: Path) -> None:
    empty = site_oauth_section(tmp_path / "missing.toml", Provider.MICROSOFT)
    assert empty == {}
    with pytest.raises(OAuthNotConfigured, match=r"\[oauth\.microsoft\] client_id"):
        microsoft_settings(empty)
    with pytest.raises(OAuthNotConfigured, match=r"\[oauth\.google\] client_id"):
        google_settings({})


def test_google_settings_from_the_site_config(tmp_path: Path) -> None:
    site = site_oauth_section(
        _site(tmp_path, '[oauth.google]\nclient_id = "g.apps"\nclient_secret = "s"\n'),
        Provider.GOOGLE,
    )
    settings = google_settings(site)
    assert settings.client_id == "g.apps" and settings.client_secret == "s"
    assert settings.token_endpoint == "https://oauth2.googleapis.com/token"
    assert "https://mail.google.com/" in settings.scopes


def test_broken_site_config_and_unknown_provider(tmp_path: Path) -> None:
    with pytest.raises(ZivverdeskError, match="site configuration"):
        site_oauth_section(_site(tmp_path, "[oauth.microsoft\n"), Provider.MICROSOFT)
    assert parse_provider(" Microsoft ") is Provider.MICROSOFT
    with pytest.raises(ZivverdeskError, match="'microsoft' of 'google'"):
        parse_provider("yahoo")


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        ("invalid_grant", ReauthRequired),
        ("interaction_required", ReauthRequired),
        ("consent_required", ReauthRequired),
        ("temporarily_unavailable", TemporarilyUnavailable),
        ("server_error", TemporarilyUnavailable),
        ("invalid_client", SignInFailed),
    ],
)
def test_token_errors_map_to_what_the_user_must_do(error: str, expected: type[Exception]) -> None:
    answer = {"error": error, "error_description": "AADSTS700082: expired.\r\nTrace ID: 1"}
    mapped = error_from_token_response(answer, email="a@example.test", provider_name="MS")
    assert type(mapped) is expected
    assert "Trace ID" not in str(mapped)
    if expected is ReauthRequired:
        assert "opnieuw aanmelden" in str(mapped) and "sign in again" in str(mapped)


def test_during_sign_in_a_refusal_is_a_sign_in_failure() -> None:
    mapped = error_from_token_response(
        {"error": "access_denied"}, email="a@example.test", provider_name="MS", signing_in=True
    )
    assert isinstance(mapped, SignInFailed)


def test_mail_servers_default_per_provider_and_can_be_overridden() -> None:
    imap, smtp = mail_servers({}, Provider.MICROSOFT)
    assert (imap.host, imap.port, imap.security) == ("outlook.office365.com", 993, "ssl")
    assert (smtp.host, smtp.port, smtp.security) == ("smtp.office365.com", 587, "starttls")
    imap, smtp = mail_servers(
        {"imap_host": "127.0.0.1", "imap_port": 1143, "imap_security": "starttls"},
        Provider.GOOGLE,
    )
    assert (imap.host, imap.port, imap.security) == ("127.0.0.1", 1143, "starttls")
    assert smtp.host == "smtp.gmail.com"
    with pytest.raises(ZivverdeskError, match="security"):
        mail_servers({"smtp_security": "none"}, Provider.MICROSOFT)
