"""The main window lists conversations with envelopes, sends from the composer in the
background, and shows errors as sentences."""

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from tests.gui.fake_backend import FakeBackend
from zivverdesk.gui.conversation_model import Column
from zivverdesk.gui.main_window import MainWindow

pytestmark = pytest.mark.gui


@pytest.fixture
def backend() -> FakeBackend:
    return FakeBackend()


@pytest.fixture
def window(qtbot: QtBot, backend: FakeBackend) -> MainWindow:
    win = MainWindow(backend)
    qtbot.addWidget(win)
    win.show()
    return win


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
