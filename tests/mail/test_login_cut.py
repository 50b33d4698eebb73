"""A connection that breaks during the sign-in is a lost connection, to be tried again — not a
refused password, which would stop the background sync until the user changes the account.
imapclient reports both as `LoginError`; a small IMAP server at a loopback port that hangs up
on LOGIN (or answers NO) tells them apart."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from zivverdesk.core.secret import Secret
from zivverdesk.mail.auth import AuthenticationFailed, PasswordAuth
from zivverdesk.mail.errors import ConnectionLost
from zivverdesk.mail.imap_connect import connect
from zivverdesk.mail.settings import Security, ServerSettings

GREETING = b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] test server ready\r\n"


def _serve(listener: socket.socket, refuse: bool) -> None:
    """One session: the greeting and CAPABILITY, then on LOGIN either a NO or a hang-up."""
    conn, _ = listener.accept()
    with conn:
        conn.sendall(GREETING)
        lines = conn.makefile("rb")
        for line in lines:
            tag, _, rest = line.partition(b" ")
            command = rest.split(b" ", 1)[0].strip().upper()
            if command == b"CAPABILITY":
                conn.sendall(b"* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n" + tag + b" OK done\r\n")
            elif command == b"LOGIN" and not refuse:
                return  # hang up in the middle of the sign-in
            elif command == b"LOGIN":
                conn.sendall(tag + b" NO [AUTHENTICATIONFAILED] Authentication failed.\r\n")
            else:  # LOGOUT, or anything else: end politely
                conn.sendall(b"* BYE\r\n" + tag + b" OK bye\r\n")
                return


@pytest.fixture(params=[False, True], ids=["hang-up", "refusal"])
def server(request: pytest.FixtureRequest) -> Iterator[tuple[ServerSettings, bool]]:
    listener = socket.create_server(("127.0.0.1", 0))
    refuse = bool(request.param)
    worker = threading.Thread(target=_serve, args=(listener, refuse), daemon=True)
    worker.start()
    port = listener.getsockname()[1]
    yield ServerSettings(host="127.0.0.1", port=port, security=Security.NONE, timeout=5), refuse
    worker.join(timeout=5)
    listener.close()


def test_a_hang_up_during_login_is_connection_lost_and_a_no_is_a_refusal(
    server: tuple[ServerSettings, bool],
) -> None:
    settings, refuse = server
    auth = PasswordAuth(username="secretariaat", password=Secret("geheim-wachtwoord"))
    expected = AuthenticationFailed if refuse else ConnectionLost
    with pytest.raises(expected) as caught:
        connect(settings, auth)
    assert "127.0.0.1" in str(caught.value)
    assert "geheim-wachtwoord" not in str(caught.value)
    if not refuse:
        assert not isinstance(caught.value, AuthenticationFailed)
