"""The search field over the real desktop engine: in an Inbox longer than a page, a search
finds a mail far below the first page, another folder is searched for the same words, a
search with more matches than a page loads the next page of matches as the list scrolls,
and the Outbox is searched by what its rows show."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from tests.store.mail_data import offline_account
from zivverdesk.crypto.keyring_backend import INSECURE_ENV
from zivverdesk.gui.backend import FOLDER_SECURE
from zivverdesk.gui.conversation_model import PAGE_SIZE, Column
from zivverdesk.gui.engine_backend import FOLDER_ALL, FOLDER_OUTBOX, EngineBackend
from zivverdesk.gui.main_window import MainWindow
from zivverdesk.services.profile import Profile
from zivverdesk.store.folders import SyncedHeader

pytestmark = pytest.mark.gui

INBOX_SIZE = 450
OLD_LETTER = "Brief aan patiënt Jansen"
START = datetime(2025, 1, 1, tzinfo=UTC)


def _fill(home: Path) -> None:
    """An Inbox of `INBOX_SIZE` synced mails over a year, the oldest the letter to find; and
    two jobs waiting in the outbox."""
    with Profile.open(home) as profile:
        store = profile.store
        account = offline_account(store).id
        inbox = store.folders.folder(account, "INBOX")
        headers = [
            SyncedHeader(
                uid=uid,
                header_message_id=f"<{uid}@example.test>",
                in_reply_to="",
                sender=f"huisarts{uid % 7}@example.test",
                recipients="secretariaat@office.test",
                subject=OLD_LETTER if uid == 1 else f"Overig bericht {uid}",
                # Every 19 hours, over the year 2025: uid 1 is the oldest.
                date=f"{START + timedelta(hours=19 * uid):%Y-%m-%dT%H:%M:%SZ}",
                flags="\\Seen",
                size=100,
                has_attachments=False,
            )
            for uid in range(1, INBOX_SIZE + 1)
        ]
        store.folders.upsert_synced(account_id=account, folder_id=inbox.id, records=headers)
        store.outbox.enqueue(kind="plain", message_id=None, payload={})
        waiting = store.outbox.enqueue(kind="secure", message_id=None, payload={})
        store.outbox.mark_waiting(waiting, "Mailserver niet bereikbaar", retry_in=timedelta(1))


def _subjects(window: MainWindow) -> list[str]:
    return [
        window.proxy.index(row, Column.SUBJECT).data() for row in range(window.proxy.rowCount())
    ]


def _open(window: MainWindow, folder: str) -> None:
    keys = [
        window.folder_list.item(n).data(Qt.ItemDataRole.UserRole)
        for n in range(window.folder_list.count())
    ]
    window.folder_list.setCurrentRow(keys.index(folder))
    assert window.current_folder() == folder


def _search(window: MainWindow, qtbot: QtBot, text: str) -> None:
    window.search_edit.clear()
    QTest.keyClicks(window.search_edit, text)
    # Applied once the typing paused, answered once no search (or page) is being read and
    # its answer is shown.
    qtbot.waitUntil(
        lambda: (
            window.search_query() == text
            and not window._operations
            and window.status_label.text() != "Searching…"
        )
    )


def test_a_search_finds_an_old_mail_below_the_first_page(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(INSECURE_ENV, "1")
    home = tmp_path / "desk"
    _fill(home)
    backend = EngineBackend(home)
    window = MainWindow(backend)
    qtbot.addWidget(window)
    try:
        window.show()
        _open(window, "inbox")
        assert window.proxy.rowCount() == PAGE_SIZE  # one page of the newest mail
        assert OLD_LETTER not in _subjects(window)

        # Typed as people type: lower case, without the accent, part of a word.
        QTest.keyClicks(window.search_edit, "patient jans")
        qtbot.waitUntil(lambda: _subjects(window) == [OLD_LETTER], timeout=10_000)
        assert window.status_label.text() == "1 conversation(s) found"

        # The same words in another folder: All mail holds it too, Secure does not.
        _open(window, FOLDER_ALL)
        qtbot.waitUntil(lambda: _subjects(window) == [OLD_LETTER], timeout=10_000)
        _open(window, FOLDER_SECURE)
        qtbot.waitUntil(lambda: window.status_label.text() == "Nothing found", timeout=10_000)
        assert window.proxy.rowCount() == 0

        # A search matching more than a page pages on with the query as the list scrolls.
        _open(window, "inbox")
        _search(window, qtbot, "overig")
        assert window.proxy.rowCount() == PAGE_SIZE
        assert window.status_label.text() == f"More than {PAGE_SIZE} conversations found"
        while window.model.canFetchMore():
            window.model.fetchMore()  # a page is read on a worker, as the list scrolls
            qtbot.waitUntil(lambda: not window.model.loading(), timeout=10_000)
        found = _subjects(window)
        assert len(found) == INBOX_SIZE - 1 == len(set(found))
        assert all(subject.startswith("Overig") for subject in found)

        window.search_edit.clear()
        assert window.proxy.rowCount() == PAGE_SIZE
        assert window.status_label.text() == f"{PAGE_SIZE} conversation(s)"

        # The Outbox is searched by what its rows show.
        _open(window, FOLDER_OUTBOX)
        assert sorted(_subjects(window)) == ["plain", "secure"]
        _search(window, qtbot, "mailserver")
        assert _subjects(window) == ["secure"]
        _search(window, qtbot, "plain")
        assert _subjects(window) == ["plain"]
    finally:
        qtbot.waitUntil(lambda: not window._operations)
        backend.close()
