"""A search lists every match, however old, newest first and page by page, in every view:
all mail, secure only, to review and a folder (several accounts' folders merged). The list
of a search is the full list with only the matching rows kept: a plain mail that matches,
a secure conversation with a matching message anywhere in its thread."""

from __future__ import annotations

import random
from typing import Any

from tests.store.mail_data import offline_account, secure_sent
from zivverdesk.services.conversations import ListRow, list_conversations
from zivverdesk.services.profile import Profile
from zivverdesk.store.folders import SyncedHeader


def _date(n: int) -> str:
    """Later for higher `n` (below 900)."""
    return f"2026-0{1 + n // 100}-{1 + n % 100 // 4:02d}T{n % 4:02d}:00:00Z"


def _plain(profile: Profile, n: int, subject: str, *, folder_id: int | None = None) -> str:
    return profile.store.mailbox.add_message(
        account_id=None,
        conversation_id=None,
        kind="plain",
        direction="in",
        sender=f"huisarts{n}@example.test",
        recipients="kantoor@office.test",
        subject=subject,
        body=f"gewone tekst {n}",
        date=_date(n),
        folder_id=folder_id,
        uid=n + 1 if folder_id is not None else None,
    )


def _reply(profile: Profile, conversation_id: str, in_reply_to: str, body: str, date: str) -> str:
    return profile.store.mailbox.add_message(
        account_id=None,
        conversation_id=conversation_id,
        kind="secure",
        direction="in",
        sender="patient@example.test",
        recipients="kantoor@office.test",
        subject="Re: brief",
        body=body,
        date=date,
        in_reply_to=in_reply_to,
    )


def _search_reference(profile: Profile, query: str, everything: list[ListRow]) -> list[ListRow]:
    """The full list with only what matches: a plain mail by its id, a conversation through
    any message in its thread."""
    store = profile.store
    matching = set(store.mailbox.search(query, limit=1_000_000))
    return [
        row
        for row in everything
        if (row.id in matching if row.kind == "plain" else _thread_matches(profile, row, matching))
    ]


def _thread_matches(profile: Profile, row: ListRow, matching: set[str]) -> bool:
    return any(m.id in matching for m in profile.store.mailbox.messages(conversation_id=row.id))


def test_a_match_older_than_the_newest_rows_is_found(profile: Profile) -> None:
    store = profile.store
    with store.db.transaction():
        old_mail = _plain(profile, 0, "Brief aan patiënt Zeldzaam")
        old_conv, _, _ = secure_sent(store, "Keuring Uniek", _date(1))
        # More than 200 of each kind came after them.
        for n in range(2, 500):
            if n % 2:
                secure_sent(store, f"Dossier {n}", _date(n))
            else:
                _plain(profile, n, f"Gewone mail {n}")
    assert [r.id for r in list_conversations(profile, query="zeldzaam")] == [old_mail]
    assert [r.id for r in list_conversations(profile, query="uniek")] == [old_conv]
    assert [r.id for r in list_conversations(profile, query="uniek", secure_only=True)] == [
        old_conv
    ]
    assert list_conversations(profile, query="zeldzaam", secure_only=True) == []
    # The rows are the full list's rows, not a variant of them.
    everything = list_conversations(profile, limit=1000)
    assert list_conversations(profile, query="uniek") == [everything[-2]]


def test_a_conversation_is_found_through_a_message_in_its_thread(profile: Profile) -> None:
    store = profile.store
    with store.db.transaction():
        cid, sent, _ = secure_sent(store, "Brief", _date(0))
        # The reply holding the word is old too: 250 conversations came after it.
        _reply(profile, cid, sent, "Mijn knie doet nog steeds pijn", _date(1))
        store.mailbox.touch_conversation(cid, needs_review=True)
        for n in range(2, 252):
            other, _, _ = secure_sent(store, f"Dossier {n}", _date(n))
            store.mailbox.touch_conversation(other, needs_review=True)
    views: list[dict[str, Any]] = [{}, {"secure_only": True}, {"to_review": True}]
    for view in views:
        rows = list_conversations(profile, query="knie", **view)
        assert [(r.id, r.subject, r.replies) for r in rows] == [(cid, "Brief", 1)], view
    everything = list_conversations(profile, limit=1000)
    assert list_conversations(profile, query="knie") == [r for r in everything if r.id == cid]


def test_many_matches_page_by_page(profile: Profile) -> None:
    """Every match once, in list order, whatever the page size; secure and plain rows of
    the same second keep the full list's order (secure first, then by id)."""
    store = profile.store
    rng = random.Random(31)
    with store.db.transaction():
        for n in range(600):
            date = f"2026-03-{1 + rng.randrange(20):02d}T{rng.randrange(2):02d}:00:00Z"
            word = "dossier" if n % 3 else "overig"
            if n % 2:
                cid, sent, _ = secure_sent(store, f"Secure {word} {n}", date)
                if n % 5 == 0:
                    # The match is in the reply only, and the reply is the newest message.
                    _reply(
                        profile, cid, sent, "dossier bijgevoegd", date.replace("00:00Z", "30:00Z")
                    )
                if n % 7 == 0:
                    store.mailbox.touch_conversation(cid, needs_review=True)
            else:
                store.mailbox.add_message(
                    account_id=None,
                    conversation_id=None,
                    kind="plain",
                    direction="out" if n % 4 == 0 else "in",
                    sender="kantoor@office.test" if n % 4 == 0 else f"h{n}@example.test",
                    recipients=f"r{n}@example.test",
                    subject=f"Plain {word} {n}",
                    body=None,
                    date=date,
                )
    # More than a page of matches in each view but the (smaller) review list.
    views: list[tuple[dict[str, Any], int]] = [
        ({}, 400),
        ({"secure_only": True}, 200),
        ({"to_review": True}, 30),
    ]
    for view, least in views:
        everything = list_conversations(profile, limit=10_000, **view)
        expected = _search_reference(profile, "dossier", everything)
        assert len(expected) > least, view
        hits = list_conversations(profile, query="dossier", limit=10_000, **view)
        assert hits == expected, view
        for size in (1, 25, 200):
            pages = [
                list_conversations(profile, query="dossier", offset=o, limit=size, **view)
                for o in range(0, len(expected) + size, size)
            ]
            assert [r for page in pages for r in page] == expected, (view, size)
            assert all(len(page) == size for page in pages[: len(expected) // size]), (view, size)
        # An offset in the middle of a second full of matches.
        middle = list_conversations(profile, query="dossier", offset=17, limit=9, **view)
        assert middle == expected[17:26], view
    # Two words: both must match, in one message.
    both = list_conversations(profile, query="plain dossier", limit=10_000)
    assert both and all(r.kind == "plain" and "dossier" in r.subject for r in both)


def _account(profile: Profile, email: str) -> str:
    return offline_account(profile.store, email).id


def _synced(uid: int, date: str, subject: str) -> SyncedHeader:
    return SyncedHeader(
        uid=uid,
        header_message_id=f"<{uid}@example.test>",
        in_reply_to="",
        sender=f"huisarts{uid % 9}@example.test",
        recipients="kantoor@office.test",
        subject=subject,
        date=date,
        flags="\\Seen" if uid % 3 else "",
        size=100,
        has_attachments=uid % 4 == 0,
    )


def test_folder_search_finds_old_mail_in_every_account(profile: Profile) -> None:
    store = profile.store
    rng = random.Random(32)
    first, second = _account(profile, "a@office.test"), _account(profile, "b@office.test")
    for account, count in ((first, 260), (second, 240)):
        inbox = store.folders.folder(account, "INBOX")
        headers = [
            _synced(
                uid,
                # Few distinct seconds, also across the two inboxes: ties keep folder order.
                f"2026-03-{1 + uid * 20 // count:02d}T10:0{rng.randrange(2)}:00Z",
                "Uitslag patiënt" if uid % 4 == 0 or uid < 3 else f"Overig {uid}",
            )
            for uid in range(1, count + 1)
        ]
        store.folders.upsert_synced(account_id=account, folder_id=inbox.id, records=headers)
    # Plain mail outside the folders, and a secure conversation, match too: not in a folder.
    _plain(profile, 5, "Uitslag elders")
    secure_sent(store, "Uitslag beveiligd", "2026-04-01T10:00:00Z")

    everything = list_conversations(profile, folder="inbox", limit=10_000)
    assert len(everything) == 500
    expected = _search_reference(profile, "uitslag", everything)
    assert len(expected) == 65 + 60 + 4
    oldest = [r.id for r in expected if r.date.startswith("2026-03-01")]
    assert len(oldest) >= 4  # the oldest mails of both inboxes, far below the newest 200
    assert list_conversations(profile, folder="inbox", query="uitslag", limit=1000) == expected
    for size in (1, 10, 200):
        pages = [
            list_conversations(profile, folder="inbox", query="uitslag", offset=o, limit=size)
            for o in range(0, len(expected) + size, size)
        ]
        assert [r for page in pages for r in page] == expected, size
    assert (
        list_conversations(profile, folder="INBOX", query="uitslag", offset=3, limit=7)
        == (expected[3:10])
    )
    assert list_conversations(profile, folder="inbox", query="beveiligd") == []
