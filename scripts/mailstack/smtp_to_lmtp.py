"""SMTP front end for the throw-away Dovecot when Postfix cannot run (not root).

Two aiosmtpd listeners on loopback hand every accepted message to Dovecot's LMTP listener and
map each recipient's LMTP answer back:

- SUBMIT_PORT: STARTTLS required, then AUTH PLAIN/LOGIN against Dovecot's users files;
- RELAY_PORT: port-25 style, no AUTH, only recipients in the local mail domain.

Configured through the environment by start-smtp.sh.
"""

from __future__ import annotations

import asyncio
import os
import signal
import smtplib
import ssl
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

LMTP_PORT = int(os.environ["LMTP_PORT"])
SUBMIT_PORT = int(os.environ["SUBMIT_PORT"])
RELAY_PORT = int(os.environ["RELAY_PORT"])
MAIL_DOMAIN = os.environ.get("MAIL_DOMAIN", "example.test")
USERS_DIR = Path(os.environ["USERS_DIR"])


def _password_of(login: str) -> str | None:
    # Read on every AUTH: accounts are added while the server runs (one file per user).
    file = USERS_DIR / login
    if "/" in login or login.startswith(".") or not file.is_file():
        return None
    fields = file.read_text(encoding="utf-8").split(":")
    return fields[1].removeprefix("{PLAIN}") if len(fields) >= 2 else None


def authenticate(
    server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
) -> AuthResult:
    if isinstance(auth_data, LoginPassword):
        login = auth_data.login.decode("utf-8").split("@")[0].lower()
        password = _password_of(login)
        if password is not None and password == auth_data.password.decode("utf-8"):
            return AuthResult(success=True)
    return AuthResult(success=False, handled=False)


class DeliverOverLMTP:
    """aiosmtpd handler: local recipients only, delivery through Dovecot's LMTP."""

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        domain = address.rpartition("@")[2].lower()
        if domain not in (MAIL_DOMAIN, "localhost"):
            return "554 5.7.1 Relay access denied"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        def deliver() -> dict[str, tuple[int, bytes]]:
            with smtplib.LMTP("127.0.0.1", LMTP_PORT) as lmtp:
                # Raises only when every recipient fails; partial failures are returned.
                return lmtp.sendmail(
                    envelope.mail_from or "", envelope.rcpt_tos, envelope.original_content or b""
                )

        try:
            refused = await asyncio.get_running_loop().run_in_executor(None, deliver)
        except smtplib.SMTPRecipientsRefused as exc:
            code, message = next(iter(exc.recipients.values()))
            return f"{code} {message.decode(errors='replace')}"
        except smtplib.SMTPResponseException as exc:
            error = exc.smtp_error
            text = error.decode(errors="replace") if isinstance(error, bytes) else error
            return f"{exc.smtp_code} {text}"
        if refused:
            return "250 OK, refused by the mailbox server: " + ", ".join(refused)
        return "250 OK delivered"


def main() -> None:
    Path(os.environ["PIDFILE"]).write_text(str(os.getpid()), encoding="ascii")
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(os.environ["TLS_CERT"], os.environ["TLS_KEY"])
    common: dict[str, Any] = {
        "hostname": "127.0.0.1",
        "enable_SMTPUTF8": True,
        "decode_data": False,
        "data_size_limit": 100 * 1024 * 1024,
        "authenticator": authenticate,
        "auth_require_tls": True,
        "tls_context": tls,
    }
    controllers = [
        Controller(DeliverOverLMTP(), port=RELAY_PORT, **common),
        Controller(
            DeliverOverLMTP(),
            port=SUBMIT_PORT,
            require_starttls=True,
            auth_required=True,
            **common,
        ),
    ]
    for controller in controllers:
        controller.start()
    stop = asyncio.Event()
    loop = asyncio.new_event_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    print(f"SMTP on 127.0.0.1:{SUBMIT_PORT} and :{RELAY_PORT} -> LMTP {LMTP_PORT}", flush=True)
    try:
        loop.run_until_complete(stop.wait())
    finally:
        for controller in controllers:
            controller.stop()
        loop.close()


if __name__ == "__main__":
    main()
