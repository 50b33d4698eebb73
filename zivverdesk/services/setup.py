"""Setting up a workstation: mail accounts (tested before saving) and relay enrolment."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from zivverdesk.core.errors import ZivverdeskError
from zivverdesk.core.secret import Secret
from zivverdesk.mail.auth import MailAuth, PasswordAuth
from zivverdesk.mail.errors import ServerUnreachable
from zivverdesk.mail.imap_connect import connect, disconnect
from zivverdesk.mail.settings import Security, ServerSettings
from zivverdesk.mail.smtp_send import open_smtp
from zivverdesk.relayclient.client import RelayClient
from zivverdesk.services.profile import Profile
from zivverdesk.store.accounts import Account, Enrollment

SecurityName = Literal["ssl", "starttls", "none"]


def check_mail_login(imap: ServerSettings, smtp: ServerSettings, auth: MailAuth) -> None:
    """Log in to IMAP and SMTP once each; raises a typed error naming what failed."""
    client = connect(imap, auth)
    disconnect(client)
    try:
        with open_smtp(smtp, auth):
            pass
    except TimeoutError as exc:
        raise ServerUnreachable(smtp.label, "time-out") from exc


def check_ca_file(ca_file: Path | None) -> Path | None:
    """The CA file to trust besides the system's, resolved; an error names a missing one."""
    if ca_file is None:
        return None
    if not ca_file.is_file():
        raise ZivverdeskError(f"CA-bestand {ca_file} bestaat niet. / CA file not found.")
    return ca_file.resolve()


def check_password_login(
    *,
    username: str,
    password: Secret[str],
    imap_host: str,
    imap_port: int,
    imap_security: SecurityName,
    smtp_host: str,
    smtp_port: int,
    smtp_security: SecurityName,
    ca_file: Path | None = None,
) -> None:
    """Log in to IMAP and SMTP with a password once each, saving nothing ("Verbinding
    testen"); raises a typed error naming what failed."""
    ca = check_ca_file(ca_file)
    imap = ServerSettings(
        host=imap_host, port=imap_port, security=Security(imap_security), ca_file=ca, timeout=15
    )
    smtp = ServerSettings(
        host=smtp_host, port=smtp_port, security=Security(smtp_security), ca_file=ca, timeout=15
    )
    check_mail_login(imap, smtp, PasswordAuth(username=username, password=password))


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
    ca = check_ca_file(ca_file)
    if test_connection:
        check_password_login(
            username=username,
            password=password,
            imap_host=imap_host,
            imap_port=imap_port,
            imap_security=imap_security,
            smtp_host=smtp_host,
            smtp_port=smtp_port,
            smtp_security=smtp_security,
            ca_file=ca,
        )
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


def change_password(
    profile: Profile, account: Account, password: Secret[str], *, test_connection: bool = True
) -> None:
    """Store a new password (after the server changed it), tested against IMAP and SMTP
    first; mail waiting in the outbox for it goes out at the next sync."""
    if account.auth_kind != "password":
        raise ZivverdeskError(
            f"{account.email} meldt aan via {account.auth_kind}; gebruik 'account reauth'. / "
            "This account signs in with OAuth; use 'account reauth'."
        )
    if test_connection:
        servers = profile.mail_servers(account)
        check_mail_login(
            servers.imap, servers.smtp, PasswordAuth(username=account.username, password=password)
        )
    profile.vault.set_mail_password(account.id, password)


def add_oauth_account(
    profile: Profile,
    *,
    email: str,
    provider: str,
    tenant: str | None = None,
    client_id: str | None = None,
    device_code: bool = False,
    ca_file: Path | None = None,
    display_name: str = "",
    organisation: str = "",
    test_connection: bool = True,
) -> Account:
    """Sign in with Microsoft or Google (the OAuth module), test, then save the account."""
    from zivverdesk.mail import oauth

    info = oauth.sign_in(
        email,
        provider,
        tenant=tenant,
        client_id=client_id,
        device_code=device_code,
        paths=profile.paths,
        ca_file=ca_file.resolve() if ca_file else None,
    )
    ca = info.ca_file
    imap = ServerSettings(
        host=info.imap.host,
        port=info.imap.port,
        security=Security(info.imap.security),
        ca_file=ca,
        timeout=15,
    )
    smtp = ServerSettings(
        host=info.smtp.host,
        port=info.smtp.port,
        security=Security(info.smtp.security),
        ca_file=ca,
        timeout=15,
    )
    if test_connection:
        check_mail_login(imap, smtp, oauth.oauth_auth(info.email, paths=profile.paths))
    return profile.store.accounts.add(
        email=info.email,
        auth_kind=info.provider.value,
        username=info.email,
        imap_host=imap.host,
        imap_port=imap.port,
        imap_security=imap.security.value,
        smtp_host=smtp.host,
        smtp_port=smtp.port,
        smtp_security=smtp.security.value,
        ca_file=str(ca) if ca else None,
        display_name=display_name,
        organisation=organisation,
    )


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
