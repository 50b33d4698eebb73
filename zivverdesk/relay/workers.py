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


class Workers:
    """Runs one uvicorn server process per socket until SIGINT or SIGTERM, and replaces a
    worker that ends on its own, on the same socket. A worker that fails before it serves
    (bad settings, a database it cannot open) stops everything: it would fail again."""

    def __init__(self, config: uvicorn.Config, sockets: list[socket.socket]) -> None:
        self.config = config
        self.sockets = sockets
        self.stopping = threading.Event()
        self.failed = False

    def run(self) -> int:
        previous = {sig: signal.signal(sig, self._stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        processes = [self._start(sock) for sock in self.sockets]
        try:
            while not self.stopping.wait(0.5):
                for index, process in enumerate(processes):
                    if process.is_alive():
                        continue
                    process.join()
                    if process.exitcode == STARTUP_FAILURE:
                        _log.error("Worker %s could not start; stopping.", process.pid)
                        self.failed = True
                        self.stopping.set()
                        break
                    _log.warning(
                        "Worker %s ended (exit code %s); starting another.",
                        process.pid,
                        process.exitcode,
                    )
                    processes[index] = self._start(self.sockets[index])
        finally:
            for process in processes:
                if process.is_alive():
                    process.terminate()  # SIGTERM: uvicorn finishes open requests first
            for process in processes:
                process.join(STOP_GRACE)
                if process.is_alive():
                    process.kill()
                    process.join()
            for sock in self.sockets:
                sock.close()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return STARTUP_FAILURE if self.failed else 0

    def _start(self, sock: socket.socket) -> SpawnProcess:
        # A fresh interpreter (spawn), as on Windows: nothing of this process's state, its
        # threads or its database connections, is inherited by a worker.
        process = multiprocessing.get_context("spawn").Process(
            target=serve_worker, args=(self.config, sock), name="zivverdesk-relay-worker"
        )
        process.start()
        _log.info("Started worker %s.", process.pid)
        return process

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
