"""Setting up a workstation: mail accounts (tested before saving) and relay enrolment."""

from __future__ import annotations

import contextlib
import imaplib
import ssl
from pathlib import Path
from typing import Literal

from zivverdesk.core.errors import ZivverdeskError
from zivverdesk.core.secret import Secret
from zivverdesk.mail.auth import AuthenticationFailed, PasswordAuth
from zivverdesk.mail.errors import CertificateError, ServerUnreachable
from zivverdesk.mail.settings import Security, ServerSettings, tls_context
from zivverdesk.mail.smtp_send import open_smtp
from zivverdesk.relayclient.client import RelayClient
from zivverdesk.services.profile import Profile
from zivverdesk.store.accounts import Account, Enrollment

SecurityName = Literal["ssl", "starttls", "none"]


def check_imap_login(server: ServerSettings, username: str, password: Secret[str]) -> None:
    """Log in and out once; raises a typed error naming what failed."""
    try:
        if server.security is Security.SSL:
            client: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                server.host, server.port, ssl_context=tls_context(server), timeout=server.timeout
            )
        else:
            client = imaplib.IMAP4(server.host, server.port, timeout=server.timeout)
            if server.security is Security.STARTTLS:
                client.starttls(ssl_context=tls_context(server))
    except ssl.SSLCertVerificationError as exc:
        raise CertificateError(server.label, exc.verify_message) from exc
    except (OSError, imaplib.IMAP4.error) as exc:
        raise ServerUnreachable(server.label, str(exc) or type(exc).__name__) from exc
    try:
        client.login(username, password.reveal())
    except imaplib.IMAP4.error as exc:
        raise AuthenticationFailed(
            f"{server.label} weigert gebruikersnaam of wachtwoord. / {server.label} refuses the "
            "user name or password."
        ) from exc
    finally:
        # The login outcome above is what matters; the socket is closed either way.
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            client.logout()


def add_password_account(
    profile: Profile,
    *,
    email: str,
    username: str,
    password: Secret[str],
    imap_host: str,
    imap_port: int,
    imap_security: SecurityName,
    smtp_host: str,
    smtp_port: int,
    smtp_security: SecurityName,
    ca_file: Path | None = None,
    display_name: str = "",
    organisation: str = "",
    test_connection: bool = True,
) -> Account:
    """Test IMAP and SMTP with the credentials, then save (password into the keyring)."""
    ca = ca_file.resolve() if ca_file else None
    if ca is not None and not ca.is_file():
        raise ZivverdeskError(f"CA-bestand {ca_file} bestaat niet. / CA file not found.")
    if test_connection:
        imap = ServerSettings(
            host=imap_host, port=imap_port, security=Security(imap_security), ca_file=ca, timeout=15
        )
        smtp = ServerSettings(
            host=smtp_host, port=smtp_port, security=Security(smtp_security), ca_file=ca, timeout=15
        )
        check_imap_login(imap, username, password)
        try:
            with open_smtp(smtp, PasswordAuth(username=username, password=password)):
                pass
        except TimeoutError as exc:
            raise ServerUnreachable(smtp.label, "time-out") from exc
    account = profile.store.accounts.add(
        email=email,
        auth_kind="password",
        username=username,
        imap_host=imap_host,
        imap_port=imap_port,
        imap_security=imap_security,
        smtp_host=smtp_host,
        smtp_port=smtp_port,
        smtp_security=smtp_security,
        ca_file=str(ca) if ca else None,
        display_name=display_name,
        organisation=organisation,
    )
    profile.vault.set_mail_password(account.id, password)
    return account


def enroll(
    profile: Profile,
    *,
    relay_url: str,
    code: Secret[str],
    device_name: str,
    ca_file: Path | None = None,
) -> Enrollment:
    """Register this workstation's key with the relay and keep the device token."""
    identity = profile.identity()
    with RelayClient(relay_url, ca_file=ca_file) as client:
        answer = client.enroll(code, device_name=device_name, public_key=identity.public.raw)
        profile.vault.set_relay_token(answer.token)
        enrollment = Enrollment(
            relay_url=relay_url.rstrip("/"),
            user_id=answer.user_id,
            email=answer.email,
            name=answer.name,
            office=answer.office,
            key_id=str(client.me().get("device_id") or ""),
            ca_file=str(ca_file.resolve()) if ca_file else None,
        )
        profile.store.relay.set_enrollment(enrollment)
        refresh_directory(profile, client)
    return enrollment


def refresh_directory(profile: Profile, client: RelayClient) -> list[dict[str, str]]:
    users = [{"user_id": c.user_id, "email": c.email, "name": c.name} for c in client.directory()]
    profile.store.relay.set_directory(list(users))
    return users
