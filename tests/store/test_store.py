"""The local store: migrations, sealed columns, repositories and the memory search index."""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

import pytest

from zivverdesk.core.model import EventKind, RecipientState, VerificationMethod, new_id
from zivverdesk.core.secret import Secret
from zivverdesk.store import DB_FILE_NAME, Store, open_store
from zivverdesk.store.accounts import Account
from zivverdesk.store.migrations import SCHEMA_VERSION, SchemaTooNew
from zivverdesk.store.sealing import ColumnCipher, StoreCorrupt


@pytest.fixture
def key() -> bytes:
    return os.urandom(32)


def _account(store: Store) -> Account:
    return store.accounts.add(
        email="Secretariaat@Example.test",
        auth_kind="password",
        username="sec",
        imap_host="127.0.0.1",
        imap_port=993,
        imap_security="ssl",
        smtp_host="127.0.0.1",
        smtp_port=587,
        smtp_security="starttls",
    )


def _all_bytes(folder: Path) -> bytes:
    # The database and its WAL/SHM side files: plaintext must be in none of them.
    return b"".join(p.read_bytes() for p in folder.iterdir() if p.is_file())


def test_sensitive_columns_never_reach_the_disk_in_plaintext(tmp_path: Path, key: bytes) -> None:
    subject, body, code = "Uitslag MRI knie Jansen", "Geachte heer Jansen, de uitslag", "ZX-91-qq"
    with open_store(tmp_path, key) as store:
        account = _account(store)
        org = store.addressbook.add_organisation(
            name="Verzekeraar", domains=["verz.test"], access_code=Secret(code)
        )
        conv = new_id()
        store.mailbox.ensure_conversation(
            conv, account_id=account.id, kind="secure", subject=subject
        )
        mid = store.mailbox.add_message(
            account_id=account.id,
            conversation_id=conv,
            kind="secure",
            direction="out",
            sender=account.email,
            recipients="a@verz.test",
            subject=subject,
            body=body,
        )
        store.mailbox.add_attachment(
            attachment_id=new_id(),
            message_id=mid,
            name="mri-jansen.pdf",
            size=5,
            media_type="application/pdf",
            content=b"%PDF-geheim-inhoud",
        )
        store.outbox.enqueue(kind="x", message_id=mid, payload={"body": body})
        assert store.addressbook.access_code(org.id) == Secret(code)
        on_disk = _all_bytes(tmp_path)
    assert on_disk  # the files exist
    for secret in (subject, body, code, "mri-jansen", "geheim-inhoud"):
        assert secret.encode() not in on_disk, secret
    assert b"verz.test" in on_disk  # routing data is not sealed, proving we looked at the file


def test_reopen_with_wrong_key_fails_with_a_clear_error(tmp_path: Path, key: bytes) -> None:
    with open_store(tmp_path, key) as store:
        store.mailbox.add_message(
            account_id=None,
            conversation_id=None,
            kind="plain",
            direction="in",
            sender="x@y.test",
            recipients="",
            subject="s",
            body="b",
        )
    with pytest.raises(StoreCorrupt, match="cannot be decrypted"):
        open_store(tmp_path, os.urandom(32))


def test_sealed_value_is_bound_to_its_row(key: bytes) -> None:
    cipher = ColumnCipher(key)
    sealed = cipher.seal(b"x", label="messages.subject", row="a")
    assert cipher.open(sealed, label="messages.subject", row="a") == b"x"
    with pytest.raises(StoreCorrupt):
        cipher.open(sealed, label="messages.subject", row="b")
    with pytest.raises(StoreCorrupt):
        cipher.open(sealed, label="messages.body", row="a")
    with pytest.raises(StoreCorrupt):
        cipher.open(b"\x02" + sealed[1:], label="messages.subject", row="a")


def test_migrations_set_version_and_refuse_newer_schema(tmp_path: Path, key: bytes) -> None:
    open_store(tmp_path, key).close()
    conn = sqlite3.connect(tmp_path / DB_FILE_NAME)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    with pytest.raises(SchemaTooNew):
        open_store(tmp_path, key)


def test_index_is_rebuilt_at_open_and_matches_prefixes_and_accents(
    tmp_path: Path, key: bytes
) -> None:
    with open_store(tmp_path, key) as store:
        a = store.mailbox.add_message(
            account_id=None,
            conversation_id=None,
            kind="plain",
            direction="in",
            sender="Dr. Één <arts@ziekenhuis.test>",
            recipients="me@office.test",
            subject="Verslag consult",
            body="De patiënt heeft klachten",
            date="2026-01-01T10:00:00Z",
        )
        b = store.mailbox.add_message(
            account_id=None,
            conversation_id=None,
            kind="plain",
            direction="in",
            sender="jurist@advocaat.test",
            recipients="me@office.test",
            subject="Verslag zitting",
            body="Geen klachten",
            date="2026-01-02T10:00:00Z",
        )
    with open_store(tmp_path, key) as store:
        assert store.mailbox.search("verslag") == [b, a]  # newest first
        assert store.mailbox.search("versl klacht") == [b, a]
        assert store.mailbox.search("patient") == [a]
        assert store.mailbox.search("een") == [a]
        assert store.mailbox.search("de") == [a]  # short needles match whole words
        assert store.mailbox.search("ziekenhuis.test") == [a]
        assert store.mailbox.search("advocaat") == [b]
        assert store.mailbox.search("consult zitting") == []
        store.mailbox.remove_message(a)
        assert store.mailbox.search("verslag") == [b]
        store.mailbox.set_body(b, "nieuwe tekst")
        assert store.mailbox.search("klachten") == []
        assert store.mailbox.search("nieuwe") == [b]


def test_recipient_events_are_idempotent_and_move_state_forward(tmp_path: Path, key: bytes) -> None:
    with open_store(tmp_path, key) as store:
        mid = store.mailbox.add_message(
            account_id=None,
            conversation_id=None,
            kind="secure",
            direction="out",
            sender="me@office.test",
            recipients="r@x.test",
            subject="s",
            body="b",
        )
        store.secure.add(
            message_id=mid, relay_url="https://relay.test", cek=Secret(b"k" * 32), expires_at=None
        )
        rid = new_id()
        store.secure.add_recipient(
            recipient_id=rid,
            message_id=mid,
            address="r@x.test",
            name="R",
            method=VerificationMethod.SMS,
            phone="+31600000000",
        )
        assert store.secure.record_event(
            message_id=mid, recipient_id=rid, kind=EventKind.OPENED, event_key="c1"
        )
        assert not store.secure.record_event(
            message_id=mid, recipient_id=rid, kind=EventKind.OPENED, event_key="c1"
        )
        store.secure.record_event(
            message_id=mid, recipient_id=rid, kind=EventKind.NOTIFICATION_ACCEPTED, event_key="c0"
        )
        assert store.secure.recipient(rid).state is RecipientState.OPENED
        assert [e.kind for e in store.secure.timeline(mid)] == ["opened", "notification_accepted"]
        assert store.secure.cek(mid) == Secret(b"k" * 32)
        new_rid = new_id()
        store.secure.replace_recipient(rid, new_rid, address="priv@home.test")
        current = store.secure.recipients(mid)
        assert [(r.id, r.address, r.state) for r in current] == [
            (new_rid, "priv@home.test", RecipientState.PENDING)
        ]
        assert len(store.secure.recipients(mid, current_only=False)) == 2


def test_outbox_steps_survive_reopen(tmp_path: Path, key: bytes) -> None:
    from datetime import timedelta

    with open_store(tmp_path, key) as store:
        job = store.outbox.enqueue(kind="secure_send", message_id=None, payload={"a": 1})
        store.outbox.finish_step(job, "upload", result="ok")
        store.outbox.finish_step(job, "upload", result="again")  # no-op, first result wins
        store.outbox.mark_waiting(job, "SMTP server unreachable", retry_in=timedelta(seconds=0))
    with open_store(tmp_path, key) as store:
        assert store.outbox.step_result(job, "upload") == "ok"
        assert store.outbox.steps(job) == ["upload"]
        (pending,) = store.outbox.jobs()
        assert (pending.status, pending.last_error, pending.attempts) == (
            "waiting",
            "SMTP server unreachable",
            1,
        )
        assert [j.id for j in store.outbox.due()] == [job]
        assert store.outbox.payload(job) == {"a": 1}
        store.outbox.mark_done(job)
        assert store.outbox.jobs() == []


def test_addressbook_domains_contacts_and_code_rotation(tmp_path: Path, key: bytes) -> None:
    with open_store(tmp_path, key) as store:
        book = store.addressbook
        org = book.add_organisation(
            name="UWV",
            domains=["uwv.test", "@UWV2.test"],
            access_code=Secret("eerste"),
            contact_person="mevr. Bos",
        )
        assert org.domains == ("uwv.test", "uwv2.test")
        found = book.organisation_for_address("Jan@UWV2.test")
        assert found is not None and found.id == org.id
        assert book.organisation_for_address("jan@elders.test") is None
        with pytest.raises(Exception, match="already belongs"):
            book.add_organisation(name="Ander", domains=["uwv.test"], access_code=None)
        book.set_access_code(org.id, Secret("tweede"))
        assert book.access_code(org.id) == Secret("tweede")
        book.upsert_contact(email="Jan@uwv.test", name="Jan")
        c = book.upsert_contact(email="jan@uwv.test", mobile="+31611111111", organisation_id=org.id)
        assert (c.name, c.mobile, c.organisation_id) == ("Jan", "+31611111111", org.id)


def test_single_writer_serialises_concurrent_writes(tmp_path: Path, key: bytes) -> None:
    with open_store(tmp_path, key) as store:
        errors: list[BaseException] = []

        def write(n: int) -> None:
            try:
                for i in range(50):
                    store.mailbox.add_message(
                        account_id=None,
                        conversation_id=None,
                        kind="plain",
                        direction="in",
                        sender=f"t{n}@x.test",
                        recipients="",
                        subject=f"s{i}",
                        body="b",
                    )
            except BaseException as exc:  # collected and asserted below
                errors.append(exc)

        threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert len(store.mailbox.messages(limit=1000)) == 200
        assert store.mailbox.ensure_index() == 200
        assert len(store.mailbox.search("x.test")) == 200


def test_writers_during_an_index_build_neither_block_nor_get_lost(
    tmp_path: Path, key: bytes
) -> None:
    with open_store(tmp_path, key) as store:
        for i in range(2000):
            store.mailbox.add_message(
                account_id=None,
                conversation_id=None,
                kind="plain",
                direction="in",
                sender="a@x.test",
                recipients="",
                subject=f"oud {i}",
                body="",
            )
        builder = threading.Thread(target=store.mailbox.ensure_index)
        builder.start()
        # Writers hold the database's write lock while they update the index.
        for i in range(200):
            with store.db.transaction():
                store.mailbox.add_message(
                    account_id=None,
                    conversation_id=None,
                    kind="plain",
                    direction="in",
                    sender="b@x.test",
                    recipients="",
                    subject=f"nieuw {i}",
                    body="",
                )
        builder.join(timeout=60)
        assert not builder.is_alive()
        assert len(store.mailbox.search("oud", limit=10_000)) == 2000
        assert len(store.mailbox.search("nieuw", limit=10_000)) == 200
