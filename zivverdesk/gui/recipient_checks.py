"""The composer's recipient verification ("ontvangerscontrole", S2): one row per recipient
with how they will prove who they are before the message opens.

By default a row takes what the address book gives (the access code agreed with the
recipient's organisation, else a code by SMS to the contact's mobile number), and says
which. The sender can choose otherwise per recipient: an access code agreed with this
person, a code by SMS to a number typed here, or a code by e-mail. Access codes are typed
into a masked field and go no further than the message being sent (never into a log).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from zivverdesk.core.model import VerificationMethod
from zivverdesk.gui.backend import AddressBookCheck, RecipientCheck

# The choices of a row, in the order shown; None takes the address book's.
METHODS: tuple[VerificationMethod | None, ...] = (
    None,
    VerificationMethod.ACCESS_CODE,
    VerificationMethod.SMS,
    VerificationMethod.EMAIL,
)


class RecipientChecksTable(QTableWidget):
    ADDRESS, METHOD, VALUE = range(3)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 3, parent)
        self.setObjectName("recipientChecks")
        self.setAccessibleName(self.tr("Recipient check"))
        self.setHorizontalHeaderLabels(
            [self.tr("Recipient"), self.tr("Recipient check"), self.tr("Code or mobile number")]
        )
        self.verticalHeader().setVisible(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.horizontalHeader()
        header.setSectionResizeMode(self.ADDRESS, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(self.METHOD, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(self.VALUE, QHeaderView.ResizeMode.Stretch)
        # What the address book gives each address (None: nothing usable), once looked up.
        self._book: dict[str, AddressBookCheck] = {}

    # --- rows ---
    def addresses(self) -> list[str]:
        return [self._address(row) for row in range(self.rowCount())]

    def set_addresses(self, addresses: Sequence[str]) -> list[str]:
        """One row per address, in this order; a row kept from before keeps its choice and
        what was typed in it. Returns the addresses that are new here."""
        wanted = list(dict.fromkeys(a.strip().lower() for a in addresses if a.strip()))
        kept = {
            self._address(row): (self._method_box(row).currentIndex(), self._value(row).text())
            for row in range(self.rowCount())
        }
        self.setRowCount(0)
        for address in wanted:
            self._add_row(address, *kept.get(address, (0, "")))
        return [a for a in wanted if a not in kept]

    def set_address_book(self, checks: Sequence[AddressBookCheck]) -> None:
        """What the address book gives (answered on a worker, maybe after rows changed)."""
        for check in checks:
            self._book[check.address.strip().lower()] = check
        for row in range(self.rowCount()):
            self._show_choice(row)

    def choose(self, address: str, method: VerificationMethod | None, value: str = "") -> None:
        """Set a row's choice as the user would (for tests and for a retry after an error)."""
        row = self.addresses().index(address.strip().lower())
        self._method_box(row).setCurrentIndex(METHODS.index(method))
        self._value(row).setText(value)

    # --- what is sent ---
    def checks(self) -> dict[str, RecipientCheck]:
        """The sender's explicit choices, by address (rows on the address book are left out:
        the engine looks those up itself when it sends)."""
        chosen = {}
        for row in range(self.rowCount()):
            method = METHODS[self._method_box(row).currentIndex()]
            if method is None:
                continue
            value = self._value(row).text().strip()
            chosen[self._address(row)] = RecipientCheck(
                method=method,
                access_code=value if method is VerificationMethod.ACCESS_CODE else "",
                phone=value if method is VerificationMethod.SMS else "",
            )
        return chosen

    def problem(self) -> str | None:
        """What stops sending, for the first row that cannot be sent as it is; None if all
        can (the engine still checks every recipient before anything is queued)."""
        for row in range(self.rowCount()):
            address = self._address(row)
            method = METHODS[self._method_box(row).currentIndex()]
            value = self._value(row).text().strip()
            if method is VerificationMethod.ACCESS_CODE and not value:
                return self.tr("Enter the access code for %1.").replace("%1", address)
            if method is VerificationMethod.SMS and not value:
                return self.tr("Enter a mobile number for %1.").replace("%1", address)
            book = self._book.get(address)
            if method is None and book is not None and book.method is None:
                return self.tr("Choose a recipient check for %1.").replace("%1", address)
        return None

    # --- inside ---
    def _add_row(self, address: str, method_index: int, value: str) -> None:
        row = self.rowCount()
        self.insertRow(row)
        self.setItem(row, self.ADDRESS, QTableWidgetItem(address))
        box = QComboBox()
        box.addItems(
            [
                self.tr("From the address book"),
                self.tr("Access code"),
                self.tr("Code by SMS"),
                self.tr("Code by e-mail"),
            ]
        )
        box.setAccessibleName(self.tr("Recipient check for %1").replace("%1", address))
        box.setCurrentIndex(method_index)
        field = QLineEdit(value)
        self.setCellWidget(row, self.METHOD, box)
        self.setCellWidget(row, self.VALUE, field)
        box.currentIndexChanged.connect(lambda _i, b=box: self._show_choice(self._row_of(b)))
        self._show_choice(row)

    def _show_choice(self, row: int) -> None:
        """The value field of `row` as its choice needs it: masked for an access code, a
        number for SMS, and for the others a read-only line saying what happens."""
        if row < 0:
            return
        method = METHODS[self._method_box(row).currentIndex()]
        field = self._value(row)
        field.setEnabled(method in (VerificationMethod.ACCESS_CODE, VerificationMethod.SMS))
        field.setEchoMode(
            QLineEdit.EchoMode.Password
            if method is VerificationMethod.ACCESS_CODE
            else QLineEdit.EchoMode.Normal
        )
        if method is VerificationMethod.ACCESS_CODE:
            field.setPlaceholderText(self.tr("Access code agreed with the recipient"))
        elif method is VerificationMethod.SMS:
            field.setPlaceholderText(self.tr("Mobile number, e.g. 06 12345678"))
        elif method is VerificationMethod.EMAIL:
            field.clear()
            field.setPlaceholderText(self.tr("A code is sent to this address"))
        else:
            field.clear()
            field.setPlaceholderText(self._book_text(self._address(row)))

    def _book_text(self, address: str) -> str:
        book = self._book.get(address)
        if book is None:
            return self.tr("Looking up…")
        if book.method is VerificationMethod.ACCESS_CODE:
            return self.tr("Access code of %1").replace("%1", book.detail)
        if book.method is VerificationMethod.SMS:
            return self.tr("Code by SMS to %1").replace("%1", book.detail)
        if book.method is VerificationMethod.EMAIL:
            return self.tr("A code is sent to this address")
        return self.tr("Not in the address book: choose a check")

    def _row_of(self, box: QComboBox) -> int:
        for row in range(self.rowCount()):
            if self.cellWidget(row, self.METHOD) is box:
                return row
        return -1

    def _address(self, row: int) -> str:
        item = self.item(row, self.ADDRESS)
        return item.text() if item is not None else ""

    def _method_box(self, row: int) -> QComboBox:
        box = self.cellWidget(row, self.METHOD)
        assert isinstance(box, QComboBox)
        return box

    def _value(self, row: int) -> QLineEdit:
        field = self.cellWidget(row, self.VALUE)
        assert isinstance(field, QLineEdit)
        return field
