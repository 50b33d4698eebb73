"""Fixtures for the browser crypto tests: the harness server and a page with the modules loaded.

The page comes from the shared `page` fixture (Debian's Chromium through Playwright, see
tests/plugins/services.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.crypto_harness.server import HarnessServer


@pytest.fixture(scope="session")
def crypto_harness() -> Iterator[HarnessServer]:
    server = HarnessServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def harness_page(page: Any, crypto_harness: HarnessServer) -> Iterator[Any]:
    """A page at the harness with `window.zvd` (the modules) and `window.zvdTest` loaded."""
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{crypto_harness.base_url}/harness/index.html")
    page.wait_for_function("document.body.dataset.ready === '1'", timeout=10_000)
    yield page
    assert not errors, f"uncaught errors in the page: {errors}"
