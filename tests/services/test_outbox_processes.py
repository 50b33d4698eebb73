"""One outbox job runs in one process at a time: the command line beside the open desktop app
(or the app started twice) must not run a job's step in flight a second time, and a process
that dies while it runs a job must not keep the job from running.

The job is a real queued mail, sent by real processes on one profile to a small SMTP server
at a loopback port. The server holds the first session at MAIL FROM until the test lets it
go, so the first process is inside the job's step (holding the job) while the second one
runs; what each process did is read from what the server received."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, Session

from tests.plugins.services import free_port
from tests.services import second_process
from zivverdesk.core.secret import Secret
from zivverdesk.services import plain_send
from zivverdesk.services.profile import Profile

REPO = Path(__file__).resolve().parents[2]
#: Long enough never to be reached on a working run; a hang becomes a failure instead.
TIMEOUT = 30.0
#: How long a process that should be waiting is watched for doing something else instead.
STILL_WAITING = 0.5


class HoldingGateway:
    """An SMTP server that counts sessions and delivered mails, and holds the first session
    at MAIL FROM until `let_go` is set."""

    def __init__(self) -> None:
        self.mail_from_count = 0
        self.delivered: list[bytes] = []
        self.first_held = threading.Event()
        self.second_session = threading.Event()
        self.let_go = threading.Event()

    async def handle_MAIL(
        self, server: Any, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        self.mail_from_count += 1  # handlers run on the server's one event loop
        if self.mail_from_count == 1:
            self.first_held.set()
            await asyncio.get_running_loop().run_in_executor(None, self.let_go.wait, TIMEOUT)
        else:
            self.second_session.set()
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Session, envelope: Envelope) -> str:
        content = envelope.content or b""
        assert isinstance(content, bytes)  # decode_data is off
        self.delivered.append(content)
        return "250 OK"


@pytest.fixture
def gateway() -> Iterator[tuple[HoldingGateway, int]]:
    handler = HoldingGateway()
    port = free_port()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        authenticator=lambda *args: AuthResult(success=True),
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield handler, port
    finally:
        handler.let_go.set()  # a held session must not keep the server from stopping
        controller.stop()


@pytest.fixture
def queued_mail(profile_dir: Path, gateway: tuple[HoldingGateway, int]) -> str:
    """A plain mail queued in the profile's outbox, for the gateway; the job's id. The
    profile is closed again: only the processes under test have it open."""
    _, port = gateway
    with Profile.open(profile_dir) as profile:
        account = profile.store.accounts.add(
            email="secretariaat@praktijk.test",
            auth_kind="password",
            username="secretariaat",
            imap_host="127.0.0.1",
            imap_port=1,
            imap_security="none",
            smtp_host="127.0.0.1",
            smtp_port=port,
            smtp_security="none",
        )
        profile.vault.set_mail_password(account.id, Secret("wachtwoord"))
        _, job_id = plain_send.queue_plain(
            profile,
            to=["patient@example.test"],
            subject="Uitslag",
            body="inhoud",
            attachments=[],
        )
    return job_id


class Runner:
    """A process running the outbox of the profile (see `second_process`). Its stdout is
    read through one buffered reader only (never also by `communicate`, which would miss
    what the reader buffered); its stderr goes to a file, so no pipe can fill up."""

    def __init__(self, log_dir: Path, *args: str) -> None:
        log_dir.mkdir(parents=True, exist_ok=True)
        self.stderr_file = log_dir / f"runner-{len(list(log_dir.iterdir()))}.err"
        with self.stderr_file.open("wb") as stderr:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.services.second_process", *args],
                cwd=REPO,
                env=dict(os.environ),
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
            )
        assert self.process.stdout is not None
        self._stdout = self.process.stdout

    def wait_until_started(self) -> None:
        line = self._stdout.readline().strip()
        assert line == second_process.STARTED, f"{line!r}; stderr: {self._stderr()}"

    def jobs(self) -> dict[str, str]:
        """The states the process reported for the jobs it saw, once it has ended."""
        out = self._stdout.read()  # to the end: the process has ended or is ending
        self.process.wait(TIMEOUT)
        assert self.process.returncode == 0, self._stderr()
        lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
        return {job["id"]: job["status"] for job in lines}

    def running(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        if self.running():
            self.process.kill()
        self.process.wait(TIMEOUT)

    def close(self) -> None:
        self.kill()
        self._stdout.close()

    def _stderr(self) -> str:
        self.kill()
        return self.stderr_file.read_text(encoding="utf-8", errors="replace")


StartRunner = Callable[..., Runner]


@pytest.fixture
def start_runner(tmp_path: Path) -> Iterator[StartRunner]:
    """Starts a runner process and waits until it has the profile open; every process
    started is killed (if still running) at the end of the test."""
    started: list[Runner] = []

    def start(*args: str) -> Runner:
        runner = Runner(tmp_path / "runners", *args)
        started.append(runner)
        runner.wait_until_started()
        return runner

    yield start
    for runner in started:
        runner.close()


def _job_status(profile_dir: Path, job_id: str) -> str:
    with Profile.open(profile_dir) as profile:
        return profile.store.outbox.job(job_id).status


def test_a_sync_in_a_second_process_skips_the_job_the_first_is_sending(
    profile_dir: Path,
    queued_mail: str,
    gateway: tuple[HoldingGateway, int],
    start_runner: StartRunner,
) -> None:
    server, _ = gateway
    first = start_runner("run-due", str(profile_dir))
    assert server.first_held.wait(TIMEOUT), "the first process never reached the SMTP server"

    second = start_runner("run-due", str(profile_dir))
    # The first process is still inside the send: the second one must leave the job alone.
    assert second.jobs() == {queued_mail: "queued"}
    assert not server.second_session.is_set()

    server.let_go.set()
    assert first.jobs() == {queued_mail: "done"}
    assert len(server.delivered) == 1
    assert server.mail_from_count == 1
    assert _job_status(profile_dir, queued_mail) == "done"


def test_run_job_in_a_second_process_waits_and_finds_the_mail_sent(
    profile_dir: Path,
    queued_mail: str,
    gateway: tuple[HoldingGateway, int],
    start_runner: StartRunner,
) -> None:
    server, _ = gateway
    first = start_runner("run-due", str(profile_dir))
    assert server.first_held.wait(TIMEOUT), "the first process never reached the SMTP server"

    second = start_runner("run-job", str(profile_dir), queued_mail)
    # It waits for the first process: it neither ends nor opens a session of its own.
    assert not server.second_session.wait(STILL_WAITING)
    assert second.running(), "run_job(wait=True) did not wait for the other process"

    server.let_go.set()
    assert first.jobs() == {queued_mail: "done"}
    # After the wait it reads what the first process recorded, and sends nothing again.
    assert second.jobs() == {queued_mail: "done"}
    assert len(server.delivered) == 1
    assert server.mail_from_count == 1


def test_a_process_killed_while_sending_does_not_keep_the_job_from_running(
    profile_dir: Path,
    queued_mail: str,
    gateway: tuple[HoldingGateway, int],
    start_runner: StartRunner,
) -> None:
    server, _ = gateway
    first = start_runner("run-due", str(profile_dir))
    assert server.first_held.wait(TIMEOUT), "the first process never reached the SMTP server"
    with Profile.open(profile_dir) as profile:
        lock_file = profile.running_jobs.lock_file(queued_mail)
    first.kill()  # as a power cut or the task manager would, mid-send
    server.let_go.set()
    assert lock_file.exists()  # left behind on disk by the dead process

    after = start_runner("run-due", str(profile_dir))
    assert after.jobs() == {queued_mail: "done"}
    # The killed process never got to DATA: the one mail is the second process's.
    assert len(server.delivered) == 1
    assert server.mail_from_count == 2
    assert not lock_file.exists()  # a job done for good leaves no lock file
