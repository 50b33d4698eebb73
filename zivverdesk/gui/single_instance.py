"""The desktop app runs once per profile: a second start brings the first one's window to the
front and ends, instead of opening a second window with a second background sync.

The first start of a profile holds a `QLockFile` in the profile's lock folder and listens on
a local socket (a named pipe on Windows) whose name comes from a hash of the profile's path.
A later start that finds the lock held connects there, asks the first to come forward, waits
for its answer and ends. The lock file records its holder's process id, and the holder
keeps it open (on Windows without leave to delete it, on Unix with a `flock`): a lock left by
a crashed start is recognised as stale and taken over, and a lock whose holder is alive is
never taken away from it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QMessageBox

from zivverdesk.config import ProfilePaths
from zivverdesk.core.errors import ZivverdeskError

log = logging.getLogger(__name__)

# What a later start sends, and what the first answers once it has taken the request.
COME_FORWARD = b"come-forward\n"
COMING = b"coming\n"
# How long one attempt to reach the first start may take.
HANDOVER_TIMEOUT_MS = 3000
# How long a later start keeps trying while the lock is held but nobody answers: the first
# start may be between taking the lock and listening, or closing (it stops listening when
# its window closes and lets go of the lock once its background sync has stopped, which
# may take a long-poll of the relay).
PATIENCE_SECONDS = 30.0
_RETRY_SECONDS = 0.2


class FirstStartNotResponding(ZivverdeskError):
    """The profile's lock is held by a running app that does not answer."""

    code = "already_running"


def server_name(data_dir: Path) -> str:
    """The local socket's name for a profile: the same for every start on that profile (one
    spelling of its path), different for another profile, and free of path characters."""
    key = os.path.normcase(str(data_dir.resolve()))
    return "zivverdesk-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


class SingleInstance(QObject):
    """The claim of a profile by the desktop app. `start()` answers whether this process is
    the profile's app; if so `come_forward_requested` fires at every later start."""

    come_forward_requested = Signal()

    def __init__(self, paths: ProfilePaths, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.lock_file = paths.lock_dir / "desktop.lock"
        self.name = server_name(paths.data_dir)
        self._lock = QLockFile(str(self.lock_file))
        # Staleness by the holder's process id only: the app holds the lock for days, and
        # no age makes the lock of a running app stale.
        self._lock.setStaleLockTime(0)
        self._server: QLocalServer | None = None

    def start(self, *, patience: float = PATIENCE_SECONDS) -> bool:
        """True: this process now holds the profile and listens for later starts. False:
        the running app was asked to come forward, and this process should end. Raises
        `FirstStartNotResponding` when the lock stays held and nobody answers."""
        self.lock_file.parent.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + patience
        while True:
            if self._lock.tryLock(0):  # also takes over a stale lock of a crashed start
                self._listen()
                return True
            if self._hand_over():
                log.info("the app is already open on this profile; asked it to come forward")
                return False
            if time.monotonic() >= deadline:
                raise FirstStartNotResponding(
                    self.tr(
                        "zivverdesk is already open for this profile but does not respond. "
                        "Close it (or end it in Task Manager) and start zivverdesk again."
                    )
                )
            time.sleep(_RETRY_SECONDS)

    def show_not_responding(self, error: FirstStartNotResponding) -> None:
        """Tell the person why no window opens (they started the app, and wait for one)."""
        QMessageBox.warning(None, self.tr("zivverdesk is already open"), str(error))

    def stop_listening(self) -> None:
        """The window has closed: later starts must wait for the lock from now on rather
        than ask a closing app to come forward."""
        if self._server is not None:
            self._server.close()
            self._server = None

    def release(self) -> None:
        self.stop_listening()
        self._lock.unlock()

    # --- the first start ----------------------------------------------------------------

    def _listen(self) -> None:
        server = QLocalServer(self)
        # Only this user may connect (on Unix the socket file's mode, on Windows the pipe's ACL).
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        # A socket file left by a crashed start would make listen() fail; this process holds
        # the lock, so no running app owns that name.
        QLocalServer.removeServer(self.name)
        if not server.listen(self.name):
            # Still the profile's one app; later starts will wait and then say it does not
            # respond, which is better than a second window.
            log.warning("cannot listen for later starts on %s: %s", self.name, server.errorString())
            return
        server.newConnection.connect(self._accept)
        self._server = server

    def _accept(self) -> None:
        server = self._server
        while server is not None and (socket := server.nextPendingConnection()) is not None:
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)
            self._read(socket)  # what arrived before the connection was taken

    def _read(self, socket: QLocalSocket) -> None:
        # Whole lines only; a part of one stays in the socket's buffer until the rest comes.
        while socket.canReadLine():
            if bytes(socket.readLine().data()) != COME_FORWARD:
                continue
            socket.write(COMING)
            socket.flush()
            log.info("a later start on this profile asked the window to come forward")
            self.come_forward_requested.emit()

    # --- a later start ------------------------------------------------------------------

    def _hand_over(self) -> bool:
        """Ask the running app to come forward; True once it has answered."""
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if not socket.waitForConnected(HANDOVER_TIMEOUT_MS):
            return False
        _allow_others_to_come_forward()
        socket.write(COME_FORWARD)
        socket.waitForBytesWritten(HANDOVER_TIMEOUT_MS)
        answer = b""
        deadline = time.monotonic() + HANDOVER_TIMEOUT_MS / 1000
        while COMING not in answer:
            remaining = int((deadline - time.monotonic()) * 1000)
            if remaining <= 0 or not socket.waitForReadyRead(remaining):
                socket.abort()
                return False
            answer += bytes(socket.readAll().data())
        socket.disconnectFromServer()
        return True


def _allow_others_to_come_forward() -> None:
    """Windows lets only the process the user just started take the foreground; this one
    was, and passes that right on so the running app's window may come to the front."""
    if sys.platform == "win32":
        import ctypes

        asfw_any = -1
        ctypes.windll.user32.AllowSetForegroundWindow(asfw_any)
