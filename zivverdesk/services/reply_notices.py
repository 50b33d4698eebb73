"""Replies announced by mail: the relay's reply notices in the inbox trigger a fetch over the
authenticated API (the feed does the same; either alone suffices, both are idempotent).

A notice is only a hint: it yields a conversation id, and the reply is then asked of the
relay for our own messages in that conversation. Handled notices are moved to the folder set
in "file_replies_folder" when the user chose one.
"""

from __future__ import annotations

from imapclient import IMAPClient

from zivverdesk.mail.reply_notifications import file_notifications, find_reply_notifications
from zivverdesk.relayclient.client import RelayClient
from zivverdesk.services.notify import public_url
from zivverdesk.services.profile import Profile
from zivverdesk.services.relay_sync import fetch_replies

_FOLDER = "INBOX"


def fetch_replies_for_conversation(
    profile: Profile, relay: RelayClient, conversation_id: str
) -> list[str]:
    store = profile.store
    new: list[str] = []
    for message in store.mailbox.messages(conversation_id=conversation_id):
        if message.direction == "out" and store.secure.is_secure(message.id):
            new += fetch_replies(profile, relay, message.id)
    return new


def scan_reply_notices(profile: Profile, client: IMAPClient, relay: RelayClient) -> list[str]:
    """Handle the reply notices that arrived since the last scan; returns new reply ids."""
    store = profile.store
    account = profile.account()
    key = f"reply-notices/{account.id}/{_FOLDER}"
    since = store.relay.scan_position(key) or 1
    notices = find_reply_notifications(client, _FOLDER, public_url(profile), since_uid=since)
    new: list[str] = []
    handled: list[int] = []
    for uid, notice in notices:
        new += fetch_replies_for_conversation(profile, relay, notice.conversation_id)
        handled.append(uid)
    if notices:
        store.relay.set_scan_position(key, max(uid for uid, _ in notices) + 1)
    target = str(profile.settings.get("file_replies_folder") or "")
    if target and handled:
        file_notifications(client, _FOLDER, handled, target)
    return new
