"""Mail sync benchmarks against a real Dovecot (the test mail stack), 20,000 small messages.

IMAP part (mail layer):
- `sync.imap_first_sync_headers`: `sync_folder` of all headers (UID FLAGS ENVELOPE RFC822.SIZE
  BODYSTRUCTURE, batches of 1000) into a `MemorySink`, against a bare imapclient FETCH of
  UID+FLAGS+ENVELOPE of the same mailbox in the same run (target ≤ 1.3×).
- `sync.imap_first_sync_vs_mbsync`: the same sync against `mbsync` (isync, `FSync no`)
  pulling the mailbox into a fresh Maildir (ratio reported; mbsync fetches whole messages).
- `sync.imap_full_download`: every full message (BODY.PEEK[], batches of 200) written to a
  local file, against the same `mbsync` pull (target ≤ 1.0×).
- `sync.imap_incremental_noop`: `sync_folder` with nothing new (target ≤ 50 ms).

Size: ZIVVERDESK_BENCH_SYNC_MESSAGES (default 20000). Rounds: ZIVVERDESK_BENCH_ROUNDS
(default 3; medians). Runs without the store: the store's own numbers are separate entries.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import time

from imapclient import IMAPClient

from tests.bench import BUILD_DIR, Results, engine_bench
from tests.plugins.mailstack import MailAccount, MailStack
from zivverdesk.core.secret import Secret
from zivverdesk.mail.auth import PasswordAuth
from zivverdesk.mail.imap_connect import connect, disconnect
from zivverdesk.mail.memory_sink import MemorySink
from zivverdesk.mail.settings import Security, ServerSettings
from zivverdesk.mail.sync import iter_bodies, sync_folder

WORK = BUILD_DIR / "sync"
FOLDER = "Bulk"


def _count() -> int:
    return int(os.environ.get("ZIVVERDESK_BENCH_SYNC_MESSAGES", "20000"))


def _rounds() -> int:
    return int(os.environ.get("ZIVVERDESK_BENCH_ROUNDS", "3"))


def _message(i: int) -> bytes:
    return (
        f"From: Afzender {i % 97} <sender{i % 97}@example.test>\r\n"
        "To: bulk@example.test\r\n"
        f"Subject: bulk bericht {i}\r\n"
        f"Date: Mon, 01 Jan 2024 00:{i // 60 % 60:02d}:{i % 60:02d} +0000\r\n"
        f"Message-ID: <bulk-{i}@example.test>\r\n"
        "\r\n"
        f"Inhoud van bericht {i}. Lorem ipsum dolor sit amet.\r\n"
    ).encode()


def _settings(account: MailAccount) -> ServerSettings:
    # Plain IMAP on loopback, like the mbsync anchor (SSLType None): TLS costs are not compared.
    return ServerSettings(
        host=account.imap_host, port=account.imap_port, security=Security.NONE, timeout=300
    )


def _auth(account: MailAccount) -> PasswordAuth:
    return PasswordAuth(username=account.username, password=Secret(account.password))


def _fill(account: MailAccount, n: int) -> float:
    client = connect(_settings(account), _auth(account))
    try:
        client.create_folder(FOLDER)
        started = time.perf_counter()
        for start in range(0, n, 500):
            client.multiappend(FOLDER, [_message(i) for i in range(start, min(n, start + 500))])
        elapsed = time.perf_counter() - started
        assert client.select_folder(FOLDER)[b"EXISTS"] == n
        return elapsed
    finally:
        disconnect(client)


def _bare_fetch(account: MailAccount) -> float:
    """The anchor: what imapclient alone needs for UID+FLAGS+ENVELOPE of every message."""
    client = IMAPClient(account.imap_host, port=account.imap_port, ssl=False, timeout=300)
    client.login(account.username, account.password)
    try:
        started = time.perf_counter()
        client.select_folder(FOLDER, readonly=True)
        uids = client.search("ALL")
        got = 0
        for i in range(0, len(uids), 1000):
            got += len(client.fetch(uids[i : i + 1000], ["UID", "FLAGS", "ENVELOPE"]))
        elapsed = time.perf_counter() - started
        assert got == len(uids)
        return elapsed
    finally:
        client.logout()


def _our_first_sync(account: MailAccount, n: int) -> tuple[float, float]:
    """(first sync seconds, median no-op incremental sync seconds)."""
    client = connect(_settings(account), _auth(account))
    try:
        sink = MemorySink()
        started = time.perf_counter()
        sync_folder(client, FOLDER, sink)
        elapsed = time.perf_counter() - started
        assert sink.count(FOLDER) == n
        noops = []
        for _ in range(20):
            t = time.perf_counter()
            report = sync_folder(client, FOLDER, sink)
            noops.append(time.perf_counter() - t)
            assert report.added == report.removed == report.flags_changed == 0
        return elapsed, statistics.median(noops)
    finally:
        disconnect(client)


def _our_full_download(account: MailAccount, n: int) -> float:
    target = WORK / "bodies.bin"
    client = connect(_settings(account), _auth(account))
    try:
        started = time.perf_counter()
        count = 0
        with target.open("wb") as sink:
            for _, raw in iter_bodies(client, FOLDER):
                sink.write(raw)
                count += 1
        elapsed = time.perf_counter() - started
        assert count == n
        return elapsed
    finally:
        disconnect(client)
        target.unlink(missing_ok=True)


def _mbsync(account: MailAccount) -> float:
    local = WORK / "mbsync-local"
    shutil.rmtree(local, ignore_errors=True)
    local.mkdir(parents=True)
    config = WORK / "mbsyncrc"
    config.write_text(
        f"""IMAPAccount bench
Host {account.imap_host}
Port {account.imap_port}
User {account.username}
Pass {account.password}
SSLType None
AuthMechs PLAIN
PipelineDepth 50

IMAPStore bench-remote
Account bench

MaildirStore bench-local
Path {local}/
Inbox {local}/INBOX
SubFolders Verbatim

Channel bulk
Far :bench-remote:{FOLDER}
Near :bench-local:{FOLDER}
Create Near
Sync Pull
Expunge None
SyncState *
""",
        encoding="utf-8",
    )
    config.chmod(0o600)
    # FSync no: mbsync's durability costs are not what we compare against.
    config.write_text("FSync no\n\n" + config.read_text(encoding="utf-8"), encoding="utf-8")
    started = time.perf_counter()
    subprocess.run(
        ["mbsync", "-c", str(config), "-q", "bulk"],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    elapsed = time.perf_counter() - started
    pulled = sum(1 for _ in (local / FOLDER / "cur").iterdir()) + sum(
        1 for _ in (local / FOLDER / "new").iterdir()
    )
    shutil.rmtree(local, ignore_errors=True)
    config.unlink()
    if pulled != _count():
        raise RuntimeError(f"mbsync pulled {pulled} messages, expected {_count()}")
    return elapsed


def run_imap(results: Results) -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    n, rounds = _count(), _rounds()
    stack = MailStack.start()
    try:
        account = stack.add_account("bench")
        fill = _fill(account, n)
        print(f"filled {n} messages with MULTIAPPEND in {fill:.1f} s", flush=True)
        bare = statistics.median(_bare_fetch(account) for _ in range(rounds))
        ours_runs = [_our_first_sync(account, n) for _ in range(rounds)]
        ours = statistics.median(r[0] for r in ours_runs)
        noop = statistics.median(r[1] for r in ours_runs)
        # Desktop engine: the same first sync into the encrypted store (engine_bench.py).
        store_runs = [
            engine_bench.store_sync_timings(account, _settings(account), FOLDER)
            for _ in range(rounds)
        ]
        into_store = statistics.median(r[0] for r in store_runs)
        store_noop = statistics.median(r[1] for r in store_runs)
        mbsync = statistics.median(_mbsync(account) for _ in range(rounds))
        full = statistics.median(_our_full_download(account, n) for _ in range(rounds))
    finally:
        stack.stop()
    results.record(
        "sync.imap_first_sync_headers",
        ours,
        "s",
        anchor=f"imapclient FETCH UID+FLAGS+ENVELOPE, {n} messages",
        anchor_value=bare,
        target=1.3,
        higher_is_better=False,
    )
    results.record(
        "sync.first_sync_into_store",
        into_store,
        "s",
        anchor=f"imapclient FETCH UID+FLAGS+ENVELOPE, {n} messages",
        anchor_value=bare,
        target=1.3,
        higher_is_better=False,
    )
    results.record(
        "sync.store_incremental_noop", store_noop * 1000, "ms", target=50, higher_is_better=False
    )
    results.record(
        "sync.imap_first_sync_vs_mbsync",
        ours,
        "s",
        anchor=f"mbsync pull (FSync no), {n} messages",
        anchor_value=mbsync,
        higher_is_better=False,
    )
    results.record(
        "sync.imap_full_download",
        full,
        "s",
        anchor=f"mbsync pull (FSync no), {n} messages",
        anchor_value=mbsync,
        target=1.0,
        higher_is_better=False,
    )
    results.record(
        "sync.imap_incremental_noop", noop * 1000, "ms", target=50, higher_is_better=False
    )


def run(results: Results) -> None:
    run_imap(results)
    engine_bench.run(results)
