"""Ending a relay client's calls from another thread, so that stopping the background sync
does not wait for the change feed's long-poll (which the relay holds up to 30 s).

httpx has no call for this, and closing a socket does not wake a thread blocked reading it
(on Linux). So the client's connection pool opens its sockets through `InterruptibleBackend`,
an httpcore network back end that keeps the streams it opened; `interrupt()` shuts them
down, which wakes a blocked read at once (it sees the end of the stream and the call fails
as a lost connection), and refuses every new connection from then on.
"""

from __future__ import annotations

import logging
import socket
import ssl
import threading
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

log = logging.getLogger(__name__)


class InterruptibleBackend(httpcore.NetworkBackend):
    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()
        self._lock = threading.Lock()
        self._streams: set[_TrackedStream] = set()
        self.interrupted = False

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        self._refuse_if_interrupted()
        stream = self._inner.connect_tcp(host, port, timeout, local_address, socket_options)
        return self.track(stream)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        self._refuse_if_interrupted()
        return self.track(self._inner.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)

    def _refuse_if_interrupted(self) -> None:
        if self.interrupted:
            raise httpcore.ConnectError("interrupted: the client is stopping")

    def track(self, stream: httpcore.NetworkStream) -> _TrackedStream:
        tracked = _TrackedStream(stream, self)
        with self._lock:
            late = self.interrupted
            if not late:
                self._streams.add(tracked)
        if late:  # interrupted while this connection was being opened
            _shut_down(stream)
        return tracked

    def forget(self, stream: _TrackedStream) -> None:
        with self._lock:
            self._streams.discard(stream)

    def interrupt(self) -> None:
        """Fail the calls running now and every later one; safe from any thread."""
        with self._lock:
            self.interrupted = True
            streams = list(self._streams)
        for stream in streams:
            _shut_down(stream.inner)


class _TrackedStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream, backend: InterruptibleBackend) -> None:
        self.inner = inner
        self._backend = backend

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.inner.read(max_bytes, timeout)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.inner.write(buffer, timeout)

    def close(self) -> None:
        self._backend.forget(self)
        self.inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        # The TLS stream takes over the socket: it is the one to shut down from now on.
        upgraded = self.inner.start_tls(ssl_context, server_hostname, timeout)
        self._backend.forget(self)
        return self._backend.track(upgraded)

    def get_extra_info(self, info: str) -> Any:
        return self.inner.get_extra_info(info)


def _shut_down(stream: httpcore.NetworkStream) -> None:
    sock = stream.get_extra_info("socket")
    if not isinstance(sock, socket.socket):
        return
    try:
        # The plain socket's shutdown, also under TLS: `SSLSocket.shutdown` would drop the
        # TLS object under a thread that is reading through it (a ValueError, not the
        # end-of-stream every caller handles as a lost connection).
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError as error:
        # Closed meanwhile by the thread that used it (or never connected): nothing waits.
        log.debug("relay connection already closed: %s", error)


class InterruptibleTransport(httpx.HTTPTransport):
    """httpx's transport, over a pool whose connections `interrupt()` can shut down."""

    def __init__(self, *, verify: ssl.SSLContext | bool) -> None:
        super().__init__(verify=verify, trust_env=False)
        self.backend = InterruptibleBackend()
        # httpx takes no network back end (encode/httpx#3180): its pool is replaced by one
        # with httpx's default limits and this back end. `handle_request` and `close` use
        # only `_pool`, so everything else of the transport stays as httpx made it.
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=20)
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify, trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=self.backend,
        )

    def interrupt(self) -> None:
        self.backend.interrupt()
