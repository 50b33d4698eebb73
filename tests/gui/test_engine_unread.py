"""The main window over the real desktop engine and store (no servers needed): a secure
conversation with a reply not yet shown is bold in "Secure", "To review" and "All mail";
showing it marks it read in the store, so it is read after a restart too."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.store.mail_data import secure_sent
from zivverdesk.crypto.keyring_backend import INSECURE_ENV
from zivverdesk.gui.backend import FOLDER_SECURE
from zivverdesk.gui.conversation_model import Column
from zivverdesk.gui.engine_backend import FOLDER_ALL, FOLDER_TO_REVIEW, EngineBackend
from zivverdesk.gui.main_window import MainWindow
from zivverdesk.services.profile import Profile

pytestmark = pytest.mark.gui


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A profile with two conversations: one with a reply that came in, one without."""
    monkeypatch.setenv(INSECURE_ENV, "1")
    home = tmp_path / "desk"
    with Profile.open(home) as profile:
        store = profile.store
        cid, sent, _ = secure_sent(store, "Vragenlijst", "2026-03-01T10:00:00Z")
        secure_sent(store, "Rapport", "2026-03-01T11:00:00Z")
        store.mailbox.add_message(
            account_id=None,
            conversation_id=cid,
            kind="secure",
            direction="in",
            sender="p@example.test",
            recipients="kantoor@office.test",
            subject="Re: Vragenlijst",
            body="Ingevuld.",
            date="2026-03-02T10:00:00Z",
            in_reply_to=sent,
        )
        store.mailbox.touch_conversation(cid, needs_review=True)
    return home


@pytest.fixture
def open_window(qtbot: QtBot, home: Path) -> Iterator[Callable[[], MainWindow]]:
    """The window over a freshly opened engine (a new start of the application: the engine
    of the one before is closed first)."""
    backends: list[EngineBackend] = []

    def start() -> MainWindow:
        while backends:
            backends.pop().close()
        backend = EngineBackend(home)
        backends.append(backend)
        window = MainWindow(backend)
        qtbot.addWidget(window)
        window.show()
        return window

    yield start
    for backend in backends:
        backend.close()


def _bold_subjects(window: MainWindow) -> dict[str, bool]:
    shown = {}
    for row in range(window.proxy.rowCount()):
        index = window.proxy.index(row, Column.SUBJECT)
        font = index.data(Qt.ItemDataRole.FontRole)
        shown[index.data()] = font is not None and font.bold()
    return shown


def _folder(window: MainWindow, key: str) -> None:
    for row in range(window.folder_list.count()):
        item = window.folder_list.item(row)
        if item.data(Qt.ItemDataRole.UserRole) == key:
            window.folder_list.setCurrentRow(row)
            return
    raise AssertionError(key)


def test_a_reply_is_bold_until_shown_and_stays_read_after_a_restart(
    open_window: Callable[[], MainWindow], qtbot: QtBot
) -> None:
    window = open_window()
    assert window.current_folder() == FOLDER_SECURE
    assert _bold_subjects(window) == {"Vragenlijst": True, "Rapport": False}
    _folder(window, FOLDER_TO_REVIEW)
    assert _bold_subjects(window) == {"Vragenlijst": True}
    _folder(window, FOLDER_ALL)
    assert _bold_subjects(window) == {"Vragenlijst": True, "Rapport": False}

    row = next(
        r
        for r in range(window.proxy.rowCount())
        if window.proxy.index(r, Column.SUBJECT).data() == "Vragenlijst"
    )
    window.table.selectRow(row)
    qtbot.waitUntil(lambda: "Ingevuld." in window.reader.toPlainText())
    qtbot.waitUntil(lambda: not _bold_subjects(window)["Vragenlijst"])
    qtbot.waitUntil(lambda: not window._operations)

    again = open_window()
    assert _bold_subjects(again) == {"Vragenlijst": False, "Rapport": False}
    _folder(again, FOLDER_TO_REVIEW)
    assert _bold_subjects(again) == {"Vragenlijst": False}
