"""Mail folders and what IMAP sync stores in them: headers by UID, flags, sync positions.

Headers arrive in batches of up to a thousand; each batch is one transaction, and subjects
are sealed like every other subject. The search index (see `Mailbox`) follows every change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zivverdesk.core.model import new_id
from zivverdesk.store.database import Database
from zivverdesk.store.mailbox import _MSG_SUBJECT, Direction, Mailbox


@dataclass(frozen=True, kw_only=True)
class Folder:
    id: int
    account_id: str
    name: str
    special_use: str | None
    uidvalidity: int | None
    uidnext: int | None
    highestmodseq: int | None


@dataclass(frozen=True, kw_only=True, slots=True)
class SyncedHeader:
    """One message's header as IMAP sync delivers it (no body yet)."""

    uid: int
    header_message_id: str
    in_reply_to: str
    sender: str
    recipients: str
    subject: str
    date: str
    flags: str
    size: int
    has_attachments: bool


class Folders:
    def __init__(self, db: Database, mailbox: Mailbox) -> None:
        self._db = db
        self._mailbox = mailbox

    def folder(self, account_id: str, name: str, *, special_use: str | None = None) -> Folder:
        """The folder of that name, made if new."""
        with self._db.transaction() as conn:
            conn.execute(
                "INSERT INTO folders (account_id, name, special_use) VALUES (?, ?, ?) "
                "ON CONFLICT (account_id, name) DO UPDATE SET "
                "special_use = COALESCE(excluded.special_use, folders.special_use)",
                (account_id, name, special_use),
            )
            row = conn.execute(
                "SELECT * FROM folders WHERE account_id = ? AND name = ?", (account_id, name)
            ).fetchone()
        return _folder(row)

    def find(self, account_id: str, name: str) -> Folder | None:
        """The folder if it is known (a read only: no write transaction on a no-op sync)."""
        row = self._db.query_one(
            "SELECT * FROM folders WHERE account_id = ? AND name = ?", (account_id, name)
        )
        return None if row is None else _folder(row)

    def folders(self, account_id: str) -> list[Folder]:
        return [
            _folder(r)
            for r in self._db.query(
                "SELECT * FROM folders WHERE account_id = ? ORDER BY name", (account_id,)
            )
        ]

    def set_folder_sync_state(
        self, folder_id: int, *, uidvalidity: int, uidnext: int, highestmodseq: int | None
    ) -> None:
        self._db.execute(
            "UPDATE folders SET uidvalidity = ?, uidnext = ?, highestmodseq = ? WHERE id = ?",
            (uidvalidity, uidnext, highestmodseq, folder_id),
        )

    def clear_folder(self, folder_id: int) -> None:
        """Forget a folder's messages (after a UIDVALIDITY change the UIDs mean nothing)."""
        with self._db.transaction() as conn:
            ids = [
                r["id"]
                for r in conn.execute("SELECT id FROM messages WHERE folder_id = ?", (folder_id,))
            ]
            conn.execute("DELETE FROM messages WHERE folder_id = ?", (folder_id,))
        for message_id in ids:
            self._mailbox.unindex_message(message_id)

    def upsert_synced(
        self,
        *,
        account_id: str,
        folder_id: int,
        records: list[SyncedHeader],
        direction: Direction = "in",
    ) -> int:
        """Store a batch of headers from IMAP by UID in one transaction; a UID already held
        only gets its flags refreshed (its envelope cannot change). Returns how many are new.
        `direction` is "out" for folders of mail the user wrote (sent, drafts)."""
        if not records:
            return 0
        cipher = self._db.cipher
        new: list[tuple[str, SyncedHeader]] = []
        with self._db.transaction() as conn:
            held = {
                r["uid"]
                for r in conn.execute(
                    "SELECT uid FROM messages WHERE folder_id = ? AND uid BETWEEN ? AND ?",
                    (folder_id, min(h.uid for h in records), max(h.uid for h in records)),
                )
            }
            rows = []
            flag_rows = []
            for header in records:
                if header.uid in held:
                    flag_rows.append((header.flags, folder_id, header.uid))
                    continue
                mid = new_id()
                new.append((mid, header))
                rows.append(
                    (
                        mid,
                        account_id,
                        direction,
                        folder_id,
                        header.uid,
                        header.header_message_id,
                        header.in_reply_to,
                        header.sender,
                        header.recipients,
                        cipher.seal_text(header.subject, label=_MSG_SUBJECT, row=mid),
                        header.date,
                        header.flags,
                        header.size,
                        int(header.has_attachments),
                    )
                )
            conn.executemany(
                "INSERT INTO messages (id, account_id, kind, direction, folder_id, uid, "
                "header_message_id, in_reply_to, sender, recipients, subject_sealed, date, "
                "flags, size, has_attachments) VALUES (?,?,'plain',?,?,?,?,?,?,?,?,?,?,?,?)",
                rows,
            )
            conn.executemany(
                "UPDATE messages SET flags = ? WHERE folder_id = ? AND uid = ?", flag_rows
            )
        for mid, header in new:
            self._mailbox.index_message(
                mid,
                date=header.date,
                correspondents=f"{header.sender} {header.recipients}",
                subject=header.subject,
                body="",
            )
        return len(new)

    def set_flags_by_uid(self, folder_id: int, flags: dict[int, str]) -> None:
        with self._db.transaction() as conn:
            conn.executemany(
                "UPDATE messages SET flags = ? WHERE folder_id = ? AND uid = ?",
                [(f, folder_id, uid) for uid, f in flags.items()],
            )

    def remove_uids(self, folder_id: int, uids: list[int]) -> None:
        with self._db.transaction() as conn:
            ids = []
            for uid in uids:
                row = conn.execute(
                    "SELECT id FROM messages WHERE folder_id = ? AND uid = ?", (folder_id, uid)
                ).fetchone()
                if row is not None:
                    ids.append(row["id"])
            conn.executemany("DELETE FROM messages WHERE id = ?", [(i,) for i in ids])
        for message_id in ids:
            self._mailbox.unindex_message(message_id)

    def count_in_folder(self, folder_id: int) -> int:
        row = self._db.query_one(
            "SELECT count(*) AS n FROM messages WHERE folder_id = ?", (folder_id,)
        )
        return int(row["n"]) if row is not None else 0

    def uids(self, folder_id: int) -> dict[int, str]:
        return {
            r["uid"]: r["id"]
            for r in self._db.query(
                "SELECT uid, id FROM messages WHERE folder_id = ? AND uid IS NOT NULL",
                (folder_id,),
            )
        }

    def reset_folder_state(self, folder_id: int) -> None:
        """Forget the sync position (with `clear_folder`, after a UIDVALIDITY change)."""
        self._db.execute(
            "UPDATE folders SET uidvalidity = NULL, uidnext = NULL, highestmodseq = NULL "
            "WHERE id = ?",
            (folder_id,),
        )


def _folder(row: Any) -> Folder:
    return Folder(
        id=row["id"],
        account_id=row["account_id"],
        name=row["name"],
        special_use=row["special_use"],
        uidvalidity=row["uidvalidity"],
        uidnext=row["uidnext"],
        highestmodseq=row["highestmodseq"],
    )
