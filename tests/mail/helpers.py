"""Shared helpers for the mail tests: account settings, messages, waiting for a condition."""

from __future__ import annotations

import time
from collections.abc import Callable
from email.message import EmailMessage

from tests.plugins.mailstack import MailAccount
from zivverdesk.core.secret import Secret
from zivverdesk.mail.auth import PasswordAuth
from zivverdesk.mail.settings import Security, ServerSettings


def imap_settings(account: MailAccount, security: Security = Security.SSL) -> ServerSettings:
    port = account.imaps_port if security is Security.SSL else account.imap_port
    return ServerSettings(
        host=account.imap_host, port=port, security=security, ca_file=account.ca_file, timeout=20
    )


def smtp_settings(account: MailAccount) -> ServerSettings:
    return ServerSettings(
        host=account.smtp_host,
        port=account.smtp_port,
        security=Security.STARTTLS,
        ca_file=account.ca_file,
        timeout=20,
    )


def password(account: MailAccount) -> PasswordAuth:
    return PasswordAuth(username=account.username, password=Secret(account.password))


def simple_message(sender: str, to: str, subject: str, body: str = "hallo") -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    return message


def raw_message(i: int, to: str = "box@example.test") -> bytes:
    return (
        f"From: Sender {i % 7} <sender{i % 7}@example.test>\r\n"
        f"To: {to}\r\nSubject: bericht {i}\r\n"
        "Date: Mon, 01 Jan 2024 10:00:00 +0000\r\n"
        f"Message-ID: <m{i}@example.test>\r\n\r\nInhoud {i}.\r\n"
    ).encode()


def wait_for[T](condition: Callable[[], T], timeout: float = 15.0, what: str = "condition") -> T:
    """Poll until `condition()` is truthy; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)
