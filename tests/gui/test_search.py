"""The search field of the main window: typing filters the current folder's list once the
typing pauses, the query reaches the backend, clearing shows the whole folder again, another
folder is searched for the same words, Ctrl+F and Escape work, and an empty result says so."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.gui.fake_backend import FakeBackend
from zivverdesk.gui.conversation_model import Column, ConversationPage
from zivverdesk.gui.i18n import install_translator
from zivverdesk.gui.main_window import MainWindow

pytestmark = pytest.mark.gui


def _subjects(window: MainWindow) -> list[str]:
    return [
        window.proxy.index(row, Column.SUBJECT).data() for row in range(window.proxy.rowCount())
    ]


def _searches(backend: FakeBackend) -> list[tuple[str, str]]:
    return [(folder, query) for folder, query in backend.queries if query]


def test_typing_filters_the_list_once_the_typing_pauses(
    window: MainWindow, backend: FakeBackend, qtbot: QtBot
) -> None:
    assert _subjects(window) == ["Uw keuringsrapport", "Medisch advies"]
    QTest.keyClicks(window.search_edit, "Keuring")
    # Nothing asked yet: the search waits for the pause.
    assert _searches(backend) == []
    qtbot.waitUntil(lambda: _subjects(window) == ["Uw keuringsrapport"])
    # One search for the whole word, not one per keystroke.
    assert _searches(backend) == [("secure", "Keuring")]
    assert window.search_query() == "Keuring"
    assert window.status_label.text() == "1 conversation(s) found"


def test_every_word_must_match_and_spaces_do_not_search_again(
    window: MainWindow, backend: FakeBackend, qtbot: QtBot
) -> None:
    QTest.keyClicks(window.search_edit, "  medisch   ADVIES ")
    qtbot.waitUntil(lambda: _subjects(window) == ["Medisch advies"])
    assert _searches(backend) == [("secure", "medisch ADVIES")]
    QTest.keyClicks(window.search_edit, " ")
    qtbot.wait(400)  # longer than the pause: the same words are not searched again
    assert _searches(backend) == [("secure", "medisch ADVIES")]


def test_clearing_shows_the_whole_folder_again(
    window: MainWindow, backend: FakeBackend, qtbot: QtBot
) -> None:
    QTest.keyClicks(window.search_edit, "advies")
    qtbot.waitUntil(lambda: _subjects(window) == ["Medisch advies"])
    window.search_edit.clear()  # what the field's clear button does
    # At once, without waiting for a pause, and without a query.
    assert _subjects(window) == ["Uw keuringsrapport", "Medisch advies"]
    assert backend.queries[-1] == ("secure", "")
    assert window.search_query() == ""
    assert (
        window.status_label.text() == "2 conversation(s)"
    )  # no translator installed: the source text


def test_another_folder_is_searched_for_the_same_words(
    window: MainWindow, backend: FakeBackend, qtbot: QtBot
) -> None:
    QTest.keyClicks(window.search_edit, "apotheek")
    qtbot.waitUntil(lambda: window.status_label.text() == "Nothing found")
    assert window.proxy.rowCount() == 0
    window.folder_list.setCurrentRow(1)
    qtbot.waitUntil(lambda: _subjects(window) == ["Herhaalrecept"])
    assert _searches(backend) == [("secure", "apotheek"), ("inbox", "apotheek")]
    assert window.search_edit.text() == "apotheek"
    window.search_edit.clear()
    assert sorted(_subjects(window)) == ["Herhaalrecept", "Verwijzing"]


def test_nothing_found_empties_the_list_and_says_so(window: MainWindow, qtbot: QtBot) -> None:
    QTest.keyClicks(window.search_edit, "bloedonderzoek")
    qtbot.waitUntil(lambda: window.status_label.text() == "Nothing found")
    assert window.proxy.rowCount() == 0


def test_a_refresh_after_an_action_keeps_the_search(
    window: MainWindow, backend: FakeBackend, qtbot: QtBot
) -> None:
    QTest.keyClicks(window.search_edit, "keuring")
    qtbot.waitUntil(lambda: _subjects(window) == ["Uw keuringsrapport"])
    window.sync()
    qtbot.waitUntil(lambda: len(_searches(backend)) == 2)
    qtbot.waitUntil(lambda: window.status_label.text() == "1 conversation(s) found")
    assert _subjects(window) == ["Uw keuringsrapport"]


def test_an_answer_to_an_outdated_search_is_not_shown(
    window: MainWindow, backend: FakeBackend, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A slow search that answers after the user typed something else leaves the list of
    the newer search alone."""
    started, gate = threading.Event(), threading.Event()
    answer = backend.conversations

    def slow_for_verzekeraar(
        folder: str, after: object | None, limit: int, *, query: str = ""
    ) -> ConversationPage:
        if query == "verzekeraar":
            started.set()
            gate.wait(10)
        return answer(folder, after, limit, query=query)

    monkeypatch.setattr(backend, "conversations", slow_for_verzekeraar)
    try:
        QTest.keyClicks(window.search_edit, "verzekeraar")
        qtbot.waitUntil(started.is_set)
        assert window.status_label.text() == "Searching…"
        window.search_edit.clear()
        QTest.keyClicks(window.search_edit, "keuring")
        qtbot.waitUntil(lambda: _subjects(window) == ["Uw keuringsrapport"])
    finally:
        gate.set()
    qtbot.waitUntil(lambda: not window._operations)
    assert ("secure", "verzekeraar") in backend.queries  # it did answer, and was not shown
    assert _subjects(window) == ["Uw keuringsrapport"]
    assert window.status_label.text() == "1 conversation(s) found"


def test_a_failed_search_is_shown_as_a_sentence(
    window: MainWindow, backend: FakeBackend, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(folder: str, after: object | None, limit: int, *, query: str = "") -> None:
        raise OSError("disk gone")

    monkeypatch.setattr(backend, "conversations", broken)
    QTest.keyClicks(window.search_edit, "keuring")
    qtbot.waitUntil(lambda: "log file" in window.status_label.text())


def test_ctrl_f_focuses_the_field_and_escape_clears_it(
    window: MainWindow, backend: FakeBackend, qtbot: QtBot
) -> None:
    assert window.search_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Find)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.table.setFocus()
    qtbot.waitUntil(window.table.hasFocus)
    QTest.keyClick(window.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(window.search_edit.hasFocus)

    QTest.keyClicks(window.search_edit, "advies")
    qtbot.waitUntil(lambda: _subjects(window) == ["Medisch advies"])
    QTest.keyClick(window.search_edit, Qt.Key.Key_Escape)
    assert window.search_edit.text() == ""
    assert _subjects(window) == ["Uw keuringsrapport", "Medisch advies"]
    # A second Escape, in the empty field, goes back to the list.
    QTest.keyClick(window.search_edit, Qt.Key.Key_Escape)
    qtbot.waitUntil(window.table.hasFocus)


def test_the_field_speaks_dutch(qapp: QApplication, qtbot: QtBot) -> None:
    translator = install_translator(qapp, "nl")
    try:
        window = MainWindow(FakeBackend())
        qtbot.addWidget(window)
        assert window.search_edit.placeholderText() == "Zoeken"
        assert window.search_edit.isClearButtonEnabled()
        QTest.keyClicks(window.search_edit, "niets hiervan")
        qtbot.waitUntil(lambda: window.status_label.text() == "Niets gevonden")
        assert QCoreApplication.translate("MainWindow", "Searching…") == "Bezig met zoeken…"
        assert window.tr("%n conversation(s) found", "", 3) == "3 gesprekken gevonden"
    finally:
        qapp.removeTranslator(translator)
