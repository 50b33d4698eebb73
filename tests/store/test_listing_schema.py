"""What the conversation list relies on in the store: the indexes of migrations 4 to 8
(also on a profile written before them) and reads that see one state of the database."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from tests.store.mail_data import secure_sent
from zivverdesk.store import DB_FILE_NAME, Store, open_store
from zivverdesk.store.listing import _MESSAGES, _PLAIN, _PLAIN_IN_FOLDER, _plain_query
from zivverdesk.store.migrations import MIGRATIONS, SCHEMA_VERSION, _split


@pytest.fixture
def key() -> bytes:
    return os.urandom(32)


def _indexes(conn: sqlite3.Connection) -> set[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
    return {name for (name,) in rows}


def _version(path: Path, version: int) -> None:
    """A profile as the release with schema `version` left it."""
    conn = sqlite3.connect(path, isolation_level=None)
    for script in MIGRATIONS[:version]:
        for statement in _split(script):
            conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.close()


def _version_3(path: Path) -> None:
    """A profile as the release before migration 4 left it."""
    _version(path, 3)


def _conversation(store: Store, subject: str, date: str) -> str:
    """A secure conversation whose one sent message has a long body (a row of several
    pages, which the listing must not read)."""
    return secure_sent(store, subject, date, body="een lange tekst " * 1000)[0]


def test_migration_4_adds_the_listing_indexes_to_an_older_profile(
    tmp_path: Path, key: bytes
) -> None:
    _version_3(tmp_path / DB_FILE_NAME)
    with open_store(tmp_path, key) as store:
        cid = _conversation(store, "Uitslag", "2026-03-01T10:00:00Z")
        [digest] = store.listing.digests()
        assert (digest.id, digest.subject, digest.message_ids) == (cid, "Uitslag", None)
        assert digest.envelope is not None and digest.envelope.value == "closed"
    conn = sqlite3.connect(tmp_path / DB_FILE_NAME)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 4
    indexes = _indexes(conn)
    assert {"messages_listed", "recipients_current"} <= indexes
    assert "recipients_by_message" not in indexes  # the new one starts with its column
    # The list's aggregates come from the two indexes alone, not from the (long) rows.
    query = _MESSAGES.format(which="conversation_id IS NOT NULL", ids="group_concat(id)")
    plan = " | ".join(row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {query}"))
    assert "COVERING INDEX messages_listed" in plan, plan
    assert "COVERING INDEX recipients_current" in plan, plan
    conn.close()


def _account_with_inbox(conn: sqlite3.Connection) -> None:
    """Account 'a' with folder 1, INBOX, written as an older release stored them."""
    conn.execute(
        "INSERT INTO accounts (id, email, auth_kind, username, imap_host, imap_port, "
        "imap_security, smtp_host, smtp_port, smtp_security, created) VALUES "
        "('a', 'me@office.test', 'password', 'me', 'h', 1, 'none', 'h', 1, 'none', '2026')"
    )
    conn.execute("INSERT INTO folders (id, account_id, name) VALUES (1, 'a', 'INBOX')")


def _assert_index_only(
    conn: sqlite3.Connection, index: str, query: str, params: tuple[object, ...]
) -> str:
    """That `query` reads `index` alone (no table row with its long body) in the index's
    order (no sort); returns the plan."""
    plan = " | ".join(row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {query}", params))
    assert f"COVERING INDEX {index}" in plan, plan
    assert "TEMP B-TREE" not in plan, plan
    return plan


def _plain(store: Store, subject: str, date: str, **fields: object) -> str:
    return store.mailbox.add_message(
        account_id=None,
        conversation_id=None,
        kind="plain",
        direction="in",
        sender="huisarts@example.test",
        recipients="kantoor@office.test",
        subject=subject,
        body="een gewone tekst " * 300,
        date=date,
        **fields,  # type: ignore[arg-type]
    )


def test_migration_5_lists_plain_mail_of_an_older_profile_from_its_index(
    tmp_path: Path, key: bytes
) -> None:
    path = tmp_path / DB_FILE_NAME
    _version(path, 4)
    conn = sqlite3.connect(path, isolation_level=None)  # plain mail of the previous release
    conn.execute(
        "INSERT INTO messages (id, kind, direction, sender, recipients, subject_sealed, date) "
        "VALUES ('m-old', 'plain', 'out', 'kantoor@office.test', 'b@example.test', NULL, "
        "'2026-01-01T00:00:00Z')"
    )
    conn.close()
    with open_store(tmp_path, key) as store:
        newer = _plain(store, "Nieuw", "2026-02-01T00:00:00Z", has_attachments=True)
        listed = store.listing.plain()
        assert [(p.id, p.subject, p.correspondents, p.has_attachments) for p in listed] == [
            (newer, "Nieuw", "huisarts@example.test", True),
            ("m-old", "", "b@example.test", False),  # stored before: in the index too
        ]
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 5
    assert "messages_plain_listed" in _indexes(conn)
    # The list reads the index alone, in its order: no table row (with its long body), no sort.
    _assert_index_only(conn, "messages_plain_listed", _PLAIN, (10,))
    # What the index holds of the subject is the row's sealed value, not its text.
    (sealed,) = conn.execute(
        "SELECT subject_sealed FROM messages INDEXED BY messages_plain_listed "
        "WHERE kind = 'plain' AND id = ?",
        (newer,),
    ).fetchone()
    assert b"Nieuw" not in sealed
    conn.close()


def test_migration_6_lists_a_folder_of_an_older_profile_from_its_index(
    tmp_path: Path, key: bytes
) -> None:
    path = tmp_path / DB_FILE_NAME
    _version(path, 5)
    conn = sqlite3.connect(path, isolation_level=None)  # a synced folder of the previous release
    _account_with_inbox(conn)
    conn.execute(
        "INSERT INTO messages (id, account_id, kind, direction, folder_id, uid, sender, "
        "recipients, subject_sealed, body_sealed, date) VALUES ('m-old', 'a', 'plain', 'in', "
        "1, 7, 'huisarts@example.test', 'me@office.test', NULL, randomblob(20000), "
        "'2026-01-01T00:00:00Z')"
    )
    conn.close()
    with open_store(tmp_path, key) as store:
        newer = _plain(store, "Nieuw", "2026-02-01T00:00:00Z", folder_id=1, uid=8)
        _plain(store, "Elders", "2026-03-01T00:00:00Z")  # in no folder: not listed
        listed = store.listing.plain(folder_id=1)
        assert [(p.id, p.subject, p.correspondents) for p in listed] == [
            (newer, "Nieuw", "huisarts@example.test"),
            ("m-old", "", "huisarts@example.test"),  # stored before: in the index too
        ]
        assert store.listing.plain(folder_id=2) == []
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 6
    indexes = _indexes(conn)
    assert "messages_folder_listed" in indexes
    # Replaced: the new index starts with its columns for plain mail, and the unique index
    # on (folder_id, uid) finds a folder's messages for everything else.
    assert "messages_by_folder" not in indexes
    plan = _assert_index_only(conn, "messages_folder_listed", _PLAIN_IN_FOLDER, (1, 10))
    assert "COVERING INDEX messages_folder_listed (folder_id=?)" in plan, plan
    (sealed,) = conn.execute(
        "SELECT subject_sealed FROM messages INDEXED BY messages_folder_listed "
        "WHERE kind = 'plain' AND folder_id = 1 AND id = ?",
        (newer,),
    ).fetchone()
    assert b"Nieuw" not in sealed
    conn.close()


def test_migration_7_lists_unread_plain_mail_of_an_older_profile_from_its_indexes(
    tmp_path: Path, key: bytes
) -> None:
    path = tmp_path / DB_FILE_NAME
    _version(path, 6)
    conn = sqlite3.connect(path, isolation_level=None)  # synced mail of the previous release
    _account_with_inbox(conn)
    for mid, uid, flags in (("m-read", 7, "\\Flagged \\Seen"), ("m-unread", 8, "\\Flagged")):
        conn.execute(
            "INSERT INTO messages (id, account_id, kind, direction, folder_id, uid, sender, "
            "recipients, subject_sealed, body_sealed, date, flags) VALUES (?, 'a', 'plain', "
            "'in', 1, ?, 'huisarts@example.test', 'me@office.test', NULL, randomblob(20000), "
            "'2026-01-0' || ?, ?)",
            (mid, uid, uid - 6, flags),
        )
    conn.close()
    with open_store(tmp_path, key) as store:
        sent = store.mailbox.add_message(  # what the user sent is never unread
            account_id="a",
            conversation_id=None,
            kind="plain",
            direction="out",
            sender="me@office.test",
            recipients="huisarts@example.test",
            subject="Verzonden",
            body=None,
            date="2026-01-03T00:00:00Z",
            folder_id=1,
            uid=9,
        )
        # The case of a flag does not matter (IMAP compares flag names in any case).
        seen_lower = _plain(store, "Gelezen", "2026-01-04", folder_id=1, uid=10, flags="\\seen")
        expected = [(seen_lower, False), (sent, False), ("m-unread", True), ("m-read", False)]
        for folder_id in (None, 1):
            listed = store.listing.plain(folder_id=folder_id)
            assert [(p.id, p.unread) for p in listed] == expected
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 7
    for index, query, params in (
        ("messages_plain_listed", _PLAIN, (10,)),
        ("messages_folder_listed", _PLAIN_IN_FOLDER, (1, 10)),
    ):
        (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (index,)).fetchone()
        assert "flags" in sql
        # Flags included, the list still reads the index alone, in its order.
        _assert_index_only(conn, index, query, params)
    conn.close()


@pytest.mark.parametrize("folder", [False, True])
def test_a_later_page_and_a_search_read_the_plain_listing_indexes_alone(
    tmp_path: Path, key: bytes, folder: bool
) -> None:
    """A page after a given row starts at its date in the index (a range, not a scan of the
    rows above it); a search tests each row of the index against the ids found. Either way
    nothing but the index is read, in its order."""
    with open_store(tmp_path, key) as store:
        _plain(store, "Eerste", "2026-03-01T10:00:00Z")
    conn = sqlite3.connect(tmp_path / DB_FILE_NAME)
    index = "messages_folder_listed" if folder else "messages_plain_listed"
    where: tuple[object, ...] = (1,) if folder else ()
    after = ("2026-03-01T10:00:00Z", "2026-03-01T10:00:00Z", "m")
    for later, matching in ((True, False), (False, True), (True, True)):
        query = _plain_query(folder=folder, after=later, matching=matching)
        params = (*where, *(after if later else ()), *(('["m"]',) if matching else ()), 10)
        plan = _assert_index_only(conn, index, query, params)
        if later:
            assert "date<?" in plan, plan


def test_migration_8_lists_unread_conversations_of_an_older_profile_from_its_indexes(
    tmp_path: Path, key: bytes
) -> None:
    path = tmp_path / DB_FILE_NAME
    _version(path, 7)
    conn = sqlite3.connect(path, isolation_level=None)  # a conversation of the previous release
    conn.execute(
        "INSERT INTO conversations (id, kind, created, updated) VALUES "
        "('c-old', 'secure', '2026', '2026')"
    )
    for mid, direction, reply_to, flags in (
        ("m-sent", "out", None, ""),
        ("m-reply", "in", "m-sent", ""),  # received before this release: seen
        ("m-flagged", "in", "m-sent", "\\Flagged"),  # other flags are kept
    ):
        conn.execute(
            "INSERT INTO messages (id, conversation_id, kind, direction, in_reply_to, "
            "subject_sealed, body_sealed, date, flags) VALUES (?, 'c-old', 'secure', ?, ?, "
            "NULL, randomblob(20000), '2026-01-01T00:00:00Z', ?)",
            (mid, direction, reply_to, flags),
        )
    conn.execute(  # plain mail keeps its IMAP flags: the server says whether it was read
        "INSERT INTO messages (id, kind, direction, subject_sealed, date) "
        "VALUES ('m-plain', 'plain', 'in', NULL, '2026-01-01T00:00:00Z')"
    )
    conn.close()
    with open_store(tmp_path, key) as store:
        stored = {r["id"]: r["flags"] for r in store.db.query("SELECT id, flags FROM messages")}
        assert stored == {
            "m-sent": "",
            "m-reply": "\\Seen",
            "m-flagged": "\\Flagged \\Seen",
            "m-plain": "",
        }
        new, sent, _ = secure_sent(store, "Nieuw", "2026-02-01T00:00:00Z")
        store.mailbox.add_message(  # a reply after the update is unread
            account_id=None,
            conversation_id=new,
            kind="secure",
            direction="in",
            sender="p@example.test",
            recipients="kantoor@office.test",
            subject="Re: Nieuw",
            body=None,
            date="2026-02-02T00:00:00Z",
            in_reply_to=sent,
        )
        assert {d.id: d.unread for d in store.listing.digests()} == {new: True, "c-old": False}
        assert [p.unread for p in store.listing.plain()] == [True]
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 8
    (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'messages_listed'").fetchone()
    assert "flags" in sql
    # Unread state included, the aggregates still come from the two indexes alone.
    for which in (
        "conversation_id IS NOT NULL",
        "conversation_id IN (SELECT value FROM json_each(?))",
    ):
        query = _MESSAGES.format(which=which, ids="group_concat(id)")
        params = () if "?" not in which else ('["c-old"]',)
        plan = " | ".join(row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {query}", params))
        assert "COVERING INDEX messages_listed" in plan, plan
        assert "COVERING INDEX recipients_current" in plan, plan
    conn.close()


def test_listing_reads_one_state_while_another_process_writes(tmp_path: Path, key: bytes) -> None:
    with open_store(tmp_path, key) as store:
        _conversation(store, "Eerste", "2026-03-01T10:00:00Z")
        other = sqlite3.connect(tmp_path / DB_FILE_NAME, isolation_level=None)
        count = "SELECT COUNT(*) FROM conversations"
        with store.db.snapshot():
            before = store.db.query(count)[0][0]
            other.execute(
                "INSERT INTO conversations (id, kind, created, updated) "
                "VALUES ('x', 'secure', '2026', '2026')"
            )
            assert store.db.query(count)[0][0] == before == 1
        assert store.db.query(count)[0][0] == 2  # seen once the snapshot ends
        other.close()


def test_snapshot_inside_a_write_transaction_joins_it(tmp_path: Path, key: bytes) -> None:
    with open_store(tmp_path, key) as store:
        with store.db.transaction():
            cid = _conversation(store, "Binnen", "2026-03-01T10:00:00Z")
            with store.db.snapshot():
                assert [d.id for d in store.listing.digests()] == [cid]
        assert [d.subject for d in store.listing.digests()] == ["Binnen"]
