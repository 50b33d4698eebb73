"""The main window over the real desktop engine: a secure message sent through the real
SMTP server and relay shows a closed envelope; after the recipient opens it, a sync turns it
into an open envelope (S10), and the details list the recipient's timeline."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.e2e.harness import FAST_KDF, Browser, link_of, setup_desk, wait_for_notifications
from tests.plugins.mailstack import MailAccount, MailStack
from tests.plugins.relay import RelayProcess
from zivverdesk.crypto.keyring_backend import INSECURE_ENV
from zivverdesk.gui.conversation_model import ROLE_ENVELOPE, Column
from zivverdesk.gui.engine_backend import EngineBackend
from zivverdesk.gui.main_window import MainWindow

pytestmark = [pytest.mark.gui, pytest.mark.integration]


def test_envelope_closes_then_opens_in_the_window(
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    mailstack: MailStack,
    mail_account: Callable[[str], MailAccount],
    relay_server: RelayProcess,
) -> None:
    monkeypatch.setenv(INSECURE_ENV, "1")
    sender, recipient = mail_account("secretariaat"), mail_account("patient")
    desk = setup_desk(tmp_path / "desk", mailstack, sender, relay_server)
    sent = desk.run(
        "send",
        "--to",
        recipient.email,
        "--access-code",
        "ZW-42-kl",
        "--subject",
        "Uw rapport",
        "--body",
        "Zie bijlage.",
        "--kdf-iterations",
        FAST_KDF,
    )
    message_id = sent.out.strip().splitlines()[-1]

    backend = EngineBackend(tmp_path / "desk")
    window = MainWindow(backend)
    qtbot.addWidget(window)
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
