"""Drafts (Concepten): a message being written is kept as a draft when asked, or when the
composer closes with changes and the user says so; the drafts folder lists it, a double
click opens it to go on writing, sending it removes the draft; closing the program with an
unkept message asks first."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from tests.gui.fake_backend import FakeBackend
from zivverdesk.core.model import VerificationMethod
from zivverdesk.gui.backend import FOLDER_DRAFTS, OutgoingMessage, RecipientCheck
from zivverdesk.gui.composer import ComposerDialog
from zivverdesk.gui.conversation_model import Column
from zivverdesk.gui.i18n import install_translator
from zivverdesk.gui.main_window import MainWindow

pytestmark = pytest.mark.gui


def _written(window: MainWindow, qtbot: QtBot) -> ComposerDialog:
    dialog = window.compose()
    QTest.keyClicks(dialog.to_edit, "nieuw@patient.nl")
    dialog.to_edit.editingFinished.emit()
    dialog.checks_table.choose("nieuw@patient.nl", VerificationMethod.SMS, "06 11112222")
    QTest.keyClicks(dialog.subject_edit, "Afspraak")
    dialog.body_edit.setPlainText("Beste mevrouw,")
    return dialog


def _answer(monkeypatch: pytest.MonkeyPatch, button: QMessageBox.StandardButton) -> list[str]:
    asked: list[str] = []

    def question(_parent: object, title: str, *_a: object) -> QMessageBox.StandardButton:
        asked.append(title)
        return button

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


def _drafts_folder(window: MainWindow) -> None:
    keys = [
        window.folder_list.item(i).data(Qt.ItemDataRole.UserRole)
        for i in range(window.folder_list.count())
    ]
    window.folder_list.setCurrentRow(keys.index(FOLDER_DRAFTS))


def test_save_as_draft_keeps_it_and_the_folder_lists_it(
    window: MainWindow, backend: FakeBackend, qtbot: QtBot
) -> None:
    dialog = _written(window, qtbot)
    QTest.mouseClick(dialog.save_draft_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.status.text() == "Draft saved.")
    ((draft_id, kept),) = backend.drafts.items()
    assert dialog.draft_id == draft_id
    assert (kept.to, kept.subject, kept.body) == (
        ["nieuw@patient.nl"],
        "Afspraak",
        "Beste mevrouw,",
    )
    assert kept.checks == {
        "nieuw@patient.nl": RecipientCheck(method=VerificationMethod.SMS, phone="06 11112222")
    }
    assert not dialog.has_unkept_changes()
    # Saved again: the same draft, not a second one.
    dialog.body_edit.setPlainText("Beste mevrouw, hierbij")
    assert dialog.has_unkept_changes()
    QTest.mouseClick(dialog.save_draft_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: backend.drafts[draft_id].body == "Beste mevrouw, hierbij")
    assert len(backend.drafts) == 1
    _drafts_folder(window)
    assert window.proxy.index(0, Column.SUBJECT).data() == "Afspraak"


def test_closing_with_changes_asks_and_keeps_them(
    window: MainWindow, backend: FakeBackend, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = _answer(monkeypatch, QMessageBox.StandardButton.Save)
    dialog = _written(window, qtbot)
    dialog.reject()  # what Escape and the window's close button do
    assert asked == ["Keep as draft?"]
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert [m.subject for m in backend.drafts.values()] == ["Afspraak"]


def test_closing_can_discard_or_go_back(
    window: MainWindow, backend: FakeBackend, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    _answer(monkeypatch, QMessageBox.StandardButton.Cancel)
    dialog = _written(window, qtbot)
    dialog.reject()
    assert dialog.isVisible()  # back to writing
    _answer(monkeypatch, QMessageBox.StandardButton.Discard)
    dialog.reject()
    assert not dialog.isVisible() and backend.drafts == {}


def test_an_empty_composer_closes_without_asking(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = _answer(monkeypatch, QMessageBox.StandardButton.Cancel)
    dialog = window.compose()
    dialog.reject()
    assert asked == [] and not dialog.isVisible()


def test_a_draft_opens_to_go_on_writing_and_sending_removes_it(
    window: MainWindow, backend: FakeBackend, qtbot: QtBot, tmp_path: Path
) -> None:
    attachment = tmp_path / "uitnodiging.pdf"
    attachment.write_bytes(b"%PDF-1.7")
    backend.drafts["d7"] = OutgoingMessage(
        to=["nieuw@patient.nl"],
        subject="Afspraak",
        body="Beste mevrouw,",
        attachments=(attachment,),
        checks={"nieuw@patient.nl": RecipientCheck(method=VerificationMethod.EMAIL)},
    )
    _drafts_folder(window)
    window.table.selectRow(0)
    window.open_current()  # a double click
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(ComposerDialog)))
    (dialog,) = [d for d in window.findChildren(ComposerDialog) if d.isVisible()]
    assert dialog.draft_id == "d7"
    assert (dialog.to_edit.text(), dialog.subject_edit.text()) == ("nieuw@patient.nl", "Afspraak")
    assert dialog.attachment_paths() == [attachment]
    assert dialog.checks_table.checks() == {
        "nieuw@patient.nl": RecipientCheck(method=VerificationMethod.EMAIL)
    }
    assert not dialog.has_unkept_changes()
    QTest.mouseClick(dialog.send_secure_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: backend.drafts == {})
    assert backend.sent[0].subject == "Afspraak"
    qtbot.waitUntil(lambda: window.proxy.rowCount() == 0)  # the drafts folder, now empty


def test_closing_the_program_with_an_unkept_message_asks(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = _answer(monkeypatch, QMessageBox.StandardButton.No)
    dialog = _written(window, qtbot)
    window.close()
    assert asked == ["Close zivverdesk?"]
    assert window.isVisible() and dialog.isVisible()
    _answer(monkeypatch, QMessageBox.StandardButton.Yes)
    window.close()
    assert not window.isVisible()


def test_drafts_speak_dutch(qapp: QApplication) -> None:
    translator = install_translator(qapp, "nl")
    try:

        def tr(text: str) -> str:
            return QCoreApplication.translate("ComposerDialog", text)

        assert tr("Save as draft") == "Opslaan als concept"
        assert tr("Keep as draft?") == "Als concept bewaren?"
        assert QCoreApplication.translate("FolderNames", "Drafts") == "Concepten"
    finally:
        qapp.removeTranslator(translator)
