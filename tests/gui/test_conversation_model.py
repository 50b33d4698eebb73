"""The conversation list model: Qt's model checks, paging, roles and envelope words."""

from datetime import UTC, datetime, timedelta

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
