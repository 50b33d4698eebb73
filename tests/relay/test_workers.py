"""`relay serve --workers N` on Linux: each worker listens on a socket of its own, so a burst
of new connections is shared out by the kernel instead of going to whichever worker woke
first; a port someone else listens on is refused rather than silently shared; a worker that
dies is replaced on its socket while the relay keeps answering."""

from __future__ import annotations

import os
import signal
import socket
import time
from collections import Counter

import httpx
import psutil
import pytest

from tests.plugins.availability import running_in_ci
from tests.plugins.relay import RelayFactory, RelayProcess
from zivverdesk.core.errors import UsageError
from zivverdesk.relay import workers

# Linux has SO_REUSEPORT; elsewhere (a Windows workstation) the workers share uvicorn's one
# socket and these tests do not apply. In CI they always run: the CI machine is Linux.
pytestmark = pytest.mark.skipif(
    not workers.own_sockets_possible() and not running_in_ci(),
    reason="one socket per worker needs SO_REUSEPORT",
)


def _worker_pids(relay: RelayProcess) -> set[int]:
    """The relay's worker processes: its children that listen on the relay's port."""
    assert relay.process is not None
    found = set()
    for child in psutil.Process(relay.process.pid).children():
        try:
            conns = child.net_connections(kind="inet")
        except psutil.NoSuchProcess:
            continue
        if any(c.status == psutil.CONN_LISTEN and c.laddr.port == relay.port for c in conns):
            found.add(child.pid)
    return found


def _open_and_ask(port: int, count: int) -> list[socket.socket]:
    """`count` connections opened one right after another, each answered once."""
    conns = [socket.create_connection(("127.0.0.1", port), timeout=20) for _ in range(count)]
    for conn in conns:
        conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: relay\r\n\r\n")
    for conn in conns:
        assert conn.recv(65536).startswith(b"HTTP/1.1 200 ")
    return conns


def test_a_burst_of_connections_is_shared_by_the_workers(relay_factory: RelayFactory) -> None:
    relay = relay_factory(serve_args=["--workers", "2"])
    pids = _worker_pids(relay)
    assert len(pids) == 2
    conns = _open_and_ask(relay.port, 60)
    try:
        served: Counter[int] = Counter()
        for pid in pids:
            for c in psutil.Process(pid).net_connections(kind="inet"):
                if c.status == psutil.CONN_ESTABLISHED and c.laddr.port == relay.port:
                    served[pid] += 1
        assert sum(served.values()) == 60
        # Shared out by address and port: 30 each on average; 12 or fewer has a chance of a
        # few in a million. With one shared socket, one worker took nearly all of them.
        assert min(served[pid] for pid in pids) > 12, served
    finally:
        for conn in conns:
            conn.close()


def test_a_killed_worker_is_replaced_and_no_visitor_is_refused(
    relay_factory: RelayFactory,
) -> None:
    relay = relay_factory(serve_args=["--workers", "2"])
    before = _worker_pids(relay)
    victim = min(before)
    os.kill(victim, signal.SIGKILL)
    # New visitors meanwhile: those the kernel gives the dead worker's socket wait in its
    # queue for the replacement instead of being refused.
    for _ in range(30):
        assert httpx.get(f"{relay.url}/healthz", timeout=30).status_code == 200
    deadline = time.monotonic() + 20
    while (now := _worker_pids(relay)) and (len(now) < 2 or victim in now):
        assert time.monotonic() < deadline, f"no replacement worker: {now}"
        time.sleep(0.1)
    assert len(now) == 2 and victim not in now and now & before


def test_stopping_the_relay_stops_every_worker(relay_factory: RelayFactory) -> None:
    relay = relay_factory(serve_args=["--workers", "2"])
    pids = _worker_pids(relay)
    relay.stop()
    for pid in pids:
        assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == "zombie"


def test_a_port_in_use_is_refused_not_shared() -> None:
    with socket.socket() as plain:
        plain.bind(("127.0.0.1", 0))
        plain.listen()
        with pytest.raises(UsageError, match="Cannot listen"):
            workers.listening_sockets("127.0.0.1", plain.getsockname()[1], 2, 16)
    # Another server whose sockets share their port (as this relay's own do) is refused too.
    group = workers.listening_sockets("127.0.0.1", 0, 2, 16)
    try:
        with pytest.raises(UsageError, match="Cannot listen"):
            workers.listening_sockets("127.0.0.1", group[0].getsockname()[1], 2, 16)
    finally:
        for sock in group:
            sock.close()


def test_port_zero_gives_every_worker_the_same_port() -> None:
    group = workers.listening_sockets("127.0.0.1", 0, 3, 16)
    try:
        assert len({sock.getsockname()[1] for sock in group}) == 1
    finally:
        for sock in group:
            sock.close()


def test_workers_end_when_the_relay_is_killed(relay_factory: RelayFactory) -> None:
    """No worker lives on alone after its supervisor is killed, and the relay can be started
    again on the same port."""
    relay = relay_factory(serve_args=["--workers", "2"])
    pids = _worker_pids(relay)
    relay.kill()  # SIGKILL to the supervisor only
    deadline = time.monotonic() + 20
    while any(psutil.pid_exists(pid) and psutil.Process(pid).status() != "zombie" for pid in pids):
        assert time.monotonic() < deadline, "a worker outlived its supervisor"
        time.sleep(0.2)
    relay.start()  # the same port
    assert httpx.get(f"{relay.url}/healthz", timeout=10).status_code == 200


def test_the_log_tells_of_a_replaced_worker(relay_factory: RelayFactory) -> None:
    relay = relay_factory(serve_args=["--workers", "2"])
    victim = min(_worker_pids(relay))
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 20
    while f"Worker {victim} ended" not in relay.log_file.read_text(encoding="utf-8"):
        assert time.monotonic() < deadline, "the supervisor did not log the worker's end"
        time.sleep(0.1)
    assert "starting another" in relay.log_file.read_text(encoding="utf-8")


def test_a_worker_that_keeps_ending_is_restarted_less_often(relay_factory: RelayFactory) -> None:
    relay = relay_factory(serve_args=["--workers", "2"])
    victim = min(_worker_pids(relay))
    for expected in ("in 1 s", "in 2 s"):  # each end within seconds of its start
        before = _worker_pids(relay)
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 20
        while not (_worker_pids(relay) - before):
            assert time.monotonic() < deadline, "no replacement worker"
            time.sleep(0.1)
        assert f"Worker {victim} ended (exit code -9); starting another {expected}." in (
            relay.log_file.read_text(encoding="utf-8")
        )
        (victim,) = _worker_pids(relay) - before  # the replacement, on the same socket
    assert httpx.get(f"{relay.url}/healthz", timeout=10).status_code == 200
