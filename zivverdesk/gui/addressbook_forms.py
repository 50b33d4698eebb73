"""The small forms of the address book: an organisation, a contact, a new access code, and
the report of an import.

A form only collects what the user typed and emits it; the address book dialog saves it in
the background and answers with `accept()` or with `refused(reason)`, which keeps the form
open with the reason shown. Access codes leave a form only inside a `Secret`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from zivverdesk.core.mobile import InvalidMobileNumber, normalise_mobile
from zivverdesk.core.secret import Secret
from zivverdesk.gui.backend import ContactEntry, ImportSummary, OrganisationEntry


def split_domains(text: str) -> list[str]:
    """Mail domains as typed: separated by commas, semicolons or spaces."""
    return [d for d in text.replace(",", " ").replace(";", " ").split() if d]


def _code_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


class AddressBookForm(QDialog):
    """A form with Save and Cancel. `submitted` carries what `value()` returns; a problem
    found before anything is saved (two different codes) is shown without emitting."""

    submitted = Signal(object)

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.form = QFormLayout()
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setObjectName("formProblem")
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self._submit)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addLayout(self.form)
        self.layout_.addWidget(self.problem)
        self.layout_.addLayout(buttons)

    def value(self) -> Any:
        """What is saved; a `str` instead is a problem to show (nothing is emitted), "" for
        one the form already shows beside its field."""
        raise NotImplementedError

    def _submit(self) -> None:
        value = self.value()
        if isinstance(value, str):
            self.problem.setText(value)
            return
        self.problem.setText(self.tr("Saving…"))
        self.save_button.setEnabled(False)
        self.submitted.emit(value)

    def refused(self, reason: str) -> None:
        """The save failed: say why and let the user correct it."""
        self.problem.setText(reason)
        self.save_button.setEnabled(True)


class OrganisationForm(AddressBookForm):
    """Adds (`current` None) or edits an organisation. An access code is asked for only when
    adding: an existing organisation's code changes with "New access code" only."""

    def __init__(self, parent: QWidget | None, current: OrganisationEntry | None = None) -> None:
        super().__init__(parent)
        self.current = current
        self.setWindowTitle(
            self.tr("Add organisation") if current is None else self.tr("Edit organisation")
        )
        self.name_edit = QLineEdit(current.name if current else "")
        self.domains_edit = QLineEdit(", ".join(current.domains) if current else "")
        self.domains_edit.setPlaceholderText(self.tr("example.nl, second.nl"))
        self.contact_edit = QLineEdit(current.contact_person if current else "")
        self.form.addRow(self.tr("&Name:"), self.name_edit)
        self.form.addRow(self.tr("Mail &domains:"), self.domains_edit)
        self.form.addRow(self.tr("&Contact person:"), self.contact_edit)
        self.code_edit = _code_field()
        self.repeat_edit = _code_field()
        if current is None:
            self.form.addRow(self.tr("&Access code:"), self.code_edit)
            self.form.addRow(self.tr("&Repeat access code:"), self.repeat_edit)
            hint = QLabel(
                self.tr(
                    "At least 6 characters. Leave it empty for an organisation without an "
                    "access code."
                )
            )
            hint.setWordWrap(True)
            self.form.addRow(hint)

    def value(self) -> OrganisationValue | str:
        code = self.code_edit.text()
        if code != self.repeat_edit.text():
            return self.tr("The two access codes are not the same.")
        return OrganisationValue(
            name=self.name_edit.text().strip(),
            domains=split_domains(self.domains_edit.text()),
            contact_person=self.contact_edit.text().strip(),
            access_code=Secret(code) if code else None,
        )


class OrganisationValue:
    """What the organisation form saves (a plain class: it holds a `Secret`, which must not
    be compared or hashed the way a dataclass would)."""

    __slots__ = ("access_code", "contact_person", "domains", "name")

    def __init__(
        self,
        *,
        name: str,
        domains: list[str],
        contact_person: str,
        access_code: Secret[str] | None,
    ) -> None:
        self.name = name
        self.domains = domains
        self.contact_person = contact_person
        self.access_code = access_code


class ContactForm(AddressBookForm):
    """Adds (`current` None) or edits a contact; the e-mail address is the contact's key and
    stays as it is when editing."""

    def __init__(
        self,
        parent: QWidget | None,
        organisations: Sequence[str],
        current: ContactEntry | None = None,
    ) -> None:
        super().__init__(parent)
        self.current = current
        self.setWindowTitle(self.tr("Add contact") if current is None else self.tr("Edit contact"))
        self.email_edit = QLineEdit(current.email if current else "")
        self.email_edit.setReadOnly(current is not None)
        self.name_edit = QLineEdit(current.name if current else "")
        self.mobile_edit = QLineEdit(current.mobile if current else "")
        self.mobile_edit.setPlaceholderText("06 12345678")
        # A wrong number is said under the field as soon as Save is pressed (the engine's
        # rule, from core.mobile), not when an SMS cannot be sent months later.
        self.mobile_problem = QLabel()
        self.mobile_problem.setObjectName("mobileProblem")
        self.mobile_problem.setWordWrap(True)
        self.mobile_problem.hide()
        self.mobile_edit.textEdited.connect(lambda _text: self.mobile_problem.hide())
        self.organisation_box = QComboBox()
        self.organisation_box.addItem(self.tr("(none)"), "")
        for name in organisations:
            self.organisation_box.addItem(name, name)
        if current is not None and current.organisation:
            self.organisation_box.setCurrentIndex(
                max(0, self.organisation_box.findData(current.organisation))
            )
        self.form.addRow(self.tr("&E-mail address:"), self.email_edit)
        self.form.addRow(self.tr("&Name:"), self.name_edit)
        self.form.addRow(self.tr("&Mobile number:"), self.mobile_edit)
        self.form.addRow("", self.mobile_problem)
        self.form.addRow(self.tr("&Organisation:"), self.organisation_box)

    def value(self) -> ContactEntry | str:
        mobile = self.mobile_edit.text().strip()
        if mobile:
            try:
                mobile = normalise_mobile(mobile)
            except InvalidMobileNumber:
                self.mobile_problem.setText(
                    self.tr(
                        "Not a valid mobile number. Type it as 06 12345678 or +31 6 12345678; "
                        "a Dutch mobile number starts with 06."
                    )
                )
                self.mobile_problem.show()
                self.mobile_edit.setFocus()
                return ""
        self.mobile_problem.hide()
        return ContactEntry(
            email=self.email_edit.text().strip(),
            name=self.name_edit.text().strip(),
            mobile=mobile,
            organisation=str(self.organisation_box.currentData() or ""),
        )


class NewCodeForm(AddressBookForm):
    """Asks for an organisation's new access code twice, and says what changing it means."""

    def __init__(self, parent: QWidget | None, organisation: str) -> None:
        super().__init__(parent)
        self.organisation = organisation
        self.setWindowTitle(self.tr("New access code"))
        self.explanation = QLabel(
            self.tr(
                "Recipients at %1 need the new access code for messages sent from now on."
            ).replace("%1", organisation)
        )
        self.explanation.setWordWrap(True)
        self.code_edit = _code_field()
        self.repeat_edit = _code_field()
        self.form.addRow(self.explanation)
        self.form.addRow(self.tr("&New access code:"), self.code_edit)
        self.form.addRow(self.tr("&Repeat access code:"), self.repeat_edit)

    def value(self) -> Secret[str] | str:
        if self.code_edit.text() != self.repeat_edit.text():
            return self.tr("The two access codes are not the same.")
        return Secret(self.code_edit.text())


class ImportReportDialog(QDialog):
    """What an import did, with the engine's reason for every row it skipped or changed."""

    def __init__(self, parent: QWidget | None, summary: ImportSummary) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Import contacts"))
        self.summary = QLabel(summary_text(summary))
        self.summary.setWordWrap(True)
        self.remarks = QListWidget()
        self.remarks.addItems(list(summary.skipped))
        close = QPushButton(self.tr("Close"))
        close.setDefault(True)
        close.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        if summary.skipped:
            layout.addWidget(QLabel(self.tr("Remarks:")))
            layout.addWidget(self.remarks, 1)
        layout.addWidget(close)


def summary_text(summary: ImportSummary) -> str:
    return (
        QCoreApplication.translate("ImportReportDialog", "Added: %1, updated: %2, skipped: %3.")
        .replace("%1", str(summary.added))
        .replace("%2", str(summary.updated))
        .replace("%3", str(len(summary.skipped)))
    )
