"""IMAP sync into the store: the store side of the mail layer's `MailboxSink` protocol, and
one sync pass over an account's folders.

Headers are stored as they arrive (subjects sealed, searchable at once); bodies come on
demand. The IMAP code lives in `zivverdesk.mail.sync`; this module only translates.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC

from imapclient import IMAPClient

from zivverdesk.mail.errors import ConnectionLost
from zivverdesk.mail.headers import HeaderRecord, MailAddress
from zivverdesk.mail.html_text import html_to_text
from zivverdesk.mail.imap_connect import connect, disconnect
from zivverdesk.mail.mime import ParsedMessage, parse_message
from zivverdesk.mail.sync import (
    FolderState,
    SyncReport,
    fetch_body,
    folders_to_sync,
    set_seen,
    sync_folder,
)
from zivverdesk.services.profile import Profile
from zivverdesk.store import Store
from zivverdesk.store.folders import SyncedHeader

#: Mail in these folders was written by the user: listed by its recipients.
OUTGOING_ROLES = ("\\Sent", "\\Drafts")


def _addresses(items: Sequence[MailAddress]) -> str:
    return ", ".join(f"{a.name} <{a.address}>" if a.name else a.address for a in items)


def _flags(flags: frozenset[str]) -> str:
    return " ".join(sorted(flags))


class StoreSink:
    """`MailboxSink` over the encrypted store, for one account."""

    def __init__(self, store: Store, account_id: str) -> None:
        self._store = store
        self._account_id = account_id
        self._folder_ids: dict[str, tuple[int, str | None]] = {}

    def _folder(self, folder: str) -> int:
        return self._known(folder)[0]

    def _known(self, folder: str) -> tuple[int, str | None]:
        known = self._folder_ids.get(folder)
        if known is None:
            row = self._store.folders.folder(self._account_id, folder)
            known = self._folder_ids[folder] = (row.id, row.special_use)
        return known

    def get_state(self, folder: str) -> FolderState | None:
        row = self._store.folders.find(self._account_id, folder)
        if row is None or row.uidvalidity is None or row.uidnext is None:
            return None
        return FolderState(row.uidvalidity, row.uidnext, row.highestmodseq)

    def set_state(self, folder: str, state: FolderState) -> None:
        self._store.folders.set_folder_sync_state(
            self._folder(folder),
            uidvalidity=state.uidvalidity,
            uidnext=state.uidnext,
            highestmodseq=state.highestmodseq,
        )

    def upsert_headers(self, folder: str, batch: Sequence[HeaderRecord]) -> None:
        folder_id, role = self._known(folder)
        self._store.folders.upsert_synced(
            account_id=self._account_id,
            folder_id=folder_id,
            records=[_synced(h) for h in batch],
            direction="out" if role in OUTGOING_ROLES else "in",
        )

    def update_flags(self, folder: str, flags: Mapping[int, frozenset[str]]) -> None:
        self._store.folders.set_flags_by_uid(
            self._folder(folder), {uid: _flags(f) for uid, f in flags.items()}
        )

    def remove_uids(self, folder: str, uids: Collection[int]) -> None:
        self._store.folders.remove_uids(self._folder(folder), list(uids))

    def reset_folder(self, folder: str) -> None:
        folder_id = self._folder(folder)
        self._store.folders.clear_folder(folder_id)
        self._store.folders.reset_folder_state(folder_id)

    def count(self, folder: str) -> int:
        return self._store.folders.count_in_folder(self._folder(folder))

    def known_uids(self, folder: str) -> set[int]:
        return set(self._store.folders.uids(self._folder(folder)))


def _synced(h: HeaderRecord) -> SyncedHeader:
    date = h.date.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if h.date else ""
    return SyncedHeader(
        uid=h.uid,
        header_message_id=h.message_id,
        in_reply_to=h.in_reply_to,
        sender=_addresses(h.sender),
        recipients=_addresses((*h.to, *h.cc)),
        subject=h.subject,
        date=date or "1970-01-01T00:00:00Z",
        flags=_flags(h.flags),
        size=h.size,
        has_attachments=h.has_attachments,
    )


@dataclass(frozen=True)
class MailSyncResult:
    reports: tuple[SyncReport, ...]

    @property
    def added(self) -> int:
        return sum(r.added for r in self.reports)

    @property
    def updated(self) -> int:
        """Mails whose flags changed (read elsewhere, say) or that left a folder."""
        return sum(r.flags_changed + r.removed for r in self.reports)


def open_imap(profile: Profile, account_id: str | None = None) -> IMAPClient:
    account = profile.account(account_id)
    return connect(profile.mail_servers(account).imap, profile.mail_auth(account))


_FOLDER_LOCKS: dict[tuple[str, str], threading.Lock] = {}
_FOLDER_LOCKS_GUARD = threading.Lock()


def folder_lock(account_id: str, folder: str) -> threading.Lock:
    """The lock that one sync of a folder holds in this process. IDLE's sync of the inbox
    and a pass's run on two threads: side by side both would fetch the same new mail (stored
    once, by its UID, but fetched and reported twice)."""
    with _FOLDER_LOCKS_GUARD:
        return _FOLDER_LOCKS.setdefault((account_id, folder), threading.Lock())


def sync_account(
    profile: Profile, account_id: str | None = None, *, client: IMAPClient | None = None
) -> MailSyncResult:
    """One pass over the account's folders: the inbox, sent, drafts, junk, trash, archive and
    every other subscribed folder (`mail.sync.folders_to_sync`)."""
    account = profile.account(account_id)
    store = profile.store
    sink = StoreSink(store, account.id)
    own = client is None
    imap = client or open_imap(profile, account.id)
    try:
        reports = []
        known = {f.name: f for f in store.folders.folders(account.id)}
        for info in folders_to_sync(imap):
            row = known.get(info.name)
            if row is None or row.special_use != info.special_use:
                store.folders.folder(account.id, info.name, special_use=info.special_use)
            with folder_lock(account.id, info.name):
                reports.append(sync_folder(imap, info.name, sink))
        return MailSyncResult(tuple(reports))
    finally:
        if own:
            disconnect(imap)


def load_body(profile: Profile, message_id: str) -> str | None:
    """The text of a plain mail, fetched from IMAP on first read and then kept (sealed), with
    its sanitised HTML and its attachments (content cached, sealed). A damaged mail is kept
    as far as it could be read; what was wrong is recorded with it."""
    store = profile.store
    body = store.mailbox.body(message_id)
    if body is not None:
        return body
    message = store.mailbox.message(message_id)
    if message.folder_id is None or message.uid is None or message.account_id is None:
        return None
    folder = next(f for f in store.folders.folders(message.account_id) if f.id == message.folder_id)
    imap = open_imap(profile, message.account_id)
    try:
        raw = fetch_body(imap, folder.name, message.uid)
    finally:
        disconnect(imap)
    if raw is None:
        return None
    return store_parsed(store, message_id, parse_message(raw))


SEEN = "\\Seen"


def is_seen(flags: str) -> bool:
    """Whether stored flags (IMAP's, space-separated) mark a mail read."""
    return SEEN.lower() in flags.lower().split()


#: Sets \\Seen on the server: (account id, folder name, UID).
ServerSeen = Callable[[str, str, int], None]


def mark_seen(profile: Profile, message_id: str, *, on_server: ServerSeen | None = None) -> bool:
    """Mark a received plain mail read: \\Seen on the server first, then in the store, so
    the server stays the truth and the next sync agrees with the store. A mail already read
    (or not one of ours to mark) is left alone; returns whether it was marked. A mail kept
    in no server folder is marked in the store only. Raises when the server cannot be
    reached: the mail then stays unread. The server is told over a connection of its own,
    or through `on_server` (a `SeenMarker`'s kept connections)."""
    store = profile.store
    message = store.mailbox.message(message_id)
    if message.kind != "plain" or message.direction != "in" or is_seen(message.flags):
        return False
    if message.folder_id is not None and message.uid is not None and message.account_id:
        folder = next(
            f for f in store.folders.folders(message.account_id) if f.id == message.folder_id
        )
        if on_server is not None:
            on_server(message.account_id, folder.name, message.uid)
        else:
            imap = open_imap(profile, message.account_id)
            try:
                set_seen(imap, folder.name, [message.uid], seen=True)
            finally:
                disconnect(imap)
    # The flags as they are now: a sync may have changed them while the server answered.
    if not store.mailbox.has_message(message_id):
        return False
    flags = store.mailbox.message(message_id).flags
    if not is_seen(flags):
        store.mailbox.set_flags(message_id, " ".join(sorted({*flags.split(), SEEN})))
    return True


class SeenMarker:
    """`mark_seen` over one kept IMAP connection per account. Someone going through unread
    mail opens one after another; a new connection for each (TLS, login, for Microsoft and
    Google an access token) would take a second and count against the provider's limit on
    connections. A kept connection the server ended meanwhile (servers end idle ones) is
    replaced once and the command sent again: setting \\Seen twice does no harm. Safe to
    use from several threads: they take turns on an account's connection."""

    def __init__(self, profile: Profile) -> None:
        self._profile = profile
        self._lock = threading.Lock()
        self._clients: dict[str, IMAPClient] = {}

    def mark(self, message_id: str) -> bool:
        return mark_seen(self._profile, message_id, on_server=self._set_seen)

    def _set_seen(self, account_id: str, folder: str, uid: int) -> None:
        with self._lock:
            kept = self._clients.pop(account_id, None)
            if kept is not None:
                try:
                    set_seen(kept, folder, [uid], seen=True)
                except ConnectionLost:
                    disconnect(kept)  # ended by the server: a new connection below
                else:
                    self._clients[account_id] = kept
                    return
            client = open_imap(self._profile, account_id)
            try:
                set_seen(client, folder, [uid], seen=True)
            except BaseException:
                disconnect(client)
                raise
            self._clients[account_id] = client

    def close(self) -> None:
        """Log out of every kept connection."""
        with self._lock:
            clients, self._clients = self._clients, {}
        for client in clients.values():
            disconnect(client)


def store_parsed(store: Store, message_id: str, parsed: ParsedMessage) -> str:
    """Keep a parsed plain mail's readable parts; returns its text."""
    text = parsed.text or html_to_text(parsed.html)
    with store.db.transaction():
        for index, attachment in enumerate(parsed.attachments):
            store.mailbox.add_attachment(
                attachment_id=_attachment_id(message_id, index),
                message_id=message_id,
                name=attachment.filename,
                size=len(attachment.data),
                media_type=attachment.media_type,
                sha256=hashlib.sha256(attachment.data).hexdigest(),
                content=attachment.data,
            )
        store.mailbox.set_rendering(
            message_id,
            html=parsed.html,
            remote_images_blocked=parsed.blocked_remote_images,
            defects=parsed.defects,
        )
        store.mailbox.set_body(message_id, text)
    return text


def _attachment_id(message_id: str, index: int) -> str:
    """The same id each time a mail is read again, so its attachments are never doubled."""
    return hashlib.sha256(f"{message_id}:{index}".encode()).hexdigest()[:32]
