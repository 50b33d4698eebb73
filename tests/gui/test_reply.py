"""Replying from the desktop (S8, S9): a secure conversation can be answered in its thread,
to whom it went and with its subject; the reply is always secure; a one-off access code of
the first send can be given again; plain mail offers no secure reply."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from tests.gui.fake_backend import FakeBackend
from zivverdesk.gui.i18n import install_translator
from zivverdesk.gui.main_window import MainWindow

pytestmark = pytest.mark.gui


def _shown(window: MainWindow, qtbot: QtBot, row: int) -> None:
    window.table.selectRow(row)
    qtbot.waitUntil(lambda: "Zie bijlage." in window.reader.toPlainText())


def test_a_secure_conversation_is_answered_in_its_thread(
    window: MainWindow, backend: FakeBackend, qtbot: QtBot, tmp_path: Path
) -> None:
    assert not window.reply_action.isEnabled()  # nothing shown yet
    _shown(window, qtbot, 0)
    qtbot.waitUntil(window.reply_action.isEnabled)
    dialog = window.reply()
    assert dialog is not None
    assert dialog.windowTitle() == "Reply"
    assert dialog.to_edit.text() == "jan@example.test" and dialog.to_edit.isReadOnly()
    assert dialog.subject_edit.text() == "Re: Uw keuringsrapport"
    assert not dialog.send_plain_button.isVisible()
    assert not dialog.checks_table.isVisible()
    assert dialog.reply_code_edit.echoMode() == QLineEdit.EchoMode.Password
    attachment = tmp_path / "aanvulling.pdf"
    attachment.write_bytes(b"%PDF-1.7 aanvulling")
    dialog.add_attachment(attachment)
    dialog.body_edit.setPlainText("Hierbij de aanvulling.")
    QTest.keyClicks(dialog.reply_code_edit, "ZW-42-kl")
    cid = window.current_conversation()
    QTest.mouseClick(dialog.send_secure_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(backend.sent))
    sent = backend.sent[0]
    assert (sent.reply_to, sent.secure, sent.body) == (cid, True, "Hierbij de aanvulling.")
    assert sent.attachments == (attachment,)
    assert sent.reply_access_code == "ZW-42-kl"
    assert "ZW-42-kl" not in repr(sent)
    qtbot.waitUntil(lambda: not dialog.isVisible())


def test_a_failed_reply_stays_open_with_the_reason(
    window: MainWindow, backend: FakeBackend, qtbot: QtBot
) -> None:
    backend.fail_send = "Niet verzonden — jan@example.test: geen toegangscode"
    _shown(window, qtbot, 0)
    qtbot.waitUntil(window.reply_action.isEnabled)
    dialog = window.reply()
    assert dialog is not None
    dialog.body_edit.setPlainText("Nog een vraag.")
    QTest.mouseClick(dialog.send_secure_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "geen toegangscode" in dialog.status.text())
    assert dialog.isVisible() and dialog.send_secure_button.isEnabled()


def test_plain_mail_offers_no_secure_reply(window: MainWindow, qtbot: QtBot) -> None:
    window.folder_list.setCurrentRow(1)  # the inbox: plain mail
    _shown(window, qtbot, 0)
    qtbot.wait(50)
    assert not window.reply_action.isEnabled()
    assert window.reply() is None


def test_the_reply_speaks_dutch(qapp: QApplication) -> None:
    translator = install_translator(qapp, "nl")
    try:
        assert QCoreApplication.translate("MainWindow", "Reply") == "Beantwoorden"
        assert QCoreApplication.translate("ComposerDialog", "Reply") == "Beantwoorden"
    finally:
        qapp.removeTranslator(translator)
