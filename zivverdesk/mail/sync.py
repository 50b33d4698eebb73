"""IMAP folder sync into whatever stores the messages, through the small `MailboxSink` protocol.

    report = sync_folder(client, "INBOX", sink)       # first sync or incremental, same call

The store implements `MailboxSink`; `MemorySink` (in `memory_sink.py`) is the reference
implementation used by the tests. A sync is:

1. `SELECT` the folder (with CONDSTORE enabled at login, the answer carries HIGHESTMODSEQ).
2. UIDVALIDITY differs from the sink's → `reset_folder` (every old UID is meaningless now),
   then a full sync. So a recreated mailbox never shows its messages twice.
3. First/full sync: `UID SEARCH ALL`, then headers (UID FLAGS ENVELOPE RFC822.SIZE
   BODYSTRUCTURE) in batches of ≤ 1000 UIDs as UID ranges (Dovecot refuses 64 KB command
   lines). The sink's state advances after every batch, so an interrupted first sync resumes
   where it stopped.
4. Incremental: new messages are the UIDs from the stored UIDNEXT on; flag changes come from
   `FETCH … (CHANGEDSINCE modseq)` where CONDSTORE is offered, else from a FLAGS fetch of all;
   expunges are detected by counting (EXISTS vs. what the sink holds) and only then resolved
   with `UID SEARCH ALL`. With nothing new this is one SELECT: a few milliseconds.

Bodies are fetched on demand (`fetch_body`, `iter_bodies`), never during header sync.
Every function here that talks to the server reports a broken connection as `ConnectionLost`
and a refusal as `ImapError` (`imap_connect.server_errors`); a sync cut short that way is
resumed by the next one, as after a crash.
`\\Seen` travels both ways: `set_seen` writes it to the server, the next sync reads the
server's changes back.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from imapclient import IMAPClient

from zivverdesk.mail.errors import ImapError
from zivverdesk.mail.fetch_parser import flags_from_fetch, parse_fetch, record_from_fetch
from zivverdesk.mail.headers import HeaderRecord
from zivverdesk.mail.imap_connect import server_errors, talks_to_server

HEADER_ITEMS = ["UID", "FLAGS", "ENVELOPE", "RFC822.SIZE", "BODYSTRUCTURE"]
MAX_BATCH = 1000
SPECIAL_USE = ("\\All", "\\Archive", "\\Drafts", "\\Flagged", "\\Junk", "\\Sent", "\\Trash")


@dataclass(frozen=True)
class FolderInfo:
    name: str
    delimiter: str
    flags: frozenset[str]
    #: The RFC 6154 role ("\\Sent", "\\Trash", …) or None; INBOX is "\\Inbox".
    special_use: str | None

    @property
    def selectable(self) -> bool:
        # Attribute names are case-insensitive (servers send \\Noselect and \\NoSelect).
        lowered = {f.lower() for f in self.flags}
        return "\\noselect" not in lowered and "\\nonexistent" not in lowered


@dataclass(frozen=True)
class FolderState:
    uidvalidity: int
    #: One more than the highest UID the sink holds (the next UID to ask for).
    uidnext: int
    #: CONDSTORE position up to which the sink's flags are current; None: unknown.
    highestmodseq: int | None = None


class MailboxSink(Protocol):
    """Where synced headers go. Calls for one folder come from one thread at a time."""

    def get_state(self, folder: str) -> FolderState | None: ...

    def set_state(self, folder: str, state: FolderState) -> None: ...

    def upsert_headers(self, folder: str, batch: Sequence[HeaderRecord]) -> None:
        """Insert or replace by UID (a resumed sync may deliver a UID twice)."""
        ...

    def update_flags(self, folder: str, flags: Mapping[int, frozenset[str]]) -> None:
        """New flags for UIDs the sink holds; unknown UIDs are ignored."""
        ...

    def remove_uids(self, folder: str, uids: Collection[int]) -> None: ...

    def reset_folder(self, folder: str) -> None:
        """Forget every message and the state of the folder (UIDVALIDITY changed)."""
        ...

    def count(self, folder: str) -> int: ...

    def known_uids(self, folder: str) -> set[int]: ...


@dataclass(frozen=True)
class SyncReport:
    folder: str
    added: int
    flags_changed: int
    removed: int
    full: bool
    uidvalidity_changed: bool


@talks_to_server
def list_folders(client: IMAPClient) -> list[FolderInfo]:
    """Every folder with its special-use role (from LIST's attributes, RFC 6154)."""
    roles = {role.lower(): role for role in SPECIAL_USE}
    result = []
    for raw_flags, delimiter, name in client.list_folders():
        flags = frozenset(
            f.decode("utf-8", "replace") if isinstance(f, bytes) else str(f) for f in raw_flags
        )
        role = next((roles[f.lower()] for f in flags if f.lower() in roles), None)
        if name.upper() == "INBOX":
            role = "\\Inbox"
        sep = delimiter.decode() if isinstance(delimiter, bytes) else str(delimiter or "")
        result.append(FolderInfo(name, sep, flags, role))
    return result


#: Roles synced as folders of their own. \\All and \\Flagged are views over the other folders
#: (Gmail's "All Mail", "Starred"): syncing them would show every message twice.
SYNCED_ROLES = ("\\Inbox", "\\Sent", "\\Drafts", "\\Junk", "\\Trash", "\\Archive")


@talks_to_server
def folders_to_sync(client: IMAPClient) -> list[FolderInfo]:
    """The selectable folders a mail client shows: the inbox, the special-use folders above
    and every other folder the user subscribed to."""
    subscribed = {name for _flags, _delimiter, name in client.list_sub_folders()}
    return [
        info
        for info in list_folders(client)
        if info.selectable
        and (
            info.special_use in SYNCED_ROLES
            or (info.special_use is None and info.name in subscribed)
        )
    ]


@talks_to_server
def uid_fetch(
    client: IMAPClient, uid_set: str, items: Sequence[str], modifiers: str = ""
) -> dict[int, dict[bytes, Any]]:
    """`UID FETCH <uid_set> (items) [(modifiers)]` for a UID *range* such as "1:500".

    imapclient's `fetch` only accepts explicit UID lists (it filters the answer by them), and
    a list of every UID in a large folder is longer than Dovecot's 64 KB command limit; a
    range is a few bytes. The answer is read by `fetch_parser` (plain nested lists), which
    is several times faster than imapclient's parser on large folders.
    """
    args = [uid_set, "(" + " ".join(items) + ")"]
    if modifiers:
        args.append(f"({modifiers})")
    typ, data = client._imap.uid("FETCH", *args)
    if typ != "OK":
        raise ImapError(
            f"De server weigert FETCH ({_text(data)}). / The server refuses FETCH ({_text(data)})."
        )
    if not data or data == [None]:
        return {}
    return parse_fetch(data)


def _text(data: Any) -> str:
    if isinstance(data, list) and data and isinstance(data[0], bytes):
        return data[0].decode("utf-8", "replace")[:200]
    return str(data)[:200]


@talks_to_server
def sync_folder(
    client: IMAPClient, folder: str, sink: MailboxSink, *, batch_size: int = MAX_BATCH
) -> SyncReport:
    batch_size = max(1, min(batch_size, MAX_BATCH))
    info = client.select_folder(folder)
    uidvalidity = int(info[b"UIDVALIDITY"])
    exists = int(info.get(b"EXISTS", 0))
    server_uidnext = int(info.get(b"UIDNEXT", 0))
    modseq_raw = info.get(b"HIGHESTMODSEQ")
    modseq = int(modseq_raw) if modseq_raw is not None else None

    state = sink.get_state(folder)
    changed_validity = state is not None and state.uidvalidity != uidvalidity
    if state is None or changed_validity:
        if changed_validity:
            sink.reset_folder(folder)
        added = _fetch_new(client, folder, sink, uidvalidity, 1, batch_size)
        # UIDNEXT from the SELECT is safe to store: whatever arrives after it gets a UID at
        # or above it and is fetched next time, even when every UID below it is gone.
        sink.set_state(
            folder, _state(sink, folder, uidvalidity, modseq, at_least=server_uidnext or 1)
        )
        return SyncReport(folder, added, 0, 0, True, changed_validity)

    # The quick exit: nothing arrived, nothing changed, nothing went (one SELECT in all).
    if (
        server_uidnext == state.uidnext
        and modseq is not None
        and modseq == state.highestmodseq
        and exists == sink.count(folder)
    ):
        return SyncReport(folder, 0, 0, 0, False, False)

    flags_changed = _sync_flags(client, folder, sink, state, modseq)
    added = 0
    if server_uidnext == 0 or server_uidnext > state.uidnext:
        added = _fetch_new(client, folder, sink, uidvalidity, state.uidnext, batch_size)
    removed = 0
    if sink.count(folder) != exists:
        on_server = set(client.search("ALL"))
        gone = sink.known_uids(folder) - on_server
        if gone:
            sink.remove_uids(folder, gone)
            removed = len(gone)
    floor = max(state.uidnext, server_uidnext)
    sink.set_state(folder, _state(sink, folder, uidvalidity, modseq, at_least=floor))
    return SyncReport(folder, added, flags_changed, removed, False, False)


def _state(
    sink: MailboxSink, folder: str, uidvalidity: int, modseq: int | None, at_least: int = 1
) -> FolderState:
    known = sink.known_uids(folder)
    uidnext = max(at_least, max(known) + 1 if known else 1)
    current = sink.get_state(folder)
    if current is not None and current.uidvalidity == uidvalidity:
        uidnext = max(uidnext, current.uidnext)
    return FolderState(uidvalidity, uidnext, modseq)


def _fetch_new(
    client: IMAPClient,
    folder: str,
    sink: MailboxSink,
    uidvalidity: int,
    from_uid: int,
    batch_size: int,
) -> int:
    uids = sorted(uid for uid in client.search(["UID", f"{from_uid}:*"]) if uid >= from_uid)
    added = 0
    for start in range(0, len(uids), batch_size):
        chunk = uids[start : start + batch_size]
        answer = uid_fetch(client, f"{chunk[0]}:{chunk[-1]}", HEADER_ITEMS)
        records = [record_from_fetch(uid, data) for uid, data in answer.items() if uid >= from_uid]
        sink.upsert_headers(folder, records)
        added += len(records)
        # Progress that survives a crash: the next sync asks only for what follows.
        previous = sink.get_state(folder)
        sink.set_state(
            folder,
            FolderState(
                uidvalidity,
                max(chunk[-1] + 1, previous.uidnext if previous else 1),
                None,  # flags are only known current once the whole folder has been read
            ),
        )
    return added


def _sync_flags(
    client: IMAPClient,
    folder: str,
    sink: MailboxSink,
    state: FolderState,
    modseq: int | None,
) -> int:
    if state.uidnext <= 1:
        return 0
    known_range = f"1:{state.uidnext - 1}"
    if modseq is not None and state.highestmodseq is not None:
        if modseq == state.highestmodseq:
            return 0
        answer = uid_fetch(
            client, known_range, ["UID", "FLAGS"], f"CHANGEDSINCE {state.highestmodseq}"
        )
    else:
        answer = uid_fetch(client, known_range, ["UID", "FLAGS"])
    changes = {}
    for uid, data in answer.items():
        flags = flags_from_fetch(data)
        if flags is not None:
            changes[uid] = flags
    if changes:
        sink.update_flags(folder, changes)
    return len(changes)


@talks_to_server
def set_seen(client: IMAPClient, folder: str, uids: Collection[int], seen: bool) -> None:
    """Mark messages read or unread on the server (the local store updates itself first)."""
    if not uids:
        return
    client.select_folder(folder)
    ordered = sorted(uids)
    for start in range(0, len(ordered), MAX_BATCH):
        chunk = ordered[start : start + MAX_BATCH]
        if seen:
            client.add_flags(chunk, [b"\\Seen"], silent=True)
        else:
            client.remove_flags(chunk, [b"\\Seen"], silent=True)


@talks_to_server
def fetch_body(client: IMAPClient, folder: str, uid: int) -> bytes | None:
    """The full RFC 5322 message (BODY.PEEK: reading does not set \\Seen); None if gone."""
    client.select_folder(folder, readonly=True)
    answer = client.fetch([uid], ["BODY.PEEK[]"])
    data = answer.get(uid)
    if not data:
        return None
    body = data.get(b"BODY[]")
    return bytes(body) if body is not None else None


def iter_bodies(
    client: IMAPClient, folder: str, uids: Sequence[int] | None = None, *, batch_size: int = 200
) -> Iterator[tuple[int, bytes]]:
    """(uid, full message) for the given UIDs, or the whole folder, in batches."""
    with server_errors(client):
        client.select_folder(folder, readonly=True)
        ordered = sorted(uids) if uids is not None else sorted(client.search("ALL"))
    for start in range(0, len(ordered), batch_size):
        chunk = ordered[start : start + batch_size]
        with server_errors(client):
            answer = client.fetch(chunk, ["BODY.PEEK[]"])
        for uid in chunk:
            data = answer.get(uid)
            if data and data.get(b"BODY[]") is not None:
                yield uid, bytes(data[b"BODY[]"])
