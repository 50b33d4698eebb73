"""Microsoft 365 refuses passwords for SMTP (`550 5.7.30`, `535 5.7.139`): the user is told to
switch the account to Microsoft sign-in. A tiny SMTP server at a port plays Exchange Online."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from zivverdesk.core.secret import Secret
from zivverdesk.mail.auth import BasicAuthDisabled, PasswordAuth
from zivverdesk.mail.settings import Security, ServerSettings
from zivverdesk.mail.smtp_send import open_smtp

EXCHANGE_REFUSALS = {
    "550 5.7.30": b"550 5.7.30 Basic authentication is not supported for Client Submission.",
    "535 5.7.139": b"535 5.7.139 Authentication unsuccessful, basic authentication is disabled.",
}


def _serve_one(server: socket.socket, refusal: bytes) -> None:
    connection, _ = server.accept()
    with connection, connection.makefile("rb") as lines:
        connection.sendall(b"220 fake.outlook.test Microsoft ESMTP MAIL Service ready\r\n")
        for line in lines:
            command = line.strip().upper()
            if command.startswith((b"EHLO", b"HELO")):
                connection.sendall(b"250-fake.outlook.test Hello\r\n250 AUTH LOGIN XOAUTH2\r\n")
            elif command.startswith(b"AUTH LOGIN"):
                connection.sendall(b"334 VXNlcm5hbWU6\r\n")  # "Username:"
            elif command == b"QUIT":
                connection.sendall(b"221 2.0.0 Bye\r\n")
                return
            elif command.startswith(b"AUTH"):
                connection.sendall(b"504 5.7.4 Unrecognized authentication type\r\n")
            else:  # the user name in the LOGIN exchange: Exchange refuses right there
                connection.sendall(refusal + b"\r\n")


@pytest.fixture(params=sorted(EXCHANGE_REFUSALS))
def exchange_port(request: pytest.FixtureRequest) -> Iterator[int]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    thread = threading.Thread(
        target=_serve_one, args=(server, EXCHANGE_REFUSALS[request.param]), daemon=True
    )
    thread.start()
    yield server.getsockname()[1]
    server.close()
    thread.join(timeout=5)


def test_password_refused_by_microsoft_tells_to_switch_to_microsoft_sign_in(
    exchange_port: int,
) -> None:
    settings = ServerSettings(host="127.0.0.1", port=exchange_port, security=Security.NONE)
    auth = PasswordAuth(username="secretariaat@praktijk.test", password=Secret("wachtwoord"))
    with pytest.raises(BasicAuthDisabled) as refused, open_smtp(settings, auth):
        pass
    assert "Aanmelden met Microsoft" in str(refused.value)
    assert "--provider microsoft" in str(refused.value)
    assert "wachtwoord" not in str(refused.value)
