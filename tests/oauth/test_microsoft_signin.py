"""Signing in with Microsoft 365 through MSAL's real code, against the local issuer, and
using the tokens for IMAP and SMTP on a Dovecot and Postfix that validate them."""

from __future__ import annotations

import base64
import re
import threading
import urllib.parse

import pytest

from tests.oauth.helpers import (
    imap_settings,
    notification_mail,
    smtp_settings,
    wait_for,
    wait_for_delivery,
)
from tests.plugins.oauth import CLIENT_ID, OAuthStack, StandInBrowser
from zivverdesk.config import ProfilePaths
from zivverdesk.mail.auth import OAuthAuth
from zivverdesk.mail.imap_connect import connect, disconnect
from zivverdesk.mail.memory_sink import MemorySink
from zivverdesk.mail.oauth import (
    Provider,
    SignInFailed,
    UnknownOAuthAccount,
    load_account,
    oauth_auth,
    sign_in,
    token_provider,
)
from zivverdesk.mail.smtp_send import send_message
from zivverdesk.mail.sync import sync_folder

pytestmark = pytest.mark.integration

OUTLOOK_SCOPES = {
    "https://outlook.office.com/IMAP.AccessAsUser.All",
    "https://outlook.office.com/SMTP.Send",
}


def test_sign_in_then_sync_and_send_a_notification(
    oauth_stack: OAuthStack, oauth_profile: ProfilePaths, stand_in_browser: StandInBrowser
) -> None:
    alice, bob = oauth_stack.email("alice"), oauth_stack.email("bob")
    mark = len(oauth_stack.requests_seen())

    info = sign_in(alice, "microsoft", paths=oauth_profile, ca_file=oauth_stack.ca_file, timeout=30)

    assert info.provider is Provider.MICROSOFT
    assert info.sign_in_user == alice
    assert info.smtp.host == "smtp.office365.com"
    assert len(stand_in_browser.opened) == 1
    seen = oauth_stack.requests_seen()[mark:]
    authorize = next(e for e in seen if e["path"].endswith("/oauth2/v2.0/authorize"))["query"]
    assert authorize["client_id"] == CLIENT_ID
    oidc = {"openid", "profile", "offline_access"}  # MSAL adds these itself
    assert set(authorize["scope"].split()) == OUTLOOK_SCOPES | oidc
    assert authorize["code_challenge_method"] == "S256"
    assert authorize["response_mode"] == "form_post"
    assert authorize["login_hint"] == alice
    assert urllib.parse.urlsplit(authorize["redirect_uri"]).hostname == "localhost"
    token_call = next(e for e in seen if e["path"].endswith("/oauth2/v2.0/token"))["form"]
    assert token_call["grant_type"] == "authorization_code"
    assert "client_secret" not in token_call  # a public client

    # Sync: an IMAP session authenticated with XOAUTH2 through the mail layer.
    auth = oauth_auth(alice, paths=oauth_profile)
    client = connect(imap_settings(oauth_stack), auth)
    try:
        first = sync_folder(client, "INBOX", MemorySink())
        assert first.full
    finally:
        disconnect(client)

    # Send: the notification goes out over SMTP XOAUTH2 (two-step) and arrives.
    message, message_id = notification_mail(alice, bob)
    send_message(smtp_settings(oauth_stack), auth, message)
    bob_auth = oauth_auth_for(oauth_stack, oauth_profile, stand_in_browser, "bob")
    wait_for_delivery(oauth_stack, bob_auth, message_id)
    client = connect(imap_settings(oauth_stack), bob_auth)
    try:
        assert sync_folder(client, "INBOX", MemorySink()).added >= 1
    finally:
        disconnect(client)
    assert len(stand_in_browser.opened) == 2  # alice and bob signed in once each, no more


def oauth_auth_for(
    stack: OAuthStack, profile: ProfilePaths, browser: StandInBrowser, user: str
) -> OAuthAuth:
    sign_in(stack.email(user), "microsoft", paths=profile, ca_file=stack.ca_file, timeout=30)
    return oauth_auth(stack.email(user), paths=profile)


def test_token_cache_survives_a_restart_and_is_not_plain_text(
    oauth_stack: OAuthStack, oauth_profile: ProfilePaths, stand_in_browser: StandInBrowser
) -> None:
    carol = oauth_stack.email("carol")
    sign_in(carol, "microsoft", paths=oauth_profile, ca_file=oauth_stack.ca_file, timeout=30)
    first = token_provider(carol, paths=oauth_profile).access_token()

    # A restart: new objects, read from disk; the cached token is used without any sign-in
    # and without a call to the token endpoint.
    mark = len(oauth_stack.requests_seen())
    again = token_provider(carol, paths=oauth_profile).access_token()
    assert again == first
    assert oauth_stack.token_grants_since(mark) == []
    assert len(stand_in_browser.opened) == 1
    client = connect(imap_settings(oauth_stack), oauth_auth(carol, paths=oauth_profile))
    disconnect(client)

    # On disk: the encrypted cache holds neither token nor address in readable form.
    files = sorted((oauth_profile.data_dir / "oauth").iterdir())
    cache = next(f for f in files if f.suffix == ".tokens")
    blob = cache.read_bytes()
    assert blob.startswith(b"ZVTC\x01")
    token = first.reveal()
    for secret_part in (token, token.split(".")[1], "rt-", "AccessToken", "RefreshToken", carol):
        assert secret_part.encode() not in blob
    assert cache.stat().st_mode & 0o077 == 0
    record = next(f for f in files if f.suffix == ".json").read_text()
    assert token not in record and "rt-" not in record
    assert load_account(carol, paths=oauth_profile).sign_in_user == carol


def test_device_code_flow_is_the_explicit_fallback(
    oauth_stack: OAuthStack, oauth_profile: ProfilePaths, stand_in_browser: StandInBrowser
) -> None:
    dave = oauth_stack.email("dave")
    shown: list[str] = []

    def show(text: str) -> None:
        # The user reads the code and types it on another device: here, the issuer's
        # test control approves it a moment later.
        shown.append(text)
        code = re.search(r"code ([0-9A-F]{8})", text)
        assert code, text
        threading.Timer(0.3, oauth_stack.approve_device, (code.group(1), dave)).start()

    sign_in(
        dave,
        "microsoft",
        device_code=True,
        show=show,
        paths=oauth_profile,
        ca_file=oauth_stack.ca_file,
    )
    assert shown and stand_in_browser.opened == []  # no browser in the device-code flow
    client = connect(imap_settings(oauth_stack), oauth_auth(dave, paths=oauth_profile))
    disconnect(client)


def test_signing_in_with_another_account_is_refused(
    oauth_stack: OAuthStack, oauth_profile: ProfilePaths, stand_in_browser: StandInBrowser
) -> None:
    alice = oauth_stack.email("alice")
    stand_in_browser.login_as = oauth_stack.email("bob")  # the user picks bob's account
    with pytest.raises(SignInFailed, match=r"aangemeld als bob@example\.test"):
        sign_in(alice, "microsoft", paths=oauth_profile, ca_file=oauth_stack.ca_file, timeout=30)
    with pytest.raises(UnknownOAuthAccount):
        load_account(alice, paths=oauth_profile)  # nothing half-done is remembered


def test_declined_consent_is_a_sign_in_failure(
    oauth_stack: OAuthStack, oauth_profile: ProfilePaths, stand_in_browser: StandInBrowser
) -> None:
    stand_in_browser.login_as = "stranger@example.test"  # the issuer answers access_denied
    with pytest.raises(SignInFailed, match="access_denied"):
        sign_in(
            oauth_stack.email("alice"),
            "microsoft",
            paths=oauth_profile,
            ca_file=oauth_stack.ca_file,
            timeout=30,
        )
    wait_for(lambda: bool(stand_in_browser.landing_pages), what="the browser's landing page")


def test_two_processes_share_rotating_refresh_tokens(
    oauth_stack: OAuthStack, oauth_profile: ProfilePaths, stand_in_browser: StandInBrowser
) -> None:
    """The desktop app and the command line both hold the account. Refresh tokens rotate (each
    works once): whoever refreshes second must read the other's new one from the cache file,
    or it would present a used token and the user would be asked to sign in for nothing."""
    bob = oauth_stack.email("bob")
    sign_in(bob, "microsoft", paths=oauth_profile, ca_file=oauth_stack.ca_file, timeout=30)
    desktop_app = token_provider(bob, paths=oauth_profile)
    command_line = token_provider(bob, paths=oauth_profile)
    desktop_app.access_token()
    command_line.access_token()

    first = command_line.access_token(force_refresh=True)  # rotates the refresh token
    second = desktop_app.access_token(force_refresh=True)  # must use the rotated one
    third = command_line.access_token(force_refresh=True)
    assert len({first.reveal(), second.reveal(), third.reveal()}) == 3
    assert len(stand_in_browser.opened) == 1


def test_shared_mailbox_uses_the_signed_in_users_token(
    oauth_stack: OAuthStack, oauth_profile: ProfilePaths, stand_in_browser: StandInBrowser
) -> None:
    shared, alice = "secretariaat@example.test", oauth_stack.email("alice")
    info = sign_in(
        shared,
        "microsoft",
        sign_in_as=alice,
        paths=oauth_profile,
        ca_file=oauth_stack.ca_file,
        timeout=30,
    )
    assert (info.email, info.sign_in_user) == (shared, alice)
    opened = urllib.parse.urlsplit(stand_in_browser.opened[0]).query
    assert dict(urllib.parse.parse_qsl(opened))["login_hint"] == alice
    auth = oauth_auth(shared, paths=oauth_profile)
    assert auth.username == shared  # XOAUTH2 user= names the shared mailbox
    claims = auth.provider.access_token().reveal().split(".")[1]
    assert alice in base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)).decode()
