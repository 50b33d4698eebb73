"""The address book ("Adresboek"): organisations with their mail domains and access codes
(S4), contacts with e-mail address, mobile number and organisation (S13).

Every call to the backend runs in an `Operation` that belongs to this dialog, so closing it
drops the answers still on their way. An organisation's access code is read only when the
user asks for it, shown in one field, and masked again as soon as another organisation is
selected, the list changes or the dialog is hidden; it is never logged.

Deleting (the Delete button or key) always asks first, naming what goes; an organisation's
contacts are named too, since they lose its access code and need a check of their own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, QSortFilterProxyModel, Qt
from PySide6.QtGui import QHideEvent, QKeyEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from zivverdesk.core.secret import Secret
from zivverdesk.gui.addressbook_forms import (
    AddressBookForm,
    ContactForm,
    ImportReportDialog,
    NewCodeForm,
    OrganisationForm,
    OrganisationValue,
    summary_text,
)
from zivverdesk.gui.addressbook_models import (
    ROLE_KEY,
    ContactColumn,
    ContactTableModel,
    OrganisationColumn,
    OrganisationTableModel,
    filtered,
)
from zivverdesk.gui.backend import Backend, ContactEntry, ImportSummary, OrganisationEntry
from zivverdesk.gui.errors import error_text
from zivverdesk.gui.operations import Operation

log = logging.getLogger(__name__)

# What the code field shows until the code is asked for: always the same, so it does not
# tell how long the code is.
MASK = "••••••••"


def _table(proxy: QSortFilterProxyModel, stretch: int) -> QTableView:
    table = QTableView()
    table.setModel(proxy)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSortingEnabled(True)
    table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)  # names in full
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


class AddressBookDialog(QDialog):
    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.setWindowTitle(self.tr("Address book"))
        self.resize(820, 520)
        self._operations: set[Operation] = set()
        # The organisation whose code is shown, if any: the code is in `code_field` only.
        self._revealed: str | None = None
        self.import_report: ImportReportDialog | None = None  # the last import's report
        self.delete_question: QMessageBox | None = None  # the open "Delete …?" question

        self.organisations = OrganisationTableModel(self)
        self.organisation_proxy = filtered(self.organisations, self)
        self.organisation_table = _table(self.organisation_proxy, OrganisationColumn.DOMAINS)
        self.contacts = ContactTableModel(self)
        self.contact_proxy = filtered(self.contacts, self)
        self.contact_table = _table(self.contact_proxy, ContactColumn.EMAIL)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._organisations_tab(), self.tr("Organisations"))
        self.tabs.addTab(self._contacts_tab(), self.tr("Contacts"))
        self.status = QLabel()
        self.status.setObjectName("addressBookStatus")
        self.status.setWordWrap(True)
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.close)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)

        self.organisation_table.selectionModel().currentRowChanged.connect(
            self._organisation_changed
        )
        self.organisations.modelReset.connect(self._organisation_changed)
        self.organisation_proxy.layoutChanged.connect(self._organisation_changed)
        self.organisation_table.doubleClicked.connect(lambda _i: self.edit_organisation())
        self.contact_table.selectionModel().currentRowChanged.connect(self._contact_changed)
        self.contacts.modelReset.connect(self._contact_changed)
        self.contact_table.doubleClicked.connect(lambda _i: self.edit_contact())
        # The Delete key on a list deletes its selected row (after asking), as in Outlook.
        self.organisation_table.installEventFilter(self)
        self.contact_table.installEventFilter(self)
        self._organisation_changed()
        self._contact_changed()

    def _search_field(self, tooltip: str, proxy: QSortFilterProxyModel) -> QLineEdit:
        field = QLineEdit()
        field.setPlaceholderText(self.tr("Search"))
        field.setAccessibleName(self.tr("Search"))
        field.setToolTip(tooltip)
        field.setClearButtonEnabled(True)
        field.textChanged.connect(lambda text: proxy.setFilterFixedString(text.strip()))
        return field

    def _organisations_tab(self) -> QWidget:
        self.organisation_filter = self._search_field(
            self.tr("Find by name, mail domain or contact person"), self.organisation_proxy
        )
        # A row that the filter hides is no longer selected: its code must not stay shown.
        self.organisation_filter.textChanged.connect(lambda _t: self._organisation_changed())
        self.code_field = QLineEdit()
        self.code_field.setReadOnly(True)
        self.code_field.setObjectName("accessCodeField")
        self.code_field.setAccessibleName(self.tr("Access code"))
        self.reveal_button = QPushButton(self.tr("Show access code"))
        self.reveal_button.clicked.connect(self.reveal_access_code)
        self.add_organisation_button = QPushButton(self.tr("Add…"))
        self.add_organisation_button.clicked.connect(self.add_organisation)
        self.edit_organisation_button = QPushButton(self.tr("Edit…"))
        self.edit_organisation_button.clicked.connect(self.edit_organisation)
        self.rotate_button = QPushButton(self.tr("New access code…"))
        self.rotate_button.clicked.connect(self.rotate_access_code)
        self.delete_organisation_button = QPushButton(self.tr("Delete"))
        self.delete_organisation_button.clicked.connect(self.delete_organisation)

        code_row = QHBoxLayout()
        code_row.addWidget(QLabel(self.tr("Access code:")))
        code_row.addWidget(self.code_field, 1)
        code_row.addWidget(self.reveal_button)
        code_row.addWidget(self.rotate_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_organisation_button)
        buttons.addWidget(self.edit_organisation_button)
        buttons.addWidget(self.delete_organisation_button)
        buttons.addStretch(1)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(self.organisation_filter)
        layout.addWidget(self.organisation_table, 1)
        layout.addLayout(code_row)
        layout.addLayout(buttons)
        return tab

    def _contacts_tab(self) -> QWidget:
        self.contact_filter = self._search_field(
            self.tr("Find by name, e-mail address, mobile number or organisation"),
            self.contact_proxy,
        )
        self.add_contact_button = QPushButton(self.tr("Add…"))
        self.add_contact_button.clicked.connect(self.add_contact)
        self.edit_contact_button = QPushButton(self.tr("Edit…"))
        self.edit_contact_button.clicked.connect(self.edit_contact)
        self.delete_contact_button = QPushButton(self.tr("Delete"))
        self.delete_contact_button.clicked.connect(self.delete_contact)
        self.import_button = QPushButton(self.tr("Import…"))
        self.import_button.clicked.connect(self.import_contacts)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_contact_button)
        buttons.addWidget(self.edit_contact_button)
        buttons.addWidget(self.delete_contact_button)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(self.contact_filter)
        layout.addWidget(self.contact_table, 1)
        layout.addLayout(buttons)
        return tab

    # --- background work ---
    def _run(
        self,
        fn: Callable[[], Any],
        on_success: Callable[[Any], None],
        on_failure: Callable[[BaseException], None] | None = None,
        *,
        writes_store: bool = False,
    ) -> Operation:
        op = Operation(self, fn, writes_store=writes_store)
        self._operations.add(op)
        op.finished.connect(lambda: self._operations.discard(op))
        op.on_success(on_success)
        op.on_failure(on_failure or self.show_error)
        return op.run()

    def busy(self) -> bool:
        """Whether a call to the backend has not answered yet."""
        return bool(self._operations)

    def show_error(self, error: BaseException) -> None:
        # The type only: an error's text may quote what the user typed.
        log.warning("address book: %s", type(error).__name__)
        self.status.setText(error_text(error))

    def _failed_in(self, form: AddressBookForm) -> Callable[[BaseException], None]:
        """Show a failed save in its form, which stays open for a correction."""

        def failed(error: BaseException) -> None:
            log.warning("address book: saving failed: %s", type(error).__name__)
            form.refused(error_text(error))

        return failed

    # --- lists ---
    def refresh(self, *, organisation: str | None = None, contact: str | None = None) -> None:
        """Read both lists again; select `organisation` and `contact` when they are listed."""

        def read() -> tuple[Sequence[OrganisationEntry], Sequence[ContactEntry]]:
            return self.backend.organisations(), self.backend.contacts()

        def show(lists: tuple[Sequence[OrganisationEntry], Sequence[ContactEntry]]) -> None:
            self.organisations.set_rows(lists[0])
            self.contacts.set_rows(lists[1])
            if organisation is not None:
                self._select(self.organisation_table, self.organisation_proxy, organisation)
            if contact is not None:
                self._select(self.contact_table, self.contact_proxy, contact)

        self._run(read, show)

    @staticmethod
    def _select(table: QTableView, proxy: QSortFilterProxyModel, key: str) -> None:
        for row in range(proxy.rowCount()):
            if str(proxy.index(row, 0).data(ROLE_KEY)).casefold() == key.casefold():
                table.selectRow(row)
                return

    def selected_organisation(self) -> OrganisationEntry | None:
        index = self.organisation_table.currentIndex()
        if not index.isValid():
            return None
        return self.organisations.row_at(self.organisation_proxy.mapToSource(index).row())

    def selected_contact(self) -> ContactEntry | None:
        index = self.contact_table.currentIndex()
        if not index.isValid():
            return None
        return self.contacts.row_at(self.contact_proxy.mapToSource(index).row())

    def _organisation_changed(self, *_args: object) -> None:
        org = self.selected_organisation()
        self._mask_code(org)
        self.edit_organisation_button.setEnabled(org is not None)
        self.delete_organisation_button.setEnabled(org is not None)
        self.rotate_button.setEnabled(org is not None)
        self.reveal_button.setEnabled(org is not None and org.has_access_code)

    def _contact_changed(self, *_args: object) -> None:
        selected = self.selected_contact() is not None
        self.edit_contact_button.setEnabled(selected)
        self.delete_contact_button.setEnabled(selected)

    # --- access codes (S4) ---
    def _mask_code(self, org: OrganisationEntry | None) -> None:
        self._revealed = None
        if org is None:
            self.code_field.clear()
        elif org.has_access_code:
            self.code_field.setText(MASK)
        else:
            self.code_field.setText(self.tr("No access code"))

    def reveal_access_code(self) -> None:
        """Show the selected organisation's code, for a recipient who forgot it."""
        org = self.selected_organisation()
        if org is None:
            return
        name = org.name

        def shown(code: Secret[str] | None) -> None:
            current = self.selected_organisation()
            if current is None or current.name != name:
                return  # the user moved on meanwhile: that code is not what is selected
            if code is None:
                self.code_field.setText(self.tr("No access code"))
                return
            self._revealed = name
            self.code_field.setText(code.reveal())

        self._run(lambda: self.backend.access_code(name), shown)

    def code_shown_for(self) -> str | None:
        """The organisation whose access code is shown in clear, if any."""
        return self._revealed

    def rotate_access_code(self) -> NewCodeForm | None:
        org = self.selected_organisation()
        if org is None:
            return None
        name = org.name
        form = NewCodeForm(self, name)

        def save(code: Secret[str]) -> None:
            self._run(
                lambda: self.backend.rotate_access_code(name, code),
                lambda _r: self._rotated(form, name),
                self._failed_in(form),
                writes_store=True,
            )

        form.submitted.connect(save)
        form.open()
        return form

    def _rotated(self, form: NewCodeForm, name: str) -> None:
        form.accept()
        self.status.setText(
            self.tr(
                "New access code saved. Recipients at %1 need the new access code for "
                "messages sent from now on."
            ).replace("%1", name)
        )
        self.refresh(organisation=name)

    # --- organisations ---
    def add_organisation(self) -> OrganisationForm:
        form = OrganisationForm(self)

        def add(value: OrganisationValue) -> None:
            self.backend.add_organisation(
                name=value.name,
                domains=value.domains,
                contact_person=value.contact_person,
                access_code=value.access_code,
            )

        form.submitted.connect(lambda value: self._save_organisation(form, value, add))
        form.open()
        return form

    def edit_organisation(self) -> OrganisationForm | None:
        org = self.selected_organisation()
        if org is None:
            return None
        form = OrganisationForm(self, org)

        def update(value: OrganisationValue) -> None:
            self.backend.update_organisation(
                org.name,
                name=value.name,
                domains=value.domains,
                contact_person=value.contact_person,
            )

        form.submitted.connect(lambda value: self._save_organisation(form, value, update))
        form.open()
        return form

    def _save_organisation(
        self,
        form: OrganisationForm,
        value: OrganisationValue,
        save: Callable[[OrganisationValue], None],
    ) -> None:
        def saved(_result: object) -> None:
            form.accept()
            self.status.setText(self.tr("Organisation %1 saved.").replace("%1", value.name))
            self.refresh(organisation=value.name)

        self._run(lambda: save(value), saved, self._failed_in(form), writes_store=True)

    # --- contacts (S13) ---
    def _organisation_names(self) -> list[str]:
        return [self.organisations.row_at(r).name for r in range(self.organisations.rowCount())]

    def add_contact(self) -> ContactForm:
        form = ContactForm(self, self._organisation_names())
        form.submitted.connect(
            lambda contact: self._save_contact(form, contact, self.backend.add_contact)
        )
        form.open()
        return form

    def edit_contact(self) -> ContactForm | None:
        current = self.selected_contact()
        if current is None:
            return None
        form = ContactForm(self, self._organisation_names(), current)
        form.submitted.connect(
            lambda contact: self._save_contact(form, contact, self.backend.update_contact)
        )
        form.open()
        return form

    def _save_contact(
        self, form: ContactForm, contact: ContactEntry, save: Callable[[ContactEntry], None]
    ) -> None:
        def saved(_result: object) -> None:
            form.accept()
            self.status.setText(self.tr("Contact %1 saved.").replace("%1", contact.email))
            self.refresh(contact=contact.email)

        self._run(lambda: save(contact), saved, self._failed_in(form), writes_store=True)

    # --- deleting ---
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.matches(QKeySequence.StandardKey.Delete)
        ):
            if watched is self.organisation_table:
                self.delete_organisation()
                return True
            if watched is self.contact_table:
                self.delete_contact()
                return True
        return super().eventFilter(watched, event)

    def _ask_delete(self, question: str, details: str, delete: Callable[[], None]) -> QMessageBox:
        """Ask before deleting; `delete` runs only when the user chooses Delete. Cancel is
        the default, so Enter or Escape keeps everything."""
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Delete"), question, parent=self)
        box.setInformativeText(details)
        delete_button = box.addButton(self.tr("Delete"), QMessageBox.ButtonRole.DestructiveRole)
        cancel_button = box.addButton(self.tr("Cancel"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(cancel_button)
        box.setEscapeButton(cancel_button)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def answered(button: QAbstractButton) -> None:
            if button is delete_button:
                delete()

        def closed(_result: int) -> None:
            if self.delete_question is box:
                self.delete_question = None  # deleted on close: no reference to keep

        box.buttonClicked.connect(answered)
        box.finished.connect(closed)
        self.delete_question = box
        box.open()
        return box

    def delete_organisation(self) -> QMessageBox | None:
        """Ask, then delete the selected organisation with its domains and access code."""
        org = self.selected_organisation()
        if org is None:
            return None
        name = org.name
        members = [
            self.contacts.row_at(r)
            for r in range(self.contacts.rowCount())
            if self.contacts.row_at(r).organisation == name
        ]
        details = self.tr(
            "Its mail domains and its access code are deleted from this computer. Messages "
            "already sent stay as they are."
        )
        if members:
            shown = ", ".join(c.name or c.email for c in members[:5])
            details += "\n\n" + self.tr(
                "These contacts belong to it: %1. They stay in the address book without an "
                "organisation; the next message to them needs a check of its own (a code by "
                "SMS or by e-mail)."
            ).replace("%1", shown + (", …" if len(members) > 5 else ""))

        def delete() -> None:
            # Detached only if the user was told about contacts: one added since is refused.
            self._run(
                lambda: self.backend.delete_organisation(name, detach_contacts=bool(members)),
                lambda _r: self._deleted(self.tr("Organisation %1 deleted.").replace("%1", name)),
                writes_store=True,
            )

        return self._ask_delete(
            self.tr("Delete organisation %1?").replace("%1", name), details, delete
        )

    def delete_contact(self) -> QMessageBox | None:
        """Ask, then delete the selected contact with their name and mobile number."""
        contact = self.selected_contact()
        if contact is None:
            return None
        email = contact.email
        who = f"{contact.name} <{email}>" if contact.name else email

        def delete() -> None:
            self._run(
                lambda: self.backend.delete_contact(email),
                lambda _r: self._deleted(self.tr("Contact %1 deleted.").replace("%1", email)),
                writes_store=True,
            )

        return self._ask_delete(
            self.tr("Delete contact %1?").replace("%1", who),
            self.tr(
                "The name and mobile number are deleted from this computer. Messages already "
                "sent stay as they are."
            ),
            delete,
        )

    def _deleted(self, status: str) -> None:
        self.status.setText(status)
        self.refresh()

    def import_contacts(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import contacts"), "", self.tr("Contacts (*.csv *.vcf)")
        )
        if name:
            self.import_file(Path(name))

    def import_file(self, path: Path) -> None:
        self.status.setText(self.tr("Importing…"))

        def imported(summary: ImportSummary) -> None:
            self.status.setText(summary_text(summary))
            self.import_report = ImportReportDialog(self, summary)
            self.import_report.open()
            self.refresh()

        self._run(lambda: self.backend.import_contacts(path), imported, writes_store=True)

    # --- showing and hiding ---
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not event.spontaneous():  # opened, not just brought back from the taskbar
            self.refresh()

    def hideEvent(self, event: QHideEvent) -> None:
        # A code shown stays on screen no longer than the dialog does.
        self._mask_code(self.selected_organisation())
        super().hideEvent(event)
