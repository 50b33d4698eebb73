"""The advisers' workflow from the window over the real engine: the secretary assigns a
conversation to an adviser of the same office, chosen from the colleagues the relay knows;
the adviser's desk sees the assignment, and the secretary's reader names the adviser.
Real relay, Postfix and Dovecot."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QInputDialog, QWidget
from pytestqt.qtbot import QtBot

from tests.e2e.harness import FAST_KDF, setup_desk
from tests.gui.windows import shown_window
from tests.plugins.mailstack import MailAccount, MailStack
from tests.plugins.relay import RelayProcess
from zivverdesk.crypto.keyring_backend import INSECURE_ENV
from zivverdesk.gui.engine_backend import EngineBackend

pytestmark = [pytest.mark.gui, pytest.mark.integration]


def test_the_secretary_assigns_a_conversation_to_an_adviser(
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    mailstack: MailStack,
    mail_account: Callable[[str], MailAccount],
    relay_server: RelayProcess,
) -> None:
    monkeypatch.setenv(INSECURE_ENV, "1")
    secretary, adviser, patient = (
        mail_account("secretariaat"),
        mail_account("adviseur"),
        mail_account("patient"),
    )
    desk = setup_desk(tmp_path / "sec", mailstack, secretary, relay_server, name="Secretariaat")
    advice = setup_desk(tmp_path / "adv", mailstack, adviser, relay_server, name="Dr. Adviseur")
    desk.run(
        "send", "--to", patient.email, "--access-code", "ZW-42-kl", "--subject", "Vragenlijst",
        "--body", "Graag invullen.", "--kdf-iterations", FAST_KDF,
    )  # fmt: skip
    desk.run("sync")  # the office's users, as the relay knows them
    offered: list[list[str]] = []

    def choose(
        _parent: QWidget, _title: str, _label: str, items: list[str], *_a: object
    ) -> tuple[str, bool]:
        offered.append(items)
        return next(i for i in items if adviser.email in i), True

    monkeypatch.setattr(QInputDialog, "getItem", choose)
    backend = EngineBackend(tmp_path / "sec")
    window = shown_window(qtbot, backend)
    try:
        window.table.selectRow(0)
        qtbot.waitUntil(lambda: "Graag invullen." in window.reader.toPlainText(), timeout=10_000)
        conversation_id = window.current_conversation()
        assert conversation_id is not None
        window.assign_action.trigger()
        qtbot.waitUntil(
            lambda: f"Assigned to: Dr. Adviseur <{adviser.email}>" in window.reader.toPlainText(),
            timeout=20_000,
        )
        assert f"Dr. Adviseur <{adviser.email}>" in offered[0]
        assert f"Secretariaat <{secretary.email}>" in offered[0]
    finally:
        qtbot.waitUntil(lambda: not window._operations, timeout=20_000)
        backend.close()
    advice.run("sync")
    assert advice.json("show", conversation_id)["assigned_to"] == adviser.email
