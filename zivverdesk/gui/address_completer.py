"""Completing recipients from the address book in the composer's "To" field.

The field holds several addresses separated by ";" (or ","), so a plain `QCompleter` on the
line edit, which completes the whole text, does not fit: this one completes the address
being typed at the cursor and leaves the others as they are. A contact is found by any
part of its name, address or organisation ("vries", "verzekeraar"), as a secretary
remembers a recipient by whichever of these comes to mind.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Slot
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QCompleter, QLineEdit, QWidget

from zivverdesk.gui.backend import ContactEntry

# What a contact is found by, and the address that goes into the field when it is chosen.
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 1
ADDRESS_ROLE = Qt.ItemDataRole.UserRole + 2
_SEPARATORS = ";,"


def contact_label(contact: ContactEntry) -> str:
    """How a contact is listed: "J. de Vries <j.devries@verzekeraar.nl> · Verzekeraar NL"."""
    label = f"{contact.name} <{contact.email}>" if contact.name else contact.email
    return f"{label} · {contact.organisation}" if contact.organisation else label


class AddressCompleter(QCompleter):
    """Offers the address book's contacts for the address under the cursor of `edit`."""

    def __init__(self, edit: QLineEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._edit = edit
        self._contacts = QStandardItemModel(self)
        self.setModel(self._contacts)
        self.setCompletionRole(SEARCH_ROLE)
        self.setFilterMode(Qt.MatchFlag.MatchContains)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setMaxVisibleItems(8)
        self.setWidget(edit)
        # The index form of `activated` carries the chosen row's address role (the type
        # stubs do not know that a signal is indexed by its overload).
        self.activated[QModelIndex].connect(self._chosen)  # type: ignore[index]
        edit.textEdited.connect(self._typed)

    def set_contacts(self, contacts: Sequence[ContactEntry]) -> None:
        self._contacts.clear()
        for contact in sorted(contacts, key=lambda c: (c.name or c.email).casefold()):
            item = QStandardItem(contact_label(contact))
            item.setEditable(False)
            search = " ".join((contact.name, contact.email, contact.organisation))
            item.setData(search, SEARCH_ROLE)
            item.setData(contact.email, ADDRESS_ROLE)
            self._contacts.appendRow(item)

    def list_view(self) -> QAbstractItemView:
        """The list of contacts offered (Qt makes it in the constructor)."""
        popup = self.popup()
        assert popup is not None
        return popup

    def current_word(self) -> str:
        """The address being typed: from the last separator before the cursor to it."""
        before = self._edit.text()[: self._edit.cursorPosition()]
        start = max(before.rfind(s) for s in _SEPARATORS) + 1
        return before[start:].strip()

    @Slot(str)
    def _typed(self, _text: str) -> None:
        word = self.current_word()
        popup = self.list_view()
        if not word or self._contacts.rowCount() == 0:
            popup.hide()
            return
        self.setCompletionPrefix(word)
        if self.completionCount() == 0:
            popup.hide()
            return
        popup.setCurrentIndex(self.completionModel().index(0, 0))
        self.complete()

    @Slot(QModelIndex)
    def _chosen(self, index: QModelIndex | QPersistentModelIndex) -> None:
        address = index.data(ADDRESS_ROLE)
        if not address:
            return
        text, cursor = self._edit.text(), self._edit.cursorPosition()
        before, after = text[:cursor], text[cursor:]
        start = max(before.rfind(s) for s in _SEPARATORS) + 1
        # The rest of the word under the cursor is replaced too, up to the next separator.
        ends = [i for i in (after.find(s) for s in _SEPARATORS) if i >= 0]
        rest = after[min(ends) :] if ends else ""
        head = before[:start].rstrip()
        head = f"{head} " if head else ""
        inserted = f"{head}{address}; "
        self._edit.setText(inserted + rest.lstrip(_SEPARATORS + " "))
        self._edit.setCursorPosition(len(inserted))
        self._edit.editingFinished.emit()  # the new recipient's check is looked up now
