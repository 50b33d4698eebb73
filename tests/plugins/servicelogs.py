"""Logs of the real services, attached to the report of every failing test that used them.

A fixture that starts a service registers its log files under its own fixture name with
`register_logs(request.config, "mailstack", {...})`; a failing test whose fixture closure holds
that name gets the tails of those logs as extra report sections.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from pathlib import Path

import pytest

from tests.plugins.availability import tail

_LOGS = pytest.StashKey[dict[str, dict[str, Path]]]()


def register_logs(config: pytest.Config, fixture_name: str, logs: Mapping[str, Path]) -> None:
    config.stash.setdefault(_LOGS, {})[fixture_name] = dict(logs)


def unregister_logs(config: pytest.Config, fixture_name: str) -> None:
    config.stash.setdefault(_LOGS, {}).pop(fixture_name, None)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.failed:
        used = set(getattr(item, "fixturenames", ()))
        for fixture_name, logs in item.config.stash.get(_LOGS, {}).items():
            if fixture_name not in used:
                continue
            for label, path in logs.items():
                report.sections.append((f"{fixture_name}: {label} ({path})", tail(path)))
    return report
