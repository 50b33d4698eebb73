"""The whole path of issue 7's "done when": a Microsoft account added through the services
sends a secure message; the relay gets the encrypted message and the notification mail goes
out over SMTP with XOAUTH2 and arrives in the recipient's mailbox."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.oauth.helpers import point_servers_at_the_stack, wait_for_delivery
from tests.plugins.oauth import OAuthStack, StandInBrowser
from tests.plugins.relay import RelayProcess
from zivverdesk.config import ProfilePaths
from zivverdesk.core.model import VerificationMethod
from zivverdesk.core.secret import Secret
from zivverdesk.mail.oauth import oauth_auth, sign_in
from zivverdesk.services import outbox_runner, setup
from zivverdesk.services.profile import Profile
from zivverdesk.services.recipients import RecipientRequest
from zivverdesk.services.secure_send import SecureDraft, queue_secure

pytestmark = pytest.mark.integration


@pytest.fixture
def desktop(oauth_stack: OAuthStack, oauth_profile: ProfilePaths) -> Iterator[Profile]:
    point_servers_at_the_stack(oauth_profile, oauth_stack)
    with Profile.open(oauth_profile.data_dir.parent) as profile:
        yield profile


def test_secure_message_notification_goes_out_with_xoauth2(
    oauth_stack: OAuthStack,
    oauth_profile: ProfilePaths,
    stand_in_browser: StandInBrowser,
    relay_server: RelayProcess,
    desktop: Profile,
) -> None:
    alice, dave = oauth_stack.email("alice"), oauth_stack.email("dave")
    code = relay_server.enrollment_code(alice, "Alice")
    setup.enroll(desktop, relay_url=relay_server.url, code=Secret(code), device_name="werkplek")
    setup.add_oauth_account(desktop, email=alice, provider="microsoft", ca_file=oauth_stack.ca_file)

    draft = SecureDraft(
        recipients=[RecipientRequest(address=dave, name="Dave", method=VerificationMethod.EMAIL)],
        subject="Uw dossier",
        body="Zie de bijlage.",
    )
    queued = queue_secure(desktop, draft)
    job = outbox_runner.run_job(desktop, queued.job_id)
    assert job.status == "done", job.last_error

    sign_in(dave, "microsoft", paths=oauth_profile, ca_file=oauth_stack.ca_file, timeout=30)
    wait_for_delivery(oauth_stack, oauth_auth(dave, paths=oauth_profile), queued.message_id)
