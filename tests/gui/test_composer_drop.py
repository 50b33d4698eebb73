"""Files dragged onto the composer are attached, wherever they are dropped; a dropped file never
ends up as its path in the text, and a folder is refused with a sentence."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from zivverdesk.gui.composer import ComposerDialog

pytestmark = pytest.mark.gui


@pytest.fixture
def composer(qtbot: QtBot) -> ComposerDialog:
    dialog = ComposerDialog()
    # Hidden before pytest-qt closes it: closing a shown composer with attachments asks
    # whether to keep a draft.
    qtbot.addWidget(dialog, before_close_func=lambda widget: widget.hide())
    dialog.show()
    return dialog


def _mime(*urls: QUrl) -> QMimeData:
    mime = QMimeData()
    mime.setUrls(list(urls))
    return mime


def _drag_enter(target: QWidget, mime: QMimeData) -> bool:
    event = QDragEnterEvent(
        QPointF(target.rect().center()),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(target, event)
    return event.isAccepted()


def _drag_and_drop(target: QWidget, mime: QMimeData) -> None:
    """As a drag from a file manager: entering first (Qt delivers the drop to the widget
    that accepted the enter), then the drop."""
    assert _drag_enter(target, mime)
    event = QDropEvent(
        QPointF(target.rect().center()),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(target, event)


def test_files_dropped_on_the_text_are_attached_not_typed(
    composer: ComposerDialog, tmp_path: Path
) -> None:
    letter, scan = tmp_path / "brief.pdf", tmp_path / "scan.jpg"
    letter.write_bytes(b"%PDF-1.7 brief")
    scan.write_bytes(b"\xff\xd8 scan")
    composer.body_edit.setPlainText("Beste mevrouw,")
    mime = _mime(QUrl.fromLocalFile(str(letter)), QUrl.fromLocalFile(str(scan)))
    _drag_and_drop(composer.body_edit, mime)
    assert composer.attachment_paths() == [letter, scan]
    assert composer.body_edit.toPlainText() == "Beste mevrouw,"


def test_a_folder_is_refused_with_a_sentence_and_the_files_beside_it_attached(
    composer: ComposerDialog, tmp_path: Path
) -> None:
    letter = tmp_path / "brief.pdf"
    letter.write_bytes(b"%PDF-1.7 brief")
    folder = tmp_path / "dossier"
    folder.mkdir()
    _drag_and_drop(
        composer, _mime(QUrl.fromLocalFile(str(folder)), QUrl.fromLocalFile(str(letter)))
    )
    assert composer.attachment_paths() == [letter]
    assert composer.status.text() == "A folder cannot be attached: dossier"


def test_a_web_link_is_not_taken_as_a_file(composer: ComposerDialog) -> None:
    mime = _mime(QUrl("https://example.nl/brief.pdf"))
    assert not _drag_enter(composer, mime)
    assert not _drag_enter(composer.attachments, mime)
    assert composer.attachment_paths() == []
