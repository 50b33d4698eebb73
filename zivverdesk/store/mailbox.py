"""Folders, conversations, messages (plain and secure) and attachments.

Subjects, bodies, attachment names and cached attachment content are sealed per row; the
search index (memory only) is kept in step with every write.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Literal

from zivverdesk.core.errors import ZivverdeskError
from zivverdesk.core.model import new_id
from zivverdesk.store.database import Database, utc_now
from zivverdesk.store.search import SearchIndex

Kind = Literal["secure", "plain"]
Direction = Literal["in", "out"]

_MSG_SUBJECT = MESSAGE_SUBJECT_LABEL = "messages.subject"
_MSG_BODY = "messages.body"
_MSG_HTML = "messages.html"
_CONV_SUBJECT = CONVERSATION_SUBJECT_LABEL = "conversations.subject"
_ATT_NAME = "attachments.name"
_ATT_CONTENT = "attachments.content"


# A conversation's received messages without \Seen (IMAP's flag names compare in any case,
# as LIKE compares ASCII letters): what makes it unread, as `store.listing` tests it.
_UNSEEN = "conversation_id = ? AND direction = 'in' AND ' ' || flags || ' ' NOT LIKE '% \\Seen %'"


class MessageNotFound(ZivverdeskError):
    code = "not_found"


@dataclass(frozen=True, kw_only=True)
class Conversation:
    id: str
    account_id: str | None
    kind: Kind
    subject: str
    shared: bool
    assigned_to: str | None
    to_review: bool
    reviewed_by: str | None
    reviewed_at: str | None
    created: str
    updated: str


@dataclass(frozen=True, kw_only=True)
class Message:
    id: str
    account_id: str | None
    conversation_id: str | None
    kind: Kind
    direction: Direction
    folder_id: int | None
    uid: int | None
    header_message_id: str | None
    in_reply_to: str | None
    sender: str
    recipients: str
    subject: str
    date: str
    flags: str
    size: int
    has_attachments: bool


@dataclass(frozen=True, kw_only=True)
class Attachment:
    id: str
    message_id: str
    name: str
    size: int
    media_type: str
    sha256: str
    cached: bool


@dataclass(frozen=True, kw_only=True)
class Rendering:
    """The display form of a plain mail beyond its text (see `Mailbox.set_rendering`)."""

    html: str
    remote_images_blocked: int
    defects: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class ReviewEntry:
    action: str
    actor: str
    at: str


class Mailbox:
    def __init__(self, db: Database, index: SearchIndex) -> None:
        self._db = db
        self._index = index
        # The index is built on first search (or by `ensure_index` in the background), so a
        # command that never searches never decrypts the whole mailbox. Writers never wait
        # for a build: while one runs, their index updates queue in `_pending` and are
        # replayed after it. (`_state` is never held during database work, and the builder
        # holds `_build` but takes the database lock only to read: no lock-order deadlock
        # with a writer that holds the database lock and updates the index.)
        self._state = threading.Lock()
        self._build = threading.Lock()
        self._index_ready = False
        self._building = False
        self._pending: list[tuple[str, dict[str, str]] | str] = []

    def index_message(self, message_id: str, **fields: str) -> None:
        with self._state:
            if not self._index_ready:
                if self._building:
                    self._pending.append((message_id, fields))
                return
        self._index.add(message_id, **fields)

    def unindex_message(self, message_id: str) -> None:
        with self._state:
            if not self._index_ready:
                if self._building:
                    self._pending.append(message_id)
                return
        self._index.remove(message_id)

    def ensure_index(self) -> int:
        """Build the memory index if it is not built yet; returns the indexed count."""
        with self._build:
            if not self._index_ready:
                with self._state:
                    self._building, self._pending = True, []
                try:
                    self.build_index()
                except BaseException:
                    with self._state:
                        self._pending, self._building = [], False
                    raise
                with self._state:
                    for item in self._pending:
                        if isinstance(item, str):
                            self._index.remove(item)
                        else:
                            self._index.add(item[0], **item[1])
                    self._pending, self._building = [], False
                    self._index_ready = True
            return len(self._index)

    # --- search index -----------------------------------------------------------------

    def build_index(self) -> int:  # through ensure_index
        """Decrypt the searchable columns once into the memory index; returns the count."""
        cipher = self._db.cipher
        rows = self._db.query(
            "SELECT id, date, sender, recipients, subject_sealed, body_sealed FROM messages"
        )
        for row in rows:
            subject = (
                cipher.open_text(row["subject_sealed"], label=_MSG_SUBJECT, row=row["id"])
                if row["subject_sealed"] is not None
                else ""
            )
            body = (
                cipher.open_text(row["body_sealed"], label=_MSG_BODY, row=row["id"])
                if row["body_sealed"] is not None
                else ""
            )
            self._index.add(
                row["id"],
                date=row["date"],
                correspondents=f"{row['sender']} {row['recipients']}",
                subject=subject,
                body=body,
            )
        return len(rows)

    def search(self, query: str, *, limit: int = 500) -> list[str]:
        self.ensure_index()
        return self._index.search(query, limit=limit)

    def matching(self, query: str) -> set[str]:
        """Every message id that `search` would find for `query`, however many, unordered."""
        self.ensure_index()
        return self._index.matching(query)

    # --- conversations ----------------------------------------------------------------

    def ensure_conversation(
        self,
        conversation_id: str,
        *,
        account_id: str | None,
        kind: Kind,
        subject: str,
        shared: bool = False,
    ) -> None:
        now = utc_now()
        sealed = self._db.cipher.seal_text(subject, label=_CONV_SUBJECT, row=conversation_id)
        self._db.execute(
            "INSERT INTO conversations (id, account_id, kind, subject_sealed, shared, created, "
            "updated) VALUES (?,?,?,?,?,?,?) ON CONFLICT (id) DO NOTHING",
            (conversation_id, account_id, kind, sealed, int(shared), now, now),
        )

    def conversation(self, conversation_id: str) -> Conversation:
        row = self._db.query_one("SELECT * FROM conversations WHERE id = ?", (conversation_id,))
        if row is None:
            raise MessageNotFound("That conversation does not exist.")
        return self._conversation(row)

    def conversations(self, *, to_review: bool = False, limit: int = 1000) -> list[Conversation]:
        where = "WHERE to_review = 1" if to_review else ""
        rows = self._db.query(
            f"SELECT * FROM conversations {where} ORDER BY updated DESC LIMIT ?",  # noqa: S608
            (limit,),
        )
        return [self._conversation(r) for r in rows]

    def touch_conversation(self, conversation_id: str, *, needs_review: bool) -> None:
        self._db.execute(
            "UPDATE conversations SET updated = ?, to_review = MAX(to_review, ?) WHERE id = ?",
            (utc_now(), int(needs_review), conversation_id),
        )

    def set_review(
        self,
        conversation_id: str,
        *,
        assigned_to: str | None,
        reviewed: bool,
        actor: str,
        event_key: str | None = None,
    ) -> bool:
        """Record an assignment or review; returns False if `event_key` was applied before."""
        now = utc_now()
        with self._db.transaction() as conn:
            action = "reviewed" if reviewed else f"assigned:{assigned_to or ''}"
            try:
                conn.execute(
                    "INSERT INTO review_log (conversation_id, action, actor, at, event_key) "
                    "VALUES (?,?,?,?,?)",
                    (conversation_id, action, actor, now, event_key),
                )
            except sqlite3.IntegrityError:
                return False
            if reviewed:
                conn.execute(
                    "UPDATE conversations SET to_review = 0, reviewed_by = ?, reviewed_at = ? "
                    "WHERE id = ?",
                    (actor, now, conversation_id),
                )
            else:
                conn.execute(
                    "UPDATE conversations SET assigned_to = ? WHERE id = ?",
                    (assigned_to, conversation_id),
                )
        return True

    def mark_conversation_seen(
        self, conversation_id: str, *, message_ids: Collection[str] | None = None
    ) -> int:
        """Mark the received messages of a conversation seen (\\Seen in their flags, in this
        store only: no server keeps a secure message's flags); with `message_ids`, only those
        (what the user was shown), so a reply stored in the meantime stays unread. Returns
        how many were marked."""
        params: tuple[str, ...] = (conversation_id,)
        only = ""
        if message_ids is not None:
            only = " AND id IN (SELECT value FROM json_each(?))"
            params = (conversation_id, json.dumps(sorted(message_ids)))
        return self._db.execute(
            f"UPDATE messages SET flags = trim(flags || ' \\Seen') WHERE {_UNSEEN}{only}",  # noqa: S608
            params,
        )

    def conversation_unread(self, conversation_id: str) -> bool:
        """Whether a conversation holds a received message not yet seen (as its list row
        tells)."""
        query = f"SELECT 1 FROM messages WHERE {_UNSEEN} LIMIT 1"  # noqa: S608
        return self._db.query_one(query, (conversation_id,)) is not None

    def review_log(self, conversation_id: str) -> list[ReviewEntry]:
        return [
            ReviewEntry(action=r["action"], actor=r["actor"], at=r["at"])
            for r in self._db.query(
                "SELECT action, actor, at FROM review_log WHERE conversation_id = ? ORDER BY id",
                (conversation_id,),
            )
        ]

    def _conversation(self, row: Any) -> Conversation:
        subject = (
            self._db.cipher.open_text(row["subject_sealed"], label=_CONV_SUBJECT, row=row["id"])
            if row["subject_sealed"] is not None
            else ""
        )
        return Conversation(
            id=row["id"],
            account_id=row["account_id"],
            kind=row["kind"],
            subject=subject,
            shared=bool(row["shared"]),
            assigned_to=row["assigned_to"],
            to_review=bool(row["to_review"]),
            reviewed_by=row["reviewed_by"],
            reviewed_at=row["reviewed_at"],
            created=row["created"],
            updated=row["updated"],
        )

    # --- messages ---------------------------------------------------------------------

    def add_message(
        self,
        *,
        message_id: str | None = None,
        account_id: str | None,
        conversation_id: str | None,
        kind: Kind,
        direction: Direction,
        sender: str,
        recipients: str,
        subject: str,
        body: str | None,
        date: str | None = None,
        folder_id: int | None = None,
        uid: int | None = None,
        header_message_id: str | None = None,
        in_reply_to: str | None = None,
        flags: str = "",
        size: int = 0,
        has_attachments: bool = False,
    ) -> str:
        """Insert a message (or do nothing if that id or folder UID is already stored)."""
        mid = message_id or new_id()
        date = date or utc_now()
        cipher = self._db.cipher
        subject_sealed = cipher.seal_text(subject, label=_MSG_SUBJECT, row=mid)
        body_sealed = None if body is None else cipher.seal_text(body, label=_MSG_BODY, row=mid)
        with self._db.transaction() as conn:
            inserted = conn.execute(
                "INSERT INTO messages (id, account_id, conversation_id, kind, direction, "
                "folder_id, uid, header_message_id, in_reply_to, sender, recipients, "
                "subject_sealed, body_sealed, date, flags, size, has_attachments) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING",
                (
                    mid,
                    account_id,
                    conversation_id,
                    kind,
                    direction,
                    folder_id,
                    uid,
                    header_message_id,
                    in_reply_to,
                    sender,
                    recipients,
                    subject_sealed,
                    body_sealed,
                    date,
                    flags,
                    size,
                    int(has_attachments),
                ),
            ).rowcount
        if inserted:
            self.index_message(
                mid,
                date=date,
                correspondents=f"{sender} {recipients}",
                subject=subject,
                body=body or "",
            )
        return mid

    def set_body(self, message_id: str, body: str) -> None:
        sealed = self._db.cipher.seal_text(body, label=_MSG_BODY, row=message_id)
        self._db.execute("UPDATE messages SET body_sealed = ? WHERE id = ?", (sealed, message_id))
        message = self.message(message_id)
        self.index_message(
            message_id,
            date=message.date,
            correspondents=f"{message.sender} {message.recipients}",
            subject=message.subject,
            body=body,
        )

    def set_rendering(
        self, message_id: str, *, html: str, remote_images_blocked: int, defects: list[str]
    ) -> None:
        sealed = self._db.cipher.seal_text(html, label=_MSG_HTML, row=message_id) if html else None
        self._db.execute(
            "UPDATE messages SET html_sealed = ?, remote_images_blocked = ?, defects = ? "
            "WHERE id = ?",
            (sealed, remote_images_blocked, "\n".join(defects), message_id),
        )

    def rendering(self, message_id: str) -> Rendering:
        row = self._db.query_one(
            "SELECT html_sealed, remote_images_blocked, defects FROM messages WHERE id = ?",
            (message_id,),
        )
        if row is None:
            raise MessageNotFound(f"There is no message {message_id}.")
        html = (
            self._db.cipher.open_text(row["html_sealed"], label=_MSG_HTML, row=message_id)
            if row["html_sealed"] is not None
            else ""
        )
        return Rendering(
            html=html,
            remote_images_blocked=int(row["remote_images_blocked"]),
            defects=tuple(d for d in str(row["defects"]).split("\n") if d),
        )

    def set_flags(self, message_id: str, flags: str) -> None:
        self._db.execute("UPDATE messages SET flags = ? WHERE id = ?", (flags, message_id))

    def remove_message(self, message_id: str) -> None:
        self._db.execute("DELETE FROM messages WHERE id = ?", (message_id,))
        self.unindex_message(message_id)

    def has_message(self, message_id: str) -> bool:
        return self._db.query_one("SELECT 1 FROM messages WHERE id = ?", (message_id,)) is not None

    def message(self, message_id: str) -> Message:
        row = self._db.query_one("SELECT * FROM messages WHERE id = ?", (message_id,))
        if row is None:
            raise MessageNotFound(f"There is no message {message_id}. (Bericht niet gevonden.)")
        return self._message(row)

    def body(self, message_id: str) -> str | None:
        row = self._db.query_one("SELECT body_sealed FROM messages WHERE id = ?", (message_id,))
        if row is None:
            raise MessageNotFound(f"There is no message {message_id}.")
        if row["body_sealed"] is None:
            return None
        return self._db.cipher.open_text(row["body_sealed"], label=_MSG_BODY, row=message_id)

    def messages(
        self,
        *,
        conversation_id: str | None = None,
        folder_id: int | None = None,
        kind: Kind | None = None,
        limit: int = 1000,
    ) -> list[Message]:
        clauses: list[str] = []
        params: list[object] = []
        if conversation_id is not None:
            clauses.append("conversation_id = ?")
            params.append(conversation_id)
        if folder_id is not None:
            clauses.append("folder_id = ?")
            params.append(folder_id)
        if kind is not None:
            clauses.append("kind = ?")
            params.append(kind)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self._db.query(
            f"SELECT * FROM messages {where} ORDER BY date DESC, id LIMIT ?",  # noqa: S608
            (*params, limit),
        )
        return [self._message(r) for r in rows]

    def arrival_order(self, conversation_id: str) -> dict[str, int]:
        """Message id → the order it was stored in, to break ties between dates that only
        have whole seconds."""
        return {
            r["id"]: r["rowid"]
            for r in self._db.query(
                "SELECT id, rowid FROM messages WHERE conversation_id = ?", (conversation_id,)
            )
        }

    def _message(self, row: Any) -> Message:
        return Message(
            id=row["id"],
            account_id=row["account_id"],
            conversation_id=row["conversation_id"],
            kind=row["kind"],
            direction=row["direction"],
            folder_id=row["folder_id"],
            uid=row["uid"],
            header_message_id=row["header_message_id"],
            in_reply_to=row["in_reply_to"],
            sender=row["sender"],
            recipients=row["recipients"],
            subject=self._db.cipher.open_text(
                row["subject_sealed"], label=_MSG_SUBJECT, row=row["id"]
            ),
            date=row["date"],
            flags=row["flags"],
            size=row["size"],
            has_attachments=bool(row["has_attachments"]),
        )

    # --- attachments ------------------------------------------------------------------

    def add_attachment(
        self,
        *,
        attachment_id: str,
        message_id: str,
        name: str,
        size: int,
        media_type: str,
        sha256: str = "",
        content: bytes | None = None,
    ) -> None:
        cipher = self._db.cipher
        name_sealed = cipher.seal_text(name, label=_ATT_NAME, row=attachment_id)
        content_sealed = (
            None if content is None else cipher.seal(content, label=_ATT_CONTENT, row=attachment_id)
        )
        self._db.execute(
            "INSERT INTO attachments (id, message_id, name_sealed, size, media_type, sha256, "
            "content_sealed) VALUES (?,?,?,?,?,?,?) ON CONFLICT (id) DO UPDATE SET "
            "content_sealed = COALESCE(excluded.content_sealed, attachments.content_sealed)",
            (attachment_id, message_id, name_sealed, size, media_type, sha256, content_sealed),
        )

    def cache_attachment(self, attachment_id: str, content: bytes) -> None:
        sealed = self._db.cipher.seal(content, label=_ATT_CONTENT, row=attachment_id)
        self._db.execute(
            "UPDATE attachments SET content_sealed = ? WHERE id = ?", (sealed, attachment_id)
        )

    def attachments(self, message_id: str) -> list[Attachment]:
        rows = self._db.query(
            "SELECT id, message_id, name_sealed, size, media_type, sha256, "
            "content_sealed IS NOT NULL AS cached FROM attachments WHERE message_id = ? "
            "ORDER BY rowid",
            (message_id,),
        )
        return [
            Attachment(
                id=r["id"],
                message_id=r["message_id"],
                name=self._db.cipher.open_text(r["name_sealed"], label=_ATT_NAME, row=r["id"]),
                size=r["size"],
                media_type=r["media_type"],
                sha256=r["sha256"],
                cached=bool(r["cached"]),
            )
            for r in rows
        ]

    def attachment_content(self, attachment_id: str) -> bytes | None:
        row = self._db.query_one(
            "SELECT content_sealed FROM attachments WHERE id = ?", (attachment_id,)
        )
        if row is None or row["content_sealed"] is None:
            return None
        return self._db.cipher.open(row["content_sealed"], label=_ATT_CONTENT, row=attachment_id)
