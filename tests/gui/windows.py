"""Opening a main window or one of its dialogs for a test, and closing it only once its
background calls have answered; the office of the tests over the real engine."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from tests.e2e.harness import FAST_KDF, Desk
from tests.plugins.mailstack import MailAccount
from tests.plugins.relay import RelayProcess
from zivverdesk.gui.addressbook_dialog import AddressBookDialog
from zivverdesk.gui.backend import Backend
from zivverdesk.gui.composer import ComposerDialog
from zivverdesk.gui.engine_backend import EngineBackend
from zivverdesk.gui.main_window import MainWindow
from zivverdesk.gui.setup_dialog import SetupDialog


def shown_dialog[D: (AddressBookDialog, SetupDialog)](
    qtbot: QtBot,
    dialog: D,
    *,
    ready: Callable[[], bool] = lambda: True,
    timeout_ms: int = 5000,
) -> D:
    """`dialog` shown, once it is `ready` and its calls have answered; pytest-qt closes it
    after the test only when no call it started is still running (see `shown_window`)."""

    def answered(_closing: QWidget) -> None:
        qtbot.waitUntil(lambda: not dialog.busy(), timeout=timeout_ms)

    qtbot.addWidget(dialog, before_close_func=answered)
    dialog.show()
    qtbot.waitUntil(lambda: ready() and not dialog.busy())
    return dialog


def shown_window(qtbot: QtBot, backend: Backend) -> MainWindow:
    """A shown `MainWindow` that pytest-qt closes after the test. It is closed only when no
    call it started is still running: pytest-qt closes and deletes the test's widgets before
    any fixture's teardown runs, so waiting in a fixture would wait for answers that the
    deleted window no longer receives."""
    window = MainWindow(backend)

    def answered(_closing: QWidget) -> None:
        qtbot.waitUntil(lambda: not window._operations)
        # A composer the test left open would make closing the window ask the user.
        for dialog in window.findChildren(ComposerDialog):
            dialog.hide()

    qtbot.addWidget(window, before_close_func=answered)
    window.show()
    return window


@dataclass
class Office:
    """The secretary's desk (the command line on its profile), their mailbox, a patient's
    mailbox and the relay; `open_window` opens the desktop on the same profile."""

    desk: Desk
    sender: MailAccount
    patient: MailAccount
    relay: RelayProcess

    def send(self, subject: str, body: str, *, access_code: str = "ZW-42-kl") -> str:
        """A secure message from the secretary's desk to the patient, with a one-off access
        code (fast key derivation); returns its message id."""
        out = self.desk.run(
            "send", "--to", self.patient.email, "--access-code", access_code,
            "--subject", subject, "--body", body, "--kdf-iterations", FAST_KDF,
        ).out  # fmt: skip
        return out.strip().splitlines()[-1]

    def open_window(self, qtbot: QtBot) -> tuple[EngineBackend, MainWindow]:
        backend = EngineBackend(self.desk.home)
        return backend, shown_window(qtbot, backend)
