"""The store as the mail layer's `MailboxSink`: upserts by UID are idempotent, flags update,
expunged UIDs go, a UIDVALIDITY reset forgets the folder — and the search index follows."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from tests.store.mail_data import offline_account
from zivverdesk.mail.headers import HeaderRecord, MailAddress
from zivverdesk.mail.sync import FolderState
from zivverdesk.services.mail_sync import StoreSink
from zivverdesk.store import open_store


def _header(uid: int, subject: str, flags: frozenset[str] = frozenset()) -> HeaderRecord:
    return HeaderRecord(
        uid=uid,
        flags=flags,
        size=100,
        date=datetime(2026, 1, uid % 28 + 1, tzinfo=UTC),
        subject=subject,
        sender=(MailAddress("Dr. Arts", "arts@zkh.test"),),
        to=(MailAddress("", "me@office.test"),),
        cc=(),
        message_id=f"<{uid}@zkh.test>",
        in_reply_to="",
        has_attachments=False,
    )


def test_store_sink_follows_the_protocol(tmp_path: Path) -> None:
    with open_store(tmp_path, os.urandom(32)) as store:
        account = offline_account(store, "me@office.test")
        sink = StoreSink(store, account.id)
        assert sink.get_state("INBOX") is None
        sink.upsert_headers("INBOX", [_header(1, "Verslag knie"), _header(2, "Agenda")])
        sink.upsert_headers("INBOX", [_header(2, "Agenda", frozenset({"\\Seen"}))])  # resumed
        assert sink.count("INBOX") == 2 and sink.known_uids("INBOX") == {1, 2}
        sink.set_state("INBOX", FolderState(7, 3, 11))
        assert sink.get_state("INBOX") == FolderState(7, 3, 11)
        sink.update_flags("INBOX", {1: frozenset({"\\Seen", "\\Flagged"}), 99: frozenset()})
        flags = {m.uid: m.flags for m in store.mailbox.messages()}
        assert flags == {1: "\\Flagged \\Seen", 2: "\\Seen"}
        assert [m.sender for m in store.mailbox.messages() if m.uid == 1] == [
            "Dr. Arts <arts@zkh.test>"
        ]
        assert len(store.mailbox.search("knie")) == 1
        sink.remove_uids("INBOX", [1])
        assert sink.known_uids("INBOX") == {2} and store.mailbox.search("knie") == []
        sink.reset_folder("INBOX")  # UIDVALIDITY changed
        assert sink.get_state("INBOX") is None and sink.count("INBOX") == 0
        assert store.mailbox.search("agenda") == []
        sink.upsert_headers("INBOX", [_header(1, "Agenda")])
        assert len(store.mailbox.search("agenda")) == 1  # once, not twice
