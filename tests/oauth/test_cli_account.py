"""`zivverdesk account add --provider microsoft` and `zivverdesk account reauth` through the
real command line entry point, against the local OAuth stack. The mail servers come from the
site configuration, as an administrator of another cloud would set them."""

from __future__ import annotations

import pytest

from tests.oauth.helpers import (
    imap_settings,
    notification_mail,
    point_servers_at_the_stack,
    smtp_settings,
    wait_for_delivery,
)
from tests.plugins.oauth import OAuthStack, StandInBrowser
from zivverdesk.cli import main
from zivverdesk.config import ProfilePaths
from zivverdesk.mail.auth import ReauthRequired
from zivverdesk.mail.imap_connect import connect, disconnect
from zivverdesk.mail.oauth import oauth_auth
from zivverdesk.mail.smtp_send import send_message

pytestmark = pytest.mark.integration


def test_account_add_with_microsoft_then_reauth(
    oauth_stack: OAuthStack,
    oauth_profile: ProfilePaths,
    stand_in_browser: StandInBrowser,
    capsys: pytest.CaptureFixture[str],
) -> None:
    point_servers_at_the_stack(oauth_profile, oauth_stack)
    alice = oauth_stack.email("alice")
    home = str(oauth_profile.data_dir.parent)
    add = ["account", "add", "--profile", home, "--email", alice, "--provider", "microsoft"]
    assert main([*add, "--ca-file", str(oauth_stack.ca_file)]) == 0
    assert "toegevoegd" in capsys.readouterr().out
    assert len(stand_in_browser.opened) == 1

    auth = oauth_auth(alice, paths=oauth_profile)
    disconnect(connect(imap_settings(oauth_stack), auth))
    message, message_id = notification_mail(alice, alice)
    send_message(smtp_settings(oauth_stack), auth, message)
    wait_for_delivery(oauth_stack, auth, message_id)

    oauth_stack.revoke_refresh_tokens(alice)
    oauth_stack.revoke(auth.provider.access_token().reveal())
    with pytest.raises(ReauthRequired):
        connect(imap_settings(oauth_stack), oauth_auth(alice, paths=oauth_profile))
    assert main(["account", "reauth", alice, "--profile", home]) == 0
    assert "opnieuw aangemeld" in capsys.readouterr().out
    disconnect(connect(imap_settings(oauth_stack), oauth_auth(alice, paths=oauth_profile)))
