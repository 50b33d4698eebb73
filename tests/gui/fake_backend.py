"""An in-memory `Backend` for window tests: the engine itself is tested against real servers
elsewhere; here we check what the windows do with what the engine answers."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from zivverdesk.core.errors import ZivverdeskError
from zivverdesk.core.model import EnvelopeState
from zivverdesk.gui.backend import (
    AddressBookCheck,
    Colleague,
    ConversationDetails,
    MessageView,
    OutgoingMessage,
    Progress,
    RecipientDetails,
    SyncPass,
    TimelineEntry,
)
from zivverdesk.gui.conversation_model import ConversationPage, ConversationRow


class FakeBackend:
    def __init__(self) -> None:
        self.queries: list[tuple[str, str]] = []  # (folder, query) of every page asked for
        now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
        self.rows = [
            ConversationRow(
                conversation_id="a" * 32,
                correspondent="J. de Vries",
                subject="Uw keuringsrapport",
                updated=now,
                envelope=EnvelopeState.OPEN,
                secure=True,
                has_attachments=True,
            ),
            ConversationRow(
                conversation_id="b" * 32,
                correspondent="Verzekeraar NL",
                subject="Medisch advies",
                updated=now,
                envelope=EnvelopeState.CLOSED,
                secure=True,
                unread=True,  # a reply came in that the user has not seen
            ),
        ]
        # Plain mail in the inbox: one unread, one read.
        self.inbox = [
            ConversationRow(
                conversation_id="e" * 32,
                correspondent="Huisarts",
                subject="Verwijzing",
                updated=now,
                envelope=None,
                secure=False,
                unread=True,
            ),
            ConversationRow(
                conversation_id="f" * 32,
                correspondent="Apotheek",
                subject="Herhaalrecept",
                updated=now,
                envelope=None,
                secure=False,
            ),
        ]
        self.marked_seen: list[str] = []
        self.fail_mark_seen: Exception | None = None
        # Secure conversations marked read, with the messages shown; what mark_read answers
        # (still unread: a reply came in after the conversation was shown) or raises.
        self.marked_read: list[tuple[str, tuple[str, ...]]] = []
        self.still_unread = False
        self.fail_mark_read: Exception | None = None
        self.listed = 0  # how often a folder's rows were asked for
        self.page_threads: list[bool] = []  # per later page: read on the GUI thread
        self.sent: list[OutgoingMessage] = []
        self.revoked: list[str] = []
        self.resent: list[tuple[str, str, str | None]] = []
        self.fail_send: str | None = None
        # The office's users on the relay, and the conversations assigned to one of them.
        self.team: list[Colleague] = []
        self.assigned: list[tuple[str, str]] = []
        # What the address book gives an address, and which addresses were looked up.
        self.address_book: dict[str, AddressBookCheck] = {}
        self.looked_up: list[list[str]] = []
        # The background sync: the passes it reports (or an error that ends it), in order.
        self.passes: queue.Queue[SyncPass | Exception] = queue.Queue()
        self.watching = threading.Event()

    def folders(self) -> list[tuple[str, str]]:
        return [("secure", "Beveiligd"), ("inbox", "Postvak IN")]

    def conversations(
        self, folder: str, after: object | None, limit: int, *, query: str = ""
    ) -> ConversationPage:
        self.queries.append((folder, query))
        if after is not None:  # a later page: on which thread it was read
            self.page_threads.append(threading.current_thread() is threading.main_thread())
        # Pages by position: where a page ends is the offset of the row after it.
        self.listed += 1
        rows = {"secure": self.rows, "inbox": self.inbox}.get(folder, [])
        # A search keeps the rows whose contact or subject holds every word, in any case.
        words = query.casefold().split()
        rows = [
            r for r in rows if all(w in f"{r.correspondent} {r.subject}".casefold() for w in words)
        ]
        offset = after if isinstance(after, int) else 0
        end = offset + limit
        return ConversationPage(rows=rows[offset:end], next=end if end < len(rows) else None)

    def details(self, conversation_id: str) -> ConversationDetails:
        now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
        return ConversationDetails(
            conversation_id=conversation_id,
            subject="Uw keuringsrapport",
            messages=[
                MessageView(
                    message_id="c" * 32,
                    sender="Secretariaat",
                    sent=now,
                    subject="Uw keuringsrapport",
                    body="Zie bijlage.",
                    attachments=[("rapport.pdf", 1234)],
                )
            ],
            recipients=[
                RecipientDetails(
                    address="jan@example.test",
                    method="access_code",
                    state="opened",
                    timeline=[TimelineEntry(at=now, what="opened")],
                )
            ],
        )

    def mark_seen(self, conversation_id: str) -> None:
        if self.fail_mark_seen is not None:
            raise self.fail_mark_seen
        self.marked_seen.append(conversation_id)

    def mark_read(self, conversation_id: str, message_ids: Sequence[str]) -> bool:
        if self.fail_mark_read is not None:
            raise self.fail_mark_read
        self.marked_read.append((conversation_id, tuple(message_ids)))
        return self.still_unread

    def address_book_checks(self, addresses: Sequence[str]) -> Sequence[AddressBookCheck]:
        self.looked_up.append(list(addresses))
        return [
            self.address_book.get(a, AddressBookCheck(address=a, method=None)) for a in addresses
        ]

    def send(self, message: OutgoingMessage, *, progress: Progress | None = None) -> str:
        if self.fail_send:
            raise ZivverdeskError(self.fail_send)
        self.sent.append(message)
        return "d" * 32

    def resend(self, conversation_id: str, address: str, new_address: str | None) -> None:
        self.resent.append((conversation_id, address, new_address))

    def revoke(self, conversation_id: str) -> None:
        self.revoked.append(conversation_id)

    def mark_reviewed(self, conversation_id: str) -> None:
        pass

    def colleagues(self) -> Sequence[Colleague]:
        return list(self.team)

    def assign(self, conversation_id: str, email: str) -> None:
        self.assigned.append((conversation_id, email))

    def save_attachment(self, message_id: str, name: str, target: Path) -> None:
        pass

    def sync(self) -> None:
        pass

    def watch(self, stop: threading.Event, on_pass: Callable[[SyncPass], None]) -> None:
        """Hands on each pass a test puts in `passes` until `stop`; an exception put there
        ends the sync with it."""
        self.watching.set()
        while not stop.is_set():
            try:
                sync = self.passes.get(timeout=0.05)
            except queue.Empty:
                continue
            if isinstance(sync, Exception):
                raise sync
            on_pass(sync)

    def close(self) -> None:
        pass
