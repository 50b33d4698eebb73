"""Relay benchmarks, on loopback, bounded (they stop by themselves):

- `relay.recipients_p50_ms` / `relay.recipients_p99_ms` / `relay.recipients_errors`: 200
  recipients at once each verify (access-code `auth`), load the thread and fetch a 1 MB
  message blob, each with its own session (httpx async clients). Latency is per recipient,
  from the verify request to the last byte of the blob. Targets: p99 ≤ 300 ms, 0 errors.
  `relay.recipients_paced_*`: the same 200 recipients with their starts spread evenly over
  ZIVVERDESK_BENCH_RELAY_SPREAD_S (20) seconds, i.e. 10 new recipients a second.
- `relay.download_gbps`: a 1 GiB blob downloaded by curl from the relay against nginx serving
  the same file on loopback in the same run (sendfile). Target ratio ≥ 1.0; the median of
  per-round ratios is reported, which cancels load that changes between rounds.

Sizes: ZIVVERDESK_BENCH_RELAY_RECIPIENTS (200), ZIVVERDESK_BENCH_RELAY_DOWNLOAD_MIB (1024),
ZIVVERDESK_BENCH_ROUNDS (3).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import signal
import statistics
import subprocess
import time
from pathlib import Path

import httpx

from tests.bench import BUILD_DIR, Results
from tests.plugins.relay import EnrolledDevice, RelayProcess
from tests.plugins.services import free_port
from tests.relay.helpers import Recipient, b64, blob_spec, new_id

WORK = BUILD_DIR / "relay"
MIB = 1024 * 1024


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


def run(results: Results) -> None:
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    relay = RelayProcess(
        WORK / "data",
        settings={
            "limits": {"ip_requests_per_minute": 1_000_000, "max_message_size": 2 * 1024 * MIB}
        },
        serve_args=["--workers", str(_env_int("ZIVVERDESK_BENCH_RELAY_WORKERS", 2))],
    )
    relay.start()
    try:
        sender = relay.enroll_device("bench@example.test", "Bench")
        _recipients(results, relay, sender, _env_int("ZIVVERDESK_BENCH_RELAY_RECIPIENTS", 200))
        _download(results, relay, sender, _env_int("ZIVVERDESK_BENCH_RELAY_DOWNLOAD_MIB", 1024))
    finally:
        relay.stop()
        shutil.rmtree(WORK, ignore_errors=True)


# --- 200 recipients -------------------------------------------------------------------


def _recipients(results: Results, relay: RelayProcess, sender: EnrolledDevice, count: int) -> None:
    for label, spread in (("", 0.0), ("paced_", _env_int("ZIVVERDESK_BENCH_RELAY_SPREAD_S", 20))):
        _recipient_round(results, relay, sender, count, label, float(spread))


def _recipient_round(
    results: Results,
    relay: RelayProcess,
    sender: EnrolledDevice,
    count: int,
    label: str,
    spread: float,
) -> None:
    """All `count` recipients at once (spread 0), or their starts spread evenly over
    `spread` seconds (every recipient still has its own session and connection)."""
    payload = os.urandom(1_000_000)
    manifest = os.urandom(2_000)
    recipients = [Recipient(new_id(), f"r{i}@example.test") for i in range(count)]
    mid, manifest_id, blob_id = new_id(), new_id(), new_id()
    body = {
        "message_id": mid,
        "conversation_id": new_id(),
        "shared": False,
        "blobs": [blob_spec(manifest_id, manifest), blob_spec(blob_id, payload)],
        "sealed": [],
        "recipients": [r.spec() for r in recipients],
    }
    with httpx.Client(base_url=relay.url, headers=sender.headers, timeout=60) as api:
        api.post("/api/v1/messages", json=body).raise_for_status()
        api.put(f"/api/v1/blobs/{manifest_id}", content=manifest).raise_for_status()
        api.put(f"/api/v1/blobs/{blob_id}", content=payload).raise_for_status()
        api.post(f"/api/v1/messages/{mid}/commit").raise_for_status()
    digest = hashlib.sha256(payload).digest()
    latencies, errors = asyncio.run(_load(relay.url, mid, blob_id, recipients, digest, spread))
    latencies.sort()
    p50 = statistics.median(latencies) * 1000 if latencies else float("nan")
    p99 = latencies[max(0, int(len(latencies) * 0.99) - 1)] * 1000 if latencies else float("nan")
    name = f"relay.recipients_{label}"
    results.record(f"{name}p50_ms", p50, "ms", target=300, higher_is_better=False)
    results.record(f"{name}p99_ms", p99, "ms", target=300, higher_is_better=False)
    results.record(f"{name}errors", errors, "errors", target=0, higher_is_better=False)


async def _load(
    url: str, mid: str, blob_id: str, recipients: list[Recipient], digest: bytes, spread: float
) -> tuple[list[float], int]:
    start = asyncio.Event()

    async def one(index: int, rec: Recipient) -> float | None:
        base = f"/api/v1/r/{mid}/{rec.recipient_id}"
        limits = httpx.Limits(max_connections=1)
        async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as client:
            await client.get("/healthz")  # connect before the clock starts
            await start.wait()
            await asyncio.sleep(spread * index / len(recipients))
            began = time.perf_counter()
            try:
                verified = await client.post(f"{base}/verify", json={"auth": b64(rec.auth)})
                thread = await client.get(f"{base}/thread")
                blob = await client.get(f"{base}/blobs/{blob_id}")
            except httpx.HTTPError:
                return None
            elapsed = time.perf_counter() - began
            ok = (
                verified.status_code == 200
                and thread.status_code == 200
                and hashlib.sha256(blob.content).digest() == digest
            )
            return elapsed if ok else None

    tasks = [asyncio.create_task(one(i, r)) for i, r in enumerate(recipients)]
    await asyncio.sleep(1.0)  # let every client connect
    start.set()
    done = await asyncio.wait_for(asyncio.gather(*tasks), timeout=300)
    latencies = [d for d in done if d is not None]
    return latencies, len(done) - len(latencies)


# --- 1 GiB download against nginx -------------------------------------------------------


def _download(results: Results, relay: RelayProcess, sender: EnrolledDevice, mib: int) -> None:
    source = WORK / "download.bin"
    digest = hashlib.sha256()
    block = os.urandom(16 * MIB)
    with source.open("wb") as fh:
        for i in range(mib // 16):
            chunk = block[i % 16 :] + block[: i % 16]
            fh.write(chunk)
            digest.update(chunk)
    size = source.stat().st_size
    mid, blob_id = new_id(), new_id()
    body = {
        "message_id": mid,
        "conversation_id": new_id(),
        "shared": False,
        "blobs": [{"blob_id": blob_id, "size": size, "sha256": digest.hexdigest()}],
    }
    with httpx.Client(base_url=relay.url, headers=sender.headers, timeout=600) as api:
        api.post("/api/v1/messages", json=body).raise_for_status()
        with source.open("rb") as fh:
            api.put(f"/api/v1/blobs/{blob_id}", content=_file_chunks(fh)).raise_for_status()
        api.post(f"/api/v1/messages/{mid}/commit").raise_for_status()
    source.unlink()
    stored = relay.data_dir / "blobs" / blob_id[:2] / blob_id
    nginx = _Nginx(stored.parent)
    try:
        relay_speeds, nginx_speeds, ratios = [], [], []
        for _ in range(_env_int("ZIVVERDESK_BENCH_ROUNDS", 3)):
            n = _curl(f"{nginx.url}/{blob_id}", {})
            r = _curl(f"{relay.url}/api/v1/blobs/{blob_id}", sender.headers)
            nginx_speeds.append(n)
            relay_speeds.append(r)
            ratios.append(r / n)
    finally:
        nginx.stop()
    results.record(
        "relay.download_gbps",
        statistics.median(relay_speeds) / 1e9,
        "GB/s",
        anchor="nginx sendfile, same file",
        target=1.0,
        anchor_value=statistics.median(nginx_speeds) / 1e9,
        ratio=statistics.median(ratios),
    )


def _file_chunks(fh: object) -> object:
    def gen() -> object:
        while chunk := fh.read(4 * MIB):  # type: ignore[attr-defined]
            yield chunk

    return gen()


def _curl(url: str, headers: dict[str, str]) -> float:
    """Bytes per second of one download to /dev/null, as curl measures it."""
    args = ["curl", "-s", "-f", "-o", "/dev/null", "-w", "%{speed_download}"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True, timeout=600)
    return float(out.stdout)


class _Nginx:
    """nginx on a free loopback port serving one folder, in the foreground, stopped by PID."""

    def __init__(self, root: Path) -> None:
        self.prefix = WORK / "nginx"
        self.prefix.mkdir(exist_ok=True)
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        conf = self.prefix / "nginx.conf"
        user = "user root;\n" if os.geteuid() == 0 else ""
        conf.write_text(
            f"{user}worker_processes 1;\npid {self.prefix}/nginx.pid;\n"
            f"error_log {self.prefix}/error.log;\nevents {{ worker_connections 64; }}\n"
            "http {\n  access_log off;\n  sendfile on;\n  tcp_nopush on;\n"
            f"  client_body_temp_path {self.prefix}/body;\n  proxy_temp_path {self.prefix}/p;\n"
            f"  fastcgi_temp_path {self.prefix}/f;\n  uwsgi_temp_path {self.prefix}/u;\n"
            f"  scgi_temp_path {self.prefix}/s;\n"
            f"  server {{ listen 127.0.0.1:{port}; root {root}; }}\n}}\n",
            encoding="utf-8",
        )
        log = (self.prefix / "stdout.log").open("wb")
        self.process = subprocess.Popen(
            ["nginx", "-p", str(self.prefix), "-c", str(conf), "-g", "daemon off;"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + 10
        while True:
            try:
                httpx.get(self.url, timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise RuntimeError("nginx did not start") from None
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
