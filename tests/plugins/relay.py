"""Fixtures that run the relay as a real process: `zivverdesk relay serve` on 127.0.0.1 and a
free port, in a throw-away data folder, on SQLite or on a given PostgreSQL database.

- `relay_factory(database=None, settings=None)` starts a relay and returns a `RelayProcess`
  (`.url`, `.data_dir`, `.admin(*args)`, `.enroll(email, name)`, `.enroll_device(...)`,
  `.stop()`, `.kill()`, `.restart()`); every relay it started is stopped after the test.
- `relay_server`: one relay on SQLite shared by a whole test session (use fresh users).
"""

from __future__ import annotations

import base64
import json
import os
import signal
import ssl
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from tests.plugins.availability import tail
from tests.plugins.servicelogs import register_logs, unregister_logs
from tests.plugins.services import free_port

START_TIMEOUT = 30.0


@dataclass
class EnrolledDevice:
    token: str
    user: dict[str, Any]
    key_id: str
    private_key: X25519PrivateKey

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    @property
    def public_key(self) -> bytes:
        return self.private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


class RelayStartError(RuntimeError):
    pass


class PortTaken(RelayStartError):
    """Another process took the port between `free_port()` and the relay's bind."""


def toml_text(settings: Mapping[str, Any]) -> str:
    """A TOML document for flat keys and one level of tables (what relay settings use)."""

    def value(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, (int, float)):
            return str(v)
        if isinstance(v, (list, tuple)):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return json.dumps(str(v))

    top = [f"{k} = {value(v)}" for k, v in settings.items() if not isinstance(v, Mapping)]
    tables = [
        f"\n[{k}]\n" + "\n".join(f"{sk} = {value(sv)}" for sk, sv in v.items())
        for k, v in settings.items()
        if isinstance(v, Mapping)
    ]
    return "\n".join(top) + "\n" + "\n".join(tables) + "\n"


class RelayProcess:
    def __init__(
        self,
        data_dir: Path,
        *,
        database: str | None = None,
        settings: Mapping[str, Any] | None = None,
        port: int | None = None,
        serve_args: Sequence[str] = (),
    ) -> None:
        self.data_dir = data_dir
        self.database = database
        self._auto_port = port is None
        self.port = port or free_port()
        self.tls = "--tls-cert" in serve_args
        # What clients check the relay's certificate with: its own (self-signed) one.
        self.verify: ssl.SSLContext | bool = (
            ssl.create_default_context(cafile=serve_args[serve_args.index("--tls-cert") + 1])
            if self.tls
            else True
        )
        self.url = f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"
        self.log_file = data_dir.parent / f"{data_dir.name}.log"
        self.config_file: Path | None = None
        if settings:
            self.config_file = data_dir.parent / f"{data_dir.name}.toml"
            self.config_file.write_text(toml_text(settings), encoding="utf-8")
        self.serve_args = list(serve_args)  # e.g. ["--workers", "2"]
        self.process: subprocess.Popen[bytes] | None = None
        self._db: Any = None

    def _base_args(self) -> list[str]:
        args = ["--data", str(self.data_dir)]
        if self.database:
            args += ["--database", self.database]
        if self.config_file:
            args += ["--config", str(self.config_file)]
        return args

    @staticmethod
    def _env() -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ZIVVERDESK_RELAY_")}
        env["PYTHONUNBUFFERED"] = "1"
        return env

    def start(self) -> RelayProcess:
        for attempt in range(3):
            try:
                return self._start_once()
            except PortTaken:
                if not self._auto_port or attempt == 2:
                    raise
                self.port = free_port()
                self.url = f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"
        raise AssertionError("unreachable")

    def _start_once(self) -> RelayProcess:
        cmd = [
            sys.executable,
            "-m",
            "zivverdesk",
            "relay",
            "serve",
            *self._base_args(),
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            *self.serve_args,
        ]
        log = self.log_file.open("ab")
        try:
            self.process = subprocess.Popen(
                cmd, stdout=log, stderr=subprocess.STDOUT, env=self._env()
            )
        finally:
            log.close()
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RelayStartError(
                    f"the relay exited with {self.process.returncode}:\n{tail(self.log_file)}"
                )
            try:
                health = httpx.get(f"{self.url}/healthz", timeout=1, verify=self.verify)
                if health.status_code == 200:
                    if not self._owns_port():
                        # free_port() only reserved the number: another server started in
                        # between took it, and answered our health check.
                        self.kill()
                        raise PortTaken(f"port {self.port} was taken by another process")
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        self.kill()
        raise RelayStartError(f"the relay did not answer /healthz:\n{tail(self.log_file)}")

    def _owns_port(self) -> bool:
        """Whether the listening socket on our port belongs to our relay (or its workers)."""
        assert self.process is not None
        root = psutil.Process(self.process.pid)
        for proc in [root, *root.children(recursive=True)]:
            try:
                connections = proc.net_connections(kind="inet")
            except psutil.Error:
                continue
            for conn in connections:
                if (
                    conn.status == psutil.CONN_LISTEN
                    and conn.laddr
                    and conn.laddr.port == self.port
                ):
                    return True
        return False

    def admin(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = [sys.executable, "-m", "zivverdesk", "relay", "admin", *self._base_args(), *args]
        result = subprocess.run(
            cmd, capture_output=True, text=True, env=self._env(), timeout=60, check=False
        )
        if check and result.returncode != 0:
            raise AssertionError(f"relay admin {args} failed: {result.stderr}")
        return result

    def enrollment_code(self, email: str, name: str = "") -> str:
        """What `relay admin add-user` does, done in this process on the relay's own
        database (starting the admin command costs a second per user)."""
        from zivverdesk.relay import accounts
        from zivverdesk.relay.db.engine import Database

        if self._db is None:
            self._db = Database(
                self.database or f"sqlite:///{self.data_dir / 'relay.sqlite3'}", pool_size=1
            )
        with self._db.write() as conn:
            _, code = accounts.add_user(conn, email, name or email, 3600)
        return code.reveal()

    def enroll_device(self, email: str, name: str = "", device: str = "test") -> EnrolledDevice:
        code = self.enrollment_code(email, name)
        key = X25519PrivateKey.generate()
        public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        response = httpx.post(
            f"{self.url}/api/v1/enroll",
            json={
                "code": code,
                "device_name": device,
                "public_key": base64.urlsafe_b64encode(public).rstrip(b"=").decode(),
            },
            timeout=10,
            verify=self.verify,
        )
        response.raise_for_status()
        body = response.json()
        return EnrolledDevice(body["token"], body["user"], body["key_id"], key)

    def enroll(self, email: str, name: str = "") -> tuple[str, dict[str, Any]]:
        device = self.enroll_device(email, name)
        return device.token, device.user

    def stop(self) -> None:
        if self._db is not None:
            self._db.dispose()
            self._db = None
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.process = None

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None

    def restart(self) -> RelayProcess:
        self.stop()
        return self.start()


RelayFactory = Callable[..., RelayProcess]


@pytest.fixture
def relay_factory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RelayFactory]:
    started: list[RelayProcess] = []

    def make(
        database: str | None = None,
        settings: Mapping[str, Any] | None = None,
        data_dir: Path | None = None,
        serve_args: Sequence[str] = (),
    ) -> RelayProcess:
        folder = data_dir or tmp_path / f"relay{len(started)}"
        relay = RelayProcess(folder, database=database, settings=settings, serve_args=serve_args)
        started.append(relay)
        logs = {f"relay {i}": r.log_file for i, r in enumerate(started)}
        register_logs(request.config, "relay_factory", logs)
        return relay.start()

    yield make
    for relay in started:
        relay.stop()
    unregister_logs(request.config, "relay_factory")


@pytest.fixture(scope="session")
def relay_server(request: pytest.FixtureRequest) -> Iterator[RelayProcess]:
    """One relay on SQLite for the whole session; tests make their own users and messages."""
    with tempfile.TemporaryDirectory(prefix="zv-relay-") as tmp:
        relay = RelayProcess(
            Path(tmp) / "data", settings={"office": {"name": "Testkantoor", "starter_slug": "test"}}
        )
        register_logs(request.config, "relay_server", {"relay": relay.log_file})
        relay.start()
        try:
            yield relay
        finally:
            relay.stop()
            unregister_logs(request.config, "relay_server")
