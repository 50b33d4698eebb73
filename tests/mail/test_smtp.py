"""SMTP sending: the real Postfix/Dovecot stack for delivery, and a small aiosmtpd server at a
port for the answers a real server gives only in odd situations (refusals, 4xx, 5.7.30,
the OAuth2 two-step exchange)."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from tests.mail.helpers import imap_settings, password, simple_message, smtp_settings, wait_for
from tests.plugins.mailstack import MailAccount
from tests.plugins.services import free_port
from zivverdesk.core.model import VerificationMethod, new_id
from zivverdesk.core.secret import Secret
from zivverdesk.mail.auth import (
    AuthenticationFailed,
    BasicAuthDisabled,
    OAuthAuth,
    PasswordAuth,
    ReauthRequired,
)
from zivverdesk.mail.errors import MailError, RecipientRefused, ServerUnreachable, TemporaryFailure
from zivverdesk.mail.imap_connect import connect, disconnect
from zivverdesk.mail.mime import parse_message
from zivverdesk.mail.notification import NotificationContent, build_notification, notification_link
from zivverdesk.mail.settings import Security, ServerSettings
from zivverdesk.mail.smtp_send import deliver, open_smtp, send_message
from zivverdesk.mail.sync import fetch_body

# --- against the real stack -------------------------------------------------------------


@pytest.mark.integration
def test_notification_arrives_with_both_parts_and_the_full_link(
    mail_account: Callable[[str], MailAccount],
) -> None:
    sender, recipient = mail_account("sender"), mail_account("recipient")
    mid, rid = new_id(), new_id()
    link = notification_link("https://relay.example.test", mid, rid, bytes(range(32)))
    content = NotificationContent(
        sender_name="Secretariaat",
        sender_address=sender.email,
        organisation="Praktijk Zuid",
        recipient_address=recipient.email,
        message_id=mid,
        link=link,
        method=VerificationMethod.EMAIL,
        contact="Praktijk Zuid, 010-1234567",
    )
    result = send_message(smtp_settings(sender), password(sender), build_notification(content))
    client = connect(imap_settings(recipient), password(recipient))
    try:

        def arrived() -> list[int]:
            client.select_folder("INBOX")
            return list(client.search(["HEADER", "X-Zivverdesk-Message", mid]))

        (uid,) = wait_for(arrived, what="the notification in the recipient's INBOX")
        raw = fetch_body(client, "INBOX", uid)
    finally:
        disconnect(client)
    assert raw is not None
    parsed = parse_message(raw)
    assert parsed.headers["X-Zivverdesk-Notification"] == "message"
    assert parsed.message_id == result.message_id
    assert parsed.message_id.endswith("@example.test>")  # the sender's domain, not this host
    assert link in parsed.text.splitlines()  # fragment intact in the text part
    assert link.replace("&", "&amp;") in parsed.html and parsed.blocked_remote_images == 0
    assert parsed.sender[0].address == sender.email


@pytest.mark.integration
def test_wrong_password_on_the_real_submission_port(
    mail_account: Callable[[str], MailAccount],
) -> None:
    account = mail_account("smtpauth")
    auth = PasswordAuth(username=account.username, password=Secret("wrong"))
    with pytest.raises(AuthenticationFailed):
        send_message(
            smtp_settings(account), auth, simple_message(account.email, account.email, "x")
        )


def test_nothing_listening_is_server_unreachable() -> None:
    settings = ServerSettings(host="127.0.0.1", port=free_port(), security=Security.NONE, timeout=5)
    with pytest.raises(ServerUnreachable):
        send_message(settings, None, simple_message("a@example.test", "b@example.test", "x"))


# --- against a small scripted server ----------------------------------------------------


@dataclass
class _Script:
    """What the scripted server answers, and what it saw."""

    rcpt: dict[str, str] = field(default_factory=dict)  # address -> reply to RCPT
    good_tokens: set[str] = field(default_factory=set)
    received: list[bytes] = field(default_factory=list)
    auth_lines: list[list[str]] = field(default_factory=list)
    tokens_seen: list[str] = field(default_factory=list)


class _Handler:
    def __init__(self, script: _Script) -> None:
        self.script = script

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address in self.script.rcpt:
            return self.script.rcpt[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        assert isinstance(envelope.content, bytes)
        self.script.received.append(envelope.content)
        return "250 OK"

    async def auth_XOAUTH2(self, server: SMTP, args: list[str]) -> AuthResult:
        self.script.auth_lines.append(args)
        if len(args) > 1:
            return AuthResult(
                success=False, handled=False, message="501 5.5.2 token on the AUTH line"
            )
        response = await server.challenge_auth("", encode_to_b64=False)
        assert isinstance(response, bytes)
        fields = dict(item.split("=", 1) for item in response.decode().split("\x01") if "=" in item)
        token = fields.get("auth", "").removeprefix("Bearer ")
        self.script.tokens_seen.append(token)
        if token in self.script.good_tokens:
            return AuthResult(success=True)
        error = json.dumps({"status": "401", "schemes": "bearer"})
        await server.challenge_auth(base64.b64encode(error.encode()).decode(), encode_to_b64=False)
        return AuthResult(success=False, handled=False, message="535 5.7.8 invalid token")


def _authenticator(
    server: Any, session: Any, envelope: Any, mechanism: str, data: Any
) -> AuthResult:
    if not isinstance(data, LoginPassword):
        return AuthResult(success=False)
    if data.login == b"legacy":
        return AuthResult(
            success=False, handled=False, message="550 5.7.30 Basic authentication is not supported"
        )
    if data.login == b"busy":
        return AuthResult(
            success=False, handled=False, message="454 4.7.0 Temporary authentication failure"
        )
    return AuthResult(success=data.password == b"good")


@pytest.fixture
def scripted() -> Iterator[tuple[ServerSettings, _Script]]:
    script = _Script()
    controller = Controller(
        _Handler(script),
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=_authenticator,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield (
            ServerSettings(
                host="127.0.0.1", port=controller.port, security=Security.NONE, timeout=5
            ),
            script,
        )
    finally:
        controller.stop()


class _Tokens:
    def __init__(self, *tokens: str) -> None:
        self.tokens = list(tokens)
        self.refreshes = 0

    def access_token(self, *, force_refresh: bool = False) -> Secret[str]:
        if force_refresh:
            self.refreshes += 1
            self.tokens.pop(0)
        return Secret(self.tokens[0])


def test_password_login_and_delivery(scripted: tuple[ServerSettings, _Script]) -> None:
    settings, script = scripted
    auth = PasswordAuth(username="user", password=Secret("good"))
    message = simple_message("Me <me@praktijk.example>", "you@example.test", "Onderwerp")
    message["Bcc"] = "hidden@example.test"
    result = send_message(settings, auth, message)
    assert result.message_id.endswith("@praktijk.example>") and not result.refused
    (raw,) = script.received
    assert b"Message-ID: " + result.message_id.encode() in raw and b"\nDate: " in raw
    assert b"hidden@example.test" not in raw  # Bcc goes in the envelope only


def test_refused_recipient_and_partial_refusal(scripted: tuple[ServerSettings, _Script]) -> None:
    settings, script = scripted
    script.rcpt["nobody@example.test"] = "550 5.1.1 No such user"
    with pytest.raises(RecipientRefused) as caught:
        send_message(settings, None, simple_message("me@x.example", "nobody@example.test", "x"))
    assert caught.value.refused == {"nobody@example.test": (550, "5.1.1 No such user")}
    message = simple_message("me@x.example", "nobody@example.test, ok@example.test", "x")
    result = send_message(settings, None, message)
    assert set(result.refused) == {"nobody@example.test"}


def test_temporary_failure_is_typed_for_retry(scripted: tuple[ServerSettings, _Script]) -> None:
    settings, script = scripted
    script.rcpt["later@example.test"] = "451 4.3.0 Try again later"
    with pytest.raises(TemporaryFailure) as caught:
        send_message(settings, None, simple_message("me@x.example", "later@example.test", "x"))
    assert caught.value.smtp_code == 451


def test_basic_auth_disabled(scripted: tuple[ServerSettings, _Script]) -> None:
    settings, _ = scripted
    legacy = PasswordAuth(username="legacy", password=Secret("pw"))
    with pytest.raises(BasicAuthDisabled), open_smtp(settings, legacy):
        pass


def test_xoauth2_two_step_refreshes_once_then_succeeds(
    scripted: tuple[ServerSettings, _Script],
) -> None:
    settings, script = scripted
    script.good_tokens.add("fresh-token")
    tokens = _Tokens("stale-token", "fresh-token")
    auth = OAuthAuth(username="me@x.example", provider=tokens)
    with open_smtp(settings, auth) as smtp:
        deliver(smtp, simple_message("me@x.example", "you@example.test", "x"))
    assert tokens.refreshes == 1
    assert script.tokens_seen == ["stale-token", "fresh-token"]
    # The token never travelled on the AUTH line itself.
    assert script.auth_lines == [["XOAUTH2"], ["XOAUTH2"]]
    assert len(script.received) == 1


def test_xoauth2_refused_twice_needs_a_new_sign_in(
    scripted: tuple[ServerSettings, _Script],
) -> None:
    settings, script = scripted
    tokens = _Tokens("bad-1", "bad-2")
    auth = OAuthAuth(username="me@x.example", provider=tokens)
    with pytest.raises(ReauthRequired), open_smtp(settings, auth):
        pass
    assert tokens.refreshes == 1 and script.tokens_seen == ["bad-1", "bad-2"]


def test_starttls_required_but_not_offered_is_refused(
    scripted: tuple[ServerSettings, _Script],
) -> None:
    settings, script = scripted
    plain = ServerSettings(
        host=settings.host, port=settings.port, security=Security.STARTTLS, timeout=5
    )
    with pytest.raises(MailError, match="STARTTLS"):
        send_message(plain, None, simple_message("me@x.example", "you@example.test", "x"))
    assert script.received == []  # nothing went out unencrypted
