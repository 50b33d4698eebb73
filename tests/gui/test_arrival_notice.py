"""Messages that arrive while the window is not in front are announced: a notification says how
many, never who or what about, and clicking it brings the window forward on the newest one.
Someone looking at the window is not interrupted."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QSystemTrayIcon
from pytestqt.qtbot import QtBot

from tests.gui.fake_backend import FakeBackend
from tests.gui.windows import shown_window
from zivverdesk.gui.backend import SyncPass
from zivverdesk.gui.main_window import MainWindow

pytestmark = pytest.mark.gui

Shown = list[tuple[str, str]]


@pytest.fixture
def notifications(monkeypatch: pytest.MonkeyPatch) -> Shown:
    """A desktop with a notification area, whose notifications the test reads."""
    shown: Shown = []
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: True))

    def show_message(
        _tray: QSystemTrayIcon, title: str, text: str, *_args: object, **_kwargs: object
    ) -> None:
        shown.append((title, text))

    monkeypatch.setattr(QSystemTrayIcon, "showMessage", show_message)
    return shown


@pytest.fixture
def window(qtbot: QtBot, backend: FakeBackend, notifications: Shown) -> Iterator[MainWindow]:
    window = shown_window(qtbot, backend)
    window.start_live_sync()
    assert backend.watching.wait(10)
    yield window
    assert window.live_sync.stop(timeout=10)


def _in_background(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(window, "isActiveWindow", lambda: False)


def test_arrivals_in_the_background_are_announced_without_content(
    window: MainWindow,
    backend: FakeBackend,
    qtbot: QtBot,
    notifications: Shown,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _in_background(window, monkeypatch)
    backend.passes.put(SyncPass(changed=True, arrived=["b" * 32, "a" * 32]))
    qtbot.waitUntil(lambda: bool(notifications))
    assert notifications == [("zivverdesk", "2 new secure message(s)")]
    # Nothing of the conversations themselves: no correspondent, no subject.
    text = " ".join(notifications[0])
    for row in backend.rows:
        assert row.correspondent not in text and row.subject not in text


def test_clicking_the_notice_shows_the_newest_arrival(
    window: MainWindow,
    backend: FakeBackend,
    qtbot: QtBot,
    notifications: Shown,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _in_background(window, monkeypatch)
    newest = backend.rows[1].conversation_id
    window.folder_list.setCurrentRow(1)  # the user was in another folder
    backend.passes.put(SyncPass(changed=True, arrived=[newest]))
    qtbot.waitUntil(lambda: bool(notifications))
    tray = window.arrival_notice.tray
    assert tray is not None
    tray.messageClicked.emit()
    assert window.current_folder() == "secure"
    qtbot.waitUntil(lambda: window.current_conversation() == newest)


def test_no_notice_while_the_user_looks_at_the_window_or_nothing_arrived(
    window: MainWindow,
    backend: FakeBackend,
    qtbot: QtBot,
    notifications: Shown,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(window, "isActiveWindow", lambda: True)
    backend.passes.put(SyncPass(changed=True, arrived=["a" * 32]))
    qtbot.waitUntil(lambda: window._arrived == ["a" * 32])  # handled while in front
    _in_background(window, monkeypatch)
    backend.passes.put(SyncPass(changed=True))
    backend.passes.put(SyncPass(changed=False, arrived=[]))
    qtbot.waitUntil(lambda: backend.passes.empty())
    qtbot.wait(200)
    assert notifications == []
