"""The recipient load generator of the relay benchmark, run as its own process
(`python -m tests.bench.relay_load < plan.json > result.json`) so that it does not share the
relay's or the benchmark runner's GIL.

Each simulated recipient is what the web page does: link info, verify with `auth` (whose
answer carries the thread), then one blob (the 1 MB message). It speaks HTTP/1.1 itself
over an asyncio protocol: an httpx client costs about as much CPU per request as the relay,
and on a 2-core machine that CPU is taken from the server being measured. Every answer is
checked (status, the thread listing the blob, and the blob byte for byte against the
payload, which both sides make from `payload_seed`); anything else counts as an error.

Plan (JSON on stdin): {"host", "port", "mode": "burst" | "closed", "clients", "seconds",
"payload_seed", "payload_size", "recipients": [[message_id, recipient_id, auth_b64,
blob_id], ...]}.
- burst: `clients` recipients connect first, then all start at the same moment.
- closed: `clients` loops run for `seconds`; each takes the next recipient (wrapping around
  when the list runs out), opens a new connection (a new browser) and runs the flow.
Result (JSON on stdout): {"latencies": [seconds per flow, ...], "requests": {step:
[seconds per request, ...]} for the steps info, verify and blob, "errors": int,
"elapsed": seconds, "cpu": CPU seconds of this process from the start of the flows to the
end of the last (no start-up, no connecting of the burst), "error_samples": [text, ...]}.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import sys
import time
from typing import Any, cast

STEPS = ("info", "verify", "blob")
# Longest response head accepted (status line and headers).
HEAD_LIMIT = 64 * 1024


def payload(seed: int, size: int) -> bytes:
    """The benchmark message's content; the benchmark runner uploads the same bytes."""
    return random.Random(seed).randbytes(size)


class FlowError(Exception):
    """An answer the recipient page would not accept."""


class _Wire(asyncio.BufferedProtocol):
    """The receiving side of one connection. A body as long as the blob buffer is received
    straight into it (the kernel's one copy), so checking a 1 MB blob costs one memcmp;
    other bodies (JSON) are collected in a small buffer. Reading through a StreamReader
    instead copied each blob twice more and faulted in fresh pages for every one: about
    half of the generator's CPU, taken from the relay it measures on the same two cores."""

    def __init__(self, blob_buffer: bytearray) -> None:
        self.blob_buffer = blob_buffer
        self.blob_view = memoryview(blob_buffer)
        self.head_buffer = bytearray(HEAD_LIMIT)
        self.head_view = memoryview(self.head_buffer)
        self.transport: asyncio.Transport | None = None
        self.answer: asyncio.Future[tuple[int, list[bytes], bytes | bytearray]] | None = None
        self.lost: BaseException | None = None
        self._reset()

    def _reset(self) -> None:
        self.head = bytearray()
        self.status = 0
        self.headers: list[bytes] = []
        self.length = -1  # unknown until the head is complete
        self.received = 0
        self.into_blob = False
        self.small = bytearray()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports do not derive from asyncio's classes; they have the same API.
        self.transport = cast(asyncio.Transport, transport)

    def get_buffer(self, sizehint: int) -> memoryview:
        if self.into_blob:
            return self.blob_view[self.received :]
        return self.head_view

    def buffer_updated(self, nbytes: int) -> None:
        if self.into_blob:
            self.received += nbytes
        elif self.length < 0:
            self.head += self.head_view[:nbytes]
            end = self.head.find(b"\r\n\r\n")
            if end < 0:
                if len(self.head) > HEAD_LIMIT:
                    self._fail(FlowError("answer head too long"))
                return
            rest = self.head[end + 4 :]
            self._parse_head(bytes(self.head[:end]))
            if self.length < 0:
                return
            if self.length == len(self.blob_buffer) and self.length > 0:
                self.into_blob = True
                self.blob_view[: len(rest)] = rest
            else:
                self.small += rest
            self.received = len(rest)
        else:
            self.small += self.head_view[:nbytes]
            self.received += nbytes
        if self.length >= 0 and self.received >= self.length:
            self._complete()

    def _parse_head(self, head: bytes) -> None:
        status_line, *self.headers = head.split(b"\r\n")
        try:
            self.status = int(status_line.split(b" ", 2)[1])
        except (IndexError, ValueError):
            self._fail(FlowError(f"not an HTTP answer: {status_line[:80]!r}"))
            return
        for line in self.headers:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                self.length = int(value)
                return
        self._fail(FlowError("answer without Content-Length"))

    def _complete(self) -> None:
        if self.received > self.length:
            self._fail(FlowError(f"{self.received - self.length} bytes past Content-Length"))
            return
        body = self.blob_buffer if self.into_blob else bytes(self.small)
        answer, status, headers = self.answer, self.status, self.headers
        self._reset()
        if answer is not None and not answer.done():
            answer.set_result((status, headers, body))

    def _fail(self, exc: BaseException) -> None:
        self.lost = exc
        if self.answer is not None and not self.answer.done():
            self.answer.set_exception(exc)
        if self.transport is not None:
            self.transport.abort()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.lost is None:
            self.lost = exc or ConnectionResetError("the relay closed the connection")
        if self.answer is not None and not self.answer.done():
            self.answer.set_exception(self.lost)


class Connection:
    """One keep-alive HTTP/1.1 connection; bodies must come with Content-Length. A body as
    long as `blob_buffer` is received into it (and is valid until the next request)."""

    def __init__(self, transport: asyncio.Transport, wire: _Wire) -> None:
        self.transport = transport
        self.wire = wire
        self.cookie = ""

    @classmethod
    async def open(cls, host: str, port: int, blob_buffer: bytearray) -> Connection:
        loop = asyncio.get_running_loop()
        transport, wire = await loop.create_connection(lambda: _Wire(blob_buffer), host, port)
        return cls(transport, wire)

    async def request(
        self, method: str, path: str, body: bytes = b""
    ) -> tuple[int, bytes | bytearray]:
        if self.wire.lost is not None:
            raise self.wire.lost
        lines = [f"{method} {path} HTTP/1.1", "Host: relay", "User-Agent: zivverdesk-bench"]
        if self.cookie:
            lines.append(f"Cookie: {self.cookie}")
        if method == "POST":
            lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
        self.wire.answer = asyncio.get_running_loop().create_future()
        self.transport.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        status, headers, answer = await self.wire.answer
        for line in headers:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"set-cookie":
                cookie = value.strip().decode("latin-1")
                if cookie.startswith("zv_session="):
                    self.cookie = cookie.split(";", 1)[0]
        return status, answer

    async def close(self) -> None:
        self.transport.close()


async def flow(
    conn: Connection,
    expected: bytes,
    recipient: list[str],
    timings: dict[str, list[float]],
    connect_time: float = 0.0,
) -> None:
    message_id, recipient_id, auth, blob_id = recipient
    base = f"/api/v1/r/{message_id}/{recipient_id}"
    steps = (
        ("info", "GET", base, b""),
        ("verify", "POST", f"{base}/verify", json.dumps({"auth": auth}).encode()),
        ("blob", "GET", f"{base}/blobs/{blob_id}", b""),
    )
    for step, method, path, body in steps:
        began = time.perf_counter()
        status, answer = await conn.request(method, path, body)
        timings[step].append(time.perf_counter() - began + (connect_time if step == "info" else 0))
        if status != 200:
            raise FlowError(f"{method} {step}: {status} {answer[:120]!r}")
        if step == "verify" and blob_id not in _listed_blobs(answer):
            raise FlowError("verify: the answer's thread does not list the message's blob")
        if step == "blob" and answer != expected:
            raise FlowError(f"blob: {len(answer)} bytes that differ from the message")


def _listed_blobs(verify_answer: bytes | bytearray) -> set[str]:
    thread = json.loads(verify_answer)["thread"]
    return {blob["blob_id"] for item in thread["items"] for blob in item["blobs"]}


class Run:
    """What one round measured: per-flow and per-request latencies, and the failures."""

    def __init__(self, plan: dict[str, Any]) -> None:
        self.plan = plan
        self.expected = payload(plan["payload_seed"], plan["payload_size"])
        self.latencies: list[float] = []
        self.timings: dict[str, list[float]] = {step: [] for step in STEPS}
        self.failures: list[str] = []

    def blob_buffer(self) -> bytearray:
        """A client's receive buffer for the blob, reused for every flow of that client."""
        return bytearray(len(self.expected))

    async def connect(self, blob_buffer: bytearray) -> Connection:
        return await Connection.open(self.plan["host"], self.plan["port"], blob_buffer)

    async def one(
        self, conn: Connection | None, recipient: list[str], blob_buffer: bytearray
    ) -> None:
        """One recipient's flow; opens its own connection (a new browser) when given none.
        The connect then counts toward the first request, as it does for a browser."""
        began = time.perf_counter()
        try:
            if conn is None:
                conn = await self.connect(blob_buffer)
                connected = time.perf_counter()
            else:
                connected = began
            await flow(conn, self.expected, recipient, self.timings, connected - began)
            self.latencies.append(time.perf_counter() - began)
        except (FlowError, OSError, ValueError) as exc:
            self.failures.append(f"{type(exc).__name__}: {exc}")
        finally:
            if conn is not None:
                await conn.close()

    def result(self, elapsed: float, cpu: float) -> dict[str, Any]:
        return {
            "latencies": self.latencies,
            "requests": self.timings,
            "errors": len(self.failures),
            "elapsed": elapsed,
            "cpu": cpu,
            "error_samples": self.failures[:5],
        }


async def burst(plan: dict[str, Any]) -> dict[str, Any]:
    run = Run(plan)
    recipients = plan["recipients"][: plan["clients"]]
    conns = [await run.connect(run.blob_buffer()) for _ in recipients]
    start = asyncio.Event()

    async def waiting(conn: Connection, recipient: list[str]) -> None:
        await start.wait()
        await run.one(conn, recipient, conn.wire.blob_buffer)

    tasks = [asyncio.create_task(waiting(c, r)) for c, r in zip(conns, recipients, strict=True)]
    await asyncio.sleep(0.2)  # every task is waiting on the event
    began, cpu = time.perf_counter(), time.process_time()
    start.set()
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=300)
    return run.result(time.perf_counter() - began, time.process_time() - cpu)


async def closed(plan: dict[str, Any]) -> dict[str, Any]:
    run = Run(plan)
    pool = itertools.cycle(plan["recipients"])
    began, cpu = time.perf_counter(), time.process_time()
    deadline = began + plan["seconds"]

    async def loop() -> None:
        blob_buffer = run.blob_buffer()
        while time.perf_counter() < deadline:
            await run.one(None, next(pool), blob_buffer)

    await asyncio.wait_for(
        asyncio.gather(*(loop() for _ in range(plan["clients"]))), timeout=plan["seconds"] + 120
    )
    return run.result(time.perf_counter() - began, time.process_time() - cpu)


def main() -> int:
    plan = json.load(sys.stdin)
    run = burst if plan["mode"] == "burst" else closed
    # uvloop (a dev dependency on Linux) where present: the generator shares the machine's
    # two cores with the relay, and every CPU second it spends is one the relay lacks.
    try:
        import uvloop
    except ImportError:  # pragma: no cover - Windows, where the relay runs without it too
        json.dump(asyncio.run(run(plan)), sys.stdout)
    else:
        json.dump(uvloop.run(run(plan)), sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
