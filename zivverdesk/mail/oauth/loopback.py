"""The one-shot listener on 127.0.0.1 that receives the browser's sign-in answer.

RFC 8252 (OAuth for native apps): the app listens on a free loopback port, the provider
redirects the browser there with `code` and `state` (as a query, or as a form POST). The
listener answers with a short page in Dutch and English, then stops.
"""

from __future__ import annotations

import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

_DONE_PAGE = (
    b"<!doctype html><html lang='nl'><meta charset='utf-8'><title>zivverdesk</title>"
    b"<body style='font-family:sans-serif'><p>U bent aangemeld. U kunt dit venster sluiten en "
    b"terugkeren naar zivverdesk.</p><p lang='en'>You are signed in. You can close this window "
    b"and return to zivverdesk.</p></body></html>"
)


class LoopbackReceiver:
    """Usage: `with LoopbackReceiver() as rx: open(url with rx.redirect_uri); rx.wait(t)`."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self._params: dict[str, str] | None = None
        self._arrived = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                """The query holds the authorization code: never log it."""

            def do_GET(self) -> None:
                query = urllib.parse.urlsplit(self.path).query
                self._answer(dict(urllib.parse.parse_qsl(query)))

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8", "replace")
                self._answer(dict(urllib.parse.parse_qsl(body)))

            def _answer(self, params: dict[str, str]) -> None:
                if not ({"code", "error"} & params.keys()):
                    self.send_response(404)  # favicon and other stray requests
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(_DONE_PAGE)))
                self.end_headers()
                self.wfile.write(_DONE_PAGE)
                receiver._deliver(params)

        self._server = HTTPServer((host, 0), Handler)
        self._server.timeout = 0.5
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def redirect_uri(self) -> str:
        # "localhost" rather than the address: Google and Entra accept any port on it.
        return f"http://localhost:{self._server.server_address[1]}/"

    def __enter__(self) -> LoopbackReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _deliver(self, params: dict[str, str]) -> None:
        if not self._arrived.is_set():
            self._params = params
            self._arrived.set()

    def wait(self, timeout: float | None) -> dict[str, str] | None:
        """The redirect's parameters, or None if the user did not finish in time."""
        if not self._arrived.wait(timeout):
            return None
        return self._params
