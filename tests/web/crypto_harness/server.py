"""Loopback HTTP server for the browser crypto tests: static modules, vectors, big files, a sink.

Serves `resources/web` under /web/, this harness under /harness/, `tests/vectors` under
/vectors/, registered files under /files/<name> (sent with sendfile so the server is not the
bottleneck of the download benchmark), and hashes POST bodies under /sink/<name> so the page can
hand back plaintext of any size without keeping it.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
STATIC_ROOTS = {
    "web": REPO / "resources" / "web",
    "harness": Path(__file__).resolve().parent,
    "vectors": REPO / "tests" / "vectors",
}
CONTENT_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".json": "application/json",
}
# Same policy as the relay's pages: modules from our own origin only, no inline script.
CSP = "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'"


@dataclass
class Sink:
    """The running SHA-256 and length of everything POSTed to one sink name, and optionally
    the bytes themselves appended to a file (for ciphertext made in the page)."""

    path: Path | None = None
    digest: hashlib._Hash = field(default_factory=hashlib.sha256)
    size: int = 0
    posts: int = 0

    def add(self, chunk: bytes) -> None:
        self.digest.update(chunk)
        self.size += len(chunk)
        if self.path is not None:
            with self.path.open("ab") as f:
                f.write(chunk)


class HarnessServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.files: dict[str, Path] = {}
        self.sinks: dict[str, Sink] = {}
        self.lock = threading.Lock()
        self._thread = threading.Thread(
            target=self.serve_forever, name="crypto-harness", daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> HarnessServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        self._thread.join(5)

    def add_file(self, name: str, path: Path) -> str:
        """Serve `path` at /files/<name>; returns its URL."""
        self.files[name] = path
        return f"{self.base_url}/files/{name}"

    def new_sink(self, name: str, path: Path | None = None) -> str:
        """A fresh sink at /sink/<name>; with `path`, the bytes are also written there."""
        if path is not None:
            path.write_bytes(b"")
        with self.lock:
            self.sinks[name] = Sink(path=path)
        return f"{self.base_url}/sink/{name}"


class _Handler(BaseHTTPRequestHandler):
    server: HarnessServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep test output readable; failures show up as HTTP status codes in the page

    def _send_headers(self, status: int, content_type: str, length: int) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(length))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Security-Policy", CSP)
        self.end_headers()

    def _not_found(self) -> None:
        body = b"not found"
        self._send_headers(404, "text/plain", len(body))
        self.wfile.write(body)

    def do_GET(self) -> None:
        parts = self.path.split("?", 1)[0].lstrip("/").split("/", 1)
        if len(parts) != 2:
            return self._not_found()
        area, rest = parts
        if area == "files":
            path = self.server.files.get(rest)
        elif area in STATIC_ROOTS:
            root = STATIC_ROOTS[area].resolve()
            path = (root / rest).resolve()
            if not path.is_relative_to(root):
                path = None
        else:
            path = None
        if path is None or not path.is_file():
            return self._not_found()
        size = path.stat().st_size
        self._send_headers(200, CONTENT_TYPES.get(path.suffix, "application/octet-stream"), size)
        with path.open("rb") as f:
            self.wfile.flush()
            self.connection.sendfile(f)

    def do_POST(self) -> None:
        parts = self.path.lstrip("/").split("/", 1)
        sink = self.server.sinks.get(parts[1]) if len(parts) == 2 and parts[0] == "sink" else None
        length = int(self.headers.get("Content-Length", "0"))
        remaining = length
        while remaining:
            chunk = self.rfile.read(min(remaining, 1 << 20))
            if not chunk:
                break
            remaining -= len(chunk)
            if sink is not None:
                # POSTs to one sink come one after another from the page, so order is kept.
                sink.add(chunk)
        if sink is None:
            return self._not_found()
        sink.posts += 1
        self._send_headers(200, "text/plain", 2)
        self.wfile.write(b"ok")
