"""Telling the user that secure messages came in while the window was not in front: the taskbar
button flashes and, where the desktop has a notification area, a notification says how many.

A notification never says who wrote or what about. Windows keeps notifications in a database
of its own, outside the profile's sealed store, and shows them on the lock screen; a
patient's name or a subject there would be medical information outside the encryption.
Clicking the notification (or the icon) brings the window forward on the newest arrival.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QApplication, QSystemTrayIcon, QWidget

from zivverdesk.gui.resources import icon

# How long a notification stays up where the desktop lets the program choose.
SHOW_MS = 10_000


class ArrivalNotice(QObject):
    """`announce(n)` tells of n arrivals; `opened` fires when the user clicks the
    notification or the icon."""

    opened = Signal()

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(icon("app"), self)
            self.tray.setToolTip("zivverdesk")
            self.tray.messageClicked.connect(self.opened)
            self.tray.activated.connect(self._icon_activated)
            self.tray.show()

    def announce(self, count: int) -> str:
        """Flash the taskbar button and show "n new secure message(s)"; returns the text."""
        text = self.tr("%n new secure message(s)", "", count)
        QApplication.alert(self._window)
        if self.tray is not None:
            self.tray.showMessage(
                "zivverdesk", text, QSystemTrayIcon.MessageIcon.Information, SHOW_MS
            )
        return text

    @Slot(QSystemTrayIcon.ActivationReason)
    def _icon_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self.opened.emit()
