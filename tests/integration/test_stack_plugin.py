"""The service plugin's own promises, checked in a separate pytest run: logs of the services a
failing test used show up in its report, and a missing service fails under CI=true."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.plugins.availability import REPO_ROOT

CONFTEST = """
import pytest
from tests.plugins.availability import service_unavailable
from tests.plugins.servicelogs import register_logs

@pytest.fixture(scope="session")
def fakeserver(request, tmp_path_factory):
    log = tmp_path_factory.mktemp("srv") / "server.log"
    log.write_text("starting\\nSERVER SAID: disk on fire\\n")
    register_logs(request.config, "fakeserver", {"server": log})
    yield

@pytest.fixture(scope="session")
def absent():
    service_unavailable("the frobnicator is not installed")
"""

TESTS = """
def test_uses_server_and_fails(fakeserver):
    assert False

def test_uses_server_and_passes(fakeserver):
    pass

def test_fails_without_server():
    assert False

def test_needs_absent_service(absent):
    pass
"""


def run_pytest(tmp_path: Path, *, ci: bool) -> str:
    (tmp_path / "conftest.py").write_text(CONFTEST, encoding="utf-8")
    (tmp_path / "test_sample.py").write_text(TESTS, encoding="utf-8")
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["PYTHONPATH"] = str(REPO_ROOT)
    # Only our plugin: the installed ones (Qt, Hypothesis, …) would just slow the run down.
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    if ci:
        env["CI"] = "true"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "tests.plugins.servicelogs",
            "-p",
            "no:cacheprovider",
            "-rs",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    return result.stdout


def test_failing_test_reports_the_logs_of_the_services_it_used(tmp_path: Path) -> None:
    out = run_pytest(tmp_path, ci=False)
    # Only the failing test that used the server carries its log, and it carries it once.
    assert out.count("SERVER SAID: disk on fire") == 1
    assert "fakeserver: server" in out
    assert "2 failed, 1 passed, 1 skipped" in out
    assert "the frobnicator is not installed" in out


def test_under_ci_a_missing_service_fails_instead_of_skipping(tmp_path: Path) -> None:
    out = run_pytest(tmp_path, ci=True)
    assert "skipped" not in out
    assert "2 failed, 1 passed, 1 error" in out
    assert "CI=true: a missing service fails the run" in out


@pytest.mark.parametrize("value", ["true", "1", "yes"])
def test_ci_spellings_count_as_ci(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.plugins.availability import running_in_ci

    monkeypatch.setenv("CI", value)
    assert running_in_ci()
    monkeypatch.setenv("CI", "")
    assert not running_in_ci()
