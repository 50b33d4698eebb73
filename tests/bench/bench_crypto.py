"""Crypto benchmarks: file encryption/decryption against `cp`, in-memory AEAD against
`openssl speed`, and one PBKDF2 derivation at the default iteration count.

Files live under build/bench/crypto (the repository's filesystem, not a tmpfs /tmp); the
rounds need (2 + 3 x rounds) times the file size of free space. Each encrypt/decrypt runs
in a fresh subprocess that reports its own elapsed time and its peak RSS growth (peak RSS at
the end minus the current RSS just before the pipeline starts), so the memory figure is the
pipeline's alone. The anchor is `cp SRC DST` followed by `sync DST`, because
encrypt_file/decrypt_file fsync their output before the rename (durability is part of what
they promise).

Size: ZIVVERDESK_BENCH_CRYPTO_MIB (default 1024). Rounds: ZIVVERDESK_BENCH_ROUNDS (default 3;
the median is reported).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.bench import BUILD_DIR, ROOT, Results

WORK = BUILD_DIR / "crypto"
MIB = 1024 * 1024
KEY = bytes(range(32))


def _size_mib() -> int:
    return int(os.environ.get("ZIVVERDESK_BENCH_CRYPTO_MIB", "1024"))


def _rounds() -> int:
    return int(os.environ.get("ZIVVERDESK_BENCH_ROUNDS", "3"))


def _make_source(path: Path, size: int) -> None:
    if path.exists() and path.stat().st_size == size:
        return
    block = os.urandom(16 * MIB)
    with path.open("wb") as fh:
        written = 0
        while written < size:
            n = min(len(block), size - written)
            fh.write(block[:n])
            block = block[1:] + block[:1]  # keep 16 MiB blocks distinct cheaply
            written += n


def _time_cp(src: Path, dst: Path) -> float:
    os.sync()  # start from clean page cache state, as the workers do
    started = time.perf_counter()
    subprocess.run(["cp", str(src), str(dst)], check=True)
    subprocess.run(["sync", str(dst)], check=True)
    return time.perf_counter() - started


def _run_worker(mode: str, src: Path, dst: Path) -> dict[str, float]:
    os.sync()
    out = subprocess.run(
        [sys.executable, "-m", "tests.bench.bench_crypto", "worker", mode, str(src), str(dst)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def _peak_rss_bytes() -> int:
    """This process's peak RSS. Linux: VmHWM of the process's own address space (getrusage's
    ru_maxrss would include the parent's peak, which survives fork and exec)."""
    status = Path("/proc/self/status")
    if status.exists():
        match = re.search(r"^VmHWM:\s+(\d+) kB", status.read_text(), re.MULTILINE)
        if match:
            return int(match.group(1)) * 1024
    import psutil

    return int(getattr(psutil.Process().memory_info(), "peak_wset", 0))  # Windows


def worker(mode: str, src: str, dst: str) -> None:
    """One encrypt or decrypt in this process; prints {"seconds", "rss_growth_mib"}."""
    import psutil

    from zivverdesk.crypto import stream

    # Growth = peak RSS during the run minus the *current* RSS before it (not the earlier
    # peak, which imports may have raised): an upper bound on what the pipeline allocates.
    baseline = int(psutil.Process().memory_info().rss)
    started = time.perf_counter()
    if mode == "encrypt":
        stream.encrypt_file(Path(src), Path(dst), KEY)
    else:
        stream.decrypt_file(Path(src), Path(dst), KEY)
    elapsed = time.perf_counter() - started
    growth = max(0, _peak_rss_bytes() - baseline) / MIB
    print(json.dumps({"seconds": elapsed, "rss_growth_mib": growth}))


def _record_in_memory_filesystem(results: Results, size: int, label: str) -> None:
    """The same pipeline on a tmpfs, where no disk throttles anyone: what the code costs
    beside `cp` when I/O is only memory (reported; the target applies to the real disk)."""
    shm = Path("/dev/shm")
    if not shm.is_dir() or shutil.disk_usage(shm).free < 4 * size:
        return
    folder = Path(tempfile.mkdtemp(prefix="zv-bench-", dir=shm))
    try:
        src = folder / "plain.bin"
        _make_source(src, size)
        cp_s, enc_s, dec_s = [], [], []
        for i in range(3):
            cp_s.append(_time_cp(src, folder / f"cp.{i}"))
            enc_s.append(_run_worker("encrypt", src, folder / f"enc.{i}")["seconds"])
            dec_s.append(
                _run_worker("decrypt", folder / f"enc.{i}", folder / f"dec.{i}")["seconds"]
            )
            for leftover in folder.glob(f"*.{i}"):
                leftover.unlink()
        cp_mbs = size / statistics.median(cp_s) / 1e6
        for name, seconds in (("encrypt", enc_s), ("decrypt", dec_s)):
            results.record(
                f"crypto.{name}_tmpfs_throughput",
                size / statistics.median(seconds) / 1e6,
                "MB/s",
                anchor=f"cp + sync of the same {label} file on tmpfs",
                anchor_value=cp_mbs,
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _aead_throughput(record: int, seconds: float = 1.0) -> float:
    """GB per CPU-second of AES-256-GCM encrypt_into over one reused `record`-byte buffer.

    CPU time, like `openssl speed` (which divides by user CPU time unless -elapsed), so that
    other work on the machine does not skew the comparison.
    """
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    aead = AESGCM(KEY)
    data = os.urandom(record)
    out = bytearray(record + 16)
    nonce = bytes(12)
    done = 0
    started, started_cpu = time.perf_counter(), time.process_time()
    while time.perf_counter() - started < seconds:
        for _ in range(64):
            aead.encrypt_into(nonce, data, None, out)
        done += 64 * record
    return done / (time.process_time() - started_cpu) / 1e9


def _openssl_speed(record: int) -> float | None:
    """GB/s that `openssl speed -evp aes-256-gcm` reports for `record`-byte blocks."""
    if shutil.which("openssl") is None:
        return None
    out = subprocess.run(
        ["openssl", "speed", "-evp", "aes-256-gcm", "-bytes", str(record), "-seconds", "2"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    # Last line: "AES-256-GCM   12345678.90k" (thousands of bytes per second)
    match = re.search(r"^\S*aes-256-gcm\s+([\d.]+)k\s*$", out, re.IGNORECASE | re.MULTILINE)
    return float(match.group(1)) * 1000 / 1e9 if match else None


def _pbkdf2_ms() -> tuple[float, float]:
    """Median wall-clock and CPU milliseconds of one derivation at the default N; the CPU
    figure is what it costs on an otherwise idle machine."""
    from zivverdesk.crypto.kdf import pbkdf2_sha256
    from zivverdesk.crypto.keyschedule import DEFAULT_ITERATIONS

    wall, cpu = [], []
    for _ in range(3):
        started, started_cpu = time.perf_counter(), time.process_time()
        pbkdf2_sha256(b"ab12cd34", salt=bytes(16), iterations=DEFAULT_ITERATIONS)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def run(results: Results) -> None:
    from zivverdesk.crypto.keyschedule import DEFAULT_ITERATIONS
    from zivverdesk.crypto.stream import DEFAULT_RECORD_SIZE

    WORK.mkdir(parents=True, exist_ok=True)
    if hasattr(os, "getloadavg"):  # other work on the machine skews every number below
        print(f"load average before: {os.getloadavg()[0]:.1f}", flush=True)
    size_mib = _size_mib()
    size = size_mib * MIB
    src = WORK / "plain.bin"
    _make_source(src, size)
    for stale in WORK.glob("out.*"):
        stale.unlink()
    os.sync()
    # Every run writes a new file and nothing is deleted until all rounds are done: with
    # online discard, freeing a 1 GiB file makes the *next* fsync wait, which would bill one
    # contender for another's cleanup.
    _time_cp(src, WORK / "out.warmup")  # warm the page cache for every contender alike

    # The decrypt contender reads a ciphertext made once, untimed, so that every round can
    # run the three contenders in a rotated order: on this virtual disk each write slows the
    # next one (write-back throttling), and a fixed order would bill that to the last one.
    sealed = WORK / "sealed.zvdb"
    _run_worker("encrypt", src, sealed)
    cp_s, enc_s, dec_s, enc_rss, dec_rss = [], [], [], [], []

    def time_cp(i: int) -> None:
        cp_s.append(_time_cp(src, WORK / f"out.{i}.cp"))

    def time_encrypt(i: int) -> None:
        e = _run_worker("encrypt", src, WORK / f"out.{i}.zvdb")
        enc_s.append(e["seconds"])
        enc_rss.append(e["rss_growth_mib"])

    def time_decrypt(i: int) -> None:
        d = _run_worker("decrypt", sealed, WORK / f"out.{i}.plain")
        dec_s.append(d["seconds"])
        dec_rss.append(d["rss_growth_mib"])

    contenders = [time_cp, time_encrypt, time_decrypt]
    for i in range(_rounds()):
        shift = i % len(contenders)
        for contender in contenders[shift:] + contenders[:shift]:
            contender(i)
        print(
            f"round {i}: cp+sync {cp_s[-1]:.2f} s, encrypt {enc_s[-1]:.2f} s, "
            f"decrypt {dec_s[-1]:.2f} s",
            flush=True,
        )
    for done in [*WORK.glob("out.*"), sealed]:
        done.unlink()

    cp_mbs = size / statistics.median(cp_s) / 1e6
    label = f"{size_mib} MiB"
    # Each round runs cp, encrypt and decrypt back to back under similar load; the median of
    # the per-round ratios is steadier than the ratio of medians on a shared machine.
    enc_ratio = statistics.median(c / e for c, e in zip(cp_s, enc_s, strict=True))
    dec_ratio = statistics.median(c / d for c, d in zip(cp_s, dec_s, strict=True))
    results.record(
        "crypto.encrypt_file_throughput",
        size / statistics.median(enc_s) / 1e6,
        "MB/s",
        anchor=f"cp + sync of the same {label} file",
        anchor_value=cp_mbs,
        target=0.80,
        ratio=enc_ratio,
    )
    results.record(
        "crypto.decrypt_file_throughput",
        size / statistics.median(dec_s) / 1e6,
        "MB/s",
        anchor=f"cp + sync of the same {label} file",
        anchor_value=cp_mbs,
        target=0.80,
        ratio=dec_ratio,
    )
    _record_in_memory_filesystem(results, size, label)
    results.record(
        "crypto.encrypt_file_peak_rss_growth",
        max(enc_rss),
        "MiB",
        target=64,
        higher_is_better=False,
    )
    results.record(
        "crypto.decrypt_file_peak_rss_growth",
        max(dec_rss),
        "MiB",
        target=64,
        higher_is_better=False,
    )
    for record in (16 * 1024, DEFAULT_RECORD_SIZE):
        openssl = _openssl_speed(record)
        results.record(
            f"crypto.aead_in_memory_{record // 1024}k",
            _aead_throughput(record),
            "GB/s (per CPU second)",
            anchor=f"openssl speed -evp aes-256-gcm -bytes {record}" if openssl else None,
            anchor_value=openssl,
        )
    wall_ms, cpu_ms = _pbkdf2_ms()
    results.record(f"crypto.pbkdf2_sha256_{DEFAULT_ITERATIONS}_python", wall_ms, "ms")
    results.record(f"crypto.pbkdf2_sha256_{DEFAULT_ITERATIONS}_python_cpu", cpu_ms, "ms")
    if hasattr(os, "getloadavg"):
        print(f"load average after: {os.getloadavg()[0]:.1f}", flush=True)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "worker":
        worker(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        print("usage: python -m tests.bench crypto")
        raise SystemExit(2)
