"""The recipient load generator of the relay benchmark, run as its own process
(`python -m tests.bench.relay_load < plan.json > result.json`) so that it does not share the
relay's or the benchmark runner's GIL.

Each simulated recipient is what the web page does: link info, verify with `auth`, the
thread, then one blob (the 1 MB message). It speaks HTTP/1.1 itself over asyncio streams:
an httpx client costs about as much CPU per request as the relay, and on a 2-core machine
that CPU is taken from the server being measured. Every answer is checked (status, and the
blob's SHA-256); anything else counts as an error.

Plan (JSON on stdin): {"host", "port", "mode": "burst" | "closed", "clients", "seconds",
"sha256", "recipients": [[message_id, recipient_id, auth_b64, blob_id], ...]}.
- burst: `clients` recipients connect first, then all start at the same moment.
- closed: `clients` loops run for `seconds`; each takes the next recipient (wrapping around
  when the list runs out), opens a new connection (a new browser) and runs the flow.
Result (JSON on stdout): {"latencies": [seconds, ...], "errors": int, "elapsed": seconds,
"error_samples": [text, ...]}.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import itertools
import json
import sys
import time
from typing import Any

HEADER_LIMIT = 64 * 1024


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
        reader, writer = await asyncio.open_connection(host, port, limit=HEADER_LIMIT)
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


async def flow(conn: Connection, plan: dict[str, Any], recipient: list[str]) -> None:
    message_id, recipient_id, auth, blob_id = recipient
    base = f"/api/v1/r/{message_id}/{recipient_id}"
    steps = (
        ("GET", base, b""),
        ("POST", f"{base}/verify", json.dumps({"auth": auth}).encode()),
        ("GET", f"{base}/thread", b""),
    )
    for method, path, body in steps:
        status, answer = await conn.request(method, path, body)
        if status != 200:
            raise FlowError(f"{method} {path.rsplit('/', 1)[-1]}: {status} {answer[:120]!r}")
    status, blob = await conn.request("GET", f"{base}/blobs/{blob_id}")
    if status != 200 or hashlib.sha256(blob).hexdigest() != plan["sha256"]:
        raise FlowError(f"blob: {status}, {len(blob)} bytes")


async def burst(plan: dict[str, Any]) -> dict[str, Any]:
    recipients = plan["recipients"][: plan["clients"]]
    conns = [await Connection.open(plan["host"], plan["port"]) for _ in recipients]
    start = asyncio.Event()
    latencies: list[float] = []
    failures: list[str] = []

    async def one(conn: Connection, recipient: list[str]) -> None:
        await start.wait()
        began = time.perf_counter()
        try:
            await flow(conn, plan, recipient)
            latencies.append(time.perf_counter() - began)
        except (FlowError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
            failures.append(f"{type(exc).__name__}: {exc}")
        finally:
            await conn.close()

    tasks = [asyncio.create_task(one(c, r)) for c, r in zip(conns, recipients, strict=True)]
    await asyncio.sleep(0.2)  # every task is waiting on the event
    began = time.perf_counter()
    start.set()
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=300)
    return _result(latencies, failures, time.perf_counter() - began)


async def closed(plan: dict[str, Any]) -> dict[str, Any]:
    pool = itertools.cycle(plan["recipients"])
    latencies: list[float] = []
    failures: list[str] = []
    began = time.perf_counter()
    deadline = began + plan["seconds"]

    async def loop() -> None:
        while time.perf_counter() < deadline:
            recipient = next(pool)
            started = time.perf_counter()
            conn = None
            try:
                conn = await Connection.open(plan["host"], plan["port"])
                await flow(conn, plan, recipient)
                latencies.append(time.perf_counter() - started)
            except (FlowError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
                failures.append(f"{type(exc).__name__}: {exc}")
            finally:
                if conn is not None:
                    await conn.close()

    await asyncio.wait_for(
        asyncio.gather(*(loop() for _ in range(plan["clients"]))), timeout=plan["seconds"] + 120
    )
    return _result(latencies, failures, time.perf_counter() - began)


def _result(latencies: list[float], failures: list[str], elapsed: float) -> dict[str, Any]:
    return {
        "latencies": latencies,
        "errors": len(failures),
        "elapsed": elapsed,
        "error_samples": failures[:5],
    }


def main() -> int:
    plan = json.load(sys.stdin)
    run = burst if plan["mode"] == "burst" else closed
    json.dump(asyncio.run(run(plan)), sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
