"""A mail account saved through the set-up dialog while the window's background sync runs is
watched at once: a mail that then arrives in its inbox appears through IMAP IDLE, without
"Synchronise" and without starting the program again. Real relay and Dovecot."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from tests.e2e.harness import Desk, imap
from tests.gui.windows import shown_window
from tests.mail.helpers import raw_message
from tests.plugins.mailstack import MailAccount, MailStack
from tests.plugins.relay import RelayProcess
from zivverdesk.gui.conversation_model import Column
from zivverdesk.gui.engine_backend import FOLDER_INBOX, EngineBackend
from zivverdesk.gui.main_window import MainWindow

pytestmark = [pytest.mark.gui, pytest.mark.integration]

SERVER_WAIT_MS = 30_000
# Well below the window's long-poll of the relay (25 s): what appears within this came
# through IDLE, not through the next full pass after a long-poll.
IDLE_WAIT_MS = 8_000


def _show_inbox(window: MainWindow) -> None:
    for row in range(window.folder_list.count()):
        if window.folder_list.item(row).data(Qt.ItemDataRole.UserRole) == FOLDER_INBOX:
            window.folder_list.setCurrentRow(row)
            return
    raise AssertionError("no inbox folder")


def _subjects(window: MainWindow) -> list[str]:
    proxy = window.proxy
    return [str(proxy.index(r, Column.SUBJECT).data()) for r in range(proxy.rowCount())]


def test_an_account_saved_while_syncing_is_watched_at_once(
    qtbot: QtBot,
    home: Path,
    engine: EngineBackend,
    mailstack: MailStack,
    mail_account: Callable[[str], MailAccount],
    relay_server: RelayProcess,
    long_polls: threading.Event,
) -> None:
    account = mail_account("secretariaat")
    # Enrolled, but no mail account yet: the sync long-polls the relay, and has no IDLE.
    out = relay_server.admin("add-user", account.email, "--name", "Secretariaat", "--json")
    Desk(home).run("enroll", "--relay", relay_server.url, "--code", json.loads(out.stdout)["code"])
    window = shown_window(qtbot, engine)
    try:
        window.start_live_sync()
        assert long_polls.wait(30)

        dialog = window.show_setup()
        qtbot.waitUntil(lambda: dialog.state is not None and not dialog.busy())
        QTest.keyClicks(dialog.email_edit, account.email)
        QTest.keyClicks(dialog.username_edit, account.username)
        QTest.keyClicks(dialog.imap_host_edit, account.imap_host)
        dialog.imap_port.setValue(account.imaps_port)
        QTest.keyClicks(dialog.smtp_host_edit, account.smtp_host)
        dialog.smtp_port.setValue(account.smtp_port)
        dialog.ca_file_edit.setText(str(account.ca_file))
        QTest.keyClicks(dialog.password_edit, account.password)
        long_polls.clear()
        dialog.save_button.click()
        qtbot.waitUntil(
            lambda: not dialog.busy() and dialog.account_done.isVisible(), timeout=SERVER_WAIT_MS
        )
        dialog.close()
        _show_inbox(window)
        # The sync has been through a pass since the account was saved and long-polls again.
        assert long_polls.wait(30)

        client = imap(account)
        try:
            client.append("INBOX", raw_message(1, to=account.email))
        finally:
            client.logout()
        qtbot.waitUntil(lambda: "bericht 1" in _subjects(window), timeout=IDLE_WAIT_MS)
    finally:
        assert window.live_sync.stop(timeout=5)
