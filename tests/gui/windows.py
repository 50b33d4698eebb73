"""Opening a main window for a test, and closing it only once its background calls have
answered."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from zivverdesk.gui.backend import Backend
from zivverdesk.gui.main_window import MainWindow


def shown_window(qtbot: QtBot, backend: Backend) -> MainWindow:
    """A shown `MainWindow` that pytest-qt closes after the test. It is closed only when no
    call it started is still running: pytest-qt closes and deletes the test's widgets before
    any fixture's teardown runs, so waiting in a fixture would wait for answers that the
    deleted window no longer receives."""
    window = MainWindow(backend)

    def answered(_closing: QWidget) -> None:
        qtbot.waitUntil(lambda: not window._operations)

    qtbot.addWidget(window, before_close_func=answered)
    window.show()
    return window
