"""The medical advisers' workflow in the main window: a conversation is assigned to a
colleague known from the relay, the reader says who reviews it and who did, and without a
known colleague the window says what to do."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QInputDialog, QWidget
from pytestqt.qtbot import QtBot

from tests.gui.fake_backend import FakeBackend
from tests.gui.windows import shown_window
from zivverdesk.gui.backend import Colleague, ConversationDetails
from zivverdesk.gui.i18n import install_translator
from zivverdesk.gui.main_window import MainWindow

pytestmark = pytest.mark.gui


@pytest.fixture
def backend() -> FakeBackend:
    backend = FakeBackend()
    backend.team = [
        Colleague(email="secretariaat@kantoor.test", name="Secretariaat"),
        Colleague(email="jansen@kantoor.test", name="Dr. Jansen"),
    ]
    return backend


@pytest.fixture
def window(qtbot: QtBot, backend: FakeBackend) -> MainWindow:
    window = shown_window(qtbot, backend)
    window.table.selectRow(0)
    qtbot.waitUntil(lambda: "Zie bijlage." in window.reader.toPlainText())
    return window


def test_a_conversation_is_assigned_to_the_chosen_colleague(
    window: MainWindow, backend: FakeBackend, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    offered: list[list[str]] = []

    def choose(
        _parent: QWidget, _title: str, _label: str, items: list[str], *_a: object
    ) -> tuple[str, bool]:
        offered.append(items)
        return items[1], True

    monkeypatch.setattr(QInputDialog, "getItem", choose)
    cid = window.current_conversation()
    assert cid is not None
    listed = backend.listed
    window.assign_action.trigger()
    qtbot.waitUntil(lambda: bool(backend.assigned))
    assert offered == [
        ["Secretariaat <secretariaat@kantoor.test>", "Dr. Jansen <jansen@kantoor.test>"]
    ]
    assert backend.assigned == [(cid, "jansen@kantoor.test")]
    qtbot.waitUntil(lambda: backend.listed > listed)  # the list shows the new state


def test_cancelling_assigns_nothing(
    window: MainWindow, backend: FakeBackend, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[bool] = []

    def cancel(*_a: object) -> tuple[str, bool]:
        asked.append(True)
        return "", False

    monkeypatch.setattr(QInputDialog, "getItem", cancel)
    window.assign_action.trigger()
    qtbot.waitUntil(lambda: bool(asked))
    qtbot.wait(50)
    assert backend.assigned == []


def test_without_known_colleagues_the_window_says_to_synchronise(
    window: MainWindow, backend: FakeBackend, qtbot: QtBot
) -> None:
    backend.team = []
    window.assign_action.trigger()
    qtbot.waitUntil(
        lambda: window.status_label.text() == "No colleagues known yet: synchronise first."
    )
    assert backend.assigned == []


def test_the_reader_says_who_reviews_and_who_did(
    qtbot: QtBot, backend: FakeBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain_details = backend.details

    def reviewed(conversation_id: str) -> ConversationDetails:
        return replace(
            plain_details(conversation_id), assigned_to="Dr. Jansen", reviewed_by="Dr. Jansen"
        )

    monkeypatch.setattr(backend, "details", reviewed)
    window = shown_window(qtbot, backend)
    window.table.selectRow(0)
    qtbot.waitUntil(lambda: "Zie bijlage." in window.reader.toPlainText())
    assert window.reader.toPlainText().startswith(
        "Assigned to: Dr. Jansen\nReviewed by: Dr. Jansen\n"
    )


def test_the_workflow_speaks_dutch(qapp: QApplication) -> None:
    translator = install_translator(qapp, "nl")
    try:

        def tr(text: str) -> str:
            return QCoreApplication.translate("MainWindow", text)

        assert tr("Assign to…") == "Toewijzen aan…"
        assert tr("Assigned to: %1") == "Toegewezen aan: %1"
        assert tr("Reviewed by: %1") == "Beoordeeld door: %1"
    finally:
        qapp.removeTranslator(translator)
