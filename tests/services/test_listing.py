"""The conversation list answers with a fixed number of queries; it must say exactly what a
per-conversation reading of the store says (the reference below), for every kind of
conversation: opened, partly opened, refused, replaced recipients, replies, assignments,
starter conversations, plain mail, paging and search; a synced folder's list must say what
the per-folder reading of the store said before it had an index of its own."""

from __future__ import annotations

import dataclasses
import os
import random

import pytest

from tests.store.mail_data import offline_account, secure_sent
from zivverdesk.core.model import (
    EnvelopeState,
    VerificationMethod,
    envelope_state,
    new_id,
)
from zivverdesk.core.secret import Secret
from zivverdesk.mail.errors import ServerUnreachable
from zivverdesk.services.conversations import ListRow, _list_row, folder_ids, list_conversations
from zivverdesk.services.mail_sync import mark_seen
from zivverdesk.services.profile import Profile
from zivverdesk.services.render import list_rows
from zivverdesk.store.folders import SyncedHeader
from zivverdesk.store.mailbox import Message


def _reference(profile: Profile, *, to_review: bool = False) -> list[ListRow]:
    """The list as read one conversation at a time through the store's public API."""
    store = profile.store
    users = {u["user_id"]: u["email"] for u in store.relay.directory()}
    rows = []
    for conv in store.mailbox.conversations(to_review=to_review, limit=100_000):
        messages = store.mailbox.messages(conversation_id=conv.id)  # newest first
        if not messages:
            continue
        first_out = [m for m in messages if m.direction == "out" and m.in_reply_to is None]
        envelope: EnvelopeState | None = None
        if first_out:
            envelope = envelope_state(r.state for r in store.secure.recipients(first_out[-1].id))
        rows.append(
            ListRow(
                id=conv.id,
                kind="secure",
                subject=conv.subject,
                correspondents=", ".join(
                    sorted({m.recipients if m.direction == "out" else m.sender for m in messages})
                ),
                date=messages[0].date,
                envelope=envelope.value if envelope else None,
                to_review=conv.to_review,
                assigned_to=users.get(conv.assigned_to, conv.assigned_to)
                if conv.assigned_to
                else None,
                has_attachments=any(m.has_attachments for m in messages),
                replies=sum(1 for m in messages if m.direction == "in" and m.in_reply_to),
                unread=any(m.direction == "in" and not _seen(m) for m in messages),
            )
        )
    if not to_review:
        rows.extend(
            _reference_plain_row(m) for m in store.mailbox.messages(kind="plain", limit=100_000)
        )
    rows.sort(key=lambda r: r.date, reverse=True)
    return rows


def _seen(m: Message) -> bool:
    return "\\seen" in m.flags.lower().split()


def _reference_plain_row(m: Message) -> ListRow:
    """A plain mail as the list shows it, from the store's public API."""
    return ListRow(
        id=m.id,
        kind="plain",
        subject=m.subject,
        correspondents=m.sender if m.direction == "in" else m.recipients,
        date=m.date,
        envelope=None,
        to_review=False,
        assigned_to=None,
        has_attachments=m.has_attachments,
        replies=0,
        unread=m.direction == "in" and not _seen(m),
    )


def _fill(profile: Profile, rng: random.Random, count: int) -> None:
    store = profile.store
    store.relay.set_directory([{"user_id": "u1", "email": "adviseur@office.test"}])
    events = ["notification_accepted", "opened", "notification_refused"]
    for n in range(count):
        cid = new_id()
        day = f"2026-03-{1 + rng.randrange(28):02d}T{rng.randrange(24):02d}:00:00Z"
        store.mailbox.ensure_conversation(cid, account_id=None, kind="secure", subject=f"S{n}")
        shape = n % 5
        if shape == 4:
            continue  # a conversation without messages yet is not listed
        sent = new_id()
        if shape == 3:  # started by an outsider: only incoming messages
            store.mailbox.add_message(
                message_id=sent,
                account_id=None,
                conversation_id=cid,
                kind="secure",
                direction="in",
                sender=f"burger{n}@example.test",
                recipients="kantoor",
                subject=f"S{n}",
                body=None,
                date=day,
                has_attachments=rng.random() < 0.5,
            )
            store.mailbox.touch_conversation(cid, needs_review=True)
            if n % 2:  # read
                store.mailbox.mark_conversation_seen(cid)
            continue
        store.mailbox.add_message(
            message_id=sent,
            account_id=None,
            conversation_id=cid,
            kind="secure",
            direction="out",
            sender="kantoor@office.test",
            recipients=", ".join(f"r{n}-{i}@example.test" for i in range(1 + shape % 2)),
            subject=f"S{n}",
            body=None,
            date=day,
        )
        store.secure.add(
            message_id=sent,
            relay_url="https://relay.test",
            cek=Secret(os.urandom(32)),
            expires_at=None,
        )
        for i in range(1 + shape % 3):
            rid = new_id()
            store.secure.add_recipient(
                recipient_id=rid,
                message_id=sent,
                address=f"r{n}-{i}@example.test",
                name="",
                method=VerificationMethod.EMAIL,
                phone=None,
            )
            for kind in rng.sample(events, rng.randrange(3)):
                store.secure.record_event(message_id=sent, recipient_id=rid, kind=kind)
            if rng.random() < 0.2:  # a resend: the replaced recipient no longer counts
                store.secure.replace_recipient(rid, new_id(), address=f"r{n}-{i}@elders.test")
        if shape == 2:  # a reply came in, and we answered it in the same second
            store.mailbox.add_message(
                account_id=None,
                conversation_id=cid,
                kind="secure",
                direction="in",
                sender=f"r{n}-0@example.test",
                recipients="kantoor@office.test",
                subject=f"Re: S{n}",
                body=None,
                date=day,
                in_reply_to=sent,
                has_attachments=True,
            )
            store.mailbox.add_message(
                account_id=None,
                conversation_id=cid,
                kind="secure",
                direction="out",
                sender="kantoor@office.test",
                recipients=f"r{n}-0@example.test",
                subject=f"Re: S{n}",
                body=None,
                date=day,
                in_reply_to=sent,
            )
            store.mailbox.touch_conversation(cid, needs_review=True)
            if n % 2:
                store.mailbox.set_review(cid, assigned_to="u1", reviewed=False, actor="u1")
            if n % 3 == 0:  # the reply was read
                store.mailbox.mark_conversation_seen(cid)
    for n in range(count // 4):
        store.mailbox.add_message(
            account_id=None,
            conversation_id=None,
            kind="plain",
            direction="in",
            sender=f"Huisarts {n} <h{n}@example.test>",
            recipients="kantoor@office.test",
            subject=f"Gewone mail {n}",
            body=f"tekst {n}",
            date=f"2026-03-{1 + rng.randrange(28):02d}T{rng.randrange(24):02d}:30:00Z",
        )


def _key(rows: list[ListRow]) -> list[tuple[object, ...]]:
    # The same rows; the order of equal dates is not defined.
    return sorted((r.date, r.id, r) for r in rows)


def test_listing_matches_a_per_conversation_reading(profile: Profile) -> None:
    _fill(profile, random.Random(6), 120)
    expected = _reference(profile)
    listed = list_conversations(profile, limit=1000)
    assert _key(listed) == _key(expected)
    assert {r.envelope for r in listed} >= {"open", "closed", "not_delivered", None}
    assert any(r.assigned_to == "adviseur@office.test" for r in listed)
    assert {r.unread for r in listed if r.kind == "secure"} == {True, False}

    review = list_conversations(profile, to_review=True, limit=1000)
    assert _key(review) == _key(_reference(profile, to_review=True))
    assert review and all(r.to_review and r.kind == "secure" for r in review)

    # Pages: every row once, in date order, whatever the page size.
    everything = list_conversations(profile, limit=len(expected))
    pages = [list_conversations(profile, offset=o, limit=25) for o in range(0, len(expected), 25)]
    assert [r.date for page in pages for r in page] == [r.date for r in everything]
    assert sum(len(p) for p in pages) == len(expected)

    # Search narrows to conversations holding a matching message.
    hits = list_conversations(profile, query="S7")
    assert "S7" in {r.subject for r in hits} and all(r.kind == "secure" for r in hits)


def test_a_page_of_the_review_list_is_its_newest_rows(profile: Profile) -> None:
    # Fewer rows than conversations to review: the conversations are ordered in SQL first.
    _fill(profile, random.Random(7), 120)
    review = list_conversations(profile, to_review=True, limit=1000)
    assert len(review) > 5
    assert list_conversations(profile, to_review=True, limit=5) == review[:5]
    assert list_conversations(profile, to_review=True, offset=5, limit=5) == review[5:10]


def _sent(profile: Profile, subject: str, date: str) -> tuple[str, str, str]:
    """A conversation with one secure message sent to one recipient: its ids."""
    return secure_sent(profile.store, subject, date)


def test_every_change_shows_in_the_next_listing(profile: Profile) -> None:
    """Nothing of the list is kept between calls but decrypted subjects, which never change:
    a new conversation, an opened notification, a reply and an assignment show at once."""
    store = profile.store
    first, first_sent, _ = _sent(profile, "Eerste", "2026-03-01T10:00:00Z")
    assert [(r.id, r.envelope) for r in list_conversations(profile)] == [(first, "closed")]

    second, sent, rid = _sent(profile, "Tweede", "2026-03-02T10:00:00Z")
    listed = list_conversations(profile)
    assert [(r.id, r.subject) for r in listed] == [(second, "Tweede"), (first, "Eerste")]

    store.secure.record_event(message_id=sent, recipient_id=rid, kind="opened")
    assert list_conversations(profile)[0].envelope == "open"

    store.mailbox.add_message(
        account_id=None,
        conversation_id=first,
        kind="secure",
        direction="in",
        sender="q@example.test",
        recipients="kantoor@office.test",
        subject="Re: Eerste",
        body=None,
        date="2026-03-03T10:00:00Z",
        in_reply_to=first_sent,
        has_attachments=True,
    )
    row = list_conversations(profile)[0]
    assert (row.id, row.date, row.has_attachments) == (first, "2026-03-03T10:00:00Z", True)
    assert row.replies == 1
    assert row.correspondents == "p@example.test, q@example.test"

    store.relay.set_directory([{"user_id": "u1", "email": "adviseur@office.test"}])
    store.mailbox.set_review(second, assigned_to="u1", reviewed=False, actor="u1")
    assert list_conversations(profile)[1].assigned_to == "adviseur@office.test"
    assert _key(list_conversations(profile)) == _key(_reference(profile))


def _old_order(profile: Profile, *, offset: int, limit: int) -> list[ListRow]:
    """The mixed list as it was read before plain mail had its own index: the secure rows,
    then every plain mail from `Mailbox.messages`, one stable sort by date, then the page."""
    store = profile.store
    rows = list_conversations(profile, secure_only=True, limit=100_000)
    rows.extend(
        _reference_plain_row(m) for m in store.mailbox.messages(kind="plain", limit=offset + limit)
    )
    rows.sort(key=lambda r: r.date, reverse=True)
    return rows[offset : offset + limit]


def _plain(profile: Profile, n: int, date: str, *, message_id: str | None = None) -> str:
    out = n % 3 == 0
    return profile.store.mailbox.add_message(
        message_id=message_id,
        account_id=None,
        conversation_id=None,
        kind="plain",
        direction="out" if out else "in",
        sender="kantoor@office.test" if out else f"Huisarts {n} <h{n}@example.test>",
        recipients=f"r{n}@example.test, s{n}@example.test" if out else "kantoor@office.test",
        subject=f"Gewone mail {n}",
        body=f"tekst {n} " * 200,
        date=date,
        has_attachments=n % 4 == 0,
    )


def test_mixed_list_is_row_for_row_the_old_order_on_every_page(profile: Profile) -> None:
    # Few distinct seconds, so secure and plain rows share dates: ties keep secure rows
    # first, then plain mail by id, as the old single sort did.
    rng = random.Random(11)
    _fill(profile, rng, 60)
    for n in range(90):
        minute = rng.choice(["00", "30"])  # secure messages are stored on the hour
        _plain(
            profile, n, f"2026-03-{1 + rng.randrange(6):02d}T{rng.randrange(3):02d}:{minute}:00Z"
        )
    everything = list_conversations(profile, limit=1000)
    assert len(everything) == len(_old_order(profile, offset=0, limit=1000)) > 120
    assert {r.kind for r in everything} == {"secure", "plain"}
    dates = {r.date for r in everything if r.kind == "secure"}
    assert any(r.kind == "plain" and r.date in dates for r in everything)  # ties to order
    assert everything == _old_order(profile, offset=0, limit=1000)
    for offset, limit in [(0, 1), (0, 25), (7, 13), (25, 25), (100, 50), (140, 200), (999, 5)]:
        page = list_conversations(profile, offset=offset, limit=limit)
        assert page == _old_order(profile, offset=offset, limit=limit), (offset, limit)
        assert page == everything[offset : offset + limit]
    # Twice more: what is kept in memory between calls changes nothing.
    assert list_conversations(profile, limit=1000) == everything
    assert list_conversations(profile, offset=30, limit=30) == everything[30:60]
    # Only plain mail, and search over both kinds.
    assert list_conversations(profile, secure_only=True, limit=1000) == [
        r for r in everything if r.kind == "secure"
    ]
    hits = list_conversations(profile, query="Gewone", limit=1000)
    assert hits and hits == [r for r in everything if r.subject.startswith("Gewone mail")]


def test_plain_mail_changes_show_in_the_next_listing(profile: Profile) -> None:
    store = profile.store
    first = _plain(profile, 1, "2026-03-01T10:00:00Z")
    secure, _, _ = _sent(profile, "Beveiligd", "2026-03-02T10:00:00Z")
    assert [r.id for r in list_conversations(profile)] == [secure, first]

    newer = _plain(profile, 2, "2026-03-03T10:00:00Z")
    listed = list_conversations(profile)
    assert [(r.id, r.kind, r.subject) for r in listed] == [
        (newer, "plain", "Gewone mail 2"),
        (secure, "secure", "Beveiligd"),
        (first, "plain", "Gewone mail 1"),
    ]
    assert listed[0].correspondents == "Huisarts 2 <h2@example.test>"

    store.mailbox.remove_message(newer)
    assert [r.id for r in list_conversations(profile)] == [secure, first]

    # The same id stored again with another subject (nothing does this today): the list
    # shows the row as it is now, not what it decrypted before.
    store.mailbox.remove_message(first)
    store.mailbox.add_message(
        message_id=first,
        account_id=None,
        conversation_id=None,
        kind="plain",
        direction="out",
        sender="kantoor@office.test",
        recipients="ander@example.test",
        subject="Ander onderwerp",
        body=None,
        date="2026-03-04T10:00:00Z",
        has_attachments=True,
    )
    row = list_conversations(profile)[0]
    assert (row.id, row.subject, row.correspondents, row.has_attachments) == (
        first,
        "Ander onderwerp",
        "ander@example.test",
        True,
    )
    assert _key(list_conversations(profile)) == _key(_reference(profile))


def test_plain_subjects_kept_in_memory_follow_the_mailbox(profile: Profile) -> None:
    """Decrypted plain subjects are kept between listings, but not those of mails that are
    gone once the whole plain list has been read."""
    store = profile.store
    ids = [_plain(profile, n, f"2026-03-{1 + n:02d}T10:00:00Z") for n in range(5)]
    assert len(store.listing.plain(limit=3)) == 3
    kept = store.listing._plain_subjects
    assert set(kept) == set(ids[2:])
    store.mailbox.remove_message(ids[4])
    assert [p.id for p in store.listing.plain(limit=100)] == ids[3::-1]
    assert set(store.listing._plain_subjects) == set(ids[:4])


def test_list_rows_are_built_with_every_field() -> None:
    fields = {
        "id": "x",
        "kind": "secure",
        "subject": "Onderwerp",
        "correspondents": "a@example.test",
        "date": "2026-03-01T10:00:00Z",
        "envelope": "open",
        "to_review": True,
        "assigned_to": "u1",
        "has_attachments": True,
        "replies": 2,
        "unread": False,
    }
    assert [f.name for f in dataclasses.fields(ListRow)] == list(fields)
    built = _list_row(**fields)  # type: ignore[arg-type]
    assert built == ListRow(**fields) and hash(built) == hash(ListRow(**fields))  # type: ignore[arg-type]
    assert dataclasses.asdict(built) == fields
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.subject = "ander"  # type: ignore[misc]


def _account(profile: Profile, email: str) -> str:
    return offline_account(profile.store, email).id


def _synced(uid: int, date: str, *, subject: str | None = None, flags: str = "") -> SyncedHeader:
    return SyncedHeader(
        uid=uid,
        header_message_id=f"<{uid}@example.test>",
        in_reply_to="",
        sender=f"Huisarts {uid % 7} <h{uid % 7}@example.test>",
        recipients=f"kantoor@office.test, r{uid}@example.test",
        subject=subject if subject is not None else f"Gesynchroniseerd {uid}",
        date=date,
        flags=flags,
        size=100 + uid,
        has_attachments=uid % 4 == 0,
    )


def _old_folder(
    profile: Profile, folder: str, *, offset: int, limit: int, query: str | None = None
) -> list[ListRow]:
    """A folder's list as it was read before it had its own index: every folder of that name
    through `Mailbox.messages`, one stable sort by date, then the page."""
    store = profile.store
    matching = set(store.mailbox.search(query, limit=100_000)) if query else None
    rows = [
        _reference_plain_row(m)
        for folder_id in folder_ids(profile, folder)
        for m in store.mailbox.messages(folder_id=folder_id, kind="plain", limit=offset + limit)
        if matching is None or m.id in matching
    ]
    rows.sort(key=lambda r: r.date, reverse=True)
    return rows[offset : offset + limit]


def _fill_folders(profile: Profile, rng: random.Random) -> tuple[str, str]:
    """Two accounts with an INBOX each and a Sent folder, their mails in few distinct
    seconds (so that many share a date, also across the two inboxes); secure conversations
    and plain mail outside any folder beside them."""
    store = profile.store
    first, second = _account(profile, "a@office.test"), _account(profile, "b@office.test")
    _fill(profile, rng, 20)
    for account, count in ((first, 90), (second, 40)):
        inbox = store.folders.folder(account, "INBOX")
        headers = [
            _synced(uid, f"2026-03-0{1 + rng.randrange(3)}T10:0{rng.randrange(3)}:00Z")
            for uid in range(1, count + 1)
        ]
        for start in range(0, count, 25):  # in batches, as sync stores them
            store.folders.upsert_synced(
                account_id=account, folder_id=inbox.id, records=headers[start : start + 25]
            )
    sent = store.folders.folder(first, "Verzonden", special_use="\\Sent")
    store.folders.upsert_synced(
        account_id=first,
        folder_id=sent.id,
        records=[_synced(uid, f"2026-03-01T1{uid % 2}:00:00Z") for uid in range(1, 30)],
        direction="out",
    )
    for mid in list(store.folders.uids(sent.id).values())[:10]:  # read: a long body kept
        store.mailbox.set_body(mid, "een lange tekst " * 500)
    return first, second


def test_folder_list_is_row_for_row_the_old_reading_on_every_page(profile: Profile) -> None:
    _fill_folders(profile, random.Random(12))
    for folder, size in (("inbox", 130), ("INBOX", 130), ("sent", 29), ("Verzonden", 29)):
        everything = list_conversations(profile, folder=folder, limit=1000)
        assert len(everything) == size and {r.kind for r in everything} == {"plain"}
        assert everything == _old_folder(profile, folder, offset=0, limit=1000), folder
        assert len({r.date for r in everything}) < size // 3  # many equal dates
        for offset, limit in [(0, 1), (0, 25), (7, 13), (25, 25), (100, 50), (120, 200), (999, 5)]:
            page = list_conversations(profile, folder=folder, offset=offset, limit=limit)
            assert page == _old_folder(profile, folder, offset=offset, limit=limit), (
                folder,
                offset,
                limit,
            )
            assert page == everything[offset : offset + limit]
    sent = list_conversations(profile, folder="sent", limit=1000)
    assert all(r.correspondents.startswith("kantoor@office.test, r") for r in sent)
    # Search within a folder, and again: what is kept in memory between calls changes nothing.
    hits = list_conversations(profile, folder="inbox", query="Gesynchroniseerd 1", limit=1000)
    assert hits and hits == _old_folder(
        profile, "inbox", offset=0, limit=1000, query="Gesynchroniseerd 1"
    )
    assert list_conversations(profile, folder="inbox", limit=1000) == _old_folder(
        profile, "inbox", offset=0, limit=1000
    )


def test_folder_changes_show_in_the_next_listing(profile: Profile) -> None:
    """What sync does to a folder shows at once: new mail, flags (a mail read on the server
    lists as read; nothing else of the row changes), expunged mail, mail moved to another
    folder (on IMAP: gone from one, new in the other) and a folder emptied after a
    UIDVALIDITY change."""
    store = profile.store
    account = _account(profile, "a@office.test")
    inbox = store.folders.folder(account, "INBOX").id
    archive = store.folders.folder(account, "Archief").id
    store.folders.upsert_synced(
        account_id=account,
        folder_id=inbox,
        records=[_synced(uid, f"2026-03-0{uid}T10:00:00Z") for uid in (1, 2, 3)],
    )

    def listed(folder: str = "inbox") -> list[tuple[int | None, str]]:
        uids = {mid: uid for f in (inbox, archive) for uid, mid in store.folders.uids(f).items()}
        rows = list_conversations(profile, folder=folder, limit=1000)
        assert rows == _old_folder(profile, folder, offset=0, limit=1000)
        return [(uids.get(r.id), r.subject) for r in rows]

    assert [uid for uid, _ in listed()] == [3, 2, 1]
    store.folders.upsert_synced(
        account_id=account, folder_id=inbox, records=[_synced(4, "2026-03-02T10:00:00Z")]
    )
    ids = {uid: mid for uid, mid in store.folders.uids(inbox).items()}
    tied = sorted((4, 2), key=ids.__getitem__)  # ties: by message id (random), as before
    assert [uid for uid, _ in listed()] == [3, *tied, 1]
    before = list_conversations(profile, folder="inbox", limit=1000)
    assert all(r.unread for r in before)
    store.folders.set_flags_by_uid(inbox, {1: "\\Seen", 3: "\\Flagged \\Seen"})
    store.folders.upsert_synced(  # a resumed sync: only the flags of a held UID change
        account_id=account, folder_id=inbox, records=[_synced(2, "2026-03-02T10:00:00Z", flags="")]
    )
    uids = {mid: uid for uid, mid in store.folders.uids(inbox).items()}
    after = list_conversations(profile, folder="inbox", limit=1000)
    assert [dataclasses.replace(r, unread=True) for r in after] == before
    assert {uids[r.id]: r.unread for r in after} == {3: False, 4: True, 2: True, 1: False}
    assert [(r.id, r.unread) for r in list_conversations(profile, limit=1000)] == [
        (r.id, r.unread) for r in after
    ]
    assert {m.uid: m.flags for m in store.mailbox.messages(folder_id=inbox)}[3] == (
        "\\Flagged \\Seen"
    )
    store.folders.set_flags_by_uid(inbox, {3: "\\Flagged"})  # marked unread on the server
    again = list_conversations(profile, folder="inbox", limit=1000)
    assert {uids[r.id]: r.unread for r in again} == {3: True, 4: True, 2: True, 1: False}

    store.folders.remove_uids(inbox, [3])  # moved: expunged here, new in the archive
    store.folders.upsert_synced(
        account_id=account,
        folder_id=archive,
        records=[_synced(1, "2026-03-03T10:00:00Z", subject="Gesynchroniseerd 3")],
    )
    assert listed() == [(uid, f"Gesynchroniseerd {uid}") for uid in (*tied, 1)]
    assert listed("archief") == [(1, "Gesynchroniseerd 3")]
    assert store.listing._plain_subjects.keys() == {
        m.id for m in store.mailbox.messages(kind="plain")
    }  # the moved mail's old subject is forgotten once its folder was read in full

    store.folders.clear_folder(inbox)
    assert listed() == []
    assert listed("archief") == [(1, "Gesynchroniseerd 3")]
    assert _key(list_conversations(profile, limit=1000)) == _key(_reference(profile))


def test_marking_a_mail_read_shows_in_the_next_listing(profile: Profile) -> None:
    """A received plain mail lists as unread until it is marked read; what the user sent and
    a secure conversation without a received message never list as unread. A mail kept in
    no server folder is marked in the store alone."""
    store = profile.store
    received = _plain(profile, 1, "2026-03-01T10:00:00Z")
    sent = _plain(profile, 3, "2026-03-02T10:00:00Z")
    secure, _, _ = _sent(profile, "Beveiligd", "2026-03-03T10:00:00Z")
    store.mailbox.set_flags(sent, "")  # sent mail without \\Seen is still not unread
    unread = {r.id: r.unread for r in list_conversations(profile)}
    assert unread == {secure: False, sent: False, received: True}

    assert mark_seen(profile, received) is True
    assert store.mailbox.message(received).flags == "\\Seen"
    assert not any(r.unread for r in list_conversations(profile))
    assert mark_seen(profile, received) is False  # already read: nothing to do
    assert mark_seen(profile, sent) is False
    assert store.mailbox.message(sent).flags == ""


def test_a_mail_stays_unread_when_its_server_cannot_be_reached(profile: Profile) -> None:
    store = profile.store
    account = store.accounts.add(
        email="a@office.test",
        auth_kind="password",
        username="a@office.test",
        imap_host="127.0.0.1",
        imap_port=1,  # nothing listens here
        imap_security="none",
        smtp_host="127.0.0.1",
        smtp_port=1,
        smtp_security="none",
    ).id
    profile.vault.set_mail_password(account, Secret("geheim"))
    inbox = store.folders.folder(account, "INBOX").id
    store.folders.upsert_synced(
        account_id=account,
        folder_id=inbox,
        records=[_synced(1, "2026-03-01T10:00:00Z", flags="\\Flagged")],
    )
    (mid,) = store.folders.uids(inbox).values()
    with pytest.raises(ServerUnreachable):
        mark_seen(profile, mid)
    assert store.mailbox.message(mid).flags == "\\Flagged"
    assert [r.unread for r in list_conversations(profile, folder="inbox")] == [True]


def test_the_text_list_marks_what_is_unread() -> None:
    base = {
        "kind": "secure",
        "subject": "Uitslag",
        "correspondents": "p@example.test",
        "date": "2026-03-01T10:00:00Z",
        "envelope": None,
        "to_review": False,
        "assigned_to": None,
        "has_attachments": False,
        "replies": 1,
    }
    unread = ListRow(id="a", unread=True, **base)  # type: ignore[arg-type]
    read = ListRow(id="b", unread=False, **base)  # type: ignore[arg-type]
    first, second = list_rows([unread, read]).splitlines()
    assert "●" in first and "●" not in second
