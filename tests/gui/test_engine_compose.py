"""The composer over the real engine (S2, S4, S13): the recipient rows say what the
encrypted address book holds, and a patient who is in no address book gets the message
with an access code the secretary typed for them — real relay, Postfix and Dovecot, and the
recipient's side as the web page does it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from tests.e2e.harness import Browser, link_of, wait_for_notifications
from tests.gui.windows import Office
from zivverdesk.core.model import VerificationMethod
from zivverdesk.gui.backend import FOLDER_SECURE

pytestmark = [pytest.mark.gui, pytest.mark.integration]


def test_a_patient_outside_the_address_book_gets_a_typed_access_code(
    qtbot: QtBot, office: Office
) -> None:
    desk, patient, relay_server = office.desk, office.patient, office.relay
    desk.run(
        "org", "add", "Verzekeraar NL", "--domain", "verzekeraar.test", "--access-code-stdin",
        stdin="Polis-2026\n",
    )  # fmt: skip
    desk.run("contact", "add", "piet@huisarts.test", "--name", "Piet", "--mobile", "+31611122233")
    backend, window = office.open_window(qtbot)
    try:
        dialog = window.compose()
        QTest.keyClicks(
            dialog.to_edit, f"jan@verzekeraar.test; piet@huisarts.test; {patient.email}"
        )
        dialog.to_edit.editingFinished.emit()
        table = dialog.checks_table

        def hints() -> list[str]:
            fields = [table.cellWidget(r, table.VALUE) for r in range(table.rowCount())]
            return [f.placeholderText() for f in fields if isinstance(f, QLineEdit)]

        qtbot.waitUntil(lambda: "Looking up…" not in hints(), timeout=10_000)
        assert hints() == [
            "Access code of Verzekeraar NL",
            "Code by SMS to +31611122233",
            "Not in the address book: choose a check",
        ]
        # Only the patient this time, with the code agreed with her on the phone.
        dialog.to_edit.setText(patient.email)
        dialog.to_edit.editingFinished.emit()
        table.choose(patient.email, VerificationMethod.ACCESS_CODE, "Geboren-1984")
        QTest.keyClicks(dialog.subject_edit, "Uw keuringsrapport")
        dialog.body_edit.setPlainText("Zie bijlage.")
        dialog.expiry_box.setCurrentIndex(dialog.expiry_box.findData(7))  # a week, not 90 days
        QTest.mouseClick(dialog.send_secure_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=30_000)
        (sent,) = backend.conversations(FOLDER_SECURE, None, 10).rows
        expires = backend.details(sent.conversation_id).expires
        assert expires is not None
        assert abs(expires - (datetime.now(UTC) + timedelta(days=7))) < timedelta(minutes=5)

        (notification,) = wait_for_notifications(patient, 1)
        browser = Browser(relay_server.url, link_of(notification)[0])
        try:
            assert browser.info()["method"] == "access_code"
            browser.verify_access_code("geboren-1984")  # the same code, as the patient types it
            manifest, _files = browser.read()
            assert manifest.subject == "Uw keuringsrapport"
        finally:
            browser.close()
    finally:
        backend.close()
