"""Recipients completed from the address book in the composer's "To" field: found by any part
of name, address or organisation, inserted at the address being typed, and looked up for
their recipient check at once."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from tests.gui.fake_backend import FakeBackend
from tests.gui.windows import shown_window
from zivverdesk.gui.address_completer import contact_label
from zivverdesk.gui.backend import ContactEntry
from zivverdesk.gui.composer import ComposerDialog
from zivverdesk.gui.main_window import MainWindow

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot: QtBot, backend: FakeBackend) -> MainWindow:
    return shown_window(qtbot, backend)


def _offered(dialog: ComposerDialog) -> list[str]:
    completer = dialog.completer
    if not completer.list_view().isVisible():
        return []
    model = completer.completionModel()
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def _composer_with_contacts(window: MainWindow, qtbot: QtBot) -> ComposerDialog:
    dialog = window.compose()
    qtbot.waitUntil(lambda: dialog.completer.model().rowCount() == 2)
    dialog.to_edit.setFocus()
    return dialog


def test_a_contact_is_found_by_organisation_and_inserted_after_the_others(
    window: MainWindow, backend: FakeBackend, qtbot: QtBot
) -> None:
    dialog = _composer_with_contacts(window, qtbot)
    QTest.keyClicks(dialog.to_edit, "eerste@patient.nl; verzek")
    assert _offered(dialog) == ["J. de Vries <j.devries@verzekeraar.nl> · Verzekeraar NL"]
    QTest.keyClick(dialog.completer.list_view(), Qt.Key.Key_Return)
    assert dialog.to_edit.text() == "eerste@patient.nl; j.devries@verzekeraar.nl; "
    assert dialog.addresses() == ["eerste@patient.nl", "j.devries@verzekeraar.nl"]
    # The chosen contact's check is looked up without leaving the field.
    qtbot.waitUntil(lambda: bool(backend.looked_up))
    assert dialog.checks_table.addresses() == dialog.addresses()
    assert backend.looked_up == [["eerste@patient.nl", "j.devries@verzekeraar.nl"]]
    assert backend.sent == []  # choosing with Return does not send


def test_the_address_under_the_cursor_is_completed_and_the_rest_kept(
    window: MainWindow, qtbot: QtBot
) -> None:
    dialog = _composer_with_contacts(window, qtbot)
    dialog.to_edit.setText("bal; laatste@patient.nl")
    dialog.to_edit.setCursorPosition(3)
    QTest.keyClick(dialog.to_edit, Qt.Key.Key_I)  # "bali": found in "Balie"
    assert _offered(dialog) == ["Balie <balie@hapnoord.nl>"]
    QTest.keyClick(dialog.completer.list_view(), Qt.Key.Key_Return)
    assert dialog.addresses() == ["balie@hapnoord.nl", "laatste@patient.nl"]


def test_nothing_is_offered_for_an_unknown_name_or_an_empty_word(
    window: MainWindow, qtbot: QtBot
) -> None:
    dialog = _composer_with_contacts(window, qtbot)
    QTest.keyClicks(dialog.to_edit, "onbekend")
    assert _offered(dialog) == []
    dialog.to_edit.clear()
    QTest.keyClicks(dialog.to_edit, "j.devries@verzekeraar.nl; ")
    assert _offered(dialog) == []


def test_a_reply_does_not_read_the_address_book(backend: FakeBackend, qtbot: QtBot) -> None:
    asked: list[object] = []
    dialog = ComposerDialog(contacts=asked.append)
    qtbot.addWidget(dialog)
    assert len(asked) == 1
    details = backend.details("a" * 32)
    reply = ComposerDialog(contacts=asked.append, reply_to=details)
    qtbot.addWidget(reply)
    assert len(asked) == 1


def test_contact_label_names_the_organisation_when_there_is_one() -> None:
    assert contact_label(ContactEntry(email="a@b.nl")) == "a@b.nl"
    assert contact_label(ContactEntry(email="a@b.nl", name="A")) == "A <a@b.nl>"
    assert contact_label(ContactEntry(email="a@b.nl", name="A", organisation="B")) == (
        "A <a@b.nl> · B"
    )
