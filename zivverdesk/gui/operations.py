"""Background work for the GUI: one helper for every call that may block.

`Operation(parent, fn).on_success(cb).on_failure(cb).run()` runs `fn` on a worker thread and
delivers the result or the error to the GUI thread through a queued signal — no widget is
touched from a worker and no network or disk call blocks the GUI thread. Writes to the local
store go through a single-thread pool (SQLite has one writer); network calls through a
shared pool. `fn` may accept a `progress` callable and a `cancelled` callable.

An operation belongs to its parent (a window or dialog). When the parent is deleted first —
the user closed the window while the call was still running — the answer is dropped: no
callback reaches widgets that are gone.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

_STORE_POOL: QThreadPool | None = None


def store_pool() -> QThreadPool:
    global _STORE_POOL
    if _STORE_POOL is None:
        _STORE_POOL = QThreadPool()
        _STORE_POOL.setMaxThreadCount(1)
    return _STORE_POOL


class _Signals(QObject):
    succeeded = Signal(object)
    failed = Signal(object)
    progressed = Signal(int, int)


class _Runnable(QRunnable):
    def __init__(self, op: Operation) -> None:
        super().__init__()
        self._op = op

    def run(self) -> None:
        op = self._op
        try:
            result = op.call()
        except Exception as exc:  # noqa: BLE001 - every failure is delivered to on_failure
            log.debug("operation failed: %s", type(exc).__name__)
            op.signals.failed.emit(exc)
        else:
            op.signals.succeeded.emit(result)


class Operation(QObject):
    """A call on a worker thread with success, failure and progress on the GUI thread.

    `finished` is emitted after the success or failure callbacks have run, also when one of
    them raised."""

    finished = Signal()

    def __init__(self, parent: QObject, fn: Callable[..., Any], *, writes_store: bool = False):
        super().__init__(parent)
        self._fn = fn
        self._writes_store = writes_store
        self._cancelled = False
        self._on_success: list[Callable[[Any], None]] = []
        self._on_failure: list[Callable[[BaseException], None]] = []
        self._on_progress: list[Callable[[int, int], None]] = []
        self.signals = _Signals()
        # Delivered to this object's own slots, not to Python callables directly: Qt then
        # discards an answer queued for an operation that has been deleted with its parent.
        # Connected to lambdas, such an answer still ran them against deleted widgets.
        self.signals.succeeded.connect(self._succeeded)
        self.signals.failed.connect(self._failed)
        self.signals.progressed.connect(self._progressed)

    def on_success(self, callback: Callable[[Any], None]) -> Operation:
        self._on_success.append(callback)
        return self

    def on_failure(self, callback: Callable[[BaseException], None]) -> Operation:
        self._on_failure.append(callback)
        return self

    def on_progress(self, callback: Callable[[int, int], None]) -> Operation:
        self._on_progress.append(callback)
        return self

    @Slot(object)
    def _succeeded(self, result: object) -> None:
        try:
            for callback in self._on_success:
                callback(result)
        finally:
            self.finished.emit()

    @Slot(object)
    def _failed(self, error: BaseException) -> None:
        try:
            for callback in self._on_failure:
                callback(error)
        finally:
            self.finished.emit()

    @Slot(int, int)
    def _progressed(self, done: int, total: int) -> None:
        for callback in self._on_progress:
            callback(done, total)

    def cancel(self) -> None:
        self._cancelled = True

    def is_cancelled(self) -> bool:
        return self._cancelled

    def call(self) -> Any:
        params = inspect.signature(self._fn).parameters
        kwargs: dict[str, Any] = {}
        if "progress" in params:
            kwargs["progress"] = lambda done, total: self.signals.progressed.emit(done, total)
        if "cancelled" in params:
            kwargs["cancelled"] = self.is_cancelled
        return self._fn(**kwargs)

    def run(self) -> Operation:
        pool = store_pool() if self._writes_store else QThreadPool.globalInstance()
        pool.start(_Runnable(self))
        return self
