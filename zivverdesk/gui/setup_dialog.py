"""Setting up a workstation ("Instellen"): its mail account and its enrollment with the
office's relay, so that a fresh install needs no command line.

Every call to the backend runs in an `Operation` that belongs to this dialog, so closing it
drops the answers still on their way. A password or enrollment code is typed into a masked
field, leaves the dialog only inside a `Secret` and is never logged or shown again; a failure
is logged by its type only, because its text may quote what was typed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from zivverdesk.core.secret import Secret
from zivverdesk.gui.backend import (
    Backend,
    MailSecurity,
    MailServer,
    OAuthAccount,
    OAuthProvider,
    PasswordAccount,
    SetupState,
)
from zivverdesk.gui.errors import error_text
from zivverdesk.gui.operations import Operation

log = logging.getLogger(__name__)

# The choices of mail account; the OAuth ones are the engine's provider names.
MICROSOFT: OAuthProvider = "microsoft"
GOOGLE: OAuthProvider = "google"
OTHER = "other"

# The usual ports per security, (IMAP, SMTP). The defaults are TLS for IMAP and STARTTLS for
# SMTP submission, what most providers (and Exchange, Dovecot and Postfix) offer.
DEFAULT_PORTS: dict[str, tuple[int, int]] = {
    "ssl": (993, 465),
    "starttls": (143, 587),
    "none": (143, 587),
}
DEFAULT_IMAP_SECURITY: MailSecurity = "ssl"
DEFAULT_SMTP_SECURITY: MailSecurity = "starttls"


def _masked_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)  # Qt also refuses to copy from it
    return field


def _label(text: str, buddy: QWidget) -> QLabel:
    """A form label whose shortcut (the letter after "&") goes to `buddy`: a row whose field
    is a layout gets no buddy from QFormLayout, and would show the "&" itself."""
    label = QLabel(text)
    label.setBuddy(buddy)
    return label


class SetupDialog(QDialog):
    """The mail-account part and the relay part; each says when it is done already."""

    # After a mail account was saved or the workstation enrolled.
    setup_changed = Signal()

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.setWindowTitle(self.tr("Set up"))
        self.resize(620, 640)
        self._operations: set[Operation] = set()
        self.state: SetupState | None = None  # as last read from the backend

        self.summary = QLabel()
        self.summary.setObjectName("setupSummary")
        self.summary.setWordWrap(True)
        language_row = self._language_part()
        self.account_box = self._account_part()
        self.relay_box = self._relay_part()
        self.advanced_button = QPushButton(self.tr("Advanced"))
        self.advanced_button.setCheckable(True)
        self.advanced = self._advanced_part()
        self.advanced.setVisible(False)
        self.advanced_button.toggled.connect(self.advanced.setVisible)
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.clicked.connect(self.close)
        bottom = QHBoxLayout()
        bottom.addWidget(self.advanced_button)
        bottom.addStretch(1)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(language_row)
        layout.addWidget(self.account_box)
        layout.addWidget(self.relay_box)
        layout.addWidget(self.advanced)
        layout.addStretch(1)
        layout.addLayout(bottom)
        self._kind_changed()

    # --- building ---
    def _account_part(self) -> QGroupBox:
        box = QGroupBox(self.tr("Mail account"))
        self.account_done = QLabel()
        self.account_done.setObjectName("accountDone")
        self.account_done.setWordWrap(True)
        self.email_edit = QLineEdit()
        self.email_edit.setPlaceholderText(self.tr("name@example.nl"))
        self.name_edit = QLineEdit()
        self.organisation_edit = QLineEdit()
        self.microsoft_choice = QRadioButton(self.tr("Microsoft 365"))
        self.google_choice = QRadioButton(self.tr("Google"))
        self.other_choice = QRadioButton(self.tr("Other mail server"))
        self.other_choice.setChecked(True)
        self.kind_group = QButtonGroup(self)
        choices = QHBoxLayout()
        for choice in (self.microsoft_choice, self.google_choice, self.other_choice):
            self.kind_group.addButton(choice)
            choices.addWidget(choice)
        choices.addStretch(1)
        self.kind_group.buttonToggled.connect(lambda _b, _on: self._kind_changed())

        self.account_form = QWidget()
        form = QFormLayout(self.account_form)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.tr("&E-mail address:"), self.email_edit)
        form.addRow(self.tr("&Name:"), self.name_edit)
        form.addRow(self.tr("&Organisation:"), self.organisation_edit)
        form.addRow(self.tr("Mail provider:"), choices)
        self.server_fields = self._server_fields()
        form.addRow(self.server_fields)
        self.oauth_hint = QLabel()
        self.oauth_hint.setWordWrap(True)
        form.addRow(self.oauth_hint)

        self.test_button = QPushButton(self.tr("Test connection"))
        self.test_button.clicked.connect(self.test_connection)
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.clicked.connect(self.save_account)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.test_button)
        buttons.addWidget(self.save_button)
        form.addRow(buttons)
        self.account_status = QLabel()
        self.account_status.setObjectName("accountStatus")
        self.account_status.setWordWrap(True)

        layout = QVBoxLayout(box)
        layout.addWidget(self.account_done)
        layout.addWidget(self.account_form)
        layout.addWidget(self.account_status)
        return box

    def _server_fields(self) -> QWidget:
        fields = QWidget()
        form = QFormLayout(fields)
        form.setContentsMargins(0, 0, 0, 0)
        self.username_edit = QLineEdit()
        self.username_edit.setPlaceholderText(self.tr("Same as the e-mail address"))
        self.password_edit = _masked_field()
        self.imap_host_edit = QLineEdit()
        self.imap_host_edit.setPlaceholderText(self.tr("imap.example.nl"))
        self.imap_port = self._port(DEFAULT_PORTS[DEFAULT_IMAP_SECURITY][0])
        self.imap_security = self._security(DEFAULT_IMAP_SECURITY, self.imap_port, 0)
        self.smtp_host_edit = QLineEdit()
        self.smtp_host_edit.setPlaceholderText(self.tr("smtp.example.nl"))
        self.smtp_port = self._port(DEFAULT_PORTS[DEFAULT_SMTP_SECURITY][1])
        self.smtp_security = self._security(DEFAULT_SMTP_SECURITY, self.smtp_port, 1)
        form.addRow(self.tr("&User name:"), self.username_edit)
        form.addRow(self.tr("&Password:"), self.password_edit)
        form.addRow(
            _label(self.tr("&IMAP server:"), self.imap_host_edit),
            self._server_row(self.imap_host_edit, self.imap_port, self.imap_security),
        )
        form.addRow(
            _label(self.tr("&SMTP server:"), self.smtp_host_edit),
            self._server_row(self.smtp_host_edit, self.smtp_port, self.smtp_security),
        )
        return fields

    def _server_row(self, host: QLineEdit, port: QSpinBox, security: QComboBox) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(host, 1)
        row.addWidget(QLabel(self.tr("Port:")))
        row.addWidget(port)
        row.addWidget(security)
        return row

    def _port(self, value: int) -> QSpinBox:
        port = QSpinBox()
        port.setRange(1, 65535)
        port.setValue(value)
        port.setAccessibleName(self.tr("Port"))
        return port

    def _security(self, default: MailSecurity, port: QSpinBox, which: int) -> QComboBox:
        box = QComboBox()
        box.addItem(self.tr("TLS"), "ssl")
        box.addItem(self.tr("STARTTLS"), "starttls")
        box.addItem(self.tr("None (unencrypted)"), "none")
        box.setCurrentIndex(box.findData(default))
        box.setAccessibleName(self.tr("Security"))
        previous: list[str] = [default]

        def changed(_index: int) -> None:
            # Another security usually means the other usual port; a port the user typed
            # (not the previous usual one) is kept.
            new = str(box.currentData())
            if port.value() == DEFAULT_PORTS[previous[0]][which]:
                port.setValue(DEFAULT_PORTS[new][which])
            previous[0] = new

        box.currentIndexChanged.connect(changed)
        return box

    def _relay_part(self) -> QGroupBox:
        box = QGroupBox(self.tr("Enrol this workstation"))
        self.relay_done = QLabel()
        self.relay_done.setObjectName("relayDone")
        self.relay_done.setWordWrap(True)
        self.relay_form = QWidget()
        form = QFormLayout(self.relay_form)
        form.setContentsMargins(0, 0, 0, 0)
        self.relay_url_edit = QLineEdit()
        self.relay_url_edit.setPlaceholderText(self.tr("https://relay.example.nl"))
        self.code_edit = _masked_field()
        hint = QLabel(self.tr("The one-time code your administrator gave you."))
        hint.setWordWrap(True)
        self.enroll_button = QPushButton(self.tr("Enrol"))
        self.enroll_button.clicked.connect(self.enroll)
        form.addRow(self.tr("&Relay address:"), self.relay_url_edit)
        form.addRow(self.tr("Enrollment &code:"), self.code_edit)
        form.addRow(hint)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.enroll_button)
        form.addRow(buttons)
        self.relay_status = QLabel()
        self.relay_status.setObjectName("relayStatus")
        self.relay_status.setWordWrap(True)
        layout = QVBoxLayout(box)
        layout.addWidget(self.relay_done)
        layout.addWidget(self.relay_form)
        layout.addWidget(self.relay_status)
        return box

    def _language_part(self) -> QHBoxLayout:
        # Each language named in itself, so that someone who cannot read the current one
        # still finds theirs.
        self.language_box = QComboBox()
        self.language_box.addItem("Nederlands", "nl")
        self.language_box.addItem("English", "en")
        self.language_box.setEnabled(False)  # until the setting is read
        self.language_box.activated.connect(self._language_chosen)
        self.language_status = QLabel()
        self.language_status.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(_label(self.tr("&Language / Taal:"), self.language_box))
        row.addWidget(self.language_box)
        row.addWidget(self.language_status, 1)
        return row

    def _language_chosen(self, _index: int) -> None:
        language = str(self.language_box.currentData())
        if self.state is not None and language == self.state.language:
            return
        self.language_box.setEnabled(False)

        def saved(_result: object) -> None:
            self.language_box.setEnabled(True)
            if self.state is not None:
                self.state = replace(self.state, language=language)
            self.language_status.setText(self.tr("Takes effect the next time zivverdesk starts."))

        def failed(error: BaseException) -> None:
            self.language_status.setText(error_text(error))
            if self.state is not None:  # back to what is stored
                self._show_language(self.state)

        self._run(lambda: self.backend.set_language(language), saved, failed)

    def _show_language(self, state: SetupState) -> None:
        self.language_box.setCurrentIndex(max(0, self.language_box.findData(state.language)))
        self.language_box.setEnabled(not state.language_locked)
        if state.language_locked:
            self.language_box.setToolTip(self.tr("Fixed by your administrator."))

    def _advanced_part(self) -> QGroupBox:
        box = QGroupBox()  # untitled: the "Advanced" button above it names it
        self.ca_file_edit = QLineEdit()
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._choose_ca_file)
        row = QHBoxLayout()
        row.addWidget(self.ca_file_edit, 1)
        row.addWidget(browse)
        hint = QLabel(
            self.tr("Only for a mail server or relay with a certificate of its own; usually empty.")
        )
        hint.setWordWrap(True)
        form = QFormLayout(box)
        form.addRow(_label(self.tr("CA &file:"), self.ca_file_edit), row)
        form.addRow(hint)
        return box

    def _choose_ca_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Choose a CA file"),
            "",
            self.tr("Certificates (*.pem *.crt *.cer);;All files (*)"),
        )
        if name:
            self.ca_file_edit.setText(name)

    # --- background work ---
    def _run(
        self,
        fn: Callable[[], Any],
        on_success: Callable[[Any], None],
        on_failure: Callable[[BaseException], None],
    ) -> Operation:
        # Not on the store's single worker: these calls wait for mail servers, the relay or
        # a browser sign-in (minutes), and would hold up every other write meanwhile; the
        # store serialises its own writes.
        op = Operation(self, fn)
        self._operations.add(op)
        op.finished.connect(lambda: self._operations.discard(op))
        op.on_success(on_success)
        op.on_failure(on_failure)
        return op.run()

    def busy(self) -> bool:
        """Whether a call to the backend has not answered yet."""
        return bool(self._operations)

    def _failed_in(
        self, status: QLabel, buttons: tuple[QPushButton, ...]
    ) -> Callable[[BaseException], None]:
        """Say why a call failed in its part, which stays as typed for a correction."""

        def failed(error: BaseException) -> None:
            log.warning("setup: %s", type(error).__name__)
            status.setText(error_text(error))
            for button in buttons:
                button.setEnabled(True)

        return failed

    # --- what is done ---
    def refresh(self) -> None:
        """Read what is set up, and show each part as done or to do."""
        self._run(self.backend.setup_state, self._show_state, self._state_failed)

    def _state_failed(self, error: BaseException) -> None:
        log.warning("setup: reading the state failed: %s", type(error).__name__)
        self.summary.setText(error_text(error))

    def _show_state(self, state: SetupState) -> None:
        self.state = state
        self._show_language(state)
        self.account_done.setVisible(bool(state.account))
        self.account_form.setVisible(not state.account)
        if state.account:
            self.account_done.setText(
                self.tr("The mail account %1 is set up.").replace("%1", state.account)
            )
        self.relay_done.setVisible(bool(state.enrolled_as))
        self.relay_form.setVisible(not state.enrolled_as)
        if state.enrolled_as:
            self.relay_done.setText(
                self.tr("This workstation is enrolled with %1 as %2.")
                .replace("%1", state.relay_url)
                .replace("%2", state.enrolled_as)
            )
        if state.complete:
            self.summary.setText(self.tr("This workstation is set up."))
        elif state.account:
            self.summary.setText(self.tr("Still to do: enrol this workstation with the relay."))
        elif state.enrolled_as:
            self.summary.setText(self.tr("Still to do: add the mail account."))
        else:
            self.summary.setText(
                self.tr("Still to do: add the mail account and enrol this workstation.")
            )

    # --- the mail account ---
    def account_kind(self) -> str:
        if self.microsoft_choice.isChecked():
            return MICROSOFT
        if self.google_choice.isChecked():
            return GOOGLE
        return OTHER

    def _kind_changed(self) -> None:
        kind = self.account_kind()
        other = kind == OTHER
        self.server_fields.setVisible(other)
        self.test_button.setVisible(other)  # a browser sign-in is tested as it is saved
        self.oauth_hint.setVisible(not other)
        if not other:
            provider = self.tr("Microsoft 365") if kind == MICROSOFT else self.tr("Google")
            self.oauth_hint.setText(
                self.tr(
                    "Save opens the sign-in page of %1 in your browser; sign in there with "
                    "this e-mail address."
                ).replace("%1", provider)
            )
        self.account_status.clear()

    def _ca_file(self) -> Path | None:
        text = self.ca_file_edit.text().strip()
        return Path(text) if text else None

    def password_account(self) -> PasswordAccount | str:
        """The account as typed, or a sentence saying what is missing."""
        email = self.email_edit.text().strip()
        if "@" not in email:
            return self.tr("Fill in the e-mail address.")
        imap_host = self.imap_host_edit.text().strip()
        smtp_host = self.smtp_host_edit.text().strip()
        if not imap_host or not smtp_host:
            return self.tr("Fill in the IMAP server and the SMTP server.")
        password = self.password_edit.text()
        if not password:
            return self.tr("Fill in the password.")
        return PasswordAccount(
            email=email,
            display_name=self.name_edit.text().strip(),
            organisation=self.organisation_edit.text().strip(),
            username=self.username_edit.text().strip() or email,
            password=Secret(password),
            imap=MailServer(
                host=imap_host,
                port=self.imap_port.value(),
                security=self.imap_security.currentData(),
            ),
            smtp=MailServer(
                host=smtp_host,
                port=self.smtp_port.value(),
                security=self.smtp_security.currentData(),
            ),
            ca_file=self._ca_file(),
        )

    def oauth_account(self, provider: OAuthProvider) -> OAuthAccount | str:
        email = self.email_edit.text().strip()
        if "@" not in email:
            return self.tr("Fill in the e-mail address.")
        return OAuthAccount(
            email=email,
            provider=provider,
            display_name=self.name_edit.text().strip(),
            organisation=self.organisation_edit.text().strip(),
            ca_file=self._ca_file(),
        )

    def _account_buttons(self) -> tuple[QPushButton, ...]:
        return (self.test_button, self.save_button)

    def _start_account_call(self, text: str) -> None:
        self.account_status.setText(text)
        for button in self._account_buttons():
            button.setEnabled(False)

    def test_connection(self) -> None:
        """Sign in to the typed servers once, saving nothing, and say how it went."""
        account = self.password_account()
        if isinstance(account, str):
            self.account_status.setText(account)
            return
        self._start_account_call(self.tr("Testing the connection…"))

        def worked(_result: object) -> None:
            self.account_status.setText(
                self.tr("The connection works: the IMAP and SMTP servers accepted the sign-in.")
            )
            for button in self._account_buttons():
                button.setEnabled(True)

        self._run(
            lambda: self.backend.test_mail_login(account),
            worked,
            self._failed_in(self.account_status, self._account_buttons()),
        )

    def save_account(self) -> None:
        """Save the account: tested by the engine first; Microsoft and Google sign in through
        the browser."""
        kind = self.account_kind()
        account: PasswordAccount | OAuthAccount | str
        save: Callable[[], None]
        if kind == OTHER:
            account = self.password_account()
            if isinstance(account, str):
                self.account_status.setText(account)
                return
            save = partial(self.backend.add_password_account, account)
            self._start_account_call(self.tr("Testing the connection and saving…"))
        else:
            provider: OAuthProvider = MICROSOFT if kind == MICROSOFT else GOOGLE
            account = self.oauth_account(provider)
            if isinstance(account, str):
                self.account_status.setText(account)
                return
            save = partial(self.backend.add_oauth_account, account)
            self._start_account_call(self.tr("Sign in in your browser…"))
        email = account.email

        def saved(_result: object) -> None:
            self.password_edit.clear()  # not kept in the window once it is in the keyring
            for button in self._account_buttons():
                button.setEnabled(True)
            self.account_status.setText(self.tr("Mail account %1 saved.").replace("%1", email))
            self.setup_changed.emit()
            self.refresh()

        self._run(save, saved, self._failed_in(self.account_status, self._account_buttons()))

    # --- the relay ---
    def relay_url(self) -> str:
        """The relay's address as typed; https when no scheme was typed."""
        url = self.relay_url_edit.text().strip()
        if url and "://" not in url:
            url = f"https://{url}"
        return url

    def enroll(self) -> None:
        url = self.relay_url()
        code = self.code_edit.text().strip()
        if not url:
            self.relay_status.setText(self.tr("Fill in the relay address."))
            return
        if not code:
            self.relay_status.setText(self.tr("Fill in the enrollment code."))
            return
        secret = Secret(code)
        ca_file = self._ca_file()
        self.relay_status.setText(self.tr("Enrolling…"))
        self.enroll_button.setEnabled(False)

        def enrolled(_result: object) -> None:
            self.code_edit.clear()  # single use: it is worth nothing now, and not shown
            self.enroll_button.setEnabled(True)
            self.relay_status.clear()
            self.setup_changed.emit()
            self.refresh()

        self._run(
            lambda: self.backend.enroll(url, secret, ca_file=ca_file),
            enrolled,
            self._failed_in(self.relay_status, (self.enroll_button,)),
        )

    # --- showing ---
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not event.spontaneous():  # opened, not just brought back from the taskbar
            self.refresh()
