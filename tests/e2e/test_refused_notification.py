"""A notification the SMTP server refuses for good: that recipient shows "niet afgeleverd"
(the envelope too), the relay is told, the other recipient is served, nothing is retried
in a loop and nothing goes out unprotected. The SMTP server is a small real one (aiosmtpd)
that refuses one address at RCPT, as a strict company gateway would."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, Session

from tests.e2e.harness import Desk
from tests.plugins.mailstack import MailAccount, MailStack
from tests.plugins.relay import RelayProcess
from tests.plugins.services import free_port

pytestmark = pytest.mark.integration


class StrictGateway:
    """Accepts every recipient except those it was told to refuse; keeps what it got."""

    def __init__(self, refuse: set[str]) -> None:
        self.refuse = refuse
        self.received: list[tuple[list[str], bytes]] = []

    async def handle_RCPT(
        self, server: Any, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address.lower() in self.refuse:
            return "550 5.1.1 Recipient address rejected: user unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Session, envelope: Envelope) -> str:
        content = envelope.content or b""
        assert isinstance(content, bytes)  # decode_data is off, so DATA arrives as bytes
        self.received.append((list(envelope.rcpt_tos), content))
        return "250 OK"


@pytest.fixture
def gateway() -> Iterator[tuple[StrictGateway, int]]:
    handler = StrictGateway({"weg@example.test"})
    port = free_port()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        authenticator=lambda *args: AuthResult(success=True),
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def test_refused_notification_marks_the_recipient_not_delivered(
    tmp_path: Path,
    mailstack: MailStack,
    mail_account: Callable[[str], MailAccount],
    relay_server: RelayProcess,
    gateway: tuple[StrictGateway, int],
) -> None:
    handler, port = gateway
    sender = mail_account("secretariaat")
    desk = Desk(tmp_path / "desk")
    desk.run(
        "account",
        "add",
        "--email",
        sender.email,
        "--username",
        sender.username,
        "--imap-host",
        sender.imap_host,
        "--imap-port",
        str(sender.imap_port),
        "--imap-security",
        "starttls",
        "--ca-file",
        str(sender.ca_file),
        "--smtp-host",
        "127.0.0.1",
        "--smtp-port",
        str(port),
        "--smtp-security",
        "none",
        "--password-stdin",
        stdin=sender.password + "\n",
    )
    code = json.loads(relay_server.admin("add-user", sender.email, "--json").stdout)["code"]
    desk.run("enroll", "--relay", relay_server.url, "--code", code)

    message_id = desk.run(
        "send",
        "--to",
        "weg@example.test",
        "--to",
        "er@example.test",
        "--email-code",
        "--subject",
        "Streng",
        "--body",
        "inhoud",
    ).out.strip()
    assert [rcpts for rcpts, _ in handler.received] == [["er@example.test"]]
    assert all(b"inhoud" not in raw for _, raw in handler.received)
    assert desk.json("outbox") == []  # done: a refusal is an outcome, not a retry
    desk.run("sync")
    shown = desk.json("show", message_id)
    states = {r["address"]: r["state"] for r in shown["messages"][0]["recipients"]}
    assert states == {"weg@example.test": "not_delivered", "er@example.test": "delivered"}
    assert shown["envelope"] == "not_delivered"
    (refused,) = [r for r in shown["messages"][0]["recipients"] if r["address"].startswith("weg")]
    kinds = [e["kind"] for e in refused["timeline"]]
    assert kinds == ["notification_refused"]  # once: local record and the relay's report
    assert "550" in refused["timeline"][0]["detail"]
