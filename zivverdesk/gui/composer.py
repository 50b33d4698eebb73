"""The composer: secure by default ("Veilig verzenden"); plain sending needs a confirmation.

Attachments are only listed here; they are encrypted locally by the engine when the message
is sent, never uploaded in plain form. Below the addresses, each recipient's verification
("ontvangerscontrole", `gui.recipient_checks`): the address book's by default, or what the
sender chooses for that recipient.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QEvent, QMimeData, QObject, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from zivverdesk.gui.address_completer import AddressCompleter
from zivverdesk.gui.attachments_panel import size_text
from zivverdesk.gui.backend import (
    AddressBookCheck,
    ContactEntry,
    ConversationDetails,
    OutgoingMessage,
)
from zivverdesk.gui.recipient_checks import RecipientChecksTable
from zivverdesk.gui.resources import icon

# Looks up what the address book gives some addresses, in the background, and hands the
# answer to the callable (on the GUI thread).
# How long a new secure message can be opened, as offered (days); the office's default
# (the relay's setting) comes first.
EXPIRY_CHOICES = (7, 30, 90, 365)

CheckLookup = Callable[[list[str], Callable[[Sequence[AddressBookCheck]], None]], None]
# Reads the address book's contacts in the background and hands them to the callable.
ContactsLoader = Callable[[Callable[[Sequence[ContactEntry]], None]], None]


class ComposerDialog(QDialog):
    """Emits `send_requested` with an `OutgoingMessage`; the caller sends it in the background.
    `draft_requested` asks the caller to keep it as a draft (then `draft_saved` follows);
    closing with changes not sent or kept asks whether to keep them."""

    send_requested = Signal(object)
    draft_requested = Signal(object)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        lookup: CheckLookup | None = None,
        contacts: ContactsLoader | None = None,
        reply_to: ConversationDetails | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("New secure message"))
        self.resize(720, 640)
        self._lookup = lookup
        self._reply_to = reply_to
        self.to_edit = QLineEdit()
        self.to_edit.setPlaceholderText(self.tr("name@example.nl; second@example.nl"))
        self.checks_table = RecipientChecksTable()
        self.checks_table.setMaximumHeight(140)
        self.to_edit.editingFinished.connect(self._addresses_changed)
        self.completer = AddressCompleter(self.to_edit, self)
        if contacts is not None and reply_to is None:
            contacts(self.completer.set_contacts)
        self.subject_edit = QLineEdit()
        self.body_edit = QPlainTextEdit()
        self.attachments = QListWidget()
        self.attachments.setMaximumHeight(110)
        self.setAcceptDrops(True)
        # The text fields would take a dropped file as its path in text: they hand it here.
        for field in (self.to_edit, self.subject_edit, self.body_edit, self.attachments):
            field.installEventFilter(self)

        form = QFormLayout()
        form.addRow(self.tr("&To:"), self.to_edit)
        form.addRow(self.tr("Recipient check:"), self.checks_table)
        form.addRow(self.tr("&Subject:"), self.subject_edit)
        self.expiry_box = QComboBox()
        self.expiry_box.addItem(self.tr("Office default"), None)
        for days in EXPIRY_CHOICES:
            self.expiry_box.addItem(self.tr("%n day(s)", "", days), days)
        self.expiry_box.setToolTip(
            self.tr("After this the message's content is deleted and it can no longer be opened.")
        )
        self._expiry_label = QLabel(self.tr("&Available for:"))
        self._expiry_label.setBuddy(self.expiry_box)
        form.addRow(self._expiry_label, self.expiry_box)

        self.add_attachment_button = QPushButton(icon("paperclip"), self.tr("Add attachment"))
        self.add_attachment_button.clicked.connect(self._choose_files)
        self.remove_attachment_button = QPushButton(self.tr("Remove"))
        self.remove_attachment_button.clicked.connect(self._remove_selected)

        self.send_secure_button = QPushButton(icon("lock"), self.tr("Send securely"))
        self.send_secure_button.setDefault(True)
        self.send_secure_button.clicked.connect(lambda: self._submit(secure=True))
        self.send_plain_button = QPushButton(self.tr("Send without protection"))
        self.send_plain_button.clicked.connect(lambda: self._submit(secure=False))
        self.status = QLabel()
        self.status.setObjectName("composerStatus")

        attach_row = QHBoxLayout()
        attach_row.addWidget(self.add_attachment_button)
        attach_row.addWidget(self.remove_attachment_button)
        attach_row.addStretch(1)
        buttons = QHBoxLayout()
        self.save_draft_button = QPushButton(self.tr("Save as draft"))
        self.save_draft_button.clicked.connect(self.request_draft)
        # The draft this message is kept as (None until saved), what was kept last, and
        # whether the dialog closes once the save asked for at closing is done.
        self.draft_id: str | None = None
        self._kept: OutgoingMessage | None = None
        self._close_when_kept = False
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.save_draft_button)
        buttons.addWidget(self.send_plain_button)
        buttons.addWidget(self.send_secure_button)

        # A reply: who gets it and its subject follow from the conversation; a one-off
        # access code of the first send is asked for again (it was not kept).
        self.reply_code_edit = QLineEdit()
        self.reply_code_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.reply_code_edit.setPlaceholderText(
            self.tr("Only if you typed an access code for this recipient yourself")
        )
        if reply_to is not None:
            self._set_up_reply(reply_to, form)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.body_edit, 1)
        layout.addLayout(attach_row)
        layout.addWidget(self.attachments)
        layout.addLayout(buttons)

    def _set_up_reply(self, details: ConversationDetails, form: QFormLayout) -> None:
        self.setWindowTitle(self.tr("Reply"))
        form.setRowVisible(self.expiry_box, False)  # a reply follows its conversation
        # Whom the conversation's messages went to; in one an outsider started, that outsider.
        to = (
            list(dict.fromkeys(r.address for r in details.recipients))
            or [m.sender for m in details.messages if m.from_recipient][:1]
        )
        self.to_edit.setText("; ".join(to))
        self.to_edit.setReadOnly(True)
        subject = details.subject
        self.subject_edit.setText(
            subject if subject.lower().startswith("re:") else f"Re: {subject}"
        )
        self.subject_edit.setReadOnly(True)
        form.setRowVisible(self.checks_table, False)
        form.addRow(self.tr("Access code:"), self.reply_code_edit)
        self.send_plain_button.hide()  # a reply in a secure conversation is secure (S8)
        self.save_draft_button.hide()  # a reply belongs to its conversation, not to drafts

    # --- drafts ---
    def fill(self, message: OutgoingMessage, draft_id: str) -> None:
        """Show a kept draft, to go on writing it."""
        self.draft_id = draft_id
        self.to_edit.setText("; ".join(message.to))
        self.subject_edit.setText(message.subject)
        self.body_edit.setPlainText(message.body)
        for path in message.attachments:
            self.add_attachment(path)
        self._addresses_changed()
        for address, check in message.checks.items():
            self.checks_table.choose(address, check.method, check.phone)
        self.expiry_box.setCurrentIndex(max(0, self.expiry_box.findData(message.expires_days)))
        self._kept = self.message(secure=message.secure)

    def request_draft(self) -> None:
        self.status.setText(self.tr("Saving draft…"))
        self.draft_requested.emit(self.message(secure=True))

    def draft_saved(self, draft_id: str, kept: OutgoingMessage) -> None:
        self.draft_id = draft_id
        self._kept = kept
        self.status.setText(self.tr("Draft saved."))
        if self._close_when_kept:
            super().reject()

    def draft_failed(self, reason: str) -> None:
        self._close_when_kept = False
        self.status.setText(reason)

    def has_unkept_changes(self) -> bool:
        current = self.message(secure=True)
        if self._kept is None:
            return bool(
                current.to or current.subject or current.body.strip() or current.attachments
            )
        return _kept_fields(current) != _kept_fields(self._kept)

    def reject(self) -> None:
        """Closing: what was written and neither sent nor kept is not thrown away unasked."""
        if self._reply_to is None and self.isVisible() and self.has_unkept_changes():
            answer = QMessageBox.question(
                self,
                self.tr("Keep as draft?"),
                self.tr("This message has not been sent. Keep it as a draft?"),
                QMessageBox.StandardButton.Save
                | QMessageBox.StandardButton.Discard
                | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Save,
            )
            if answer == QMessageBox.StandardButton.Cancel:
                return
            if answer == QMessageBox.StandardButton.Save:
                self._close_when_kept = True
                self.request_draft()
                return
        super().reject()

    # Files dragged from Explorer (or any file manager) onto the composer are attached, as
    # mail programs do; only local files, and folders are refused with a sentence.
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        self._take_files_only(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        self._take_files_only(event)

    def _take_files_only(self, event: QDropEvent) -> None:
        """Accept a drag that carries local files, refuse anything else."""
        if self._dropped_files(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = self._dropped_files(event.mimeData())
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        folders = [p for p in paths if not p.is_file()]
        for path in paths:
            if path.is_file():
                self.add_attachment(path)
        if folders:
            self.status.setText(
                self.tr("A folder cannot be attached: %1").replace(
                    "%1", ", ".join(p.name for p in folders)
                )
            )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop):
            assert isinstance(event, QDropEvent)  # DragEnter and DragMove events are ones
            # Only files are taken from the fields; a dragged text goes on to them as before.
            if self._dropped_files(event.mimeData()):
                if kind == QEvent.Type.Drop:
                    self.dropEvent(event)
                else:
                    event.acceptProposedAction()
                return True
        return super().eventFilter(watched, event)

    @staticmethod
    def _dropped_files(mime: QMimeData | None) -> list[Path]:
        if mime is None or not mime.hasUrls():
            return []
        return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]

    def add_attachment(self, path: Path) -> None:
        item = QListWidgetItem(f"{path.name} ({size_text(path.stat().st_size)})")
        item.setData(0x0100, str(path))
        self.attachments.addItem(item)

    def attachment_paths(self) -> list[Path]:
        return [
            Path(self.attachments.item(i).data(0x0100)) for i in range(self.attachments.count())
        ]

    def _choose_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, self.tr("Add attachment"))
        for name in files:
            self.add_attachment(Path(name))

    def _remove_selected(self) -> None:
        for item in self.attachments.selectedItems():
            self.attachments.takeItem(self.attachments.row(item))

    def addresses(self) -> list[str]:
        return [a.strip() for a in self.to_edit.text().replace(",", ";").split(";") if a.strip()]

    def _addresses_changed(self) -> None:
        """A row per recipient; what the address book gives new ones is looked up."""
        if self._reply_to is not None:
            return  # the reply goes to whom the conversation went, verified as then
        if self.completer.list_view().isVisible():
            # Return in the completer's list reaches the field before the choice is put
            # in: the half-typed word is no recipient; the choice looks up again.
            return
        new = self.checks_table.set_addresses(self.addresses())
        if new and self._lookup is not None:
            self._lookup(new, self.checks_table.set_address_book)

    def message(self, *, secure: bool) -> OutgoingMessage:
        new_secure = secure and self._reply_to is None
        return OutgoingMessage(
            to=self.addresses(),
            subject=self.subject_edit.text().strip(),
            body=self.body_edit.toPlainText(),
            attachments=tuple(self.attachment_paths()),
            secure=secure,
            checks=self.checks_table.checks() if new_secure else {},
            reply_to=self._reply_to.conversation_id if self._reply_to is not None else None,
            reply_access_code=self.reply_code_edit.text() if self._reply_to is not None else "",
            expires_days=self.expiry_box.currentData() if new_secure else None,
        )

    def _submit(self, *, secure: bool) -> None:
        self._addresses_changed()
        message = self.message(secure=secure)
        if not message.to:
            self.status.setText(self.tr("Enter at least one recipient."))
            return
        problem = self.checks_table.problem() if secure else None
        if problem is not None:
            self.status.setText(problem)
            return
        if not secure:
            answer = QMessageBox.warning(
                self,
                self.tr("Send without protection"),
                self.tr(
                    "This message and its attachments will be sent as ordinary e-mail that "
                    "others can read. Only do this when it contains no personal or medical "
                    "information. Send without protection?"
                ),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.status.setText(self.tr("Sending…"))
        self.send_secure_button.setEnabled(False)
        self.send_plain_button.setEnabled(False)
        self.send_requested.emit(message)

    def send_failed(self, reason: str) -> None:
        self.status.setText(reason)
        self.send_secure_button.setEnabled(True)
        self.send_plain_button.setEnabled(True)


def _kept_fields(message: OutgoingMessage) -> tuple[object, ...]:
    """What a draft keeps of a message (typed access codes are not kept)."""
    checks = tuple(sorted((a, c.method, c.phone) for a, c in message.checks.items()))
    return (
        tuple(message.to),
        message.subject,
        message.body,
        tuple(message.attachments),
        checks,
        message.expires_days,
    )
