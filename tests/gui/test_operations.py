"""Background calls of the GUI: answers, failures and progress arrive on the GUI thread, in
order, and an answer for a window that was closed meanwhile is dropped."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
import shiboken6
from PySide6.QtCore import QObject, QThreadPool
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from zivverdesk.gui.operations import Operation

pytestmark = pytest.mark.gui


def _on_gui_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def test_the_answer_arrives_on_the_gui_thread_before_finished(qtbot: QtBot) -> None:
    owner = QObject()
    seen: list[tuple[str, object, bool]] = []
    op = Operation(owner, lambda: ("antwoord", _on_gui_thread()))
    op.on_success(lambda result: seen.append(("success", result, _on_gui_thread())))
    op.finished.connect(lambda: seen.append(("finished", None, _on_gui_thread())))
    with qtbot.waitSignal(op.finished):
        op.run()
    # The call ran on a worker, the callback and `finished` on the GUI thread, in that order.
    assert seen == [("success", ("antwoord", False), True), ("finished", None, True)]


def test_a_failure_reaches_the_failure_callbacks_only(qtbot: QtBot) -> None:
    def broken() -> None:
        raise OSError("disk gone")

    owner = QObject()
    failures: list[BaseException] = []
    successes: list[object] = []
    op = Operation(owner, broken).on_success(successes.append).on_failure(failures.append)
    with qtbot.waitSignal(op.finished):
        op.run()
    assert [str(e) for e in failures] == ["disk gone"]
    assert successes == []


def test_progress_and_cancel_reach_the_call(qtbot: QtBot) -> None:
    owner = QObject()
    steps: list[tuple[int, int]] = []

    def work(progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> bool:
        for done in range(1, 4):
            progress(done, 3)
        return cancelled()

    results: list[object] = []
    op = Operation(owner, work).on_progress(lambda d, t: steps.append((d, t)))
    op.on_success(results.append)
    op.cancel()
    with qtbot.waitSignal(op.finished):
        op.run()
    assert steps == [(1, 3), (2, 3), (3, 3)]
    assert results == [True]


def test_finished_follows_a_callback_that_raised(qtbot: QtBot) -> None:
    owner = QObject()

    def careless(_result: object) -> None:
        raise ValueError("a bug in a callback")

    op = Operation(owner, lambda: 1).on_success(careless)
    with qtbot.captureExceptions() as raised, qtbot.waitSignal(op.finished):
        op.run()
    # The bug is reported, and the window still learns that the call is over.
    assert [type(e[1]) for e in raised] == [ValueError]


def test_an_answer_for_a_closed_window_is_dropped(qtbot: QtBot) -> None:
    """The user closes a window while its call still runs: the answer must not reach the
    window's callbacks, whose widgets are gone (before, it ran them and raised)."""
    window = QWidget()
    label = QWidget(window)
    started, gate = threading.Event(), threading.Event()

    def slow() -> str:
        started.set()
        gate.wait(10)
        return "te laat"

    delivered: list[object] = []
    op = Operation(window, slow)
    op.on_success(lambda result: delivered.append((result, label.isVisible())))
    op.on_failure(delivered.append)
    op.finished.connect(lambda: delivered.append("finished"))
    op.run()
    assert started.wait(10)
    shiboken6.delete(window)  # what closing a window with WA_DeleteOnClose comes to
    assert not shiboken6.isValid(op)
    gate.set()
    assert QThreadPool.globalInstance().waitForDone(10_000)
    qtbot.wait(50)  # deliver whatever was queued; pytest-qt fails the test on any exception
    assert delivered == []
