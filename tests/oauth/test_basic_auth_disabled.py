"""Exchange Online's SMTP refusals, played by a tiny SMTP server at a port: a password that is
no longer accepted (`550 5.7.30`, `535 5.7.139`) tells the user to switch the account to
Microsoft sign-in; a token refused because SMTP AUTH is off for the mailbox is a matter for
the administrator, not a reason to sign in again."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from tests.oauth.helpers import FixedTokenProvider
from zivverdesk.core.secret import Secret
from zivverdesk.mail.auth import (
    AuthenticationFailed,
    BasicAuthDisabled,
    OAuthAuth,
    PasswordAuth,
    ReauthRequired,
)
from zivverdesk.mail.settings import Security, ServerSettings
from zivverdesk.mail.smtp_send import open_smtp

EXCHANGE_REFUSALS = {
    "550 5.7.30": b"550 5.7.30 Basic authentication is not supported for Client Submission.",
    "535 5.7.139": b"535 5.7.139 Authentication unsuccessful, basic authentication is disabled.",
}


SMTP_AUTH_OFF = (
    b"535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the "
    b"Mailbox. Visit https://aka.ms/smtp_auth_disabled for more information."
)


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
            elif command == b"AUTH XOAUTH2":
                connection.sendall(b"334 \r\n")
            elif command.startswith(b"AUTH"):
                connection.sendall(b"504 5.7.4 Unrecognized authentication type\r\n")
            else:  # the user name in the LOGIN exchange: Exchange refuses right there
                connection.sendall(refusal + b"\r\n")


def _fake_exchange(refusal: bytes) -> Iterator[int]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    thread = threading.Thread(target=_serve_one, args=(server, refusal), daemon=True)
    thread.start()
    yield server.getsockname()[1]
    server.close()
    thread.join(timeout=5)


@pytest.fixture(params=sorted(EXCHANGE_REFUSALS))
def exchange_port(request: pytest.FixtureRequest) -> Iterator[int]:
    yield from _fake_exchange(EXCHANGE_REFUSALS[request.param])


@pytest.fixture
def smtp_auth_off_port() -> Iterator[int]:
    yield from _fake_exchange(SMTP_AUTH_OFF)


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


def test_token_refused_because_smtp_auth_is_off_asks_the_administrator(
    smtp_auth_off_port: int,
) -> None:
    settings = ServerSettings(host="127.0.0.1", port=smtp_auth_off_port, security=Security.NONE)
    provider = FixedTokenProvider("header.payload.signature")
    auth = OAuthAuth(username="secretariaat@praktijk.test", provider=provider)
    with (
        pytest.raises(AuthenticationFailed, match="SMTP AUTH") as refused,
        open_smtp(settings, auth),
    ):
        pass
    assert not isinstance(refused.value, ReauthRequired)
    assert "beheerder" in str(refused.value)
