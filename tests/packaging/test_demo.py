"""`make run` end to end: scripts/run-demo.sh headless in a throw-away demo folder.

Starts the demo twice on the same folder (the second run must reuse the seeded state), checks
the relay answers, that the profile lists the seeded conversations, that the printed link and
access code open the message in Chromium, that the next start shows that envelope opened, and
that Ctrl-C leaves none of the processes the demo started.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.plugins.availability import REPO_ROOT, require_programs, tail

pytestmark = [pytest.mark.integration, pytest.mark.browser]  # about 50 s for both runs
DOSSIER = "Uw medisch dossier / your medical file"

READY = "demo ready"
START_TIMEOUT = 240.0  # first run: mail stack, relay, key generation, two secure sends
LINK = re.compile(r"(http://127\.0\.0\.1:\d+/m/[0-9a-f]{32}/[0-9a-f]{32}#[A-Za-z0-9_-]{43})")


@dataclass
class DemoRun:
    process: subprocess.Popen[bytes]
    output: Path

    def text(self) -> str:
        return self.output.read_text(encoding="utf-8", errors="replace")


@pytest.fixture
def demo_dir() -> Iterator[Path]:
    require_programs("The mail stack", "/usr/sbin/dovecot", package="dovecot-imapd dovecot-lmtpd")
    # Not below pytest's tmp_path: that is closed to other users, and as root the mail services
    # run as their own user who must be able to enter the folder.
    folder = Path(tempfile.mkdtemp(prefix="zivverdesk-demo-test-", dir="/tmp"))
    folder.chmod(0o755)
    yield folder
    stop_leftovers(folder)
    shutil.rmtree(folder, ignore_errors=True)


def stop_leftovers(folder: Path) -> None:
    """After a run whose own clean-up did not happen (it was killed): stop the processes it
    listed and its mail services, so that a failed test leaves nothing running. The relay
    runs in a session of its own, which a kill of the demo's process group does not reach."""
    pids = folder / "pids"
    lines = pids.read_text().splitlines() if pids.exists() else []
    for line in lines:
        fields = line.split()
        if len(fields) < 2 or not fields[1].isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{fields[1]}/cmdline").read_bytes()
        except OSError:
            continue  # already gone
        if str(folder).encode() in cmdline:  # still the demo's process, not a reused PID
            os.kill(int(fields[1]), signal.SIGKILL)
    if (folder / "mail" / "etc" / "stack.env").exists():
        stop = REPO_ROOT / "scripts" / "mailstack" / "stop.sh"
        subprocess.run(["bash", str(stop), str(folder / "mail")], check=False, timeout=120)


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_demo(folder: Path, output: Path) -> DemoRun:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZIVVERDESK_")}
    env |= {"ZIVVERDESK_DEMO_DIR": str(folder), "ZIVVERDESK_DEMO_HEADLESS": "1"}
    # Output to a file, never a pipe: the mail daemons inherit it (see TESTING.md).
    with output.open("wb") as out:
        process = subprocess.Popen(
            ["bash", str(REPO_ROOT / "scripts" / "run-demo.sh")],
            cwd=REPO_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group, like a terminal's foreground job
            # Ctrl-C live, as in a terminal: a test run started in the background of a
            # non-interactive shell inherits SIGINT ignored, and bash cannot trap a signal
            # that was ignored when it started.
            preexec_fn=_default_sigint,
        )
    run = DemoRun(process, output)
    deadline = time.monotonic() + START_TIMEOUT
    while READY not in run.text():
        if process.poll() is not None or time.monotonic() > deadline:
            stop_demo(run)
            logs = "\n".join(
                f"--- {log.name}\n{tail(log, 30)}" for log in sorted(folder.glob("*.log"))
            )
            pytest.fail(f"the demo did not get ready:\n{run.text()}\n{logs}")
        time.sleep(0.2)
    return run


def stop_demo(run: DemoRun) -> int:
    """Ctrl-C in the terminal: SIGINT to the demo's whole process group."""
    if run.process.poll() is None:
        os.killpg(run.process.pid, signal.SIGINT)
    try:
        return run.process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(run.process.pid, signal.SIGKILL)
        run.process.wait()
        pytest.fail(f"the demo did not stop within 60 s after Ctrl-C:\n{run.text()}")


def pid_from(file: Path) -> int | None:
    try:
        return int(file.read_text().split()[0])
    except (FileNotFoundError, ValueError, IndexError):
        return None


def children(parents: set[int]) -> set[int]:
    """`parents` and every process below them."""
    found = set(parents)
    while True:
        more = set()
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (FileNotFoundError, ProcessLookupError, IndexError):
                continue
            if int(fields[1]) in found and int(stat.parent.name) not in found:
                more.add(int(stat.parent.name))
        if not more:
            return found
        found |= more


def started_processes(folder: Path) -> set[int]:
    """The relay, the Dovecot and Postfix masters (or the SMTP front end) and their children."""
    mail = Path((folder / "mailstack.path").read_text().strip())
    roots = {int(line.split()[1]) for line in (folder / "pids").read_text().splitlines()}
    for pidfile in (
        mail / "run" / "master.pid",
        mail / "postfix" / "spool" / "pid" / "master.pid",
        mail / "run" / "aiosmtpd.pid",
    ):
        pid = pid_from(pidfile)
        if pid is not None and Path(f"/proc/{pid}").exists():
            roots.add(pid)
    assert len(roots) >= 3, f"expected relay, IMAP and SMTP processes, found {roots}"
    return children(roots)


def alive(pids: set[int]) -> set[int]:
    return {pid for pid in pids if Path(f"/proc/{pid}").exists()}


def processes_naming(folder: Path) -> list[str]:
    """Command lines of running processes that mention the demo folder."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (FileNotFoundError, ProcessLookupError):
            continue
        if str(folder) in text:
            found.append(f"{cmdline.parent.name}: {text}")
    return found


def list_conversations(folder: Path) -> list[dict[str, object]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZIVVERDESK_")}
    env["ZIVVERDESK_INSECURE_FILE_KEYRING"] = "1"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "zivverdesk",
            "list",
            "--json",
            "--profile",
            str(folder / "profile"),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert isinstance(rows, list)
    return rows


def check_running_demo(run: DemoRun, folder: Path) -> tuple[str, list[dict[str, object]]]:
    ports = dict(line.split("=", 1) for line in (folder / "ports.env").read_text().splitlines())
    relay_url = f"http://127.0.0.1:{ports['HTTP_PORT']}"
    assert relay_url in run.text()
    assert httpx.get(f"{relay_url}/healthz", timeout=10).status_code == 200

    links = LINK.findall(run.text())
    assert len(links) == 1, run.text()
    assert links[0].startswith(relay_url + "/m/")
    # The recipient page the link points to is served (the secret stays in the fragment).
    page = httpx.get(links[0].split("#", 1)[0], timeout=10)
    assert page.status_code == 200 and "<html" in page.text.lower()

    rows = list_conversations(folder)
    secure = sorted(str(r["subject"]) for r in rows if r["kind"] == "secure")
    plain = sorted(str(r["subject"]) for r in rows if r["kind"] != "secure")
    assert secure == ["Afspraak keuring / appointment", DOSSIER]
    assert "Dossiers deze week / files this week" in plain
    assert "Rooster volgende week" in plain
    return links[0], rows


def envelope(rows: list[dict[str, object]], subject: str) -> object:
    return next(r["envelope"] for r in rows if r["subject"] == subject)


def open_as_recipient(page: Page, link: str, code: str) -> None:
    """What the demo tells a person to do: open the link, type the access code."""
    page.goto(link)
    page.fill("#access-code", code)
    page.click("#open")
    article = page.locator("#thread article").first
    expect(article.locator("h2")).to_have_text(DOSSIER, timeout=30_000)
    expect(article.locator(".attachment-name")).to_have_text("behandelplan.txt")


def test_demo_runs_headless_twice_and_leaves_nothing_behind(
    demo_dir: Path, tmp_path: Path, page: Page
) -> None:
    first = start_demo(demo_dir, tmp_path / "first.out")
    try:
        link, rows = check_running_demo(first, demo_dir)
        assert envelope(rows, DOSSIER) == "closed"
        code = re.search(r"access code \(Verzekeraar Voorbeeld\): (\d{8})", first.text())
        assert code, first.text()
        open_as_recipient(page, link, code.group(1))
        started = started_processes(demo_dir)
    finally:
        status = stop_demo(first)
    assert status == 130, first.text()  # the shell's answer to Ctrl-C, after its clean-up
    assert "demo stopped" in first.text()
    assert alive(started) == set(), f"left running: {alive(started)}"
    assert processes_naming(demo_dir) == []

    # Second run: same ports, same profile, nothing seeded twice.
    second = start_demo(demo_dir, tmp_path / "second.out")
    try:
        again_link, again_rows = check_running_demo(second, demo_dir)
        assert again_link == link
        assert code.group(1) in second.text()
        assert sorted(str(r["id"]) for r in again_rows) == sorted(str(r["id"]) for r in rows)
        # The start-up sync fetched the relay's events: the patient opened the message.
        assert envelope(again_rows, DOSSIER) == "open"
        started = started_processes(demo_dir)
    finally:
        status = stop_demo(second)
    assert status == 130, second.text()
    assert alive(started) == set(), f"left running: {alive(started)}"
    assert processes_naming(demo_dir) == []
