"""What the user reads when something fails in a window."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from zivverdesk.core.errors import ZivverdeskError


def error_text(error: BaseException) -> str:
    """What the user sees for a failure: our own errors speak for themselves."""
    if isinstance(error, ZivverdeskError):
        return str(error)
    return QCoreApplication.translate(
        "MainWindow", "Something went wrong. The details are in the log file."
    )
