"""What the conversation list needs, for many conversations in a few queries.

The list shows per conversation its subject, newest date, correspondents, whether anything
has an attachment, how many replies came in and the envelope of its first sent message.
Asking the mailbox and recipient tables per conversation costs several queries each; here
one query aggregates all listed conversations at once (from indexes alone, see migration 4),
so 10,000 list in a fraction of a second. Plain mail, listed beside them, comes newest first
from an index of its own (migration 5); a folder's plain mail from the same index with the
folder in front (migration 6). Both hold the mail's flags as well (migration 7): a received
mail without \\Seen lists as unread. So does a conversation holding a received message
without \\Seen (a reply not yet shown): the conversations' index holds the flags too
(migration 8).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from functools import cache
from typing import Any, NamedTuple

from zivverdesk.core.model import EnvelopeState, RecipientState, envelope_state
from zivverdesk.store.database import Database
from zivverdesk.store.mailbox import CONVERSATION_SUBJECT_LABEL, MESSAGE_SUBJECT_LABEL

_UNIT = "\x1f"  # joins correspondents: a character no address or name contains

_COUNT = "SELECT COUNT(*) FROM conversations c {where}"
_ALL = "SELECT c.id, c.subject_sealed, c.to_review, c.assigned_to FROM conversations c {where}"
# Conversations by their newest message, like plain mail by its date, so that merging the two
# and cutting a page out of the result gives the same rows as one list sorted by date.
_NEWEST = (
    "SELECT c.id, c.subject_sealed, c.to_review, c.assigned_to FROM conversations c {where} "
    "ORDER BY (SELECT MAX(date) FROM messages WHERE conversation_id = c.id) DESC, c.id LIMIT ?"
)
# The same after a given row (see `After`). There is no index on a conversation's newest
# date (it is an aggregate), so this still looks up every conversation's newest message,
# one seek in messages_listed each; but it aggregates and decrypts only the page's rows.
_NEWEST_AFTER = (
    "SELECT id, subject_sealed, to_review, assigned_to FROM ("
    "SELECT c.id, c.subject_sealed, c.to_review, c.assigned_to, "
    "(SELECT MAX(date) FROM messages WHERE conversation_id = c.id) AS newest "
    "FROM conversations c {where}"
    ") WHERE newest <= ? AND (newest < ? OR id > ?) ORDER BY newest DESC, id LIMIT ?"
)
# Every message of a conversation with its conversation, from messages_listed alone: the
# conversations a search found messages of are picked from these in Python. Asking SQLite
# for them by the ids found (tens of thousands for a common word) cost ten times as much:
# each id looked up in the table, or an index built of them all for every query.
_CONVERSATION_MESSAGES = (
    "SELECT conversation_id, id FROM messages INDEXED BY messages_listed "
    "WHERE conversation_id IS NOT NULL"
)
# Only the conversations of a JSON array of ids.
_AMONG = "c.id IN (SELECT value FROM json_each(?))"

# Three counts of the first sent message's current recipients (all, refused, opened) packed
# in one integer, as a scalar subquery gives one value: 20 bits each (the shifts in
# _MESSAGES), so up to a million recipients.
_BITS = 20
_MASK = (1 << _BITS) - 1

# One pass over the listed conversations' messages, newest conversation first (the order of
# _NEWEST). The first sent message is the oldest outgoing one that answers nothing: the
# minimum of date || id (ids are 32 characters). A conversation is unread while one of its
# received messages has no \Seen in its flags, tested as in _PLAIN_OF (behind a CASE, so
# the flags of what the user sent, which never makes it unread, are not even looked at).
_MESSAGES = """
SELECT cid, newest, attachments, replies, unread, who, ids,
    CASE WHEN sent IS NOT NULL THEN (
        SELECT COUNT(*)
            | (COUNT(*) FILTER (WHERE state = 'not_delivered') << 20)
            | (COUNT(*) FILTER (WHERE state = 'opened') << 40)
        FROM recipients
        WHERE message_id = sent AND replaced_by IS NULL
    ) END
FROM (
    SELECT conversation_id AS cid,
        MAX(date) AS newest,
        MAX(has_attachments) AS attachments,
        SUM(direction = 'in' AND in_reply_to IS NOT NULL) AS replies,
        MAX(CASE WHEN direction = 'in' THEN ' ' || flags || ' ' NOT LIKE '% \\Seen %' END)
            AS unread,
        group_concat(CASE WHEN direction = 'out' THEN recipients ELSE sender END, char(31)) AS who,
        {ids} AS ids,
        substr(MIN(CASE WHEN direction = 'out' AND in_reply_to IS NULL THEN date || id END), -32)
            AS sent
    FROM messages
    WHERE {which}
    GROUP BY conversation_id
)
ORDER BY newest DESC, cid
"""


# The newest plain mails, in the order of `Mailbox.messages` (date DESC, id) and read from
# the covering index of migration 5 alone (of one folder: migration 6). The kind is written
# out, not bound: SQLite uses a partial index only when the query's WHERE names the same
# value. Who the list shows is the sender of a received mail and the recipients of a sent one.
# A received mail is unread while its flags (IMAP's, space-separated) hold no \Seen; what
# the user sent or drafted is never unread. LIKE compares ASCII letters in any case, as IMAP
# compares flag names.
_PLAIN_OF = """
SELECT id, subject_sealed, CASE WHEN direction = 'in' THEN sender ELSE recipients END, date,
    has_attachments, direction = 'in' AND ' ' || flags || ' ' NOT LIKE '% \\Seen %'
FROM messages INDEXED BY {index}
WHERE kind = 'plain'{folder}
ORDER BY date DESC, id
LIMIT ?
"""
_PLAIN = _PLAIN_OF.format(index="messages_plain_listed", folder="")
_PLAIN_IN_FOLDER = _PLAIN_OF.format(index="messages_folder_listed", folder=" AND folder_id = ?")
# A page after a given row (see `After`): `date <= ?` is a range on the index's date column,
# so the read starts at the row's date; the rest leaves out what came before it that second.
_AFTER = " AND date <= ? AND (date < ? OR id > ?)"
# Only what a search found (a JSON array of message ids), tested row by row while the index
# is read in list order: the read stops once the page is full, and reads no table row.
_MATCHING = " AND id IN (SELECT value FROM json_each(?))"


@cache
def _plain_query(*, folder: bool, after: bool, matching: bool) -> str:
    where = (" AND folder_id = ?" if folder else "") + (_AFTER if after else "")
    return _PLAIN_OF.format(
        index="messages_folder_listed" if folder else "messages_plain_listed",
        folder=where + (_MATCHING if matching else ""),
    )


# How many plain mails there are, and which (to forget the subjects of those that are gone).
_PLAIN_COUNT = "SELECT COUNT(*) FROM messages INDEXED BY messages_plain_listed WHERE kind = 'plain'"
_PLAIN_IDS = "SELECT id FROM messages INDEXED BY messages_plain_listed WHERE kind = 'plain'"


class After(NamedTuple):
    """Where a page of the list starts, in list order (newest first, equal dates by id): the
    rows dated before `date`, and of those dated `date` the ones whose id sorts after `id`;
    all of them with `id` "", none with `id` None. A page that starts here reads from the
    date on, in an index's order, instead of reading and dropping every row above it."""

    date: str
    id: str | None


def _after_params(after: After) -> tuple[str, str, str | None]:
    return (after.date, after.date, after.id)


def _ids_json(ids: Collection[str]) -> str:
    return json.dumps(list(ids))


class PlainDigest(NamedTuple):
    """A plain mail as the list shows it."""

    id: str
    subject: str
    correspondents: str
    date: str
    has_attachments: bool
    #: Received and not yet read (no \\Seen in its flags).
    unread: bool


class ConversationDigest(NamedTuple):
    """A named tuple rather than a frozen dataclass: the list builds one per conversation on
    every refresh, and a frozen dataclass sets each field through object.__setattr__, which
    made building them a tenth of the listing's time."""

    id: str
    subject: str
    to_review: bool
    assigned_to: str | None
    newest_date: str
    #: Who the messages went to (sent) or came from (received), each once, sorted.
    correspondents: tuple[str, ...]
    #: The conversation's messages; None unless asked for (only a search needs them).
    message_ids: frozenset[str] | None
    has_attachments: bool
    replies: int
    #: The envelope of the oldest message we sent that answers nothing; None if none.
    envelope: EnvelopeState | None
    #: Holds a received message this user has not been shown (no \\Seen in its flags).
    unread: bool


@cache
def _envelope(counts: int | None) -> EnvelopeState | None:
    """The envelope from the packed recipient counts of _MESSAGES; None without a sent
    message."""
    if counts is None:
        return None
    refused, opened = (counts >> _BITS) & _MASK, counts >> (2 * _BITS)
    others = (counts & _MASK) - refused - opened
    # envelope_state only tells refused and opened recipients from the rest.
    return envelope_state(
        [RecipientState.NOT_DELIVERED] * refused
        + [RecipientState.OPENED] * opened
        + [RecipientState.DELIVERED] * others
    )


class Listing:
    def __init__(self, db: Database) -> None:
        self._db = db
        # Decrypted conversation subjects, in memory only (like the search index). A
        # conversation's subject never changes once stored, so the GUI's repeated listing
        # decrypts each one once per process.
        self._subjects: dict[str, str] = {}
        # Decrypted plain mail subjects by message id, each with the sealed value it came
        # from. Nothing changes a stored subject, but a cached one is used only while the row
        # holds the very same sealed bytes: those decrypt (under the same id) to the same
        # text, so the list never shows a subject the row no longer has.
        self._plain_subjects: dict[str, tuple[bytes | None, str]] = {}

    def digests(
        self,
        *,
        to_review: bool = False,
        limit: int = 1000,
        message_ids: bool = False,
        after: After | None = None,
        matching: Collection[str] | None = None,
    ) -> list[ConversationDigest]:
        """The conversations with the newest messages (those without messages are left out),
        newest first (equal dates by id); with `message_ids`, each with the ids of its
        messages. With `after`, those that come after that point of the list; with
        `matching` (message ids a search found), only conversations holding one of them.

        The conversations and their messages' aggregates are read apart and joined here:
        SQLite joining them itself sorts whole rows in a temporary b-tree and is slower than
        a dictionary look-up. One snapshot, so both reads see the same conversations."""
        if matching is not None and not matching:
            return []  # a search that found nothing
        clauses = (["c.to_review = 1"] if to_review else []) + ([_AMONG] if matching else [])
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._db.snapshot():
            found: tuple[str, ...] = ()
            if matching:
                rows = self._db.query_values(_CONVERSATION_MESSAGES)
                found = (_ids_json({cid for cid, mid in rows if mid in matching}),)
            complete = False
            if after is None:
                counted = self._db.query_one(_COUNT.format(where=where), found)
                complete = counted is not None and counted[0] <= limit
            if complete:  # no need to order them: the aggregates come in date order
                listed = self._db.query(_ALL.format(where=where), found)
            elif after is None:
                listed = self._db.query(_NEWEST.format(where=where), (*found, limit))
            else:
                listed = self._db.query(
                    _NEWEST_AFTER.format(where=where), (*found, *_after_params(after), limit)
                )
            params: tuple[str, ...] = ()
            if not to_review and not matching and complete:
                # Every conversation is listed: one scan in index order beats looking each up.
                which = "conversation_id IS NOT NULL"
            else:
                which = "conversation_id IN (SELECT value FROM json_each(?))"
                params = (json.dumps([row[0] for row in listed]),)
            # Collecting every message id costs a tenth of the listing; only a search needs them.
            collect = "group_concat(id)" if message_ids else "NULL"
            aggregates = self._db.query(_MESSAGES.format(which=which, ids=collect), params)
        conversations = {row[0]: row for row in listed}
        # A conversation without messages has no aggregate, so it is not listed.
        return [
            self._digest(conversations[aggregate[0]], aggregate)
            for aggregate in aggregates
            if aggregate[0] in conversations  # always, unless foreign keys were off once
        ]

    def _digest(self, conversation: Sequence[Any], aggregate: Sequence[Any]) -> ConversationDigest:
        cid, subject_sealed, review, assigned_to = conversation
        _, newest, attachments, replies, unread, who, ids, counts = aggregate
        return ConversationDigest(
            cid,
            self._subject(cid, subject_sealed),
            bool(review),
            assigned_to,
            newest,
            tuple(sorted(set((who or "").split(_UNIT)))),
            frozenset(ids.split(",")) if ids is not None else None,
            bool(attachments),
            int(replies or 0),
            _envelope(counts),
            bool(unread),
        )

    def _subject(self, conversation_id: str, sealed: bytes | None) -> str:
        subject = self._subjects.get(conversation_id)
        if subject is None:
            subject = self._subjects[conversation_id] = (
                self._db.cipher.open_text(
                    sealed, label=CONVERSATION_SUBJECT_LABEL, row=conversation_id
                )
                if sealed is not None
                else ""
            )
        return subject

    def plain(
        self,
        *,
        limit: int = 1000,
        folder_id: int | None = None,
        after: After | None = None,
        matching: Collection[str] | None = None,
    ) -> list[PlainDigest]:
        """The newest `limit` plain mails (of one folder with `folder_id`), newest first (ties
        by id, like `Mailbox.messages(kind="plain", folder_id=...)`). With `after`, those
        that come after that point of the list; with `matching` (message ids a search
        found), only those among them."""
        if matching is not None and not matching:
            return []  # a search that found nothing
        params: tuple[object, ...] = (folder_id,) if folder_id is not None else ()
        if after is not None:
            params += _after_params(after)
        if matching is not None:
            params += (_ids_json(matching),)
        query = _plain_query(
            folder=folder_id is not None, after=after is not None, matching=matching is not None
        )
        rows = self._db.query_values(query, (*params, limit))
        subjects = self._plain_subjects
        open_text = self._db.cipher.open_text
        listed = []
        for mid, sealed, correspondents, date, attachments, unread in rows:
            known = subjects.get(mid)
            if known is None or known[0] != sealed:
                text = (
                    open_text(sealed, label=MESSAGE_SUBJECT_LABEL, row=mid)
                    if sealed is not None
                    else ""
                )
                known = subjects[mid] = (sealed, text)
            listed.append(
                PlainDigest(mid, known[1], correspondents, date, bool(attachments), bool(unread))
            )
        whole = after is None and matching is None
        if whole and len(rows) < limit and len(subjects) > len(rows):
            # Every plain mail (of the folder) was read: forget the subjects of mails that are
            # gone, so the memory held stays that of the mailbox as it is.
            if folder_id is None:
                self._plain_subjects = {row[0]: subjects[row[0]] for row in rows}
            else:
                self._forget_gone(subjects)
        return listed

    def _forget_gone(self, subjects: dict[str, tuple[bytes | None, str]]) -> None:
        """Keep only the subjects of plain mails still stored, when more are kept than
        stored (a folder's list cannot tell which of the others are gone)."""
        counted = self._db.query_one(_PLAIN_COUNT)
        if counted is not None and len(subjects) > counted[0]:
            stored = self._db.query_values(_PLAIN_IDS, ())
            self._plain_subjects = {mid: subjects[mid] for (mid,) in stored if mid in subjects}
