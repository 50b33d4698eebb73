"""The background sync of an open window: envelopes open, replies and new mail appear and
queued messages go out without the user pressing "Synchronise".

The engine's sync (`Backend.watch`) long-polls the relay's change feed and idles on the mail
server, so it runs on a thread of its own rather than on a worker of the shared pool, which
it would hold for as long as the window is open. Each pass is handed to the GUI thread
through a queued signal, as `gui.operations` does: to this object's own slots, so that a
pass that arrives after the window (and this object with it) was deleted is dropped by Qt.
"""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, Signal, Slot

from zivverdesk.gui.backend import Backend, SyncPass

log = logging.getLogger(__name__)


class _Reports(QObject):
    """Emitted from the sync's threads; lives as long as they hold it."""

    passed = Signal(object)
    failed = Signal(object)


class LiveSync(QObject):
    """Runs `backend.watch` on a thread from `start()` until `stop()`."""

    passed = Signal(object)  # a SyncPass, on the GUI thread
    failed = Signal(object)  # the exception that ended the sync, on the GUI thread

    def __init__(self, backend: Backend, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._backend = backend
        self._stop = threading.Event()
        self._stopped = False  # by `stop`: what the thread still reports is not shown
        self.worker: threading.Thread | None = None
        self._reports = _Reports()
        self._reports.passed.connect(self._passed)
        self._reports.failed.connect(self._failed)

    def start(self) -> None:
        if self.worker is not None and self.worker.is_alive():
            return
        self._begin(previous=None)

    def restart(self) -> None:
        """Begin again, so that the sync reads the accounts anew (a mail account added or
        changed in the set-up): the running one is asked to stop, and the new one starts once
        it has ended (two at once would both write the feed's cursor). Returns at once; does
        nothing when the sync is not running."""
        previous = self.worker
        if previous is None or not previous.is_alive():
            return
        self._stop.set()
        self._begin(previous=previous)

    def _begin(self, *, previous: threading.Thread | None) -> None:
        self._stopped = False
        # Each run has its own stop: the one that ends the previous run must not end this.
        self._stop = threading.Event()
        reports, stop, backend = self._reports, self._stop, self._backend
        self.worker = threading.Thread(
            target=_run,
            args=(backend, stop, reports, previous),
            name="live-sync",
            daemon=True,
        )
        self.worker.start()

    def stop(self, timeout: float) -> bool:
        """Ask the sync to end and wait up to `timeout` seconds (it interrupts its calls to
        the relay and leaves IDLE within about a second); True once its thread has ended.
        Passes it reports after this are dropped."""
        self._stopped = True
        self._stop.set()
        worker = self.worker
        if worker is None:
            return True
        worker.join(timeout)
        if worker.is_alive():
            log.warning("the background sync did not end within %.0f s", timeout)
            return False
        self.worker = None
        return True

    @Slot(object)
    def _passed(self, sync: SyncPass) -> None:
        # After `stop` the store may be closed: a list read for this pass would fail.
        if not self._stopped:
            self.passed.emit(sync)

    @Slot(object)
    def _failed(self, error: BaseException) -> None:
        if not self._stopped:
            self.failed.emit(error)


def _run(
    backend: Backend,
    stop: threading.Event,
    reports: _Reports,
    previous: threading.Thread | None,
) -> None:
    # Only what the thread was given: not the LiveSync, whose C++ side may be deleted with
    # its window while this still runs.
    if previous is not None:
        previous.join()  # a restart: the stopped run ends within about a second
    if stop.is_set():
        return
    try:
        backend.watch(stop, reports.passed.emit)
    except Exception as exc:
        # The engine's sync reports outages itself and carries on; what ends up here is
        # unexpected (a bug, a closed store). The manual "Synchronise" still works.
        log.error("the background sync stopped", exc_info=exc)
        reports.failed.emit(exc)
