"""Schemathesis against the relay's own OpenAPI document: generated requests (valid and
invalid, with and without a device token) never get a 5xx answer."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.core.result import Ok

from tests.plugins.relay import RelayFactory
from tests.relay.helpers import create_message, unique_email

EXAMPLES_PER_OPERATION = 12
TIME_BUDGET = 60.0


def test_no_server_errors(relay_factory: RelayFactory) -> None:
    relay = relay_factory(settings={"office": {"starter_slug": "fuzz"}})
    device = relay.enroll_device(unique_email("fuzz"), "Fuzz")
    create_message(relay, device)  # something to find for the few ids that hit
    schema = schemathesis.openapi.from_url(f"{relay.url}/api/openapi.json")
    operations: list[schemathesis.APIOperation[Any, Any, Any, Any]] = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), f"the relay's schema has a broken operation: {result.err()}"
        operations.append(result.ok())
    assert len(operations) >= 30
    failures: list[str] = []
    statuses: Counter[int] = Counter()
    began = time.monotonic()
    for operation in operations:
        fuzz_operation(operation, device.headers, TIME_BUDGET / len(operations), failures, statuses)
    elapsed = time.monotonic() - began
    assert not failures, "\n".join(failures[:20])
    assert elapsed < TIME_BUDGET + 15
    # The generated requests must reach the handlers, not only the validation layer.
    assert statuses[200] + statuses[201] > 0 and statuses[400] > 0 and statuses[404] > 0, statuses


def fuzz_operation(
    operation: schemathesis.APIOperation[Any, Any, Any, Any],
    headers: dict[str, str],
    budget: float,
    failures: list[str],
    statuses: Counter[int],
) -> None:
    started = time.monotonic()

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def check(case: schemathesis.Case[Any]) -> None:
        if time.monotonic() - started > budget:
            return  # this operation had its share of the time budget
        if case.query and "wait" in case.query:
            case.query["wait"] = 0  # a long-poll waiting 30 s is correct, only slow here
        response = case.call(headers=headers, timeout=10)
        statuses[response.status_code] += 1
        if response.status_code >= 500:
            failures.append(
                f"{case.method} {case.formatted_path} -> "
                f"{response.status_code}: {response.text[:200]}"
            )

    check()
