"""Saving the attachments of the conversation being read: they are listed under the reader
with their size and sender, a double click or "Opslaan…" asks where and the engine writes
the file there; cancelling saves nothing; a conversation without attachments shows none."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog
from pytestqt.qtbot import QtBot

from tests.gui.fake_backend import FakeBackend
from tests.gui.windows import shown_window
from zivverdesk.gui.backend import ConversationDetails
from zivverdesk.gui.i18n import install_translator
from zivverdesk.gui.main_window import MainWindow

pytestmark = pytest.mark.gui


def _reading(window: MainWindow, qtbot: QtBot) -> None:
    window.table.selectRow(0)
    qtbot.waitUntil(lambda: "Zie bijlage." in window.reader.toPlainText())


def test_an_attachment_is_saved_where_the_user_chooses(
    window: MainWindow,
    backend: FakeBackend,
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    target = tmp_path / "rapport van jan.pdf"
    offered: list[str] = []

    def choose(_parent: object, _title: str, suggested: str, *_a: object) -> tuple[str, str]:
        offered.append(Path(suggested).name)
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", choose)
    _reading(window, qtbot)
    panel = window.attachments
    assert panel.isVisible()
    assert panel.list.item(0).text() == "rapport.pdf (1.2 KB) — Secretariaat"
    QTest.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(backend.saved))
    assert offered == ["rapport.pdf"]  # the attachment's own name is suggested
    assert backend.saved == [("c" * 32, "rapport.pdf", target)]
    assert target.read_bytes() == b"rapport.pdf of " + b"c" * 32
    qtbot.waitUntil(lambda: window.status_label.text() == f"Saved: {target}")


def test_cancelling_saves_nothing(
    window: MainWindow, backend: FakeBackend, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: ("", ""))
    _reading(window, qtbot)
    window.attachments.save_selected()
    qtbot.wait(50)
    assert backend.saved == []


def test_no_attachments_no_panel(
    qtbot: QtBot, backend: FakeBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain_details = backend.details

    def without(conversation_id: str) -> ConversationDetails:
        details = plain_details(conversation_id)
        messages = [replace(m, attachments=()) for m in details.messages]
        return replace(details, messages=messages)

    monkeypatch.setattr(backend, "details", without)
    window = shown_window(qtbot, backend)
    _reading(window, qtbot)
    assert not window.attachments.isVisible()


def test_the_panel_speaks_dutch(qapp: QApplication) -> None:
    translator = install_translator(qapp, "nl")
    try:
        assert QCoreApplication.translate("AttachmentsPanel", "Attachments") == "Bijlagen"
        assert QCoreApplication.translate("MainWindow", "Saved: %1") == "Opgeslagen: %1"
    finally:
        qapp.removeTranslator(translator)
