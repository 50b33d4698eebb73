"""What a test does when a real service it needs cannot be had: fail in CI, skip elsewhere."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import NoReturn

import pytest

# Repository root: the service scripts live in scripts/ below it.
REPO_ROOT = Path(__file__).resolve().parents[2]


def running_in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def service_unavailable(reason: str) -> NoReturn:
    """In CI a missing service is a failure, never a skip; on a workstation it may skip."""
    if running_in_ci():
        pytest.fail(f"{reason} (CI=true: a missing service fails the run)", pytrace=False)
    pytest.skip(reason)


def require_programs(service: str, *programs: str, package: str) -> None:
    """Stops the test (see `service_unavailable`) when one of `programs` is not installed."""
    missing = [p for p in programs if not (shutil.which(p) or Path(p).is_file())]
    if missing:
        service_unavailable(
            f"{service} is not installed (missing {', '.join(missing)}); "
            f"run `apt-get install {package}` or `make test` as root"
        )


def tail(path: Path, lines: int = 60) -> str:
    """The last lines of a log file, or a note that it does not exist (yet)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return f"({path.name} does not exist)"
    return "\n".join(text.splitlines()[-lines:])
