"""Fixtures for the browser crypto tests: the harness server and a page with the modules loaded.

The page comes from the shared `page` fixture (Debian's Chromium through Playwright) when
tests/plugins/services.py provides it, and from a local launcher with the same flags otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.plugins import services
from tests.web.crypto_harness.server import HarnessServer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def crypto_harness() -> Iterator[HarnessServer]:
    server = HarnessServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def _local_chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def harness_page(request: pytest.FixtureRequest, crypto_harness: HarnessServer) -> Iterator[Any]:
    """A page at the harness with `window.zvd` (the modules) and `window.zvdTest` loaded."""
    if hasattr(services, "page"):
        page = request.getfixturevalue("page")
        owned = None
    else:
        owned = request.getfixturevalue("_local_chromium").new_context()
        page = owned.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{crypto_harness.base_url}/harness/index.html")
    page.wait_for_function("document.body.dataset.ready === '1'", timeout=10_000)
    try:
        yield page
    finally:
        if owned is not None:
            owned.close()
    assert not errors, f"uncaught errors in the page: {errors}"
