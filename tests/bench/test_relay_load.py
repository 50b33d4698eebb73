"""The relay benchmark's load generator (`relay_load.c`) reads answers correctly and counts
what the recipient page would not accept as an error: heads and bodies split anywhere, the
session cookie sent on, the thread checked for the blob, the blob compared byte for byte,
a cut-off answer, an answer without a length, a refusal; and the closed loop opens a new
connection per flow. Run against a small scripted server on loopback."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

from tests.bench import relay_load

SEED, SIZE = 7, 300_000
BLOB = relay_load.payload(SEED, SIZE)
RECIPIENT = ["m" * 32, "r" * 32, "YQ", "b" * 32]
Request = tuple[str, dict[str, str], bytes]
Script = Callable[["_Peer"], None]


class _Peer:
    """One accepted connection of the scripted server."""

    def __init__(self, conn: socket.socket) -> None:
        self.conn = conn
        self.reader = conn.makefile("rb")

    def request(self) -> Request:
        line = self.reader.readline().decode("latin-1").strip()
        headers = {}
        while (header := self.reader.readline().decode("latin-1").strip()) != "":
            name, _, value = header.partition(":")
            headers[name.lower()] = value.strip()
        return line, headers, self.reader.read(int(headers.get("content-length", "0")))

    def answer(self, status: int, body: bytes, extra: str = "", piece: int = 0) -> None:
        data = f"HTTP/1.1 {status} X\r\nContent-Length: {len(body)}\r\n{extra}\r\n".encode()
        data += body
        for start in range(0, len(data), piece or len(data)):
            self.conn.sendall(data[start : start + (piece or len(data))])
            if piece:
                time.sleep(0.001)  # separate reads on the other side


@contextmanager
def _server(script: Script) -> Iterator[tuple[int, list[Request], list[int]]]:
    """A loopback server running `script` on every connection; yields its port, the requests
    it read, and a one-item list counting its connections."""
    listener = socket.create_server(("127.0.0.1", 0))
    seen: list[Request] = []
    connections = [0]

    class Recording(_Peer):
        def request(self) -> Request:
            got = super().request()
            seen.append(got)
            return got

    listener.settimeout(0.05)
    done = threading.Event()

    def serve() -> None:
        while not done.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            connections[0] += 1
            # The generator may close its side first, as it does after an error.
            with conn, suppress(OSError, ValueError):
                script(Recording(conn))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1], seen, connections
    finally:
        done.set()
        thread.join(timeout=10)
        listener.close()


def _plan(port: int, mode: str = "burst", clients: int = 1, seconds: int = 0) -> dict[str, Any]:
    return {
        "host": "127.0.0.1",
        "port": port,
        "mode": mode,
        "clients": clients,
        "seconds": seconds,
        "payload_seed": SEED,
        "payload_size": SIZE,
        "recipients": [RECIPIENT],
    }


def _thread_listing(blob_id: str) -> bytes:
    return json.dumps({"thread": {"items": [{"blobs": [{"blob_id": blob_id}]}]}}).encode()


def _flow(blob: bytes = BLOB, listed: str = "b" * 32, piece: int = 0) -> Script:
    def script(peer: _Peer) -> None:
        peer.request()
        peer.answer(200, b'{"method": "access_code"}', piece=piece)
        peer.request()
        cookie = "Set-Cookie: zv_session=abc; Path=/; HttpOnly\r\n"
        peer.answer(200, _thread_listing(listed), cookie, piece=piece)
        peer.request()
        peer.answer(200, blob, piece=piece and 65_537)

    return script


def test_a_whole_flow_split_anywhere_passes() -> None:
    with _server(_flow(piece=7)) as (port, seen, _):
        result = relay_load.generate(_plan(port))
    assert result["errors"] == 0, result["error_samples"]
    assert len(result["latencies"]) == 1 and len(result["opens"]) == 1
    assert result["opens"][0] <= result["latencies"][0]
    assert {step: len(t) for step, t in result["requests"].items()} == {
        "info": 1,
        "verify": 1,
        "blob": 1,
    }
    (info, info_headers, _), (verify, verify_headers, body), (blob, blob_headers, _) = seen
    base = f"/api/v1/r/{'m' * 32}/{'r' * 32}"
    assert info == f"GET {base} HTTP/1.1" and "cookie" not in info_headers
    assert verify == f"POST {base}/verify HTTP/1.1" and json.loads(body) == {"auth": "YQ"}
    assert verify_headers["content-type"] == "application/json"
    assert blob == f"GET {base}/blobs/{'b' * 32} HTTP/1.1"
    assert blob_headers["cookie"] == "zv_session=abc"


def test_one_wrong_byte_in_the_blob_is_an_error() -> None:
    wrong = bytearray(BLOB)
    wrong[123_456] ^= 1
    with _server(_flow(bytes(wrong))) as (port, _, _):
        result = relay_load.generate(_plan(port))
    assert result["errors"] == 1 and result["latencies"] == [] and result["opens"] == []
    assert "differ from the message" in result["error_samples"][0]


def test_a_thread_without_the_blob_is_an_error() -> None:
    with _server(_flow(listed="c" * 32)) as (port, _, _):
        result = relay_load.generate(_plan(port))
    assert result["errors"] == 1 and "does not list" in result["error_samples"][0]


def test_a_refusal_is_an_error_with_its_status() -> None:
    def script(peer: _Peer) -> None:
        peer.request()
        peer.answer(423, b'{"error": "locked"}')

    with _server(script) as (port, _, _):
        result = relay_load.generate(_plan(port))
    assert result["errors"] == 1
    assert result["error_samples"][0].startswith("FlowError: info: 423")


def test_a_cut_off_answer_is_an_error() -> None:
    def script(peer: _Peer) -> None:
        peer.request()
        body = b"{}" * 1000
        head = f"HTTP/1.1 200 X\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        peer.conn.sendall(head + body[:-10])

    with _server(script) as (port, _, _):
        result = relay_load.generate(_plan(port))
    assert result["errors"] == 1 and "closed the connection" in result["error_samples"][0]


def test_an_answer_without_length_is_an_error() -> None:
    def script(peer: _Peer) -> None:
        peer.request()
        peer.conn.sendall(b"HTTP/1.1 200 X\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")

    with _server(script) as (port, _, _):
        result = relay_load.generate(_plan(port))
    assert result["errors"] == 1 and "Content-Length" in result["error_samples"][0]


def test_the_closed_loop_opens_a_connection_per_flow() -> None:
    with _server(_flow()) as (port, _, connections):
        result = relay_load.generate(_plan(port, "closed", clients=2, seconds=1))
    flows = len(result["latencies"])
    assert result["errors"] == 0 and flows >= 2
    assert connections[0] == flows and 1 <= result["elapsed"] < 10


def test_open_sends_every_code_only_once_every_page_is_loaded() -> None:
    """The "open" round: pages load at different speeds, and no code is sent before the
    slowest page is shown; then every recipient verifies and fetches."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(5)
    pages_shown: list[float] = []
    codes_sent: list[float] = []

    def serve(conn: socket.socket, delay: float) -> None:
        with conn, suppress(OSError, ValueError):
            peer = _Peer(conn)
            peer.request()
            time.sleep(delay)  # a slow page for some recipients
            pages_shown.append(time.monotonic())
            peer.answer(200, b'{"method": "access_code"}')
            peer.request()
            codes_sent.append(time.monotonic())
            peer.answer(200, _thread_listing("b" * 32), "Set-Cookie: zv_session=s\r\n")
            peer.request()
            peer.answer(200, BLOB)

    def accept(count: int) -> None:
        for number in range(count):
            conn, _ = listener.accept()
            threading.Thread(target=serve, args=(conn, 0.1 * number), daemon=True).start()

    acceptor = threading.Thread(target=accept, args=(3,), daemon=True)
    acceptor.start()
    try:
        plan = {
            **_plan(listener.getsockname()[1], "open", clients=3),
            "recipients": [RECIPIENT] * 3,
        }
        result = relay_load.generate(plan, timeout=30)
    finally:
        acceptor.join(timeout=10)
        listener.close()
    assert result["errors"] == 0, result["error_samples"]
    assert len(result["opens"]) == 3 and len(codes_sent) == 3
    assert min(codes_sent) >= max(pages_shown)
    # The round counts from the codes' moment, not from the slowest page.
    assert result["elapsed"] < 0.2 + max(result["opens"])
