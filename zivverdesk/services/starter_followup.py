"""The conversation starter's follow-up link, mailed by the office.

The starter's page registers the starter as an e-mail-code recipient of their own message
and puts the link secret into the sealed manifest (`starter_link_secret`, PROTOCOL.md §9.1),
so the relay never sees it. When a desktop imports such a message it sends the starter a
normal notification mail with that link, through the office user's own SMTP account, and
reports the outcome to the relay like any notification.

Once per message: the outcome is recorded in the recipient's timeline (the same key the
relay's feed uses), and a colleague's desktop that imports the message later finds the
relay's `notification_accepted` there and sends nothing.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from zivverdesk.core.errors import ZivverdeskError
from zivverdesk.core.model import EventKind, VerificationMethod
from zivverdesk.core.secret import Secret
from zivverdesk.crypto.encoding import b64url_decode
from zivverdesk.crypto.manifest import Manifest, open_manifest
from zivverdesk.relayclient.client import RelayClient
from zivverdesk.relayclient.transfers import download_blob
from zivverdesk.services.notify import send_notification
from zivverdesk.services.profile import Profile
from zivverdesk.services.secure_send import report_notification_outcome
from zivverdesk.store.secure import Recipient

log = logging.getLogger(__name__)

_DONE = {EventKind.NOTIFICATION_ACCEPTED.value, EventKind.NOTIFICATION_REFUSED.value}


class StarterFollowUpError(ZivverdeskError):
    code = "starter_follow_up"


def _manifest(profile: Profile, relay: RelayClient, message_id: str) -> Manifest:
    blobs = relay.get_message(message_id).get("blobs") or []
    if not blobs:
        raise StarterFollowUpError(
            f"Bericht {message_id} heeft geen inhoud op de relay. / The message has no content."
        )
    cek = profile.store.secure.cek(message_id).reveal()
    with tempfile.TemporaryDirectory(dir=profile.paths.cache_dir) as tmp:
        blob_id = blobs[0]["blob_id"]
        path = download_blob(relay, blob_id, Path(tmp) / blob_id)
        return open_manifest(path.read_bytes(), cek)


def _starter_recipient(profile: Profile, message_id: str, address: str) -> Recipient | None:
    """The relay's recipient entry for the starter: e-mail code, the manifest's address."""
    for r in profile.store.secure.recipients(message_id):
        if r.method == VerificationMethod.EMAIL and r.address.lower() == address.lower():
            return r
    return None


def send_starter_follow_up(profile: Profile, relay: RelayClient, message_id: str) -> bool:
    """Mail the starter of `message_id` their follow-up link once; True when sent now."""
    manifest = _manifest(profile, relay, message_id)
    if manifest.starter_link_secret is None or manifest.sender.key_fingerprint is not None:
        return False  # from a page without follow-up links, or not a starter message
    # The address comes from the sealed manifest, not the relay: a relay cannot redirect the
    # mail. The relay's entry must name the same address.
    starter = _starter_recipient(profile, message_id, manifest.sender.address)
    if starter is None:
        log.warning("starter message %s: no follow-up recipient on the relay", message_id)
        return False
    timeline = profile.store.secure.timeline(message_id)
    if any(e.recipient_id == starter.id and e.kind in _DONE for e in timeline):
        return False
    accounts = profile.store.accounts.all()
    if not accounts:
        # Nothing to send with on this desk; a colleague's desk with a mail account sends it.
        log.warning("starter message %s: no mail account to send the follow-up link", message_id)
        return False
    link_secret = Secret(
        b64url_decode(manifest.starter_link_secret, length=32, what="starter_link_secret")
    )
    send_notification(
        profile,
        message_id=message_id,
        recipient_id=starter.id,
        address=manifest.sender.address,
        name=manifest.sender.name,
        method=VerificationMethod.EMAIL,
        phone=None,
        link_secret=link_secret,
        subject=manifest.subject,
        account_id=accounts[0].id,  # the default account (the first)
    )
    report_notification_outcome(profile, relay, message_id, starter.id)
    return True
