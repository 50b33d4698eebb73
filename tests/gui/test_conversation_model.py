"""The conversation list model: Qt's model checks, paging, roles and envelope words."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from pytestqt.modeltest import ModelTester

from zivverdesk.core.model import EnvelopeState
from zivverdesk.gui.conversation_model import (
    PAGE_SIZE,
    ROLE_CONVERSATION_ID,
    ROLE_ENVELOPE,
    Column,
    ConversationListModel,
    ConversationPage,
    ConversationRow,
    PageFetch,
)

pytestmark = pytest.mark.gui


def make_rows(count: int) -> list[ConversationRow]:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    states = [*EnvelopeState, None]
    return [
        ConversationRow(
            conversation_id=f"{i:032x}",
            correspondent=f"Patient {i}",
            subject=f"Brief {i}",
            updated=start + timedelta(minutes=i),
            envelope=states[i % len(states)],
            secure=states[i % len(states)] is not None,
            has_attachments=i % 2 == 0,
        )
        for i in range(count)
    ]


def test_model_passes_qt_model_tester(qtmodeltester: ModelTester) -> None:
    model = ConversationListModel()
    model.set_rows(make_rows(25))
    # pytest-qt ships ModelTester.check without annotations
    qtmodeltester.check(model)  # type: ignore[no-untyped-call]


@pytest.mark.parametrize("extra", [10, 0])
def test_big_folder_loads_in_pages(extra: int) -> None:
    """Each page starts where the previous one said it ended; a page without a next one
    ends the loading, also when it is full."""
    rows = make_rows(PAGE_SIZE * 2 + extra)
    calls: list[object | None] = []

    def fetch(after: object | None, limit: int) -> ConversationPage:
        calls.append(after)
        # Where a page ends as the backend sees it: here, the last row's id.
        start = 0 if after is None else int(str(after), 16) + 1
        page = rows[start : start + limit]
        more = start + limit < len(rows)
        return ConversationPage(rows=page, next=page[-1].conversation_id if more else None)

    model = ConversationListModel()
    model.load(fetch)
    assert model.rowCount() == PAGE_SIZE
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == len(rows)
    assert not model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())  # nothing more to ask for
    last_pages = [f"{PAGE_SIZE - 1:032x}", f"{PAGE_SIZE * 2 - 1:032x}"]
    assert calls == [None, *last_pages[: 1 + bool(extra)]]
    assert [model.row_at(n) for n in range(len(rows))] == rows


def _paged(rows: list[ConversationRow]) -> tuple[list[object | None], PageFetch]:
    """A fetch over `rows` by position, and the list of where each call started."""
    calls: list[object | None] = []

    def fetch(after: object | None, limit: int) -> ConversationPage:
        calls.append(after)
        start = 0 if after is None else int(str(after))
        end = start + limit
        return ConversationPage(rows=rows[start:end], next=end if end < len(rows) else None)

    return calls, fetch


def test_later_pages_are_read_by_the_runner_and_dropped_once_the_list_changed() -> None:
    """With a page runner a later page arrives when the runner delivers it: meanwhile the
    model asks for nothing more, a page read for a list since replaced is dropped, and a
    failed page is reported and asked for again on the next scroll."""
    waiting: list[tuple[Callable[[], ConversationPage], Any, Any]] = []
    model = ConversationListModel()
    model.set_page_runner(lambda work, done, failed: waiting.append((work, done, failed)))
    failures: list[BaseException] = []
    model.pageFailed.connect(failures.append)
    rows = make_rows(PAGE_SIZE * 3)
    calls, fetch = _paged(rows)
    model.load(fetch)
    model.fetchMore(QModelIndex())
    assert model.loading() and not model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())  # scrolled on while the page is read: not asked twice
    assert len(waiting) == 1 and model.rowCount() == PAGE_SIZE
    work, done, _ = waiting.pop()
    done(work())
    assert model.rowCount() == PAGE_SIZE * 2 and not model.loading()

    model.fetchMore(QModelIndex())
    late_work, late_done, _ = waiting.pop()
    _, other_fetch = _paged(make_rows(5))
    model.load(other_fetch)  # another folder, or a search, before the page came
    late_done(late_work())
    assert model.rowCount() == 5 and not model.canFetchMore(QModelIndex())

    model.load(fetch)
    model.fetchMore(QModelIndex())
    _, _, failed = waiting.pop()
    failed(OSError("disk"))
    assert [str(e) for e in failures] == ["disk"] and model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    work, done, _ = waiting.pop()
    done(work())
    assert [model.row_at(n) for n in range(model.rowCount())] == rows[: PAGE_SIZE * 2]
    # The second page, the third (read, then dropped), the first again, the retried second.
    assert calls == [None, PAGE_SIZE, PAGE_SIZE * 2, None, PAGE_SIZE]


def test_roles_and_screen_reader_text() -> None:
    model = ConversationListModel()
    model.set_rows(make_rows(5))
    first = model.index(0, Column.ENVELOPE)
    assert first.data(ROLE_CONVERSATION_ID) == f"{0:032x}"
    assert first.data(ROLE_ENVELOPE) == "not_delivered"
    assert first.data(Qt.ItemDataRole.AccessibleTextRole) == "Not delivered"
    plain = model.index(4, Column.ENVELOPE)
    assert plain.data(ROLE_ENVELOPE) is None
    assert model.index(1, Column.SUBJECT).data() == "Brief 1"
