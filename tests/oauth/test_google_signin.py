"""Google sign-in (authorization code + PKCE on a loopback redirect, refresh tokens), with
the local issuer standing in for Google's endpoints."""

from __future__ import annotations

import urllib.parse

import pytest

from tests.oauth.helpers import imap_settings, notification_mail, smtp_settings, wait_for_delivery
from tests.plugins.oauth import CLIENT_ID, OAuthStack, StandInBrowser
from zivverdesk.config import ProfilePaths
from zivverdesk.mail.auth import ReauthRequired, TemporarilyUnavailable
from zivverdesk.mail.imap_connect import connect, disconnect
from zivverdesk.mail.oauth import (
    Provider,
    SignInFailed,
    oauth_auth,
    reauth,
    sign_in,
    token_provider,
)
from zivverdesk.mail.smtp_send import send_message

pytestmark = pytest.mark.integration


def _google_sign_in(stack: OAuthStack, profile: ProfilePaths, user: str) -> str:
    email = stack.email(user)
    info = sign_in(email, "google", paths=profile, ca_file=stack.ca_file, timeout=30)
    assert info.provider is Provider.GOOGLE
    assert info.imap.host == "imap.gmail.com"
    return email


def test_google_sign_in_sync_send_and_refresh(
    oauth_stack: OAuthStack, oauth_profile: ProfilePaths, stand_in_browser: StandInBrowser
) -> None:
    mark = len(oauth_stack.requests_seen())
    bob = _google_sign_in(oauth_stack, oauth_profile, "bob")

    [opened] = stand_in_browser.opened
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(opened).query))
    assert query["client_id"] == CLIENT_ID
    assert query["scope"] == "openid email https://mail.google.com/"
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert query["access_type"] == "offline" and query["login_hint"] == bob
    assert query["redirect_uri"].startswith("http://localhost:")
    assert stand_in_browser.failures == []
    exchange = oauth_stack.requests_seen()[mark:]
    token_call = next(e for e in exchange if e["path"].endswith("/token"))["form"]
    assert token_call["grant_type"] == "authorization_code"
    assert token_call["client_secret"] == "desktop-client-secret"

    auth = oauth_auth(bob, paths=oauth_profile)
    disconnect(connect(imap_settings(oauth_stack), auth))
    message, message_id = notification_mail(bob, bob)
    send_message(smtp_settings(oauth_stack), auth, message)
    wait_for_delivery(oauth_stack, auth, message_id)

    # A forced refresh uses the refresh token, and a restart reuses the saved tokens.
    before = token_provider(bob, paths=oauth_profile).access_token()
    mark = len(oauth_stack.requests_seen())
    after = token_provider(bob, paths=oauth_profile).access_token(force_refresh=True)
    assert after != before
    assert oauth_stack.token_grants_since(mark) == ["refresh_token"]
    mark = len(oauth_stack.requests_seen())
    assert token_provider(bob, paths=oauth_profile).access_token() == after
    assert oauth_stack.token_grants_since(mark) == []
    blob = next((oauth_profile.data_dir / "oauth").glob("*.tokens")).read_bytes()
    assert after.reveal().encode() not in blob and b"rt-" not in blob and bob.encode() not in blob


def test_google_revoked_refresh_token_and_reauth(
    oauth_stack: OAuthStack, oauth_profile: ProfilePaths, stand_in_browser: StandInBrowser
) -> None:
    carol = _google_sign_in(oauth_stack, oauth_profile, "carol")
    oauth_stack.revoke_refresh_tokens(carol)
    with pytest.raises(ReauthRequired, match="opnieuw aanmelden"):
        token_provider(carol, paths=oauth_profile).access_token(force_refresh=True)
    reauth(carol, paths=oauth_profile, timeout=30)
    assert len(stand_in_browser.opened) == 2
    token_provider(carol, paths=oauth_profile).access_token(force_refresh=True)


def test_google_unreachable_is_temporary(
    oauth_stack: OAuthStack, oauth_profile: ProfilePaths, stand_in_browser: StandInBrowser
) -> None:
    dave = _google_sign_in(oauth_stack, oauth_profile, "dave")
    oauth_stack.stop_issuer()
    try:
        with pytest.raises(TemporarilyUnavailable, match="Google"):
            token_provider(dave, paths=oauth_profile).access_token(force_refresh=True)
    finally:
        oauth_stack.start_issuer()


def test_google_sign_in_not_finished_in_time(
    oauth_stack: OAuthStack, oauth_profile: ProfilePaths, stand_in_browser: StandInBrowser
) -> None:
    stand_in_browser.stay_closed = True
    with pytest.raises(SignInFailed, match="niet op tijd"):
        sign_in(
            oauth_stack.email("alice"),
            "google",
            paths=oauth_profile,
            ca_file=oauth_stack.ca_file,
            timeout=0.3,
        )


def test_google_sign_in_with_another_account_is_refused(
    oauth_stack: OAuthStack, oauth_profile: ProfilePaths, stand_in_browser: StandInBrowser
) -> None:
    stand_in_browser.login_as = oauth_stack.email("bob")
    with pytest.raises(SignInFailed, match=r"aangemeld als bob@example\.test"):
        sign_in(
            oauth_stack.email("alice"),
            "google",
            paths=oauth_profile,
            ca_file=oauth_stack.ca_file,
            timeout=30,
        )
