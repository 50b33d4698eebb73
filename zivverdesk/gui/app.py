"""Starting the desktop application."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from zivverdesk import config

log = logging.getLogger(__name__)


def run(profile: Path | None = None, *, language: str | None = None) -> int:
    """Open the main window on `profile` (or `$ZIVVERDESK_HOME`, else the user's profile)."""
    from PySide6.QtWidgets import QApplication

    from zivverdesk.gui.engine_backend import WATCH_FEED_WAIT, EngineBackend
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
        # The window is gone by now; the sync may finish its long-poll of the relay first.
        if window.live_sync.stop(timeout=WATCH_FEED_WAIT + 5):
            backend.close()
        else:  # never close the store under a running sync; the process ends anyway
            log.warning("closing with the background sync still running")
