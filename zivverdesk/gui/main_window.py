"""The main window: folders on the left, conversations with their envelopes in the middle,
the selected conversation on the right (as plain text: mail content is never rendered as
live HTML here)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QPoint, QSortFilterProxyModel, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QSizePolicy,
    QSplitter,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from zivverdesk.gui import printing
from zivverdesk.gui.addressbook_dialog import AddressBookDialog
from zivverdesk.gui.arrival_notice import ArrivalNotice
from zivverdesk.gui.attachments_panel import AttachmentsPanel
from zivverdesk.gui.backend import (
    FOLDER_DRAFTS,
    FOLDER_SECURE,
    AddressBookCheck,
    Backend,
    Colleague,
    ContactEntry,
    ConversationDetails,
    OutgoingMessage,
    SetupState,
    SyncPass,
    draft_id_of,
)
from zivverdesk.gui.composer import ComposerDialog
from zivverdesk.gui.conversation_model import (
    PAGE_SIZE,
    ROLE_CONVERSATION_ID,
    ROLE_SORT,
    Column,
    ConversationListModel,
    ConversationPage,
    PageFetch,
)
from zivverdesk.gui.details_dialog import DetailsDialog
from zivverdesk.gui.envelope_delegate import EnvelopeDelegate
from zivverdesk.gui.errors import error_text
from zivverdesk.gui.live_sync import LiveSync
from zivverdesk.gui.operations import Operation
from zivverdesk.gui.resources import icon
from zivverdesk.gui.setup_dialog import SetupDialog

log = logging.getLogger(__name__)

# How long typing must pause before the list is searched: a search on every keystroke would
# query the store for words the user has not finished typing. (A plain comment: lupdate would
# take a "#:" one for a note to the translators of the next translated text.)
SEARCH_DELAY_MS = 250


@dataclass(frozen=True)
class _ListPlace:
    """Where the user was in the conversation list before a reload."""

    rows: int  # how many rows were loaded
    top: str | None  # the conversation at the top of the view; None at the list's top
    scroll: int  # the vertical scroll bar's value


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
        self.reader.setPlaceholderText(self.tr("Choose a conversation in the list to read it."))

        self.attachments = AttachmentsPanel()
        self.attachments.save_requested.connect(self._save_attachment)
        reading = QWidget()
        reading_layout = QVBoxLayout(reading)
        reading_layout.setContentsMargins(0, 0, 0, 0)
        reading_layout.addWidget(self.reader, 1)
        reading_layout.addWidget(self.attachments)

        splitter = QSplitter()
        splitter.addWidget(self.folder_list)
        splitter.addWidget(self.table)
        splitter.addWidget(reading)
        splitter.setSizes([200, 560, 440])
        self.setCentralWidget(splitter)

        self._build_toolbar()
        self.status_label = QLabel()
        self.statusBar().addWidget(self.status_label, 1)

        self.folder_list.currentItemChanged.connect(self._folder_changed)
        self.table.selectionModel().currentRowChanged.connect(self._conversation_changed)
        self.table.doubleClicked.connect(lambda _i: self.open_current())
        self._details: ConversationDetails | None = None
        self._operations: set[Operation] = set()
        # A reload of the list (a sync, a search, another folder) keeps the conversation
        # being read selected when it is still listed, and empties the reader when it is not.
        self._kept_conversation: str | None = None
        self.model.modelAboutToBeReset.connect(self._remember_current)
        self.model.modelReset.connect(self._restore_current)
        # Later pages of the list are read on a worker: a page of a long search can take a
        # tenth of a second or more, which on the GUI thread would stall the scrolling.
        self.model.set_page_runner(self._read_page)
        self.model.pageFailed.connect(self.show_error)
        # The search applied to the list ("" for none), and a count of the lists asked for:
        # a search that answers after a newer list was asked for is not shown.
        self._query = ""
        self._list_generation = 0
        # The background sync (started by `start_live_sync`); whether its last pass failed.
        self.live_sync = LiveSync(backend, self)
        self.live_sync.passed.connect(self._synced)
        self.arrival_notice = ArrivalNotice(self)
        self.arrival_notice.opened.connect(self.show_arrival)
        self._arrived: list[str] = []  # the last pass's arrivals, newest first
        self.live_sync.failed.connect(self.show_error)
        self._out_of_date = False
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
        # F5 as on Windows; the platform's Refresh is also Ctrl+R on some Linux desktops,
        # which is Reply here.
        self.sync_action.setShortcut(QKeySequence("F5"))
        self.sync_action.triggered.connect(self.sync)
        self.review_action = QAction(self.tr("Mark as reviewed"), self)
        self.review_action.triggered.connect(self.mark_reviewed)
        self.assign_action = QAction(self.tr("Assign to…"), self)
        self.assign_action.triggered.connect(self.assign)
        self.reply_action = QAction(self.tr("Reply"), self)
        self.reply_action.setShortcut(QKeySequence("Ctrl+R"))
        self.reply_action.triggered.connect(self.reply)
        self.reply_action.setEnabled(False)  # until a secure conversation is shown
        for action in (
            self.new_action,
            self.reply_action,
            self.details_action,
            self.sync_action,
            self.review_action,
            self.assign_action,
        ):
            bar.addAction(action)
        self.addressbook_action = QAction(self.tr("Address book"), self)
        self.addressbook_action.setShortcut(QKeySequence("Ctrl+Shift+B"))
        self.addressbook_action.triggered.connect(self.show_addressbook)
        bar.addAction(self.addressbook_action)
        self.print_action = QAction(self.tr("Print…"), self)
        self.print_action.setShortcut(QKeySequence.StandardKey.Print)
        self.print_action.triggered.connect(self.print_conversation)
        self.print_action.setEnabled(False)  # until a conversation is shown
        bar.addAction(self.print_action)
        self.setup_action = QAction(self.tr("Set up…"), self)
        self.setup_action.triggered.connect(self.show_setup)
        bar.addAction(self.setup_action)
        self._build_search(bar)

    def _build_search(self, bar: QToolBar) -> None:
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("searchField")
        self.search_edit.setPlaceholderText(self.tr("Search"))
        self.search_edit.setAccessibleName(self.tr("Search"))
        self.search_edit.setToolTip(self.tr("Find mail by contact, subject or text"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMaximumWidth(320)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        bar.addWidget(spacer)  # the field at the toolbar's far end, where mail clients have it
        bar.addWidget(self.search_edit)
        # Ctrl+F from anywhere in the window; an action on the window, not a toolbar button.
        self.search_action = QAction(self.tr("Search"), self)
        self.search_action.setShortcut(QKeySequence.StandardKey.Find)
        self.search_action.triggered.connect(self.focus_search)
        self.addAction(self.search_action)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.search_edit)
        escape.setContext(Qt.ShortcutContext.WidgetShortcut)
        escape.activated.connect(self._escape_search)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_search)
        self.search_edit.textChanged.connect(self._search_edited)

    # --- background work ---
    def run(self, fn, on_success=None, *, writes_store: bool = False) -> Operation:  # type: ignore[no-untyped-def]
        op = self._track(Operation(self, fn, writes_store=writes_store))
        if on_success is not None:
            op.on_success(on_success)
        op.on_failure(self.show_error)
        return op.run()

    def _track(self, op: Operation) -> Operation:
        """Keep `op` (and so its answer) alive until it has been delivered."""
        self._operations.add(op)
        op.finished.connect(lambda: self._operations.discard(op))
        return op

    def _read_page(
        self,
        work: Callable[[], ConversationPage],
        done: Callable[[ConversationPage], None],
        failed: Callable[[BaseException], None],
    ) -> None:
        op = self._track(Operation(self, work))
        op.on_success(done)
        op.on_failure(failed)
        op.run()

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

    def refresh(self, *, keep_place: bool = False) -> None:
        """List the current folder, only what matches the search when there is one. With
        `keep_place` (a reload after a sync) the list keeps as many rows as the user had
        scrolled through, and stays scrolled where it was; else it starts at the top."""
        folder = self.current_folder()
        if folder is None:
            return
        query = self._query
        self._list_generation += 1
        generation = self._list_generation
        place = self._list_place() if keep_place else None
        # A quarter page more than were loaded: for the rows the sync brought above them,
        # so the conversation being read near the end stays loaded (and selected).
        limit = PAGE_SIZE if place is None else max(PAGE_SIZE, place.rows + PAGE_SIZE // 4)

        def fetch(after: object | None, limit: int) -> ConversationPage:
            return self.backend.conversations(folder, after, limit, query=query)

        if not query:
            self.model.load(fetch, limit=limit)
            self._restore_place(place)
            self.status_label.setText(self.tr("%n conversation(s)", "", self.model.rowCount()))
            return
        # The first search after opening may wait seconds for the engine's index: it runs on
        # a worker. Later pages load as the list scrolls, as a folder's do.
        if place is None:  # a reload keeps what the status bar says of the search
            self.status_label.setText(self.tr("Searching…"))
        op = self._track(Operation(self, lambda: fetch(None, limit)))
        op.on_success(lambda page: self._show_found(generation, fetch, page, place))
        op.on_failure(lambda error: self._search_failed(generation, error))
        op.run()

    def _list_place(self) -> _ListPlace:
        """Where the user is in the list: the conversation at the top of the view (None when
        the list is at its top: new mail arriving there must show) and how far it is
        scrolled."""
        scroll = self.table.verticalScrollBar().value()
        top = self.table.indexAt(QPoint(0, 0)) if scroll > 0 else None
        cid = top.data(ROLE_CONVERSATION_ID) if top is not None and top.isValid() else None
        return _ListPlace(rows=self.model.rowCount(), top=cid, scroll=scroll)

    def _restore_place(self, place: _ListPlace | None) -> None:
        """Scroll back to `place` after a reload: the same conversation at the top of the
        view (rows the sync added above it stay above), else the same scroll position."""
        if place is None or place.scroll == 0:
            return
        # The view lays out the new rows when it next paints; scrolling needs them now.
        self.table.doItemsLayout()
        number = self.model.row_of(place.top) if place.top is not None else None
        if number is None:
            self.table.verticalScrollBar().setValue(place.scroll)
            return
        index = self.proxy.mapFromSource(self.model.index(number, 0))
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtTop)

    def _show_found(
        self,
        generation: int,
        fetch: PageFetch,
        page: ConversationPage,
        place: _ListPlace | None = None,
    ) -> None:
        if generation != self._list_generation:
            return  # the user typed on, cleared the search or changed folder meanwhile
        self.model.load(fetch, first=page)
        self._restore_place(place)
        count = self.model.rowCount()
        if count == 0:
            self.status_label.setText(self.tr("Nothing found"))
        elif page.next is None:
            self.status_label.setText(self.tr("%n conversation(s) found", "", count))
        else:  # only the first page is loaded: more rows follow as the list scrolls
            self.status_label.setText(self.tr("More than %n conversations found", "", count))

    def _search_failed(self, generation: int, error: BaseException) -> None:
        if generation == self._list_generation:
            self.show_error(error)
        else:
            log.debug("an outdated search failed: %s", type(error).__name__)

    # --- search ---
    def search_query(self) -> str:
        """The search the list shows the result of ("" for none)."""
        return self._query

    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def _escape_search(self) -> None:
        if self.search_edit.text():
            self.search_edit.clear()
        else:  # Escape in an empty field goes back to the list
            self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _search_edited(self, text: str) -> None:
        if text.strip():
            self._search_timer.start()  # (re)started: the search waits for a pause in typing
        else:
            # An emptied field shows the whole folder at once: there is nothing to wait for.
            self._search_timer.stop()
            self._apply_search()

    def _apply_search(self) -> None:
        query = " ".join(self.search_edit.text().split())
        if query != self._query:
            self._query = query
            self.refresh()

    def current_conversation(self) -> str | None:
        index = self.table.currentIndex()
        return index.data(ROLE_CONVERSATION_ID) if index.isValid() else None

    def _remember_current(self) -> None:
        self._kept_conversation = self.current_conversation()

    def _restore_current(self) -> None:
        cid, self._kept_conversation = self._kept_conversation, None
        if cid is None:
            return
        number = self.model.row_of(cid)
        if number is None:
            self._clear_reader()
            return
        # Selecting it again shows it fresh (a reply may have come with the sync).
        self.table.setCurrentIndex(self.proxy.mapFromSource(self.model.index(number, 0)))

    def _clear_reader(self) -> None:
        self._details = None
        self.reader.clear()
        self.attachments.show_attachments(None)
        self.reply_action.setEnabled(False)
        self.print_action.setEnabled(False)

    def _conversation_changed(self, *_args: object) -> None:
        cid = self.current_conversation()
        if cid is None:
            self._clear_reader()
            return
        index = self.proxy.mapToSource(self.table.currentIndex())
        row = self.model.row_at(index.row())

        def shown(details: ConversationDetails) -> None:
            if self.current_conversation() != cid:
                # The user moved on before it came: showing it (or marking it read) now
                # would show what is not selected.
                return
            self._show_conversation(details)
            # Replies are secure, in a secure conversation's thread (S8).
            self.reply_action.setEnabled(row.secure)
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
        op = self._track(Operation(self, lambda: self.backend.mark_seen(cid)))
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
        op = self._track(
            Operation(self, lambda: self.backend.mark_read(cid, message_ids), writes_store=True)
        )
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
        # The advisers' workflow first: who reviews it, and who did.
        review = []
        if details.assigned_to:
            review.append(self.tr("Assigned to: %1").replace("%1", details.assigned_to))
        if details.reviewed_by:
            review.append(self.tr("Reviewed by: %1").replace("%1", details.reviewed_by))
        if review:
            parts.append("\n".join(review))
        for message in details.messages:
            when = message.sent.astimezone().strftime("%d-%m-%Y %H:%M")
            lines = [f"{message.sender} — {when}", message.subject, "", message.body]
            for name, size in message.attachments:
                lines.append(f"📎 {name} ({size} B)")
            parts.append("\n".join(lines))
        self.reader.setPlainText("\n\n――――――――――\n\n".join(parts))
        self.attachments.show_attachments(details)
        self.print_action.setEnabled(True)

    def print_conversation(self) -> bool:
        """The shown conversation on paper or as PDF, after the system's print dialog."""
        if self._details is None:
            return False
        return printing.ask_and_print(self, self._details, self.reader.toPlainText())

    def _save_attachment(self, message_id: str, name: str, target: Path) -> None:
        """Decrypt an attachment into the file the user chose, then say where it went."""

        def saved(_result: object) -> None:
            self.status_label.setText(self.tr("Saved: %1").replace("%1", str(target)))

        self.run(lambda: self.backend.save_attachment(message_id, name, target), saved)

    # --- actions ---
    def compose(self) -> ComposerDialog:
        dialog = ComposerDialog(
            self,
            lookup=self._look_up_checks,
            contacts=self._load_contacts,
        )
        dialog.send_requested.connect(lambda message: self._send(dialog, message))
        dialog.draft_requested.connect(lambda message: self._save_draft(dialog, message))
        dialog.show()
        return dialog

    def open_current(self) -> None:
        """What a double click does: a draft opens in the composer, anything else shows
        its details."""
        cid = self.current_conversation()
        draft_id = draft_id_of(cid) if cid is not None else None
        if draft_id is None:
            self.show_details()
        else:
            self.open_draft(draft_id)

    def open_draft(self, draft_id: str) -> None:
        self.run(
            lambda: self.backend.load_draft(draft_id),
            lambda message: self.compose().fill(message, draft_id),
        )

    def _save_draft(self, dialog: ComposerDialog, message: OutgoingMessage) -> None:
        draft_id = dialog.draft_id
        op = self._track(Operation(self, lambda: self.backend.save_draft(message, draft_id)))
        op.on_success(lambda saved_id: self._draft_saved(dialog, saved_id, message))
        op.on_failure(lambda error: dialog.draft_failed(error_text(error)))
        op.run()

    def _draft_saved(self, dialog: ComposerDialog, draft_id: str, message: OutgoingMessage) -> None:
        dialog.draft_saved(draft_id, message)
        if self.current_folder() == FOLDER_DRAFTS:
            self.refresh()

    def reply(self) -> ComposerDialog | None:
        """A secure reply in the shown conversation, to everyone its first message went to
        (or to the outsider who started it), verified as then."""
        cid = self.current_conversation()
        details = self._details
        if cid is None or details is None or details.conversation_id != cid:
            return None
        if not self.reply_action.isEnabled():
            return None
        dialog = ComposerDialog(self, reply_to=details)
        dialog.send_requested.connect(lambda message: self._send(dialog, message))
        dialog.show()
        return dialog

    def _load_contacts(self, done: Callable[[Sequence[ContactEntry]], None]) -> None:
        self.run(self.backend.contacts, done)

    def _look_up_checks(
        self, addresses: list[str], done: Callable[[Sequence[AddressBookCheck]], None]
    ) -> None:
        self.run(lambda: self.backend.address_book_checks(addresses), done)

    def _send(self, dialog: ComposerDialog, message: OutgoingMessage) -> None:
        op = self._track(Operation(self, lambda: self.backend.send(message)))
        op.on_success(lambda _mid: self._sent(dialog))
        op.on_failure(lambda error: dialog.send_failed(error_text(error)))
        op.run()

    def _sent(self, dialog: ComposerDialog) -> None:
        dialog.accept()
        if dialog.draft_id is not None:  # sent: no longer a draft
            draft_id = dialog.draft_id
            self.run(lambda: self.backend.delete_draft(draft_id), lambda _r: self.refresh())
        else:
            self.refresh()

    def show_details(self) -> DetailsDialog | None:
        cid = self.current_conversation()
        if cid is None or self._details is None or self._details.conversation_id != cid:
            return None
        dialog = DetailsDialog(self._details, self)
        dialog.resend_requested.connect(
            lambda address, new, code: self._resend(cid, address, new, code)
        )
        dialog.revoke_requested.connect(
            lambda: self.run(lambda: self.backend.revoke(cid), lambda _r: self.refresh())
        )
        dialog.show()
        return dialog

    def _resend(self, cid: str, address: str, new: str | None, code: str) -> None:
        """A fresh notification for `address` (or to `new` instead), then say it went."""
        sent_to = new or address

        def done(_result: object) -> None:
            self.refresh()  # the new link's state
            self.status_label.setText(
                self.tr("Notification sent again to %1").replace("%1", sent_to)
            )

        self.run(lambda: self.backend.resend(cid, address, new, code), done)

    def mark_reviewed(self) -> None:
        cid = self.current_conversation()
        if cid is not None:
            self.run(lambda: self.backend.mark_reviewed(cid), lambda _r: self.refresh())

    def assign(self) -> None:
        """Assign the selected conversation to a colleague for review: the colleagues known
        from the relay are offered, then the choice is sent on a worker."""
        cid = self.current_conversation()
        if cid is not None:
            self.run(self.backend.colleagues, lambda people: self._choose_assignee(cid, people))

    def _choose_assignee(self, cid: str, people: Sequence[Colleague]) -> None:
        if not people:
            self.status_label.setText(self.tr("No colleagues known yet: synchronise first."))
            return
        labels = [p.email if p.name == p.email else f"{p.name} <{p.email}>" for p in people]
        label, chosen = QInputDialog.getItem(
            self,
            self.tr("Assign to"),
            self.tr("Which colleague reviews this conversation?"),
            labels,
            0,
            False,
        )
        if not chosen:
            return
        email = people[labels.index(label)].email
        self.run(lambda: self.backend.assign(cid, email), lambda _r: self.refresh())

    def sync(self) -> None:
        self.status_label.setText(self.tr("Synchronising…"))
        self.run(self.backend.sync, lambda _r: self.refresh())

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing the program with a message being written that is neither sent nor kept
        as a draft asks first: closing would throw it away."""
        unkept = [
            d for d in self.findChildren(ComposerDialog) if d.isVisible() and d.has_unkept_changes()
        ]
        if unkept:
            answer = QMessageBox.question(
                self,
                self.tr("Close zivverdesk?"),
                self.tr(
                    "A message you are writing has not been sent or saved as a draft. Close "
                    "anyway and lose it?"
                ),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                unkept[0].raise_()
                event.ignore()
                return
        super().closeEvent(event)

    def come_forward(self) -> None:
        """Show the window as the user left it, but in front (also when minimised)."""
        self.setWindowState(self.windowState() & ~Qt.WindowState.WindowMinimized)
        self.show()
        self.raise_()
        self.activateWindow()

    def show_arrival(self) -> None:
        """The user clicked the notice of arrivals: the window in front, on the newest
        arrival (the secure conversations are listed first when it is not in the list)."""
        self.come_forward()
        if not self._arrived:
            return
        cid = self._arrived[0]
        if self.model.row_of(cid) is None and not self._query:
            for number in range(self.folder_list.count()):
                item = self.folder_list.item(number)
                if item is not None and item.data(Qt.ItemDataRole.UserRole) == FOLDER_SECURE:
                    self.folder_list.setCurrentRow(number)  # lists it at once (no search)
        listed = self.model.row_of(cid)
        if listed is not None:
            self.table.setCurrentIndex(self.proxy.mapFromSource(self.model.index(listed, 0)))

    def start_live_sync(self) -> None:
        """Keep the lists up to date from now on: envelopes, replies, new mail, the outbox."""
        self.live_sync.start()

    def _synced(self, sync: SyncPass) -> None:
        """A pass of the background sync: the list is read again when the pass brought
        something (keeping the conversation being read), and an outage is shown until a
        pass gets through again."""
        if sync.changed or (self._out_of_date and not sync.problems):
            # Also in an outage: what did get through (the outbox, say). The user stays
            # where they were in the list.
            self.refresh(keep_place=True)
        if sync.arrived:
            self._arrived = list(sync.arrived)
            if not self.isActiveWindow():  # someone looking at the window sees them
                self.arrival_notice.announce(len(sync.arrived))
        self._out_of_date = bool(sync.problems)
        if sync.problems:
            # In the user's language where the errors are known (the relay's are English).
            problems = "; ".join(
                [error_text(e) for e in sync.errors] if sync.errors else sync.problems
            )
            self.status_label.setText(self.tr("Not up to date: %1").replace("%1", problems))

    def show_addressbook(self) -> AddressBookDialog:
        """The address book (S4, S13): one per window, brought to the front when open."""
        return self._one_dialog(AddressBookDialog)

    def _one_dialog[D: AddressBookDialog | SetupDialog](
        self, kind: type[D], made: Callable[[D], object] | None = None
    ) -> D:
        """The window's one dialog of `kind` (made on first use, then handed to `made`),
        shown in front."""
        dialog = self.findChild(kind)
        if dialog is None:
            dialog = kind(self.backend, self)
            if made is not None:
                made(dialog)
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def show_setup(self) -> SetupDialog:
        """Setting up the mail account and the relay enrollment: one dialog per window,
        brought to the front when open."""
        return self._one_dialog(
            SetupDialog, lambda dialog: dialog.setup_changed.connect(self._setup_changed)
        )

    def _setup_changed(self) -> None:
        """A mail account was saved or the workstation enrolled: the background sync starts
        over, so that it reads the accounts again (it idles on the new account's inbox now,
        not after the next start of the program)."""
        self.live_sync.restart()

    def start_after_setup(self) -> None:
        """At start: offer the set-up when the profile has no mail account or is not
        enrolled, and start the background sync once that dialog is closed (the sync reads
        the account when it starts); on a profile that is set up, start the sync at once."""

        def checked(state: SetupState) -> None:
            if state.complete:
                self.start_live_sync()
                return
            self.show_setup().finished.connect(lambda _result: self.start_live_sync())

        def failed(error: BaseException) -> None:
            self.show_error(error)
            self.start_live_sync()

        op = self._track(Operation(self, self.backend.setup_state))
        op.on_success(checked)
        op.on_failure(failed)
        op.run()
