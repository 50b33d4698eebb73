"""A TCP forwarder on 127.0.0.1 in front of a real server, which a test can cut and restore.

    with CuttableProxy("127.0.0.1", stack.imaps_port) as proxy:
        ... connect to proxy.port instead of the server ...
        proxy.cut()       # every open connection is closed; new ones are closed at once
        proxy.restore()   # connections are forwarded again

A cut is what a client sees when Wi-Fi goes or the server restarts: its open connections end
mid-conversation and new ones fail. It works below TLS (bytes are forwarded as they are), so
the client still verifies the real server's certificate. `cut_after(server_bytes=n)` cuts as
soon as one connection has carried more than `n` bytes from the server, which lands the cut
in the middle of a large answer (a FETCH of many headers) without the test having to time
it; `client_bytes` does the same for what the client sends (the DATA of a large mail).
"""

from __future__ import annotations

import contextlib
import socket
import threading
from types import TracebackType

from tests.plugins.mailstack import MailAccount
from zivverdesk.core.secret import Secret
from zivverdesk.services.profile import Profile
from zivverdesk.services.setup import add_password_account


class CuttableProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self._target = (target_host, target_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._down = False
        self._cut_after: dict[bool, int] = {}  # from_server → bytes, while armed
        self._closed = False
        self.accepted = 0  # connections forwarded
        self.refused = 0  # connections closed at once while cut
        self.cuts = 0
        self._acceptor = threading.Thread(target=self._accept, name="proxy-accept", daemon=True)
        self._acceptor.start()

    def cut(self) -> None:
        """Close every open connection and refuse new ones until `restore`."""
        with self._lock:
            self._down = True
            self._cut_after = {}
            self.cuts += 1
            doomed, self._open = list(self._open), set()
        for sock in doomed:
            _close(sock)

    def restore(self) -> None:
        with self._lock:
            self._down = False

    def cut_after(
        self, *, server_bytes: int | None = None, client_bytes: int | None = None
    ) -> None:
        """`cut` as soon as one connection has carried more than `server_bytes` from the
        server, or `client_bytes` from the client, in all (counted from its start)."""
        with self._lock:
            self._cut_after = {}
            if server_bytes is not None:
                self._cut_after[True] = server_bytes
            if client_bytes is not None:
                self._cut_after[False] = client_bytes

    @property
    def is_cut(self) -> bool:
        with self._lock:
            return self._down

    def close(self) -> None:
        self._closed = True
        _close(self._listener)
        self.cut()
        self._acceptor.join(5)

    def __enter__(self) -> CuttableProxy:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return  # the listener was closed
            with self._lock:
                down = self._down
                if down:
                    self.refused += 1
            if down:
                _close(client)
                continue
            try:
                server = socket.create_connection(self._target, timeout=5)
            except OSError:
                _close(client)
                continue
            server.settimeout(None)
            with self._lock:
                if self._down:  # cut while connecting
                    self.refused += 1
                    _close(client)
                    _close(server)
                    continue
                self.accepted += 1
                self._open.update((client, server))
            threading.Thread(target=self._pump, args=(client, server, False), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, True), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket, from_server: bool) -> None:
        carried = 0
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                carried += len(data)
                with self._lock:
                    limit = self._cut_after.get(from_server)
                if limit is not None and carried > limit:
                    # Part of this chunk goes through: the peer sees a message broken off.
                    target.sendall(data[: max(0, len(data) - (carried - limit))])
                    self.cut()
                    return
                target.sendall(data)
        except OSError:
            pass  # the other side, or a cut, closed the connection
        with self._lock:
            self._open.discard(source)
            self._open.discard(target)
        _close(source)
        _close(target)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # not connected (any more)
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


def add_account_through(
    profile: Profile,
    account: MailAccount,
    *,
    imap_port: int | None = None,
    smtp_port: int | None = None,
) -> None:
    """Save `account` on `profile` with its IMAP (implicit TLS) or SMTP (STARTTLS) reached
    through a proxy's port instead of the server's, without testing the sign-in first."""
    add_password_account(
        profile,
        email=account.email,
        username=account.username,
        password=Secret(account.password),
        imap_host=account.imap_host,
        imap_port=imap_port or account.imaps_port,
        imap_security="ssl",
        smtp_host=account.smtp_host,
        smtp_port=smtp_port or account.smtp_port,
        smtp_security="starttls",
        ca_file=account.ca_file,
        test_connection=False,
    )
