"""Starting the desktop application."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from zivverdesk import config

if TYPE_CHECKING:
    from zivverdesk.gui.engine_backend import EngineBackend
    from zivverdesk.gui.main_window import MainWindow

log = logging.getLogger(__name__)

# Seconds closing waits for the background sync at most; it normally ends well within one.
# A sync still running after that (a mail server that stopped answering) is left to the end
# of the process, with the store open under it.
STOP_WAIT = 3.0


def run(profile: Path | None = None, *, language: str | None = None) -> int:
    """Open the main window on `profile` (or `$ZIVVERDESK_HOME`, else the user's profile).

    If the app is already open on that profile, its window is asked to come to the front
    and this start ends with 0 (see `single_instance`)."""
    from PySide6.QtWidgets import QApplication

    from zivverdesk.gui.engine_backend import EngineBackend
    from zivverdesk.gui.i18n import install_translator
    from zivverdesk.gui.main_window import MainWindow
    from zivverdesk.gui.resources import icon
    from zivverdesk.gui.single_instance import FirstStartNotResponding, SingleInstance

    paths = config.profile_paths(profile).ensure()
    config.setup_logging(paths)
    settings = config.Settings(paths)
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv)
    app.setApplicationName("zivverdesk")
    app.setOrganizationName("zivverdesk")
    app.setWindowIcon(icon("app"))
    install_translator(app, language or settings.get("language"))
    instance = SingleInstance(paths)
    try:
        if not instance.start():
            return 0
    except FirstStartNotResponding as exc:
        log.warning("not started: %s", exc)
        instance.show_not_responding(exc)
        return 1
    try:
        backend = EngineBackend(profile)
        window = MainWindow(backend)
        instance.come_forward_requested.connect(window.come_forward)
        window.show()
        window.start_after_setup()  # offers the set-up first on a fresh profile
        log.info("desktop started")
        try:
            return app.exec()
        finally:
            # From here on a later start waits for the lock instead of asking this closing
            # app to come forward (and then seeing no window).
            instance.stop_listening()
            shut_down(window, backend)
    finally:
        instance.release()


def shut_down(window: MainWindow, backend: EngineBackend) -> None:
    """End the window's background sync, then close the store (never under a running sync).
    The sync interrupts its long-poll of the relay and leaves IDLE: this takes about a
    second, not the long-poll's wait."""
    if window.live_sync.stop(timeout=STOP_WAIT):
        backend.close()
    else:  # never close the store under a running sync; the process ends anyway
        log.warning("closing with the background sync still running")
