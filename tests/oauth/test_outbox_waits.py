"""Through the desktop's services: an account signed in with Microsoft sends from the outbox;
when its sign-in is revoked, the queued message waits ("opnieuw aanmelden") and goes out
after the user signs in again."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.oauth.helpers import imap_settings, point_servers_at_the_stack, wait_for
from tests.plugins.oauth import OAuthStack, StandInBrowser
from zivverdesk.config import ProfilePaths
from zivverdesk.mail.imap_connect import connect, disconnect
from zivverdesk.mail.oauth import oauth_auth, reauth
from zivverdesk.services import outbox_runner, plain_send, setup
from zivverdesk.services.profile import Profile

pytestmark = pytest.mark.integration


@pytest.fixture
def desktop(oauth_stack: OAuthStack, oauth_profile: ProfilePaths) -> Iterator[Profile]:
    point_servers_at_the_stack(oauth_profile, oauth_stack)
    with Profile.open(oauth_profile.data_dir.parent) as profile:
        yield profile


def _subjects(stack: OAuthStack, paths: ProfilePaths, email: str) -> set[str]:
    client = connect(imap_settings(stack), oauth_auth(email, paths=paths))
    try:
        client.select_folder("INBOX", readonly=True)
        uids = client.search(["ALL"])
        fetched = client.fetch(uids, ["ENVELOPE"]) if uids else {}
        return {data[b"ENVELOPE"].subject.decode() for data in fetched.values()}
    finally:
        disconnect(client)


def test_queued_mail_waits_for_a_new_sign_in_and_is_not_lost(
    oauth_stack: OAuthStack,
    oauth_profile: ProfilePaths,
    stand_in_browser: StandInBrowser,
    desktop: Profile,
) -> None:
    bob = oauth_stack.email("bob")
    account = setup.add_oauth_account(
        desktop, email=bob, provider="microsoft", ca_file=oauth_stack.ca_file
    )
    assert account.auth_kind == "microsoft"

    _, job_id = plain_send.queue_plain(
        desktop, to=[bob], subject="Eerste bericht", body="Hallo", attachments=[]
    )
    assert outbox_runner.run_job(desktop, job_id).status == "done"

    oauth_stack.revoke_refresh_tokens(bob)
    oauth_stack.revoke(oauth_auth(bob, paths=oauth_profile).provider.access_token().reveal())
    _, job_id = plain_send.queue_plain(
        desktop, to=[bob], subject="Tweede bericht", body="Hallo", attachments=[]
    )
    job = outbox_runner.run_job(desktop, job_id)
    assert job.status == "waiting"
    assert "opnieuw aanmelden" in (job.last_error or "")
    assert len(stand_in_browser.opened) == 1  # the runner never opens a sign-in by itself

    reauth(bob, paths=oauth_profile, timeout=30)
    outbox_runner.run_due(desktop, ignore_backoff=True)
    assert desktop.store.outbox.job(job_id).status == "done"
    wait_for(
        lambda: {"Eerste bericht", "Tweede bericht"} <= _subjects(oauth_stack, oauth_profile, bob),
        what="both messages in bob's INBOX",
    )
