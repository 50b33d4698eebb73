"""A throw-away PostgreSQL cluster for tests, started by scripts/postgres/start.sh."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.plugins.availability import REPO_ROOT, tail

SCRIPTS = REPO_ROOT / "scripts" / "postgres"


class PostgresError(RuntimeError):
    """The cluster did not start or stop; the message carries the server log."""


class PostgresCluster:
    """A running cluster; `url` points at its `postgres` database as the superuser."""

    def __init__(self, base_dir: Path) -> None:
        self.base_dir = base_dir
        env = dict(
            line.split("=", 1)
            for line in (base_dir / "cluster.env").read_text(encoding="utf-8").splitlines()
            if line
        )
        self.url = env["DATABASE_URL"]
        self.port = int(env["PGPORT"])
        self.log_file = base_dir / "postgres.log"

    @classmethod
    def start(cls) -> PostgresCluster:
        base_dir = Path(tempfile.mkdtemp(prefix="zivverdesk-postgres-"))
        _run_script("start.sh", base_dir)
        return cls(base_dir)

    def database_url(self, name: str) -> str:
        return self.url.rsplit("/", 1)[0] + "/" + name

    def create_database(self) -> str:
        """Creates an empty database with a fresh name and returns its URL."""
        import psycopg  # imported here: only PostgreSQL tests need the driver

        name = f"test_{secrets.token_hex(6)}"
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')  # name is ours: hex only
        return self.database_url(name)

    def drop_database(self, url: str) -> None:
        import psycopg

        name = url.rsplit("/", 1)[1]
        with psycopg.connect(self.url, autocommit=True) as conn:
            # FORCE: a test that leaked a connection must not block the next one.
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        _run_script("stop.sh", self.base_dir)
        shutil.rmtree(self.base_dir)


def _run_script(script: str, base_dir: Path) -> None:
    out_file = base_dir.parent / f"{base_dir.name}.{script}.out"
    try:
        # pg_ctl's postmaster inherits stdout: write to a file, never a pipe.
        with out_file.open("wb") as out:
            result = subprocess.run(
                ["bash", str(SCRIPTS / script), str(base_dir)],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                # OWNER_PID: the cluster stops itself should this test run be killed.
                env={**os.environ, "PYTHON": sys.executable, "OWNER_PID": str(os.getpid())},
                timeout=120,
                check=False,
            )
        if result.returncode != 0:
            raise PostgresError(
                f"scripts/postgres/{script} failed with exit code {result.returncode}:\n"
                f"{tail(out_file, 30)}\n--- postgres.log\n{tail(base_dir / 'postgres.log', 30)}"
            )
    finally:
        out_file.unlink(missing_ok=True)
