"""Printing the shown conversation (Ctrl+P): to a printer or PDF through the system's dialog,
with the subject as heading and the reader's text; nothing when the user cancels."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QFont, QTextCursor, QTextDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QDialog, QWidget
from pytestqt.qtbot import QtBot

from tests.gui.fake_backend import FakeBackend
from zivverdesk.gui import printing
from zivverdesk.gui.main_window import MainWindow

pytestmark = pytest.mark.gui


class _PdfDialog:
    """Stands in for the system's print dialog: the user picks "print to PDF" into `target`
    (or cancels when `target` is None)."""

    target: Path | None = None
    shown = 0

    def __init__(self, printer: QPrinter, _parent: QWidget) -> None:
        self.printer = printer

    def setWindowTitle(self, _title: str) -> None:
        pass

    def exec(self) -> QDialog.DialogCode:
        type(self).shown += 1
        if self.target is None:
            return QDialog.DialogCode.Rejected
        self.printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        self.printer.setOutputFileName(str(self.target))
        return QDialog.DialogCode.Accepted


@pytest.fixture
def pdf_dialog(monkeypatch: pytest.MonkeyPatch) -> type[_PdfDialog]:
    monkeypatch.setattr(printing, "QPrintDialog", _PdfDialog)
    _PdfDialog.target, _PdfDialog.shown = None, 0
    return _PdfDialog


def _shown(window: MainWindow, qtbot: QtBot) -> None:
    window.table.selectRow(0)
    qtbot.waitUntil(lambda: "Zie bijlage." in window.reader.toPlainText())


def test_the_shown_conversation_prints_to_pdf(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, pdf_dialog: type[_PdfDialog]
) -> None:
    assert not window.print_action.isEnabled()  # nothing shown yet
    _shown(window, qtbot)
    assert window.print_action.isEnabled()
    pdf_dialog.target = tmp_path / "gesprek.pdf"
    window.print_action.trigger()
    assert pdf_dialog.shown == 1
    data = pdf_dialog.target.read_bytes()
    assert data.startswith(b"%PDF")
    assert data.count(b"/Type /Page\n") + data.count(b"/Type /Page ") >= 1


def test_cancelling_the_dialog_prints_nothing(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, pdf_dialog: type[_PdfDialog]
) -> None:
    _shown(window, qtbot)
    assert window.print_conversation() is False
    assert pdf_dialog.shown == 1
    assert list(tmp_path.iterdir()) == []


def test_the_page_has_the_subject_as_heading_and_the_readers_text(
    window: MainWindow, backend: FakeBackend, qtbot: QtBot
) -> None:
    _shown(window, qtbot)
    details = backend.details("a" * 32)
    document = printing.conversation_document(details, window.reader.toPlainText())
    lines = document.toPlainText().splitlines()
    assert lines[0] == "Uw keuringsrapport"
    assert "Zie bijlage." in lines
    assert _weight_at(document, 1) == QFont.Weight.Bold
    assert _weight_at(document, document.characterCount() - 2) == QFont.Weight.Normal


def _weight_at(document: QTextDocument, position: int) -> int:
    cursor = QTextCursor(document)
    cursor.setPosition(position)
    return cursor.charFormat().fontWeight()


def test_nothing_to_print_when_the_selection_is_gone(
    window: MainWindow, qtbot: QtBot, pdf_dialog: type[_PdfDialog]
) -> None:
    _shown(window, qtbot)
    window.table.clearSelection()
    window.table.setCurrentIndex(window.proxy.index(-1, -1))
    qtbot.waitUntil(lambda: not window.print_action.isEnabled())
    assert window.print_conversation() is False
    assert pdf_dialog.shown == 0
