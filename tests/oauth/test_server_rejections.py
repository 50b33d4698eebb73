"""Tokens the servers must refuse (forged, expired, someone else's, without a mail scope),
and how the mail layer reports them: refresh once, then "opnieuw aanmelden"."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.oauth.helpers import fixed_auth, imap_settings, notification_mail, smtp_settings
from tests.plugins.oauth import OAuthStack
from zivverdesk.mail.auth import ReauthRequired
from zivverdesk.mail.imap_connect import connect, disconnect
from zivverdesk.mail.smtp_send import send_message

pytestmark = pytest.mark.integration


def _forged(token: str) -> str:
    header, payload, signature = token.split(".")
    return f"{header}.{payload}.{signature[:-6]}AAAAAA"


BAD_TOKENS: dict[str, Callable[[OAuthStack], str]] = {
    "forged signature": lambda stack: _forged(stack.mint(stack.email("alice"))),
    "expired": lambda stack: stack.mint(stack.email("alice"), ttl=-60),
    "another user's": lambda stack: stack.mint(stack.email("bob")),
    "without a mail scope": lambda stack: stack.mint(stack.email("alice"), scope="openid"),
    "not a token at all": lambda stack: "not-a-token",
}


@pytest.mark.parametrize("kind", sorted(BAD_TOKENS))
def test_imap_refuses_the_token_and_asks_to_sign_in_again(
    oauth_stack: OAuthStack, kind: str
) -> None:
    alice = oauth_stack.email("alice")
    auth, provider = fixed_auth(alice, BAD_TOKENS[kind](oauth_stack))
    with pytest.raises(ReauthRequired, match="opnieuw aan"):
        connect(imap_settings(oauth_stack), auth)
    assert provider.calls == [False, True]  # one refresh before giving up


@pytest.mark.parametrize("kind", ["another user's", "expired", "forged signature"])
def test_smtp_refuses_the_token_and_asks_to_sign_in_again(
    oauth_stack: OAuthStack, kind: str
) -> None:
    alice = oauth_stack.email("alice")
    auth, provider = fixed_auth(alice, BAD_TOKENS[kind](oauth_stack))
    message, _ = notification_mail(alice, alice)
    with pytest.raises(ReauthRequired, match="535"):
        send_message(smtp_settings(oauth_stack), auth, message)
    assert provider.calls == [False, True]


def test_a_valid_token_opens_imap_with_xoauth2_and_oauthbearer(oauth_stack: OAuthStack) -> None:
    alice = oauth_stack.email("alice")
    token = oauth_stack.mint(alice)
    for mechanism in ("XOAUTH2", "OAUTHBEARER"):
        auth, provider = fixed_auth(alice, token)
        auth = type(auth)(username=alice, provider=provider, mechanism=mechanism)
        disconnect(connect(imap_settings(oauth_stack), auth))
        assert provider.calls == [False]


def test_a_large_token_goes_through_smtp_in_two_steps(oauth_stack: OAuthStack) -> None:
    """Entra tokens are 1.5-4 KB: on the AUTH line itself they would pass Postfix's 2048-byte
    line limit; the two-step exchange puts them on a line of their own."""
    alice = oauth_stack.email("alice")
    token = oauth_stack.mint(alice, scope=" ".join(["IMAP.AccessAsUser.All"] * 60))
    assert len(token) > 3000
    auth, provider = fixed_auth(alice, token)
    message, _ = notification_mail(alice, alice)
    send_message(smtp_settings(oauth_stack), auth, message)
    assert provider.calls == [False]
