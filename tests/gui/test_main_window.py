"""The main window lists conversations with envelopes, sends from the composer in the
background, and shows errors as sentences."""

import threading
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from tests.gui.fake_backend import FakeBackend
from zivverdesk.gui.backend import ConversationDetails
from zivverdesk.gui.conversation_model import PAGE_SIZE, Column
from zivverdesk.gui.main_window import MainWindow

pytestmark = pytest.mark.gui


def test_lists_secure_conversations_with_envelopes(window: MainWindow, tmp_path: Path) -> None:
    assert window.proxy.rowCount() == 2
    folder = window.folder_list.currentItem()
    assert folder is not None
    assert folder.text() == "Beveiligd"
    tooltip = window.proxy.index(0, Column.ENVELOPE).data(Qt.ItemDataRole.ToolTipRole)
    assert tooltip in {"Opened", "Not opened"}
    shot = Path("build/test-artifacts/main-window.png")
    shot.parent.mkdir(parents=True, exist_ok=True)
    assert window.grab().save(str(shot))


def test_selecting_shows_the_message_as_plain_text(window: MainWindow, qtbot: QtBot) -> None:
    # Before anything is chosen, the empty reader says what to do.
    assert window.reader.toPlainText() == ""
    assert window.reader.placeholderText() == "Choose a conversation in the list to read it."
    window.table.selectRow(0)
    qtbot.waitUntil(lambda: "Zie bijlage." in window.reader.toPlainText())
    dialog = window.show_details()
    assert dialog is not None
    top = dialog.tree.topLevelItem(0)
    assert top is not None
    assert top.text(0) == "jan@example.test"


def test_composer_sends_securely_in_the_background(
    window: MainWindow, backend: FakeBackend, qtbot: QtBot, tmp_path: Path
) -> None:
    attachment = tmp_path / "brief.pdf"
    attachment.write_bytes(b"%PDF-1.7 test")
    dialog = window.compose()
    QTest.keyClicks(dialog.to_edit, "jan@example.test")
    QTest.keyClicks(dialog.subject_edit, "Uitslag")
    dialog.body_edit.setPlainText("Beste Jan,")
    dialog.add_attachment(attachment)
    QTest.mouseClick(dialog.send_secure_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(backend.sent))
    sent = backend.sent[0]
    assert sent.secure and sent.to == ["jan@example.test"]
    assert sent.attachments == (attachment,)


def test_send_failure_is_shown_in_the_composer(
    window: MainWindow, backend: FakeBackend, qtbot: QtBot
) -> None:
    backend.fail_send = "Voor jan@example.test ontbreekt een toegangscode."
    dialog = window.compose()
    QTest.keyClicks(dialog.to_edit, "jan@example.test")
    QTest.mouseClick(dialog.send_secure_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "toegangscode" in dialog.status.text())
    assert dialog.send_secure_button.isEnabled()


def test_plain_send_needs_confirmation(
    window: MainWindow, backend: FakeBackend, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: QMessageBox.StandardButton.No)
    dialog = window.compose()
    QTest.keyClicks(dialog.to_edit, "jan@example.test")
    QTest.mouseClick(dialog.send_plain_button, Qt.MouseButton.LeftButton)
    assert backend.sent == []


def _inbox(window: MainWindow) -> None:
    window.folder_list.setCurrentRow(1)
    assert window.current_folder() == "inbox"


def _row_of(window: MainWindow, subject: str) -> int:
    for row in range(window.proxy.rowCount()):
        if window.proxy.index(row, Column.SUBJECT).data() == subject:
            return row
    raise AssertionError(subject)


def _bold(window: MainWindow, row: int) -> bool:
    font = window.proxy.index(row, Column.SUBJECT).data(Qt.ItemDataRole.FontRole)
    return font is not None and font.bold()


def test_unread_plain_mail_is_bold_and_opening_it_marks_it_read(
    window: MainWindow, backend: FakeBackend, qtbot: QtBot
) -> None:
    _inbox(window)
    unread, read = _row_of(window, "Verwijzing"), _row_of(window, "Herhaalrecept")
    assert _bold(window, unread) and not _bold(window, read)

    window.table.selectRow(unread)
    qtbot.waitUntil(lambda: backend.marked_seen == ["e" * 32])
    qtbot.waitUntil(lambda: not _bold(window, _row_of(window, "Verwijzing")))

    # A mail already read is not marked again, whether it was read before or just now.
    window.table.selectRow(_row_of(window, "Herhaalrecept"))
    qtbot.waitUntil(lambda: "Zie bijlage." in window.reader.toPlainText())
    window.table.selectRow(_row_of(window, "Verwijzing"))
    qtbot.wait(100)
    assert backend.marked_seen == ["e" * 32]


SHOWN = ("b" * 32, ("c" * 32,))  # the unread conversation, with the message the fake shows


def test_unread_secure_conversation_is_bold_and_opening_it_marks_it_read(
    window: MainWindow, backend: FakeBackend, qtbot: QtBot
) -> None:
    unread, read = _row_of(window, "Medisch advies"), _row_of(window, "Uw keuringsrapport")
    assert _bold(window, unread) and not _bold(window, read)
    listed = backend.listed

    window.table.selectRow(unread)
    qtbot.waitUntil(lambda: backend.marked_read == [SHOWN])
    qtbot.waitUntil(lambda: not _bold(window, _row_of(window, "Medisch advies")))
    assert backend.listed == listed  # the row changed without the list being read again
    assert backend.marked_seen == []  # a secure conversation asks no mail server

    # A conversation already read is not marked again, whether read before or just now.
    window.table.selectRow(_row_of(window, "Uw keuringsrapport"))
    qtbot.waitUntil(lambda: "Zie bijlage." in window.reader.toPlainText())
    window.table.selectRow(_row_of(window, "Medisch advies"))
    qtbot.waitUntil(lambda: not window._operations)
    assert backend.marked_read == [SHOWN]


def test_a_reply_that_came_in_after_it_was_shown_keeps_it_bold(
    window: MainWindow, backend: FakeBackend, qtbot: QtBot
) -> None:
    backend.still_unread = True
    window.table.selectRow(_row_of(window, "Medisch advies"))
    qtbot.waitUntil(lambda: backend.marked_read == [SHOWN])
    qtbot.waitUntil(lambda: not window._operations)
    assert _bold(window, _row_of(window, "Medisch advies"))


def test_a_conversation_left_before_it_was_shown_is_not_marked_read(
    window: MainWindow, backend: FakeBackend, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = threading.Event()
    details = backend.details

    def slow_details(conversation_id: str) -> ConversationDetails:
        gate.wait(10)
        return details(conversation_id)

    monkeypatch.setattr(backend, "details", slow_details)
    window.table.selectRow(_row_of(window, "Medisch advies"))
    window.table.selectRow(_row_of(window, "Uw keuringsrapport"))  # before it came
    gate.set()
    qtbot.waitUntil(lambda: "Zie bijlage." in window.reader.toPlainText())
    qtbot.waitUntil(lambda: not window._operations)
    assert backend.marked_read == []
    assert _bold(window, _row_of(window, "Medisch advies"))


def test_a_conversation_that_cannot_be_marked_stays_bold_without_an_error_shown(
    window: MainWindow, backend: FakeBackend, qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    backend.fail_mark_read = OSError("disk I/O error")
    status = window.status_label.text()
    window.table.selectRow(_row_of(window, "Medisch advies"))
    qtbot.waitUntil(lambda: "marking a conversation read failed" in caplog.text)
    assert _bold(window, _row_of(window, "Medisch advies"))
    assert window.status_label.text() == status
    assert not window.findChildren(QMessageBox)


def test_offline_the_mail_stays_unread_without_an_error_shown(
    window: MainWindow, backend: FakeBackend, qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    backend.fail_mark_seen = OSError("no route to host")
    _inbox(window)
    status = window.status_label.text()
    window.table.selectRow(_row_of(window, "Verwijzing"))
    qtbot.waitUntil(lambda: "marking a mail read failed" in caplog.text)
    assert _bold(window, _row_of(window, "Verwijzing"))
    assert window.status_label.text() == status  # the count, not an error
    assert not window.findChildren(QMessageBox)


def test_a_reload_keeps_the_conversation_being_read_or_empties_the_reader(
    window: MainWindow, backend: FakeBackend, qtbot: QtBot
) -> None:
    window.table.selectRow(1)
    shown = window.current_conversation()
    qtbot.waitUntil(lambda: "Zie bijlage." in window.reader.toPlainText())
    window.refresh()  # as after a sync: the same conversation stays selected and shown
    assert window.current_conversation() == shown
    assert "Zie bijlage." in window.reader.toPlainText()
    # Listed no more (it was deleted, or a search leaves it out): nothing stale is shown.
    backend.rows = [r for r in backend.rows if r.conversation_id != shown]
    window.refresh()
    assert window.current_conversation() is None
    assert window.reader.toPlainText() == ""
    assert window.show_details() is None


def test_a_long_list_reads_its_later_pages_off_the_gui_thread(
    window: MainWindow, backend: FakeBackend, qtbot: QtBot
) -> None:
    backend.rows = [replace(backend.rows[0], conversation_id=f"{n:032x}") for n in range(450)]
    window.refresh()
    assert window.model.rowCount() == PAGE_SIZE
    window.table.scrollToBottom()  # the view asks for more as the list scrolls
    qtbot.waitUntil(lambda: window.model.rowCount() == 2 * PAGE_SIZE)
    window.table.scrollToBottom()
    qtbot.waitUntil(lambda: window.model.rowCount() == 450)
    assert backend.page_threads == [False, False]
