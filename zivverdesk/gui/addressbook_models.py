"""The address book's two lists as table models: organisations and contacts (S4, S13).

Thin adapters over the `Backend`'s entries; the window loads them whole (an office's address
book is hundreds of rows, not a mail folder's hundreds of thousands) and filters them with a
`QSortFilterProxyModel`. An organisation's access code is never in a model, only whether it
has one.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from zivverdesk.gui.backend import ContactEntry, OrganisationEntry

# The key of a row: an organisation's name, a contact's e-mail address.
ROLE_KEY = Qt.ItemDataRole.UserRole + 1000

type AnyIndex = QModelIndex | QPersistentModelIndex


class OrganisationColumn(IntEnum):
    NAME = 0
    DOMAINS = 1
    CONTACT_PERSON = 2
    ACCESS_CODE = 3


class ContactColumn(IntEnum):
    NAME = 0
    EMAIL = 1
    MOBILE = 2
    ORGANISATION = 3


class _EntryTableModel(QAbstractTableModel):
    """A read-only table of address book entries, loaded whole; a subclass says what its
    columns are called and show, and which field is a row's key."""

    columns = 0

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.columns

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        entry = self._rows[index.row()]
        if role == ROLE_KEY:
            return self._key(entry)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return self._cell(entry, index.column())

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        titles = self._titles()
        return titles[section] if 0 <= section < len(titles) else None

    def _key(self, entry: Any) -> str:
        raise NotImplementedError

    def _cell(self, entry: Any, column: int) -> str:
        raise NotImplementedError

    def _titles(self) -> tuple[str, ...]:
        raise NotImplementedError


class OrganisationTableModel(_EntryTableModel):
    columns = len(OrganisationColumn)

    def row_at(self, row: int) -> OrganisationEntry:
        entry: OrganisationEntry = self._rows[row]
        return entry

    def _key(self, entry: OrganisationEntry) -> str:
        return entry.name

    def _cell(self, entry: OrganisationEntry, column: int) -> str:
        match OrganisationColumn(column):
            case OrganisationColumn.NAME:
                return entry.name
            case OrganisationColumn.DOMAINS:
                return ", ".join(entry.domains)
            case OrganisationColumn.CONTACT_PERSON:
                return entry.contact_person
            case OrganisationColumn.ACCESS_CODE:
                return self.tr("Yes") if entry.has_access_code else self.tr("No")

    def _titles(self) -> tuple[str, ...]:
        return (  # in OrganisationColumn order
            self.tr("Organisation"),
            self.tr("Mail domains"),
            self.tr("Contact person"),
            self.tr("Access code"),
        )


class ContactTableModel(_EntryTableModel):
    columns = len(ContactColumn)

    def row_at(self, row: int) -> ContactEntry:
        entry: ContactEntry = self._rows[row]
        return entry

    def _key(self, entry: ContactEntry) -> str:
        return entry.email

    def _cell(self, entry: ContactEntry, column: int) -> str:
        match ContactColumn(column):
            case ContactColumn.NAME:
                return entry.name
            case ContactColumn.EMAIL:
                return entry.email
            case ContactColumn.MOBILE:
                return entry.mobile
            case ContactColumn.ORGANISATION:
                return entry.organisation

    def _titles(self) -> tuple[str, ...]:
        return (  # in ContactColumn order
            self.tr("Name"),
            self.tr("E-mail address"),
            self.tr("Mobile number"),
            self.tr("Organisation"),
        )


def filtered(model: QAbstractTableModel, parent: QObject) -> QSortFilterProxyModel:
    """A sorted view of `model` that keeps the rows where any column holds the filter text,
    in any case."""
    proxy = QSortFilterProxyModel(parent)
    proxy.setSourceModel(model)
    proxy.setFilterKeyColumn(-1)
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    proxy.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    return proxy
