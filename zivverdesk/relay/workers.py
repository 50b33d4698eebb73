"""`relay serve --workers N`: the worker processes and their listening sockets.

Where the system can (Linux: `SO_REUSEPORT`), every worker gets a listening socket of its
own on the one port, and the kernel deals new connections out over them by address and
port. With one socket shared by all workers (uvicorn's own supervisor, used elsewhere),
whichever worker woke first accepted every connection that was waiting: of 200 recipients
connecting within a few milliseconds, one of two workers often took most, and served them
while the other idled (docs/BENCHMARKS.md).

The sockets are made and kept by this supervising process, so a worker that ends and is
replaced loses no connection: those the kernel gave its socket wait in that socket's
queue for the replacement.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing.context import SpawnProcess
from types import FrameType

import uvicorn
from uvicorn.config import STARTUP_FAILURE

from zivverdesk.core.errors import UsageError

# uvicorn's server log, which its configuration (done in `uvicorn.Config`) writes out: the
# workers' start and end belong next to the servers' own lines.
_log = logging.getLogger("uvicorn.error")

#: How long a worker may take to finish its requests after being asked to stop.
STOP_GRACE = 10.0


def own_sockets_possible() -> bool:
    """Whether each worker can have a listening socket of its own on the shared port."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def listening_sockets(host: str, port: int, count: int, backlog: int) -> list[socket.socket]:
    """`count` listening sockets on one address and port, dealt connections by the kernel.

    A socket with `SO_REUSEPORT` may join another process's sockets on the same port (of
    the same user), and would then silently share its connections. So the port is first
    taken without it: that fails, as a second server on a taken port should, when anything
    else listens there. It also picks the port when `port` is 0."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise UsageError(f"Cannot listen on {host}:{port}: {exc.strerror}.") from exc
        port = probe.getsockname()[1]
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.socket(family, socket.SOCK_STREAM)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            sock.bind((host, port))
            sock.listen(backlog)
            sock.set_inheritable(True)
    except OSError as exc:
        for sock in sockets:
            sock.close()
        raise UsageError(f"Cannot listen on {host}:{port}: {exc.strerror}.") from exc
    return sockets


#: How long to wait before replacing a worker that ended within SHORT_LIFE seconds of its
#: start, by how many did so in a row: one that fails on every start (a request that kills
#: it, a broken disk) is retried less and less often instead of twice a second, while the
#: connections its socket receives wait in that socket's queue.
RESTART_DELAYS = (0.0, 1.0, 2.0, 5.0, 10.0, 30.0)
SHORT_LIFE = 10.0


@dataclass
class _Worker:
    sock: socket.socket
    process: SpawnProcess | None = None
    started: float = 0.0
    quick_ends: int = 0  # ends in a row within SHORT_LIFE of a start
    restart_at: float = 0.0


class Workers:
    """Runs one uvicorn server process per socket until SIGINT or SIGTERM, and replaces a
    worker that ends on its own, on the same socket (after RESTART_DELAYS if it keeps
    ending soon after its start). A worker that fails before it serves (bad settings, a
    database it cannot open) stops everything: it would fail again."""

    def __init__(self, config: uvicorn.Config, sockets: list[socket.socket]) -> None:
        self.config = config
        self.workers = [_Worker(sock) for sock in sockets]
        self.stopping = threading.Event()
        self.failed = False

    def run(self) -> int:
        previous = {sig: signal.signal(sig, self._stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        for worker in self.workers:
            self._start(worker)
        try:
            while not self.stopping.wait(0.5):
                for worker in self.workers:
                    self._look_after(worker, time.monotonic())
        finally:
            running = [w.process for w in self.workers if w.process is not None]
            for process in running:
                if process.is_alive():
                    process.terminate()  # SIGTERM: uvicorn finishes open requests first
            for process in running:
                process.join(STOP_GRACE)
                if process.is_alive():
                    process.kill()
                    process.join()
            for worker in self.workers:
                worker.sock.close()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return STARTUP_FAILURE if self.failed else 0

    def _look_after(self, worker: _Worker, now: float) -> None:
        process = worker.process
        if process is None:
            if now >= worker.restart_at and not self.stopping.is_set():
                self._start(worker)
            return
        if process.is_alive():
            return
        process.join()
        worker.process = None
        if process.exitcode == STARTUP_FAILURE:
            _log.error("Worker %s could not start; stopping.", process.pid)
            self.failed = True
            self.stopping.set()
            return
        worker.quick_ends = worker.quick_ends + 1 if now - worker.started < SHORT_LIFE else 0
        delay = RESTART_DELAYS[min(worker.quick_ends, len(RESTART_DELAYS) - 1)]
        worker.restart_at = now + delay
        _log.warning(
            "Worker %s ended (exit code %s); starting another%s.",
            process.pid,
            process.exitcode,
            f" in {delay:g} s" if delay else "",
        )

    def _start(self, worker: _Worker) -> None:
        # A fresh interpreter (spawn), as on Windows: nothing of this process's state, its
        # threads or its database connections, is inherited by a worker.
        process = multiprocessing.get_context("spawn").Process(
            target=serve_worker, args=(self.config, worker.sock), name="zivverdesk-relay-worker"
        )
        process.start()
        worker.process, worker.started = process, time.monotonic()
        _log.info("Started worker %s.", process.pid)

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        self.stopping.set()


def serve_worker(config: uvicorn.Config, sock: socket.socket) -> None:
    """A worker process: uvicorn serving the app on its own listening socket."""
    # Out of the terminal's process group: Ctrl+C reaches the supervisor alone, which asks
    # each worker once to finish (a second signal would make uvicorn drop open requests).
    os.setpgrp()
    config.configure_logging()
    with contextlib.suppress(KeyboardInterrupt):
        uvicorn.Server(config).run(sockets=[sock])
