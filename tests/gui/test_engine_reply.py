"""Answering from the window over the real engine (S6, S8, S9): the patient's secure reply
appears by itself and its attachment is saved to a file; the secretary answers in the
thread from the window, giving the one-off access code of the first send again, and the
patient reads the answer with that code; a fresh notification from the message details
works with the code too. Real relay, Postfix and Dovecot; the patient's side as the web
page does it."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog, QInputDialog
from pytestqt.qtbot import QtBot

from tests.e2e.harness import Browser, link_of, wait_for_notifications
from tests.gui.windows import Office
from tests.plugins.relay import RelayProcess
from zivverdesk.gui.engine_backend import WATCH_FEED_WAIT

pytestmark = [pytest.mark.gui, pytest.mark.integration]

CODE = "ZW-42-kl"


def _read_with_code(relay: RelayProcess, notification: EmailMessage) -> tuple[str, str]:
    browser = Browser(relay.url, link_of(notification)[0])
    try:
        browser.verify_access_code(CODE.lower())
        manifest, _files = browser.read()
        return manifest.subject, manifest.body
    finally:
        browser.close()


def test_the_secretary_answers_the_patient_from_the_window(
    qtbot: QtBot, office: Office, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    patient, relay_server = office.patient, office.relay
    office.send("Vragenlijst", "Graag invullen.", access_code=CODE)
    (first,) = wait_for_notifications(patient, 1)
    browser = Browser(relay_server.url, link_of(first)[0])
    try:
        browser.verify_access_code(CODE)
        browser.read()
        browser.reply("Ingevuld, zie bijlage.", {"antwoorden.txt": b"ja, nee, ja"})
    finally:
        browser.close()

    backend, window = office.open_window(qtbot)
    try:
        window.start_live_sync()
        window.table.selectRow(0)
        qtbot.waitUntil(
            lambda: "Ingevuld, zie bijlage." in window.reader.toPlainText(),
            timeout=(WATCH_FEED_WAIT + 15) * 1000,
        )
        # The patient's attachment, decrypted by the engine into the file chosen.
        target = tmp_path / "antwoorden van de patient.txt"
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), ""))
        panel = window.attachments
        names = [panel.list.item(i).text() for i in range(panel.list.count())]
        assert any(n.startswith("antwoorden.txt (11 B)") for n in names), names
        panel.list.setCurrentRow(next(i for i, n in enumerate(names) if "antwoorden" in n))
        panel.save_selected()
        qtbot.waitUntil(lambda: target.exists(), timeout=20_000)
        assert target.read_bytes() == b"ja, nee, ja"

        qtbot.waitUntil(window.reply_action.isEnabled)
        dialog = window.reply()
        assert dialog is not None
        assert dialog.to_edit.text() == patient.email
        dialog.body_edit.setPlainText("Dank u, wij nemen contact op.")
        QTest.keyClicks(dialog.reply_code_edit, CODE)  # the one-off code, given again
        QTest.mouseClick(dialog.send_secure_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=30_000)

        second = wait_for_notifications(patient, 2)[-1]
        assert _read_with_code(relay_server, second) == (
            "Re: Vragenlijst",
            "Dank u, wij nemen contact op.",
        )

        # A fresh link for the patient from the details; the code is asked for again.
        monkeypatch.setattr(QInputDialog, "getText", lambda *_a, **_k: (CODE, True))
        window.table.selectRow(0)
        qtbot.waitUntil(lambda: window._details is not None, timeout=10_000)
        details = window.show_details()
        assert details is not None
        QTest.mouseClick(details.resend_button, Qt.MouseButton.LeftButton)
        third = wait_for_notifications(patient, 3)[-1]
        assert _read_with_code(relay_server, third)[0].endswith("Vragenlijst")
    finally:
        assert window.live_sync.stop(timeout=WATCH_FEED_WAIT + 10)
        qtbot.waitUntil(lambda: not window._operations, timeout=30_000)
        backend.close()
