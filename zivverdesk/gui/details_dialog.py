"""Message details ("Berichtdetails"): per recipient the method, state and timeline (S10),
and the actions a secretariat needs: resend, send to another address, revoke."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from zivverdesk.gui.backend import ConversationDetails


def state_text(state: str) -> str:
    return {
        "pending": QCoreApplication.translate("Details", "Waiting to be sent"),
        "not_delivered": QCoreApplication.translate("Details", "Not delivered"),
        "delivered": QCoreApplication.translate("Details", "Not opened"),
        "opened": QCoreApplication.translate("Details", "Opened"),
        "revoked": QCoreApplication.translate("Details", "Revoked"),
        "expired": QCoreApplication.translate("Details", "Expired"),
    }.get(state, state)


def method_text(method: str) -> str:
    return {
        "access_code": QCoreApplication.translate("Details", "Access code"),
        "sms": QCoreApplication.translate("Details", "SMS code"),
        "email": QCoreApplication.translate("Details", "E-mail code"),
    }.get(method, method)


class DetailsDialog(QDialog):
    resend_requested = Signal(str, object)  # address, new address or None
    revoke_requested = Signal()

    def __init__(self, details: ConversationDetails, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Message details"))
        self.resize(640, 420)
        self._details = details
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([self.tr("Recipient"), self.tr("Check"), self.tr("Status")])
        for recipient in details.recipients:
            item = QTreeWidgetItem(
                [recipient.address, method_text(recipient.method), state_text(recipient.state)]
            )
            for entry in recipient.timeline:
                when = entry.at.astimezone().strftime("%d-%m-%Y %H:%M")
                item.addChild(QTreeWidgetItem([when, entry.what, entry.detail]))
            self.tree.addTopLevelItem(item)
        self.tree.expandAll()

        self.resend_button = QPushButton(self.tr("Resend notification"))
        self.resend_button.clicked.connect(self._resend)
        self.other_address_button = QPushButton(self.tr("Send to another address"))
        self.other_address_button.clicked.connect(self._other_address)
        self.revoke_button = QPushButton(self.tr("Revoke"))
        self.revoke_button.clicked.connect(self._revoke)

        buttons = QHBoxLayout()
        buttons.addWidget(self.resend_button)
        buttons.addWidget(self.other_address_button)
        buttons.addStretch(1)
        buttons.addWidget(self.revoke_button)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(details.subject))
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)

    def _selected_address(self) -> str | None:
        item = self.tree.currentItem()
        while item is not None and item.parent() is not None:
            item = item.parent()
        if item is None and self._details.recipients:
            return self._details.recipients[0].address
        return item.text(0) if item else None

    def _resend(self) -> None:
        address = self._selected_address()
        if address:
            self.resend_requested.emit(address, None)

    def _other_address(self) -> None:
        address = self._selected_address()
        if not address:
            return
        new, ok = QInputDialog.getText(
            self, self.tr("Send to another address"), self.tr("New e-mail address:")
        )
        if ok and new.strip():
            self.resend_requested.emit(address, new.strip())

    def _revoke(self) -> None:
        answer = QMessageBox.question(
            self,
            self.tr("Revoke"),
            self.tr("Nobody will be able to open this message any more. Revoke it?"),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.revoke_requested.emit()
