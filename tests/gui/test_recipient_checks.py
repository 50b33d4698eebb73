"""Recipient verification in the composer (S2): each recipient gets a row saying what the
address book gives them; the sender can choose an access code, a code by SMS to a number
typed here, or a code by e-mail, per recipient; what cannot be sent is said before
anything is sent, and the choices reach the engine."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit
from pytestqt.qtbot import QtBot

from tests.gui.fake_backend import FakeBackend
from tests.gui.windows import shown_window
from zivverdesk.core.model import VerificationMethod
from zivverdesk.gui.backend import AddressBookCheck, RecipientCheck
from zivverdesk.gui.composer import ComposerDialog
from zivverdesk.gui.i18n import install_translator
from zivverdesk.gui.main_window import MainWindow
from zivverdesk.gui.recipient_checks import RecipientChecksTable

pytestmark = pytest.mark.gui

ACCESS, SMS, EMAIL = (
    VerificationMethod.ACCESS_CODE,
    VerificationMethod.SMS,
    VerificationMethod.EMAIL,
)


@pytest.fixture
def backend() -> FakeBackend:
    backend = FakeBackend()
    backend.address_book = {
        "jan@verzekeraar.nl": AddressBookCheck(
            address="jan@verzekeraar.nl", method=ACCESS, detail="Verzekeraar NL"
        ),
        "piet@example.nl": AddressBookCheck(
            address="piet@example.nl", method=SMS, detail="+31 6 12345678"
        ),
    }
    return backend


@pytest.fixture
def window(qtbot: QtBot, backend: FakeBackend) -> MainWindow:
    return shown_window(qtbot, backend)


def _addressed(dialog: ComposerDialog, qtbot: QtBot, to: str) -> RecipientChecksTable:
    QTest.keyClicks(dialog.to_edit, to)
    dialog.to_edit.editingFinished.emit()
    table = dialog.checks_table
    qtbot.waitUntil(lambda: "Looking up…" not in _hints(table))
    return table


def _hints(table: RecipientChecksTable) -> list[str]:
    return [_field(table, row).placeholderText() for row in range(table.rowCount())]


def _field(table: RecipientChecksTable, row: int) -> QLineEdit:
    field = table.cellWidget(row, table.VALUE)
    assert isinstance(field, QLineEdit)
    return field


def _box(table: RecipientChecksTable, row: int) -> QComboBox:
    box = table.cellWidget(row, table.METHOD)
    assert isinstance(box, QComboBox)
    return box


def test_each_recipient_shows_what_the_address_book_gives(
    window: MainWindow, backend: FakeBackend, qtbot: QtBot
) -> None:
    dialog = window.compose()
    table = _addressed(dialog, qtbot, "Jan@Verzekeraar.nl; piet@example.nl, nieuw@patient.nl")
    assert table.addresses() == ["jan@verzekeraar.nl", "piet@example.nl", "nieuw@patient.nl"]
    assert _hints(table) == [
        "Access code of Verzekeraar NL",
        "Code by SMS to +31 6 12345678",
        "Not in the address book: choose a check",
    ]
    assert backend.looked_up == [["jan@verzekeraar.nl", "piet@example.nl", "nieuw@patient.nl"]]
    # Nothing typed into a row that uses the address book.
    assert not any(_field(table, r).isEnabled() for r in range(3))


def test_a_recipient_without_a_check_stops_the_send_with_a_sentence(
    window: MainWindow, backend: FakeBackend, qtbot: QtBot
) -> None:
    dialog = window.compose()
    _addressed(dialog, qtbot, "nieuw@patient.nl")
    QTest.mouseClick(dialog.send_secure_button, Qt.MouseButton.LeftButton)
    assert dialog.status.text() == "Choose a recipient check for nieuw@patient.nl."
    assert backend.sent == []
    assert dialog.send_secure_button.isEnabled()


def test_the_senders_choices_reach_the_engine(
    window: MainWindow, backend: FakeBackend, qtbot: QtBot
) -> None:
    dialog = window.compose()
    table = _addressed(
        dialog, qtbot, "jan@verzekeraar.nl; nieuw@patient.nl; sms@patient.nl; mail@patient.nl"
    )
    # An access code agreed with this patient, typed masked.
    _box(table, 1).setCurrentIndex(1)
    code = _field(table, 1)
    assert code.isEnabled() and code.echoMode() == QLineEdit.EchoMode.Password
    QTest.keyClicks(code, "ZW-42-kl")
    _box(table, 2).setCurrentIndex(2)
    QTest.keyClicks(_field(table, 2), "06 87654321")
    _box(table, 3).setCurrentIndex(3)
    assert not _field(table, 3).isEnabled()
    QTest.keyClicks(dialog.subject_edit, "Uitslag")
    QTest.mouseClick(dialog.send_secure_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(backend.sent))
    assert backend.sent[0].checks == {
        "nieuw@patient.nl": RecipientCheck(method=ACCESS, access_code="ZW-42-kl"),
        "sms@patient.nl": RecipientCheck(method=SMS, phone="06 87654321"),
        "mail@patient.nl": RecipientCheck(method=EMAIL),
    }
    # The code stays out of every repr (and so out of any log line that shows one).
    assert "ZW-42-kl" not in repr(backend.sent[0])


def test_a_choice_without_its_value_is_refused(
    window: MainWindow, backend: FakeBackend, qtbot: QtBot
) -> None:
    dialog = window.compose()
    table = _addressed(dialog, qtbot, "nieuw@patient.nl; sms@patient.nl")
    table.choose("nieuw@patient.nl", ACCESS)
    table.choose("sms@patient.nl", SMS, "06 87654321")
    QTest.mouseClick(dialog.send_secure_button, Qt.MouseButton.LeftButton)
    assert dialog.status.text() == "Enter the access code for nieuw@patient.nl."
    table.choose("nieuw@patient.nl", ACCESS, "ZW-42-kl")
    table.choose("sms@patient.nl", SMS, "")
    QTest.mouseClick(dialog.send_secure_button, Qt.MouseButton.LeftButton)
    assert dialog.status.text() == "Enter a mobile number for sms@patient.nl."
    assert backend.sent == []


def test_rows_follow_the_addresses_and_keep_their_choice(
    window: MainWindow, backend: FakeBackend, qtbot: QtBot
) -> None:
    dialog = window.compose()
    table = _addressed(dialog, qtbot, "nieuw@patient.nl; piet@example.nl")
    table.choose("nieuw@patient.nl", SMS, "06 11112222")
    dialog.to_edit.setText("piet@example.nl; nieuw@patient.nl; ander@patient.nl")
    dialog.to_edit.editingFinished.emit()
    qtbot.waitUntil(lambda: "Looking up…" not in _hints(table))
    assert table.addresses() == ["piet@example.nl", "nieuw@patient.nl", "ander@patient.nl"]
    assert table.checks() == {"nieuw@patient.nl": RecipientCheck(method=SMS, phone="06 11112222")}
    # Only the new address was looked up again.
    assert backend.looked_up[-1] == ["ander@patient.nl"]


def test_plain_sending_ignores_the_checks(
    window: MainWindow, backend: FakeBackend, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: QMessageBox.StandardButton.Yes)
    dialog = window.compose()
    _addressed(dialog, qtbot, "nieuw@patient.nl")
    QTest.mouseClick(dialog.send_plain_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(backend.sent))
    assert not backend.sent[0].secure and backend.sent[0].checks == {}


def test_the_checks_speak_dutch(qapp: QApplication) -> None:
    translator = install_translator(qapp, "nl")
    try:

        def tr(text: str) -> str:
            return QCoreApplication.translate("RecipientChecksTable", text)

        assert tr("Recipient check") == "Ontvangerscontrole"
        assert tr("Access code of %1") == "Toegangscode van %1"
        assert tr("Code by SMS") == "Code per sms"
        assert QCoreApplication.translate("ComposerDialog", "Recipient check:") == (
            "Ontvangerscontrole:"
        )
    finally:
        qapp.removeTranslator(translator)
