"""The attachments of the conversation being read, under the reader: each can be saved to
a file (a double click, or "Opslaan…"). The engine decrypts it into the chosen file; it is
never opened from a temporary copy, so no plain copy is left behind elsewhere."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from zivverdesk.gui.backend import ConversationDetails
from zivverdesk.gui.resources import icon

_ROLE_ATTACHMENT = Qt.ItemDataRole.UserRole + 1  # (message id, file name)


def size_text(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


class AttachmentsPanel(QWidget):
    """Emits `save_requested(message id, file name, target path)` once the user chose where."""

    save_requested = Signal(str, str, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget()
        self.list.setAccessibleName(self.tr("Attachments"))
        self.list.setMaximumHeight(120)
        self.list.itemDoubleClicked.connect(lambda _item: self.save_selected())
        self.save_button = QPushButton(icon("paperclip"), self.tr("Save…"))
        self.save_button.clicked.connect(self.save_selected)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Attachments")), 1)
        row.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.list)
        self.hide()

    def show_attachments(self, details: ConversationDetails | None) -> None:
        """The attachments of every message of `details`, oldest message first; hidden when
        there are none."""
        self.list.clear()
        for message in details.messages if details is not None else ():
            for name, size in message.attachments:
                item = QListWidgetItem(f"{name} ({size_text(size)}) — {message.sender}")
                item.setData(_ROLE_ATTACHMENT, (message.message_id, name))
                self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)
        self.setVisible(self.list.count() > 0)

    def save_selected(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        message_id, name = item.data(_ROLE_ATTACHMENT)
        target, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Save attachment"), str(Path.home() / name)
        )
        if target:
            self.save_requested.emit(message_id, name, Path(target))
