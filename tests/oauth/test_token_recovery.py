"""What happens when a token stops working: expiry mid-session, a token the server refuses,
a revoked refresh token, an identity provider that is down, a server that cannot check
tokens. The user is only asked to sign in again when nothing else can help."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.oauth.helpers import (
    fixed_auth,
    imap_settings,
    inbox_message_ids,
    notification_mail,
    smtp_settings,
    wait_for,
    wait_for_delivery,
)
from tests.plugins.oauth import OAuthStack, StandInBrowser
from zivverdesk.config import ProfilePaths
from zivverdesk.mail.auth import OAuthAuth, ReauthRequired, TemporarilyUnavailable
from zivverdesk.mail.imap_connect import connect, disconnect
from zivverdesk.mail.oauth import oauth_auth, reauth, sign_in, token_provider
from zivverdesk.mail.smtp_send import send_message

pytestmark = pytest.mark.integration


def _sign_in(stack: OAuthStack, profile: ProfilePaths, user: str) -> str:
    email = stack.email(user)
    sign_in(email, "microsoft", paths=profile, ca_file=stack.ca_file, timeout=30)
    return email


def _imap_works(stack: OAuthStack, profile: ProfilePaths, email: str) -> None:
    client = connect(imap_settings(stack), oauth_auth(email, paths=profile))
    disconnect(client)


@pytest.fixture
def short_lived_tokens(oauth_stack: OAuthStack) -> Iterator[None]:
    oauth_stack.set_access_ttl(1)
    try:
        yield
    finally:
        oauth_stack.set_access_ttl(3599)


def test_token_expiring_mid_session_is_refreshed_silently(
    oauth_stack: OAuthStack,
    oauth_profile: ProfilePaths,
    stand_in_browser: StandInBrowser,
    short_lived_tokens: None,
) -> None:
    alice = _sign_in(oauth_stack, oauth_profile, "alice")
    provider = token_provider(alice, paths=oauth_profile)
    first = provider.access_token()
    _imap_works(oauth_stack, oauth_profile, alice)

    # The server stops accepting the first token once it expires...
    stale_auth, _ = fixed_auth(alice, first.reveal())

    def refused() -> bool:
        try:
            disconnect(connect(imap_settings(oauth_stack), stale_auth))
        except ReauthRequired:
            return True
        return False

    wait_for(refused, timeout=10, what="the first token to expire")

    # ...and the next connection gets a fresh one from the refresh token, with no prompt.
    mark = len(oauth_stack.requests_seen())
    _imap_works(oauth_stack, oauth_profile, alice)
    grants = oauth_stack.token_grants_since(mark)
    assert grants and set(grants) == {"refresh_token"}
    assert provider.access_token() != first
    assert len(stand_in_browser.opened) == 1


def test_a_refused_cached_token_is_refreshed_once_and_the_login_retried(
    oauth_stack: OAuthStack, oauth_profile: ProfilePaths, stand_in_browser: StandInBrowser
) -> None:
    bob = _sign_in(oauth_stack, oauth_profile, "bob")
    cached = token_provider(bob, paths=oauth_profile).access_token()
    oauth_stack.revoke(cached.reveal())  # still "valid" for MSAL, refused by the server

    mark = len(oauth_stack.requests_seen())
    _imap_works(oauth_stack, oauth_profile, bob)
    assert oauth_stack.token_grants_since(mark) == ["refresh_token"]

    # The same for SMTP: the refreshed token is now the cached one; revoke it too.
    oauth_stack.revoke(token_provider(bob, paths=oauth_profile).access_token().reveal())
    message, message_id = notification_mail(bob, bob)
    mark = len(oauth_stack.requests_seen())
    send_message(smtp_settings(oauth_stack), oauth_auth(bob, paths=oauth_profile), message)
    assert oauth_stack.token_grants_since(mark) == ["refresh_token"]
    wait_for_delivery(oauth_stack, oauth_auth(bob, paths=oauth_profile), message_id)
    assert len(stand_in_browser.opened) == 1


def test_revoked_refresh_token_asks_to_sign_in_again_and_nothing_is_sent(
    oauth_stack: OAuthStack, oauth_profile: ProfilePaths, stand_in_browser: StandInBrowser
) -> None:
    carol = _sign_in(oauth_stack, oauth_profile, "carol")
    # An administrator revokes carol's sessions: the refresh token dies, and the server
    # refuses the access token she still has.
    assert oauth_stack.revoke_refresh_tokens(carol) >= 1
    oauth_stack.revoke(token_provider(carol, paths=oauth_profile).access_token().reveal())

    with pytest.raises(ReauthRequired, match="opnieuw aanmelden") as imap_error:
        connect(imap_settings(oauth_stack), oauth_auth(carol, paths=oauth_profile))
    assert "invalid_grant" in str(imap_error.value)
    assert "sign in again" in str(imap_error.value)

    message, message_id = notification_mail(carol, carol)
    with pytest.raises(ReauthRequired, match="opnieuw aanmelden"):
        send_message(smtp_settings(oauth_stack), oauth_auth(carol, paths=oauth_profile), message)
    assert len(stand_in_browser.opened) == 1  # no sign-in window popped up by itself

    # The user signs in again; the same message then goes out (it waited, it was not lost).
    reauth(carol, paths=oauth_profile, timeout=30)
    assert len(stand_in_browser.opened) == 2
    assert message_id not in inbox_message_ids(oauth_stack, oauth_auth(carol, paths=oauth_profile))
    send_message(smtp_settings(oauth_stack), oauth_auth(carol, paths=oauth_profile), message)
    wait_for_delivery(oauth_stack, oauth_auth(carol, paths=oauth_profile), message_id)


def test_identity_provider_down_means_try_later_without_a_prompt(
    oauth_stack: OAuthStack, oauth_profile: ProfilePaths, stand_in_browser: StandInBrowser
) -> None:
    dave = _sign_in(oauth_stack, oauth_profile, "dave")
    running = token_provider(dave, paths=oauth_profile)
    running.access_token()  # the running app has its MSAL application and a cached token
    auth = OAuthAuth(username=dave, provider=running)
    oauth_stack.stop_issuer()
    try:
        # A refresh cannot reach the provider.
        with pytest.raises(TemporarilyUnavailable, match="later opnieuw"):
            running.access_token(force_refresh=True)
        # After a restart MSAL cannot even read the provider's configuration.
        with pytest.raises(TemporarilyUnavailable):
            token_provider(dave, paths=oauth_profile).access_token()
        # Dovecot cannot check the still-valid cached token: NO [UNAVAILABLE], try later.
        mark_opened = len(stand_in_browser.opened)
        with pytest.raises(TemporarilyUnavailable):
            connect(imap_settings(oauth_stack), auth)
        # Postfix refuses with 535; the one refresh that follows cannot reach the provider.
        message, _ = notification_mail(dave, dave)
        with pytest.raises(TemporarilyUnavailable):
            send_message(smtp_settings(oauth_stack), auth, message)
        assert len(stand_in_browser.opened) == mark_opened == 1
    finally:
        oauth_stack.start_issuer()


def test_imap_server_that_cannot_check_tokens_is_temporary_and_needs_no_refresh(
    oauth_stack: OAuthStack,
) -> None:
    alice = oauth_stack.email("alice")
    auth, provider = fixed_auth(alice, oauth_stack.mint(alice))
    oauth_stack.set_outage(True)
    try:
        with pytest.raises(TemporarilyUnavailable):
            connect(imap_settings(oauth_stack), auth)
        assert provider.calls == [False]  # NO [UNAVAILABLE] is no reason to refresh
    finally:
        oauth_stack.set_outage(False)
    disconnect(connect(imap_settings(oauth_stack), auth))


def test_postfix_reports_a_failed_token_check_as_a_refusal(oauth_stack: OAuthStack) -> None:
    """Known limit of Postfix 3.7 with Dovecot 2.3 SASL: when Dovecot cannot check a token it
    answers "temporary failure", but Postfix turns that into a plain 535. The client cannot
    tell it from a refused token, so it refreshes once and then asks for a new sign-in; the
    message stays queued. (With the identity provider itself down, the refresh fails and the
    answer is "try later", see the test above.)"""
    alice = oauth_stack.email("alice")
    auth, provider = fixed_auth(alice, oauth_stack.mint(alice))
    message, _ = notification_mail(alice, alice)
    oauth_stack.set_outage(True)
    try:
        with pytest.raises(ReauthRequired, match="535"):
            send_message(smtp_settings(oauth_stack), auth, message)
        assert provider.calls == [False, True]
    finally:
        oauth_stack.set_outage(False)
