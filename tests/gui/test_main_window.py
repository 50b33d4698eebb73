"""The main window lists conversations with envelopes, sends from the composer in the
background, and shows errors as sentences."""

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from tests.gui.fake_backend import FakeBackend
from zivverdesk.gui.conversation_model import Column
from zivverdesk.gui.main_window import MainWindow

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot):
    backend = FakeBackend()
    win = MainWindow(backend)
    qtbot.addWidget(win)
    win.show()
    return win


def test_lists_secure_conversations_with_envelopes(window, tmp_path):
    assert window.proxy.rowCount() == 2
    assert window.folder_list.currentItem().text() == "Beveiligd"
    tooltip = window.proxy.index(0, Column.ENVELOPE).data(Qt.ItemDataRole.ToolTipRole)
    assert tooltip in {"Opened", "Not opened"}
    shot = Path("build/test-artifacts/main-window.png")
    shot.parent.mkdir(parents=True, exist_ok=True)
    assert window.grab().save(str(shot))


def test_selecting_shows_the_message_as_plain_text(window, qtbot):
    window.table.selectRow(0)
    qtbot.waitUntil(lambda: "Zie bijlage." in window.reader.toPlainText())
    dialog = window.show_details()
    assert dialog is not None
    assert dialog.tree.topLevelItem(0).text(0) == "jan@example.test"


def test_composer_sends_securely_in_the_background(window, qtbot, tmp_path):
    attachment = tmp_path / "brief.pdf"
    attachment.write_bytes(b"%PDF-1.7 test")
    dialog = window.compose()
    qtbot.keyClicks(dialog.to_edit, "jan@example.test")
    qtbot.keyClicks(dialog.subject_edit, "Uitslag")
    dialog.body_edit.setPlainText("Beste Jan,")
    dialog.add_attachment(attachment)
    qtbot.mouseClick(dialog.send_secure_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(window.backend.sent))
    sent = window.backend.sent[0]
    assert sent.secure and sent.to == ["jan@example.test"]
    assert sent.attachments == (attachment,)


def test_send_failure_is_shown_in_the_composer(window, qtbot):
    window.backend.fail_send = "Voor jan@example.test ontbreekt een toegangscode."
    dialog = window.compose()
    qtbot.keyClicks(dialog.to_edit, "jan@example.test")
    qtbot.mouseClick(dialog.send_secure_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "toegangscode" in dialog.status.text())
    assert dialog.send_secure_button.isEnabled()


def test_plain_send_needs_confirmation(window, qtbot, monkeypatch):
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: QMessageBox.StandardButton.No)
    dialog = window.compose()
    qtbot.keyClicks(dialog.to_edit, "jan@example.test")
    qtbot.mouseClick(dialog.send_plain_button, Qt.MouseButton.LeftButton)
    assert window.backend.sent == []
