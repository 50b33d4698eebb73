"""The main window: folders on the left, conversations with their envelopes in the middle,
the selected conversation on the right (as plain text: mail content is never rendered as
live HTML here)."""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QSortFilterProxyModel, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPlainTextEdit,
    QSplitter,
    QTableView,
    QToolBar,
)

from zivverdesk.core.errors import ZivverdeskError
from zivverdesk.gui.backend import Backend, ConversationDetails, OutgoingMessage
from zivverdesk.gui.composer import ComposerDialog
from zivverdesk.gui.conversation_model import (
    ROLE_CONVERSATION_ID,
    ROLE_SORT,
    Column,
    ConversationListModel,
)
from zivverdesk.gui.details_dialog import DetailsDialog
from zivverdesk.gui.envelope_delegate import EnvelopeDelegate
from zivverdesk.gui.operations import Operation
from zivverdesk.gui.resources import icon

log = logging.getLogger(__name__)


def error_text(error: BaseException) -> str:
    """What the user sees for a failure: our own errors speak for themselves."""
    if isinstance(error, ZivverdeskError):
        return str(error)
    return QCoreApplication.translate(
        "MainWindow", "Something went wrong. The details are in the log file."
    )


class MainWindow(QMainWindow):
    def __init__(self, backend: Backend) -> None:
        super().__init__()
        self.backend = backend
        self.setWindowTitle("zivverdesk")
        self.setWindowIcon(icon("app"))
        self.resize(1200, 760)

        self.folder_list = QListWidget()
        self.folder_list.setAccessibleName(self.tr("Folders"))
        self.model = ConversationListModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(ROLE_SORT)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setItemDelegateForColumn(Column.ENVELOPE, EnvelopeDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Column.DATE, Qt.SortOrder.DescendingOrder)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(Column.SUBJECT, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(Column.ENVELOPE, QHeaderView.ResizeMode.ResizeToContents)
        self.reader = QPlainTextEdit()
        self.reader.setReadOnly(True)
        self.reader.setAccessibleName(self.tr("Message"))

        splitter = QSplitter()
        splitter.addWidget(self.folder_list)
        splitter.addWidget(self.table)
        splitter.addWidget(self.reader)
        splitter.setSizes([200, 560, 440])
        self.setCentralWidget(splitter)

        self._build_toolbar()
        self.status_label = QLabel()
        self.statusBar().addWidget(self.status_label, 1)

        self.folder_list.currentItemChanged.connect(self._folder_changed)
        self.table.selectionModel().currentRowChanged.connect(self._conversation_changed)
        self.table.doubleClicked.connect(lambda _i: self.show_details())
        self._details: ConversationDetails | None = None
        self._operations: set[Operation] = set()
        self._load_folders()

    def _build_toolbar(self) -> None:
        bar = QToolBar(self.tr("Main"))
        bar.setObjectName("mainToolbar")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.addToolBar(bar)
        self.new_action = QAction(icon("lock"), self.tr("New secure message"), self)
        self.new_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_action.triggered.connect(self.compose)
        self.details_action = QAction(icon("envelope-open"), self.tr("Message details"), self)
        self.details_action.triggered.connect(self.show_details)
        self.sync_action = QAction(self.tr("Synchronise"), self)
        self.sync_action.setShortcut(QKeySequence.StandardKey.Refresh)
        self.sync_action.triggered.connect(self.sync)
        self.review_action = QAction(self.tr("Mark as reviewed"), self)
        self.review_action.triggered.connect(self.mark_reviewed)
        for action in (self.new_action, self.details_action, self.sync_action, self.review_action):
            bar.addAction(action)

    # --- background work ---
    def run(self, fn, on_success=None, *, writes_store: bool = False) -> Operation:  # type: ignore[no-untyped-def]
        op = Operation(self, fn, writes_store=writes_store)
        self._operations.add(op)
        op.finished.connect(lambda: self._operations.discard(op))
        if on_success is not None:
            op.on_success(on_success)
        op.on_failure(self.show_error)
        return op.run()

    def show_error(self, error: BaseException) -> None:
        log.warning("operation failed: %s", type(error).__name__, exc_info=error)
        self.status_label.setText(error_text(error))

    # --- folders and conversations ---
    def _load_folders(self) -> None:
        self.folder_list.clear()
        for key, name in self.backend.folders():
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.folder_list.addItem(item)
        if self.folder_list.count():
            self.folder_list.setCurrentRow(0)

    def current_folder(self) -> str | None:
        item = self.folder_list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def _folder_changed(self, *_args: object) -> None:
        self.refresh()

    def refresh(self) -> None:
        folder = self.current_folder()
        if folder is None:
            return
        self.model.load(lambda after, limit: self.backend.conversations(folder, after, limit))
        self.status_label.setText(self.tr("%n conversation(s)", "", self.model.rowCount()))

    def current_conversation(self) -> str | None:
        index = self.table.currentIndex()
        return index.data(ROLE_CONVERSATION_ID) if index.isValid() else None

    def _conversation_changed(self, *_args: object) -> None:
        cid = self.current_conversation()
        if cid is None:
            self.reader.clear()
            return
        index = self.proxy.mapToSource(self.table.currentIndex())
        row = self.model.row_at(index.row())

        def shown(details: ConversationDetails) -> None:
            if self.current_conversation() != cid:
                # The user moved on before it came: showing it (or marking it read) now
                # would show what is not selected.
                return
            self._show_conversation(details)
            # An unread row is read once it is shown: then it is marked so. A plain mail
            # on its server; a secure conversation in the store, up to what was shown.
            if row.unread and row.secure:
                self._mark_read(cid, [m.message_id for m in details.messages])
            elif row.unread:
                self._mark_seen(cid)

        self.run(lambda: self.backend.details(cid), shown)

    def _mark_seen(self, cid: str) -> None:
        """Mark a plain mail read on its server, then show it so. Offline it stays unread
        (and is marked when opened again): logged, not shown as an error."""
        op = Operation(self, lambda: self.backend.mark_seen(cid))
        self._operations.add(op)
        op.finished.connect(lambda: self._operations.discard(op))
        op.on_success(lambda _r: self.model.set_unread(cid, False))
        op.on_failure(
            lambda error: log.warning(
                "marking a mail read failed: %s", type(error).__name__, exc_info=error
            )
        )
        op.run()

    def _mark_read(self, cid: str, message_ids: list[str]) -> None:
        """Mark a shown secure conversation read in the store, then show it so (still bold if
        a reply came in after it was shown). A failure leaves it unread: logged, not shown."""
        op = Operation(self, lambda: self.backend.mark_read(cid, message_ids), writes_store=True)
        self._operations.add(op)
        op.finished.connect(lambda: self._operations.discard(op))
        op.on_success(lambda still_unread: self.model.set_unread(cid, bool(still_unread)))
        op.on_failure(
            lambda error: log.warning(
                "marking a conversation read failed: %s", type(error).__name__, exc_info=error
            )
        )
        op.run()

    def _show_conversation(self, details: ConversationDetails) -> None:
        self._details = details
        parts = []
        for message in details.messages:
            when = message.sent.astimezone().strftime("%d-%m-%Y %H:%M")
            lines = [f"{message.sender} — {when}", message.subject, "", message.body]
            for name, size in message.attachments:
                lines.append(f"📎 {name} ({size} B)")
            parts.append("\n".join(lines))
        self.reader.setPlainText("\n\n――――――――――\n\n".join(parts))

    # --- actions ---
    def compose(self) -> ComposerDialog:
        dialog = ComposerDialog(self)
        dialog.send_requested.connect(lambda message: self._send(dialog, message))
        dialog.show()
        return dialog

    def _send(self, dialog: ComposerDialog, message: OutgoingMessage) -> None:
        op = Operation(self, lambda: self.backend.send(message))
        self._operations.add(op)
        op.on_success(lambda _mid: self._sent(dialog))
        op.on_failure(lambda error: dialog.send_failed(error_text(error)))
        op.run()

    def _sent(self, dialog: ComposerDialog) -> None:
        dialog.accept()
        self.refresh()

    def show_details(self) -> DetailsDialog | None:
        cid = self.current_conversation()
        if cid is None or self._details is None or self._details.conversation_id != cid:
            return None
        dialog = DetailsDialog(self._details, self)
        dialog.resend_requested.connect(
            lambda address, new: self.run(lambda: self.backend.resend(cid, address, new))
        )
        dialog.revoke_requested.connect(
            lambda: self.run(lambda: self.backend.revoke(cid), lambda _r: self.refresh())
        )
        dialog.show()
        return dialog

    def mark_reviewed(self) -> None:
        cid = self.current_conversation()
        if cid is not None:
            self.run(lambda: self.backend.mark_reviewed(cid), lambda _r: self.refresh())

    def sync(self) -> None:
        self.status_label.setText(self.tr("Synchronising…"))
        self.run(self.backend.sync, lambda _r: self.refresh())
