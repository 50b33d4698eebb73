"""Resending from the message details (S5–S7): a fresh notification to the same or another
address; for a recipient verified with an access code, the one-off code typed at sending
is asked for again (it was not kept), and cancelling sends nothing."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from tests.gui.fake_backend import FakeBackend
from tests.gui.windows import shown_window
from zivverdesk.gui.details_dialog import DetailsDialog
from zivverdesk.gui.main_window import MainWindow

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot: QtBot, backend: FakeBackend) -> MainWindow:
    window = shown_window(qtbot, backend)
    window.table.selectRow(0)
    qtbot.waitUntil(lambda: "Zie bijlage." in window.reader.toPlainText())
    return window


def _details(window: MainWindow) -> DetailsDialog:
    dialog = window.show_details()
    assert dialog is not None
    return dialog


class Answers:
    """What QInputDialog.getText answers, in turn, and what it was asked."""

    def __init__(self, *answers: tuple[str, bool]) -> None:
        self.answers = list(answers)
        self.asked: list[tuple[str, QLineEdit.EchoMode]] = []

    def __call__(
        self,
        _parent: QWidget,
        _title: str,
        label: str,
        echo: QLineEdit.EchoMode = QLineEdit.EchoMode.Normal,
        *_rest: object,
    ) -> tuple[str, bool]:
        self.asked.append((label, echo))
        return self.answers.pop(0)


def test_resending_asks_for_the_one_off_access_code_again(
    window: MainWindow, backend: FakeBackend, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = Answers(("ZW-42-kl", True))
    monkeypatch.setattr(QInputDialog, "getText", answers)
    cid = window.current_conversation()
    QTest.mouseClick(_details(window).resend_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(backend.resent))
    assert backend.resent == [(cid, "jan@example.test", None, "ZW-42-kl")]
    ((label, echo),) = answers.asked
    assert "jan@example.test" in label and echo == QLineEdit.EchoMode.Password
    qtbot.waitUntil(
        lambda: window.status_label.text() == "Notification sent again to jan@example.test"
    )


def test_another_address_asks_for_it_and_then_the_code(
    window: MainWindow, backend: FakeBackend, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        QInputDialog, "getText", Answers(("jan.prive@example.test", True), ("", True))
    )
    cid = window.current_conversation()
    QTest.mouseClick(_details(window).other_address_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(backend.resent))
    # An empty code: the engine takes the organisation's.
    assert backend.resent == [(cid, "jan@example.test", "jan.prive@example.test", "")]


def test_cancelling_the_code_sends_nothing(
    window: MainWindow, backend: FakeBackend, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QInputDialog, "getText", Answers(("", False)))
    QTest.mouseClick(_details(window).resend_button, Qt.MouseButton.LeftButton)
    qtbot.wait(100)
    assert backend.resent == []
