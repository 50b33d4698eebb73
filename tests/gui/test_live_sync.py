"""The window's background sync: a pass that brought something reloads the list (an
envelope opens by itself, the conversation being read stays selected), a pass with nothing
new reads nothing, an outage is shown until a pass gets through, an unexpected end is shown,
stopping ends the thread, and a pass that arrives after the window is gone is dropped."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QPoint
from PySide6.QtWidgets import QAbstractItemView, QApplication
from pytestqt.qtbot import QtBot

from tests.gui.fake_backend import FakeBackend
from tests.gui.windows import shown_window
from zivverdesk.core.model import EnvelopeState
from zivverdesk.gui.backend import SyncPass
from zivverdesk.gui.conversation_model import (
    PAGE_SIZE,
    ROLE_CONVERSATION_ID,
    ROLE_ENVELOPE,
    Column,
)
from zivverdesk.gui.i18n import install_translator
from zivverdesk.gui.live_sync import LiveSync
from zivverdesk.gui.main_window import MainWindow

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot: QtBot, backend: FakeBackend) -> Iterator[MainWindow]:
    window = shown_window(qtbot, backend)
    window.start_live_sync()
    assert backend.watching.wait(10)
    yield window
    assert window.live_sync.stop(timeout=10)


def _envelope(window: MainWindow, subject: str) -> str:
    for row in range(window.proxy.rowCount()):
        if window.proxy.index(row, Column.SUBJECT).data() == subject:
            return str(window.proxy.index(row, Column.ENVELOPE).data(ROLE_ENVELOPE))
    raise AssertionError(f"{subject!r} is not listed")


def test_an_envelope_opens_by_itself(
    window: MainWindow, backend: FakeBackend, qtbot: QtBot
) -> None:
    assert _envelope(window, "Medisch advies") == "closed"
    window.table.selectRow(0)
    reading = window.current_conversation()
    assert reading is not None
    qtbot.waitUntil(lambda: "Zie bijlage." in window.reader.toPlainText())
    # The recipient opened the message; the engine's sync stored that and reports a change.
    backend.rows[1] = replace(backend.rows[1], envelope=EnvelopeState.OPEN)
    backend.passes.put(SyncPass(changed=True))
    qtbot.waitUntil(lambda: _envelope(window, "Medisch advies") == "open")
    assert window.current_conversation() == reading  # the user goes on reading


def test_a_pass_without_news_reads_nothing(
    window: MainWindow, backend: FakeBackend, qtbot: QtBot
) -> None:
    listed = backend.listed
    delivered = threading.Event()
    window.live_sync.passed.connect(lambda _p: delivered.set())
    backend.passes.put(SyncPass(changed=False))
    qtbot.waitUntil(delivered.is_set)
    assert backend.listed == listed


def test_an_outage_is_shown_until_a_pass_gets_through(
    window: MainWindow, backend: FakeBackend, qtbot: QtBot
) -> None:
    backend.passes.put(SyncPass(changed=False, problems=("relay: not reachable",)))
    qtbot.waitUntil(lambda: window.status_label.text() == "Not up to date: relay: not reachable")
    listed = backend.listed
    backend.passes.put(SyncPass(changed=False))
    # Through again: the list is read once more (it may have missed a change) and counted.
    qtbot.waitUntil(lambda: window.status_label.text() == "2 conversation(s)")
    assert backend.listed == listed + 1


def test_what_got_through_during_an_outage_is_shown(
    window: MainWindow, backend: FakeBackend, qtbot: QtBot
) -> None:
    backend.rows[1] = replace(backend.rows[1], envelope=EnvelopeState.OPEN)
    backend.passes.put(SyncPass(changed=True, problems=("mail: not reachable",)))
    qtbot.waitUntil(lambda: _envelope(window, "Medisch advies") == "open")
    assert window.status_label.text() == "Not up to date: mail: not reachable"


def test_an_unexpected_end_is_shown(window: MainWindow, backend: FakeBackend, qtbot: QtBot) -> None:
    backend.passes.put(RuntimeError("a bug"))
    qtbot.waitUntil(lambda: "log file" in window.status_label.text())
    assert window.live_sync.worker is not None
    window.live_sync.worker.join(10)
    assert not window.live_sync.worker.is_alive()


def test_a_pass_after_the_window_is_gone_is_dropped(qtbot: QtBot, backend: FakeBackend) -> None:
    owner = QObject()
    live = LiveSync(backend, owner)
    heard: list[object] = []
    live.passed.connect(heard.append)
    live.start()
    assert backend.watching.wait(10)
    worker = live.worker
    assert worker is not None
    shiboken6.delete(owner)  # the window closed; the sync thread runs on meanwhile
    backend.passes.put(SyncPass(changed=True))
    qtbot.waitUntil(backend.passes.empty)
    qtbot.wait(100)  # deliver whatever was queued; pytest-qt fails the test on any exception
    assert heard == []
    # Stopping it needs nothing of what was deleted.
    assert live.stop(timeout=10)
    assert not worker.is_alive()


def test_stop_ends_the_thread_and_start_runs_it_again(qtbot: QtBot, backend: FakeBackend) -> None:
    live = LiveSync(backend)
    live.start()
    assert backend.watching.wait(10)
    assert live.stop(timeout=10)
    assert live.worker is None
    backend.watching.clear()
    live.start()
    assert backend.watching.wait(10)
    heard: list[object] = []
    live.passed.connect(heard.append)
    backend.passes.put(SyncPass(changed=False))
    qtbot.waitUntil(lambda: heard == [SyncPass(changed=False)])
    assert live.stop(timeout=10)


def test_the_outage_speaks_dutch(qapp: QApplication) -> None:
    translator = install_translator(qapp, "nl")
    try:
        text = QCoreApplication.translate("MainWindow", "Not up to date: %1")
        assert text == "Niet bijgewerkt: %1"
    finally:
        qapp.removeTranslator(translator)


def test_a_restart_watches_anew_once_the_old_watch_has_ended(
    window: MainWindow, backend: FakeBackend, qtbot: QtBot
) -> None:
    """What the set-up dialog does after saving an account: the sync reads it anew."""
    old = window.live_sync.worker
    assert old is not None
    backend.watching.clear()
    window.live_sync.restart()
    assert backend.watching.wait(10)
    assert not old.is_alive()  # never two watches at once
    listed = backend.listed
    backend.passes.put(SyncPass(changed=True))  # the new watch's passes are shown
    qtbot.waitUntil(lambda: backend.listed > listed)


def test_saving_in_the_set_up_restarts_the_sync(
    window: MainWindow, backend: FakeBackend, qtbot: QtBot
) -> None:
    old = window.live_sync.worker
    backend.watching.clear()
    window.show_setup().setup_changed.emit()
    assert backend.watching.wait(10)
    assert window.live_sync.worker is not old


def _top_conversation(window: MainWindow) -> str | None:
    top = window.table.indexAt(QPoint(0, 0))
    return top.data(ROLE_CONVERSATION_ID) if top.isValid() else None


def test_a_live_reload_keeps_the_scroll_position_and_the_selection(
    window: MainWindow, backend: FakeBackend, qtbot: QtBot
) -> None:
    """A user far down a long list (past its first page) stays there when a pass brings
    news, also when that news is a new conversation at the top of the list."""
    newest = backend.rows[0].updated
    backend.rows = [
        replace(backend.rows[0], conversation_id=f"{n:032x}", updated=newest - timedelta(hours=n))
        for n in range(1, 451)
    ]
    window.refresh()
    window.table.scrollToBottom()  # the second page loads as the list scrolls
    qtbot.waitUntil(lambda: window.model.rowCount() == 2 * PAGE_SIZE)
    window.table.scrollTo(window.proxy.index(300, 0), QAbstractItemView.ScrollHint.PositionAtTop)
    window.table.selectRow(305)
    top, reading = _top_conversation(window), window.current_conversation()
    scroll = window.table.verticalScrollBar().value()
    assert top == f"{301:032x}" and reading == f"{306:032x}" and scroll > 0

    backend.rows.insert(0, replace(backend.rows[0], conversation_id="f" * 32, updated=newest))
    listed = backend.listed
    backend.passes.put(SyncPass(changed=True))
    qtbot.waitUntil(lambda: backend.listed > listed)

    assert window.model.rowCount() >= 2 * PAGE_SIZE  # not back to the first page
    assert _top_conversation(window) == top  # the same rows in view
    assert window.current_conversation() == reading
    assert window.table.selectionModel().isRowSelected(
        window.table.currentIndex().row(), window.table.currentIndex().parent()
    )


def test_a_live_reload_at_the_top_shows_new_conversations(
    window: MainWindow, backend: FakeBackend, qtbot: QtBot
) -> None:
    assert window.table.verticalScrollBar().value() == 0
    backend.rows.insert(0, replace(backend.rows[0], conversation_id="f" * 32))
    backend.passes.put(SyncPass(changed=True))
    qtbot.waitUntil(lambda: _top_conversation(window) == "f" * 32)
