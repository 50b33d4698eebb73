"""Message details ("Berichtdetails"): per recipient the method, state and timeline (S10),
and the actions a secretariat needs: resend, send to another address, revoke."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
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


def event_text(kind: str) -> str:
    """A line of a recipient's timeline: what the relay (or this desk) recorded."""
    return {
        "notification_accepted": QCoreApplication.translate(
            "Details", "Notification accepted by the mail server"
        ),
        "notification_refused": QCoreApplication.translate(
            "Details", "Notification refused by the mail server"
        ),
        "link_fetched": QCoreApplication.translate(
            "Details", "Link looked at (by a mail scanner or the recipient)"
        ),
        "verified": QCoreApplication.translate("Details", "Recipient check passed"),
        "opened": QCoreApplication.translate("Details", "Opened"),
        "downloaded": QCoreApplication.translate("Details", "Attachment downloaded"),
        "replied": QCoreApplication.translate("Details", "Replied"),
        "verification_failed": QCoreApplication.translate("Details", "Wrong code entered"),
        "locked": QCoreApplication.translate("Details", "Locked after too many wrong attempts"),
        "revoked": QCoreApplication.translate("Details", "Revoked"),
        "expired": QCoreApplication.translate("Details", "Expired"),
        "message_received": QCoreApplication.translate("Details", "Message received"),
        "review_changed": QCoreApplication.translate("Details", "Review changed"),
        "mail_failed": QCoreApplication.translate("Details", "Mail could not be sent"),
    }.get(kind, kind)


def method_text(method: str) -> str:
    return {
        "access_code": QCoreApplication.translate("Details", "Access code"),
        "sms": QCoreApplication.translate("Details", "SMS code"),
        "email": QCoreApplication.translate("Details", "E-mail code"),
    }.get(method, method)


class DetailsDialog(QDialog):
    resend_requested = Signal(str, object, str)  # address, new address or None, access code
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
                item.addChild(QTreeWidgetItem([when, event_text(entry.what), entry.detail]))
            self.tree.addTopLevelItem(item)
        self.tree.expandAll()
        # Addresses and times whole, not cut off with "…": the status column takes the rest.
        for column in range(self.tree.columnCount() - 1):
            self.tree.resizeColumnToContents(column)

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
        self.expires_label = QLabel()
        if details.expires is not None:
            self.expires_label.setText(
                self.tr("Can be opened until %1").replace(
                    "%1", details.expires.astimezone().strftime("%d-%m-%Y %H:%M")
                )
            )
            layout.addWidget(self.expires_label)
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
        if not address:
            return
        code = self._access_code_for(address)
        if code is not None:
            self.resend_requested.emit(address, None, code)

    def _other_address(self) -> None:
        address = self._selected_address()
        if not address:
            return
        new, ok = QInputDialog.getText(
            self, self.tr("Send to another address"), self.tr("New e-mail address:")
        )
        if not (ok and new.strip()):
            return
        code = self._access_code_for(address)
        if code is not None:
            self.resend_requested.emit(address, new.strip(), code)

    def _access_code_for(self, address: str) -> str | None:
        """The one-off access code to send again with a fresh link ("" when there is none to
        give); None when the user cancelled. A one-off code is not kept after sending, so it
        is asked for; an organisation's code is looked up by the engine (left empty)."""
        method = next((r.method for r in self._details.recipients if r.address == address), "")
        if method != "access_code":
            return ""
        code, ok = QInputDialog.getText(
            self,
            self.tr("Access code"),
            self.tr(
                "The access code you typed for %1 when sending. Leave empty when it is the "
                "access code of their organisation."
            ).replace("%1", address),
            QLineEdit.EchoMode.Password,
        )
        return code.strip() if ok else None

    def _revoke(self) -> None:
        answer = QMessageBox.question(
            self,
            self.tr("Revoke"),
            self.tr("Nobody will be able to open this message any more. Revoke it?"),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.revoke_requested.emit()
