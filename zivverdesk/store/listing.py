"""What the conversation list needs, for many conversations in one query.

The list shows per conversation its subject, newest date, correspondents, whether anything
has an attachment, how many replies came in and the envelope of its first sent message.
Asking the mailbox and recipient tables per conversation costs several queries each; here
three queries aggregate all listed conversations at once, so 10,000 list in a fraction of a
second.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from zivverdesk.core.model import EnvelopeState, RecipientState, envelope_state
from zivverdesk.store.database import Database
from zivverdesk.store.mailbox import CONVERSATION_SUBJECT_LABEL

_UNIT = "\x1f"  # joins correspondents: a character no address or name contains

# Conversations by their newest message, like plain mail by its date, so that merging the two
# and cutting a page out of the result gives the same rows as one list sorted by date.
_NEWEST_FIRST = (
    "FROM conversations c {where} "
    "ORDER BY (SELECT MAX(date) FROM messages WHERE conversation_id = c.id) DESC, c.id LIMIT ?"
)
_LISTED = "SELECT c.id, c.subject_sealed, c.to_review, c.assigned_to " + _NEWEST_FIRST

# One pass over the listed conversations' messages. The first sent message is the oldest
# outgoing one that answers nothing: the minimum of date || id (ids are 32 characters).
_MESSAGES = """
SELECT conversation_id,
    MAX(date),
    MAX(has_attachments),
    SUM(direction = 'in' AND in_reply_to IS NOT NULL),
    group_concat(CASE WHEN direction = 'out' THEN recipients ELSE sender END, char(31)),
    group_concat(id),
    substr(MIN(CASE WHEN direction = 'out' AND in_reply_to IS NULL THEN date || id END), -32)
FROM messages
WHERE {which}
GROUP BY conversation_id
"""

_STATES = """
SELECT message_id, COUNT(*), SUM(state = 'not_delivered'), SUM(state = 'opened')
FROM recipients
WHERE replaced_by IS NULL AND message_id IN (SELECT value FROM json_each(?))
GROUP BY message_id
"""


@dataclass(frozen=True, kw_only=True)
class ConversationDigest:
    id: str
    subject: str
    to_review: bool
    assigned_to: str | None
    newest_date: str
    #: Who the messages went to (sent) or came from (received), each once, sorted.
    correspondents: tuple[str, ...]
    message_ids: frozenset[str]
    has_attachments: bool
    replies: int
    #: The envelope of the oldest message we sent that answers nothing; None if none.
    envelope: EnvelopeState | None


@cache
def _envelope(total: int, refused: int, opened: int) -> EnvelopeState:
    # envelope_state only tells refused and opened recipients from the rest.
    others = total - refused - opened
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

    def digests(self, *, to_review: bool = False, limit: int = 1000) -> list[ConversationDigest]:
        """The conversations with the newest messages (those without messages are left out),
        newest first.

        Three flat queries joined here: SQLite joining the aggregates itself builds
        temporary indexes and is slower than these dictionary look-ups."""
        where = "WHERE c.to_review = 1" if to_review else ""
        # Three reads, not one snapshot: a conversation stored in between is missing from
        # one of them and left out (or listed without its newest state) until the next call.
        listed = self._db.query(_LISTED.format(where=where), (limit + 1,))
        complete = len(listed) <= limit
        del listed[limit:]
        params: tuple[str, ...] = ()
        if not to_review and complete:
            # Every conversation is listed: one scan in index order beats looking each up.
            which = "conversation_id IS NOT NULL"
        else:
            which = "conversation_id IN (SELECT value FROM json_each(?))"
            params = (json.dumps([row[0] for row in listed]),)
        aggregates = {row[0]: row for row in self._db.query(_MESSAGES.format(which=which), params)}
        first_sent = [row[6] for row in aggregates.values() if row[6] is not None]
        states = {row[0]: row for row in self._db.query(_STATES, (json.dumps(first_sent),))}
        cipher = self._db.cipher
        digests = []
        for cid, subject_sealed, review, assigned_to in listed:
            aggregate = aggregates.get(cid)
            if aggregate is None:  # a conversation without messages is not listed
                continue
            _, newest, attachments, replies, who, ids, sent_id = aggregate
            subject = self._subjects.get(cid)
            if subject is None:
                subject = self._subjects[cid] = (
                    cipher.open_text(subject_sealed, label=CONVERSATION_SUBJECT_LABEL, row=cid)
                    if subject_sealed is not None
                    else ""
                )
            envelope = None
            if sent_id is not None:
                counts = states.get(sent_id)
                envelope = _envelope(*counts[1:]) if counts else _envelope(0, 0, 0)
            digests.append(
                ConversationDigest(
                    id=cid,
                    subject=subject,
                    to_review=bool(review),
                    assigned_to=assigned_to,
                    newest_date=newest,
                    correspondents=tuple(sorted(set((who or "").split(_UNIT)))),
                    message_ids=frozenset(ids.split(",")),
                    has_attachments=bool(attachments),
                    replies=int(replies or 0),
                    envelope=envelope,
                )
            )
        return digests
