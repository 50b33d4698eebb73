"""The main window over the real desktop engine: a secure message sent through the real
SMTP server and relay shows a closed envelope; after the recipient opens it, a sync turns it
into an open envelope (S10), and the details list the recipient's timeline."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.e2e.harness import Browser, link_of, wait_for_notifications
from tests.gui.windows import Office
from zivverdesk.gui.conversation_model import ROLE_ENVELOPE, Column

pytestmark = [pytest.mark.gui, pytest.mark.integration]


def test_envelope_closes_then_opens_in_the_window(qtbot: QtBot, office: Office) -> None:
    recipient, relay_server = office.patient, office.relay
    message_id = office.send("Uw rapport", "Zie bijlage.")

    backend, window = office.open_window(qtbot)
    try:
        window.show()
        assert window.current_folder() == "secure"
        assert window.proxy.rowCount() == 1
        envelope = window.proxy.index(0, Column.ENVELOPE)
        assert envelope.data(ROLE_ENVELOPE) == "closed"
        assert envelope.data(Qt.ItemDataRole.ToolTipRole) == "Not opened"
        assert window.proxy.index(0, Column.SUBJECT).data() == "Uw rapport"

        (notification,) = wait_for_notifications(recipient, 1)
        url, link_mid, _rid, _fragment = link_of(notification)
        assert link_mid == message_id
        browser = Browser(relay_server.url, url)
        try:
            browser.verify_access_code("zw42KL")
            manifest, _files = browser.read()
            assert manifest.subject == "Uw rapport"
        finally:
            browser.close()

        window.sync()
        qtbot.waitUntil(
            lambda: window.proxy.index(0, Column.ENVELOPE).data(ROLE_ENVELOPE) == "open",
            timeout=30_000,
        )
        window.table.selectRow(0)
        qtbot.waitUntil(lambda: "Zie bijlage." in window.reader.toPlainText(), timeout=10_000)
        dialog = window.show_details()
        assert dialog is not None
        top = dialog.tree.topLevelItem(0)
        assert top is not None
        assert top.text(0) == recipient.email
        assert top.text(2) == "Opened"
        Path("build/test-artifacts").mkdir(parents=True, exist_ok=True)
        assert window.grab().save("build/test-artifacts/main-window-engine.png")
    finally:
        backend.close()
