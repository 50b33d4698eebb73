"""A real mail stack for tests: Dovecot plus Postfix (or the aiosmtpd front end), on loopback.

The work is done by scripts/mailstack/*.sh so that the demo (`make run`) starts the very same
stack; this module runs those scripts, reads the ports they chose and hands out accounts.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.plugins.availability import REPO_ROOT, tail

SCRIPTS = REPO_ROOT / "scripts" / "mailstack"
# Overrides the SMTP side: "postfix" (default as root) or "aiosmtpd" (default otherwise).
SMTP_MODE_ENV = "ZIVVERDESK_TEST_SMTP"
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,40}$")


class MailStackError(RuntimeError):
    """A mail stack script failed; the message carries its output and the service logs."""


@dataclass(frozen=True, kw_only=True)
class MailAccount:
    """A fresh mailbox on the test stack and how to reach it (IMAP and SMTP submission)."""

    email: str
    username: str
    password: str
    imap_host: str
    imap_port: int
    imaps_port: int
    smtp_host: str
    smtp_port: int
    ca_file: Path


class MailStack:
    """A running stack below `base_dir`. Start with `MailStack.start`, end with `stop`."""

    host = "127.0.0.1"

    def __init__(self, base_dir: Path) -> None:
        self.base_dir = base_dir
        env = _read_env(base_dir / "etc" / "stack.env")
        self.domain = env["MAIL_DOMAIN"]
        self.imap_port = int(env["IMAP_PORT"])
        self.imaps_port = int(env["IMAPS_PORT"])
        self.lmtp_port = int(env["LMTP_PORT"])
        self.smtp_port = int(env["SUBMIT_PORT"])
        self.smtp_relay_port = int(env["RELAY_PORT"])
        self.smtp_mode = env["SMTP_MODE"]
        self.ca_file = Path(env["CA_FILE"])
        self._smtp_running = True

    @classmethod
    def start(cls, *, smtp_mode: str | None = None) -> MailStack:
        # Not below pytest's tmp_path: that is mode 0700 and the stack's user could not enter.
        base_dir = Path(tempfile.mkdtemp(prefix="zivverdesk-mailstack-"))
        # OWNER_PID: the stack stops itself should this test run be killed before teardown.
        env = {**os.environ, "PYTHON": sys.executable, "OWNER_PID": str(os.getpid())}
        mode = smtp_mode or os.environ.get(SMTP_MODE_ENV)
        if mode:
            env["SMTP_MODE"] = mode
        try:
            _run_script("start.sh", base_dir, env=env)
        except MailStackError:
            # Whatever did start must not outlive the failed attempt.
            if (base_dir / "etc" / "stack.env").exists():
                _run_script("stop.sh", base_dir, check=False)
            raise
        return cls(base_dir)

    @property
    def log_files(self) -> dict[str, Path]:
        logs = {"dovecot": self.base_dir / "log" / "dovecot.log"}
        if self.smtp_mode == "postfix":
            logs["postfix"] = self.base_dir / "log" / "postfix.log"
        else:
            logs["aiosmtpd"] = self.base_dir / "log" / "aiosmtpd.log"
        return logs

    def add_account(self, name: str) -> MailAccount:
        """A fresh, uniquely named mailbox whose name starts with `name`."""
        if not _NAME.match(name):
            raise ValueError(f"account name {name!r}: use lower-case letters, digits, . _ -")
        username = f"{name}-{secrets.token_hex(4)}"
        password = secrets.token_urlsafe(12)
        _run_script("add-user.sh", self.base_dir, username, password)
        return MailAccount(
            email=f"{username}@{self.domain}",
            username=username,
            password=password,
            imap_host=self.host,
            imap_port=self.imap_port,
            imaps_port=self.imaps_port,
            smtp_host=self.host,
            smtp_port=self.smtp_port,
            ca_file=self.ca_file,
        )

    def stop_smtp(self) -> None:
        """Stops the SMTP side (both ports refuse connections) until `start_smtp`."""
        _run_script("stop-smtp.sh", self.base_dir)
        self._smtp_running = False

    def start_smtp(self) -> None:
        """Starts the SMTP side again on the same ports; does nothing if it runs."""
        if not self._smtp_running:
            _run_script("start-smtp.sh", self.base_dir)
            self._smtp_running = True

    @contextmanager
    def smtp_outage(self) -> Iterator[None]:
        """SMTP is down inside the block and up again after it, even when the block fails."""
        self.stop_smtp()
        try:
            yield
        finally:
            self.start_smtp()

    def stop(self, *, remove: bool = True) -> None:
        _run_script("stop.sh", self.base_dir)
        if remove:
            shutil.rmtree(self.base_dir)


def _read_env(file: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in file.read_text(encoding="utf-8").splitlines() if line)
    return {key: value for key, value in pairs}


def _run_script(
    script: str, base_dir: Path, *args: str, env: dict[str, str] | None = None, check: bool = True
) -> None:
    # The start scripts leave daemons behind that inherit stdout/stderr: a pipe would never
    # reach EOF, so the output goes to a file.
    out_file = base_dir / f"{script}.out"
    with out_file.open("ab") as out:
        result = subprocess.run(
            ["bash", str(SCRIPTS / script), str(base_dir), *args],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            timeout=120,
            check=False,
        )
    if check and result.returncode != 0:
        logs = "\n".join(
            f"--- {log.name}\n{tail(log, 30)}" for log in sorted((base_dir / "log").glob("*.log"))
        )
        raise MailStackError(
            f"scripts/mailstack/{script} failed with exit code {result.returncode}:\n"
            f"{tail(out_file, 30)}\n{logs}"
        )
