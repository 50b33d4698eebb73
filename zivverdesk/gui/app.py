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
    """Open the main window on `profile` (or `$ZIVVERDESK_HOME`, else the user's profile)."""
    from PySide6.QtWidgets import QApplication

    from zivverdesk.gui.engine_backend import EngineBackend
    from zivverdesk.gui.i18n import install_translator
    from zivverdesk.gui.main_window import MainWindow
    from zivverdesk.gui.resources import icon

    paths = config.profile_paths(profile).ensure()
    config.setup_logging(paths)
    settings = config.Settings(paths)
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv)
    app.setApplicationName("zivverdesk")
    app.setOrganizationName("zivverdesk")
    app.setWindowIcon(icon("app"))
    install_translator(app, language or settings.get("language"))
    backend = EngineBackend(profile)
    window = MainWindow(backend)
    window.show()
    window.start_after_setup()  # offers the set-up first on a fresh profile
    log.info("desktop started")
    try:
        return app.exec()
    finally:
        shut_down(window, backend)


def shut_down(window: MainWindow, backend: EngineBackend) -> None:
    """End the window's background sync, then close the store (never under a running sync).
    The sync interrupts its long-poll of the relay and leaves IDLE: this takes about a
    second, not the long-poll's wait."""
    if window.live_sync.stop(timeout=STOP_WAIT):
        backend.close()
    else:  # never close the store under a running sync; the process ends anyway
        log.warning("closing with the background sync still running")
