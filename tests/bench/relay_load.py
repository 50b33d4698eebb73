"""The recipient load generator of the relay benchmark, run as its own process
(`python -m tests.bench.relay_load < plan.json > result.json`) so that it does not share the
relay's or the benchmark runner's GIL.

Each simulated recipient is what the web page does: link info, verify with `auth` (whose
answer carries the thread), then one blob (the 1 MB message). It speaks HTTP/1.1 itself
over asyncio streams: an httpx client costs about as much CPU per request as the relay,
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
"elapsed": seconds, "error_samples": [text, ...]}.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import random
import sys
import time
from typing import Any

# The stream buffer: large enough that a 1 MB body arrives in a few reads instead of the
# many small reads (each pausing and resuming the socket) of asyncio's 64 KiB default.
READ_LIMIT = 4 * 1024 * 1024
STEPS = ("info", "verify", "blob")


def payload(seed: int, size: int) -> bytes:
    """The benchmark message's content; the benchmark runner uploads the same bytes."""
    return random.Random(seed).randbytes(size)


class FlowError(Exception):
    """An answer the recipient page would not accept."""


class Connection:
    """One keep-alive HTTP/1.1 connection; bodies must come with Content-Length."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.cookie = ""

    @classmethod
    async def open(cls, host: str, port: int) -> Connection:
        reader, writer = await asyncio.open_connection(host, port, limit=READ_LIMIT)
        return cls(reader, writer)

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        lines = [f"{method} {path} HTTP/1.1", "Host: relay", "User-Agent: zivverdesk-bench"]
        if self.cookie:
            lines.append(f"Cookie: {self.cookie}")
        if method == "POST":
            lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        length = None
        for line in header_lines:
            name, _, value = line.partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "set-cookie" and value.strip().startswith("zv_session="):
                self.cookie = value.strip().split(";", 1)[0]
        if length is None:
            raise FlowError(f"{path}: answer without Content-Length")
        return status, await self.reader.readexactly(length)

    async def close(self) -> None:
        self.writer.close()
        with contextlib.suppress(OSError):  # the server may close first; nothing is lost
            await self.writer.wait_closed()


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


def _listed_blobs(verify_answer: bytes) -> set[str]:
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

    async def one(self, conn: Connection | None, recipient: list[str]) -> None:
        """One recipient's flow; opens its own connection (a new browser) when given none.
        The connect then counts toward the first request, as it does for a browser."""
        began = time.perf_counter()
        try:
            if conn is None:
                conn = await Connection.open(self.plan["host"], self.plan["port"])
                connected = time.perf_counter()
            else:
                connected = began
            await flow(conn, self.expected, recipient, self.timings, connected - began)
            self.latencies.append(time.perf_counter() - began)
        except (FlowError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
            self.failures.append(f"{type(exc).__name__}: {exc}")
        finally:
            if conn is not None:
                await conn.close()

    def result(self, elapsed: float) -> dict[str, Any]:
        return {
            "latencies": self.latencies,
            "requests": self.timings,
            "errors": len(self.failures),
            "elapsed": elapsed,
            "error_samples": self.failures[:5],
        }


async def burst(plan: dict[str, Any]) -> dict[str, Any]:
    run = Run(plan)
    recipients = plan["recipients"][: plan["clients"]]
    conns = [await Connection.open(plan["host"], plan["port"]) for _ in recipients]
    start = asyncio.Event()

    async def waiting(conn: Connection, recipient: list[str]) -> None:
        await start.wait()
        await run.one(conn, recipient)

    tasks = [asyncio.create_task(waiting(c, r)) for c, r in zip(conns, recipients, strict=True)]
    await asyncio.sleep(0.2)  # every task is waiting on the event
    began = time.perf_counter()
    start.set()
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=300)
    return run.result(time.perf_counter() - began)


async def closed(plan: dict[str, Any]) -> dict[str, Any]:
    run = Run(plan)
    pool = itertools.cycle(plan["recipients"])
    began = time.perf_counter()
    deadline = began + plan["seconds"]

    async def loop() -> None:
        while time.perf_counter() < deadline:
            await run.one(None, next(pool))

    await asyncio.wait_for(
        asyncio.gather(*(loop() for _ in range(plan["clients"]))), timeout=plan["seconds"] + 120
    )
    return run.result(time.perf_counter() - began)


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
