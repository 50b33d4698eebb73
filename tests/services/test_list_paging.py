"""A list read page by page (`list_page`, each page starting where the last one ended) holds
row for row what one `list_conversations` call lists: in every view, for every page size,
with equal dates across two accounts' folders and between secure conversations and plain
mail, and for a search. Mail that arrives or goes while the user scrolls moves no row of the
pages still to come."""

from __future__ import annotations

import random
from typing import Any

import pytest

from tests.services.test_listing import _fill, _fill_folders, _plain
from tests.store.mail_data import secure_sent
from zivverdesk.services.conversations import (
    ListCursor,
    ListPage,
    ListRow,
    list_conversations,
    list_page,
)
from zivverdesk.services.profile import Profile


def _pages(profile: Profile, size: int, **view: Any) -> list[ListPage]:
    pages: list[ListPage] = []
    after: ListCursor | None = None
    while True:
        page = list_page(profile, after=after, limit=size, **view)
        pages.append(page)
        if page.next is None:
            return pages
        # Only a full page has a next one, and the next starts after its last row.
        assert len(page.rows) == size and page.next.id == page.rows[-1].id
        after = page.next
        assert len(pages) < 5000


def _paged(profile: Profile, size: int, **view: Any) -> list[ListRow]:
    return [row for page in _pages(profile, size, **view) for row in page.rows]


_VIEWS: list[dict[str, Any]] = [
    {},
    {"secure_only": True},
    {"to_review": True},
    {"folder": "inbox"},
    {"folder": "sent"},
    {"query": "gewone"},
    {"query": "gelijktijdig"},
    {"query": "example"},
    {"query": "gesynchroniseerd", "folder": "inbox"},
    {"query": "example", "to_review": True},
]


@pytest.fixture
def mailbox(profile: Profile) -> Profile:
    """Secure conversations, plain mail outside folders and two accounts' inboxes and a Sent
    folder, all in few distinct seconds: many rows share a date with rows of another kind
    or another account."""
    rng = random.Random(41)
    _fill_folders(profile, rng)
    for n in range(60):
        minute = rng.choice(["00", "30"])  # secure messages are stored on the hour
        _plain(
            profile, n, f"2026-03-{1 + rng.randrange(3):02d}T{rng.randrange(3):02d}:{minute}:00Z"
        )
    for n in range(40):  # conversations in the same seconds, half of them to review
        cid, _, _ = secure_sent(
            profile.store,
            f"Gelijktijdig {n}",
            f"2026-03-{1 + rng.randrange(3):02d}T{rng.randrange(3):02d}:00:00Z",
            recipient=f"p{n}@example.test",
        )
        profile.store.mailbox.touch_conversation(cid, needs_review=n % 2 == 1)
    return profile


@pytest.mark.parametrize("view", _VIEWS, ids=lambda v: ",".join(f"{k}={v[k]}" for k in v) or "all")
def test_pages_together_are_the_whole_list(mailbox: Profile, view: dict[str, Any]) -> None:
    everything = list_conversations(mailbox, limit=100_000, **view)
    assert len(everything) > 10, view
    dates = [r.date for r in everything]
    assert len(set(dates)) < len(dates)  # equal dates to order
    for size in (1, 2, 7, 25, 200, len(everything), len(everything) + 1):
        assert _paged(mailbox, size, **view) == everything, (view, size)
    # A page is the slice of the whole list, as `offset` cuts it.
    pages = _pages(mailbox, 9, **view)
    for number, page in enumerate(pages):
        assert page.rows == list_conversations(mailbox, offset=9 * number, limit=9, **view)


def test_the_mixed_list_pages_through_ties_of_secure_and_plain_mail(profile: Profile) -> None:
    # One second shared by many conversations and plain mails: the pages cut it everywhere.
    store = profile.store
    same = "2026-03-01T10:00:00Z"
    with store.db.transaction():
        for n in range(30):
            secure_sent(store, f"Gelijk {n}", same)
            _plain(profile, n, same)
            _plain(profile, 100 + n, f"2026-03-0{1 + n % 2}T09:00:00Z")
        secure_sent(store, "Nieuwer", "2026-03-02T10:00:00Z")
    everything = list_conversations(profile, limit=1000)
    kinds = [r.kind for r in everything if r.date == same]
    assert kinds == ["secure"] * 30 + ["plain"] * 30  # conversations first, then by id
    for size in (1, 4, 29, 30, 31, 60):
        assert _paged(profile, size) == everything, size


def test_mail_arriving_or_going_while_scrolling_moves_no_later_row(mailbox: Profile) -> None:
    store = mailbox.store
    first = list_page(mailbox, limit=40)
    assert first.next is not None
    rest = list_conversations(mailbox, offset=40, limit=100_000)
    # New mail on top, and the last row the user saw is deleted.
    _plain(mailbox, 999, "2026-04-01T10:00:00Z")
    secure_sent(store, "Nieuw", "2026-04-02T10:00:00Z")
    if first.rows[-1].kind == "plain":
        store.mailbox.remove_message(first.rows[-1].id)
    after: ListCursor | None = first.next
    following: list[ListRow] = []
    while after is not None:
        page = list_page(mailbox, after=after, limit=40)
        following.extend(page.rows)
        after = page.next
    assert following == rest


def test_a_cursor_of_a_folder_that_is_gone_leaves_no_row_out(mailbox: Profile) -> None:
    everything = list_conversations(mailbox, folder="inbox", limit=100_000)
    cut = everything[30]
    unknown = ListCursor(cut.date, -5, cut.id)  # no folder has that id
    following = list_page(mailbox, folder="inbox", after=unknown, limit=100_000).rows
    # Everything after the row is there; rows of that same second may show again.
    assert following[-len(everything[31:]) :] == everything[31:]
    assert {r.date for r in following[: -len(everything[31:])]} <= {cut.date}


def test_search_and_pages_without_matches(profile: Profile) -> None:
    _fill(profile, random.Random(42), 30)
    assert list_page(profile, query="nergens") == ListPage(rows=[], next=None)
    assert list_page(profile, query="nergens", folder=None, secure_only=True).rows == []
    assert list_conversations(profile, query="nergens", offset=5) == []
