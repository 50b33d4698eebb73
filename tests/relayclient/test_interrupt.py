"""Interrupting a relay client from another thread over HTTPS: the call waiting for the
relay's answer (a long-poll the relay holds) fails at once as a lost connection, also when
the socket is under TLS, and the client opens no new connection after. The "relay" here is
a TLS server on 127.0.0.1 that reads the request and never answers."""

from __future__ import annotations

import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509

from tests.plugins.certs import write_self_signed
from zivverdesk.relayclient.client import RelayClient
from zivverdesk.relayclient.errors import RelayUnreachable


@pytest.fixture
def silent_relay(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    cert, key = write_self_signed(
        tmp_path, "127.0.0.1", x509.IPAddress(ipaddress.ip_address("127.0.0.1"))
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    listener = socket.create_server(("127.0.0.1", 0))
    done = threading.Event()

    def serve() -> None:
        conn, _ = listener.accept()
        with context.wrap_socket(conn, server_side=True) as tls:
            tls.recv(65536)  # the request; then the relay holds it, as a long-poll does
            done.wait(30)

    server = threading.Thread(target=serve, daemon=True)
    server.start()
    yield f"https://127.0.0.1:{listener.getsockname()[1]}", cert
    done.set()
    server.join(5)
    listener.close()


def test_interrupt_ends_a_waiting_call_under_tls(silent_relay: tuple[str, Path]) -> None:
    url, ca_file = silent_relay
    outcome: list[BaseException] = []
    with RelayClient(url, ca_file=ca_file) as client:

        def long_poll() -> None:
            try:
                client.events(None, wait=20)
            except RelayUnreachable as error:
                outcome.append(error)

        poller = threading.Thread(target=long_poll)
        poller.start()
        poller.join(1.0)
        assert poller.is_alive()  # waiting for an answer that does not come
        started = time.monotonic()
        client.interrupt()
        poller.join(5)
        assert not poller.is_alive()
        assert time.monotonic() - started < 1.0
        assert len(outcome) == 1
        with pytest.raises(RelayUnreachable):
            client.me()
