"""The conversation list: one Qt table model over a plain Python list of rows.

Rows come from the services layer (via `gui.backend`); the model only adapts them to Qt. Big
folders load in pages through `canFetchMore`/`fetchMore` so the first screen appears at once;
with a page runner (`set_page_runner`) the later pages are read on a worker thread, so that
scrolling through a long search never holds up the window.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import IntEnum
from functools import cache
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from zivverdesk.core.model import EnvelopeState

ROLE_CONVERSATION_ID = Qt.ItemDataRole.UserRole + 1000
ROLE_ENVELOPE = Qt.ItemDataRole.UserRole + 1001
ROLE_SECURE = Qt.ItemDataRole.UserRole + 1002
ROLE_HAS_ATTACHMENTS = Qt.ItemDataRole.UserRole + 1003
ROLE_SORT = Qt.ItemDataRole.UserRole + 1004

PAGE_SIZE = 200


class Column(IntEnum):
    ENVELOPE = 0
    CORRESPONDENT = 1
    SUBJECT = 2
    DATE = 3


@dataclass(frozen=True, kw_only=True)
class ConversationRow:
    conversation_id: str
    correspondent: str
    subject: str
    updated: datetime
    envelope: EnvelopeState | None  # None for plain (unencrypted) mail
    secure: bool
    has_attachments: bool = False
    unread: bool = False
    to_review: bool = False


@dataclass(frozen=True, kw_only=True)
class ConversationPage:
    """Rows of a list, and where the page after them starts."""

    rows: Sequence[ConversationRow]
    #: Handed back to the backend for the next page; what it holds is the backend's own
    #: business (so a page can start where the last one ended, not count rows from the top).
    #: None when no rows follow.
    next: object | None = None


#: Gives the page that starts at a `ConversationPage.next` (None: the first page), at most
#: `limit` rows.
PageFetch = Callable[[object | None, int], ConversationPage]

#: Runs `work` on a worker thread, then hands its page to `done`, or its error to `failed`,
#: on the GUI thread.
PageRunner = Callable[
    [
        Callable[[], ConversationPage],
        Callable[[ConversationPage], None],
        Callable[[BaseException], None],
    ],
    None,
]


def envelope_text(state: EnvelopeState | None) -> str:
    """The words for an envelope state: tooltip and what a screen reader says (S10)."""
    return {
        EnvelopeState.OPEN: QCoreApplication.translate("Envelope", "Opened"),
        EnvelopeState.CLOSED: QCoreApplication.translate("Envelope", "Not opened"),
        EnvelopeState.PARTLY_OPEN: QCoreApplication.translate("Envelope", "Partly opened"),
        EnvelopeState.NOT_DELIVERED: QCoreApplication.translate("Envelope", "Not delivered"),
        None: QCoreApplication.translate("Envelope", "Not encrypted"),
    }[state]


_HEADERS: dict[Column, Callable[[], str]] = {
    Column.ENVELOPE: lambda: QCoreApplication.translate("ConversationListModel", "Status"),
    Column.CORRESPONDENT: lambda: QCoreApplication.translate("ConversationListModel", "Contact"),
    Column.SUBJECT: lambda: QCoreApplication.translate("ConversationListModel", "Subject"),
    Column.DATE: lambda: QCoreApplication.translate("ConversationListModel", "Date"),
}

_Index = QModelIndex | QPersistentModelIndex


class ConversationListModel(QAbstractTableModel):
    """Rows of one folder; `load(fetch)` takes a callable that returns a page of rows."""

    #: A later page could not be read (the error); scrolling on asks for it again.
    pageFailed = Signal(object)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[ConversationRow] = []
        self._fetch: PageFetch | None = None
        self._next: object | None = None
        self._runner: PageRunner | None = None
        self._loading = False  # a later page is being read by the runner
        self._generation = 0  # counts the lists shown: a page read for an older one is dropped
        self._date_texts: dict[datetime, str] = {}

    # --- loading ---
    def load(
        self, fetch: PageFetch, *, first: ConversationPage | None = None, limit: int = PAGE_SIZE
    ) -> None:
        """Replace the content; `fetch(after, limit)` returns the page after `after` (a
        page's `next`; None for the first page). The first page holds up to `limit` rows
        (more than a page: a reload that keeps as many rows as the user had scrolled
        through). A `first` page already fetched (on a worker thread: a search may take a
        while) is shown as it is."""
        self.beginResetModel()
        self._replaced()
        self._fetch = fetch
        page = fetch(None, limit) if first is None else first
        self._rows = list(page.rows)
        self._next = page.next
        self.endResetModel()

    def set_rows(self, rows: Sequence[ConversationRow]) -> None:
        self.beginResetModel()
        self._replaced()
        self._rows = list(rows)
        self._fetch = None
        self._next = None
        self.endResetModel()

    def set_page_runner(self, runner: PageRunner | None) -> None:
        """Read later pages through `runner` (off the GUI thread); None reads them at once."""
        self._runner = runner

    def _replaced(self) -> None:
        self._generation += 1
        self._loading = False

    def row_at(self, row: int) -> ConversationRow:
        return self._rows[row]

    def row_of(self, conversation_id: str) -> int | None:
        """The row that lists `conversation_id`, None when it is not (yet) loaded."""
        for number, row in enumerate(self._rows):
            if row.conversation_id == conversation_id:
                return number
        return None

    def set_unread(self, conversation_id: str, unread: bool) -> None:
        """Show a row read or unread (after the engine marked it), without reloading."""
        for number, row in enumerate(self._rows):
            if row.conversation_id == conversation_id and row.unread != unread:
                self._rows[number] = replace(row, unread=unread)
                self.dataChanged.emit(
                    self.index(number, 0), self.index(number, len(Column) - 1), [_FONT]
                )

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        return (
            not parent.isValid()
            and self._next is not None
            and self._fetch is not None
            and not self._loading
        )

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        fetch, after = self._fetch, self._next
        assert fetch is not None
        if self._runner is None:
            self._append(fetch(after, PAGE_SIZE))
            return
        self._loading = True
        generation = self._generation

        def done(page: ConversationPage) -> None:
            if generation == self._generation:  # else the list was replaced meanwhile
                self._loading = False
                self._append(page)

        def failed(error: BaseException) -> None:
            if generation == self._generation:
                self._loading = False
                self.pageFailed.emit(error)

        self._runner(lambda: fetch(after, PAGE_SIZE), done, failed)

    def loading(self) -> bool:
        """Whether a later page is being read."""
        return self._loading

    def _append(self, page: ConversationPage) -> None:
        more = list(page.rows)
        self._next = page.next
        if more:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(more) - 1)
            self._rows.extend(more)
            self.endInsertRows()

    # --- Qt model interface ---
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(Column):
            return _HEADERS[Column(section)]()
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called for every role of every visible cell on each repaint: plain int compares
        # (Qt's enum objects compare slowly from Python) and cached display texts.
        role = int(role)
        if role not in _ANSWERED_ROLES or not index.isValid():
            return None
        row_number = index.row()
        if not 0 <= row_number < len(self._rows):
            return None
        row = self._rows[row_number]
        column = index.column()
        if role == _DISPLAY:
            if column == _CORRESPONDENT:
                return row.correspondent
            if column == _SUBJECT:
                return row.subject
            if column == _DATE:
                return self._date_text(row)
            return None
        if role == _ROLE_ENVELOPE:
            return row.envelope.value if row.envelope else None
        if role == _ROLE_SECURE:
            return row.secure
        if role == _ROLE_HAS_ATTACHMENTS:
            return row.has_attachments
        if role == _ROLE_CONVERSATION_ID:
            return row.conversation_id
        if role == _ROLE_SORT:
            return _sort_key(row, Column(column))
        if role in _TIP_ROLES:
            return envelope_text(row.envelope) if column == _ENVELOPE else None
        if role == _FONT and row.unread:
            return _bold_font()
        return None

    def _date_text(self, row: ConversationRow) -> str:
        text = self._date_texts.get(row.updated)
        if text is None:
            text = row.updated.astimezone().strftime("%d-%m-%Y %H:%M")
            self._date_texts[row.updated] = text
        return text


_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_FONT = int(Qt.ItemDataRole.FontRole.value)
_TIP_ROLES = frozenset(
    {int(Qt.ItemDataRole.ToolTipRole.value), int(Qt.ItemDataRole.AccessibleTextRole.value)}
)
_ROLE_CONVERSATION_ID = int(ROLE_CONVERSATION_ID)
_ROLE_ENVELOPE = int(ROLE_ENVELOPE)
_ROLE_SECURE = int(ROLE_SECURE)
_ROLE_HAS_ATTACHMENTS = int(ROLE_HAS_ATTACHMENTS)
_ROLE_SORT = int(ROLE_SORT)
_ANSWERED_ROLES = frozenset(
    {
        _DISPLAY,
        _FONT,
        *_TIP_ROLES,
        _ROLE_CONVERSATION_ID,
        _ROLE_ENVELOPE,
        _ROLE_SECURE,
        _ROLE_HAS_ATTACHMENTS,
        _ROLE_SORT,
    }
)
_ENVELOPE, _CORRESPONDENT, _SUBJECT, _DATE = (int(c) for c in Column)


@cache
def _bold_font() -> Any:
    from PySide6.QtGui import QFont

    font = QFont()
    font.setBold(True)
    return font


def _sort_key(row: ConversationRow, column: Column) -> Any:
    if column is Column.DATE:
        return row.updated.timestamp()
    if column is Column.CORRESPONDENT:
        return row.correspondent.casefold()
    if column is Column.SUBJECT:
        return row.subject.casefold()
    order = [None, *EnvelopeState]
    return order.index(row.envelope)
