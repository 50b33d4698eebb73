"""Debian's Chromium through Playwright: a loopback page loads and its script runs."""

from __future__ import annotations

import hashlib
import http.server
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

PAGE = """<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>Klik voor bericht</title></head>
<body><p id="out">niet gestart</p>
<script>
  async function digest(text) {
    const bytes = new TextEncoder().encode(text);
    const hash = await crypto.subtle.digest("SHA-256", bytes);
    return Array.from(new Uint8Array(hash), (b) => b.toString(16).padStart(2, "0")).join("");
  }
  document.getElementById("out").textContent = "script draait";
  window.digest = digest;
</script></body></html>
"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # keep pytest output clean
        return


@pytest.fixture
def loopback_site(tmp_path: Path) -> Iterator[str]:
    (tmp_path / "index.html").write_text(PAGE, encoding="utf-8")
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(_QuietHandler, directory=str(tmp_path))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_loopback_page_runs_its_script_in_a_secure_context(page: Page, loopback_site: str) -> None:
    page.goto(loopback_site)
    assert page.title() == "Klik voor bericht"
    assert page.text_content("#out") == "script draait"
    # Loopback http counts as a secure context, so WebCrypto is there for the recipient page.
    assert page.evaluate("window.isSecureContext") is True
    digest = page.evaluate("window.digest('zivverdesk')")
    assert digest == hashlib.sha256(b"zivverdesk").hexdigest()


def test_browser_contexts_do_not_share_storage(browser: Browser, loopback_site: str) -> None:
    first, second = browser.new_context(), browser.new_context()
    try:
        writer = first.new_page()
        writer.goto(loopback_site)
        writer.evaluate("localStorage.setItem('conversation', 'geheim')")
        reader = second.new_page()
        reader.goto(loopback_site)
        assert reader.evaluate("localStorage.getItem('conversation')") is None
        assert writer.evaluate("localStorage.getItem('conversation')") == "geheim"
    finally:
        first.close()
        second.close()
