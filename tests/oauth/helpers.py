"""Small things the OAuth tests share: server settings for the OAuth stack, a notification
mail, a token provider that hands out one fixed token, and waiting for mail to arrive."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from email.message import EmailMessage

from imapclient import IMAPClient

from tests.plugins.oauth import OAuthStack
from zivverdesk.config import ProfilePaths
from zivverdesk.core.model import VerificationMethod
from zivverdesk.core.secret import Secret
from zivverdesk.mail.auth import MailAuth, OAuthAuth
from zivverdesk.mail.imap_connect import connect, disconnect
from zivverdesk.mail.notification import (
    NotificationContent,
    build_notification,
    notification_link,
)
from zivverdesk.mail.settings import Security, ServerSettings


def imap_settings(stack: OAuthStack) -> ServerSettings:
    return ServerSettings(
        host=stack.host,
        port=stack.imap_port,
        security=Security.STARTTLS,
        ca_file=stack.ca_file,
        timeout=10,
    )


def smtp_settings(stack: OAuthStack) -> ServerSettings:
    return ServerSettings(
        host=stack.host,
        port=stack.submission_port,
        security=Security.STARTTLS,
        ca_file=stack.ca_file,
        timeout=10,
    )


def notification_mail(sender: str, recipient: str) -> tuple[EmailMessage, str]:
    """A notification mail as the secure send produces it, and its message id."""
    message_id = secrets.token_hex(16)
    link = notification_link(
        "https://relay.example.test", message_id, secrets.token_hex(16), secrets.token_bytes(32)
    )
    content = NotificationContent(
        sender_name="Secretariaat",
        sender_address=sender,
        organisation="Praktijk Test",
        recipient_address=recipient,
        message_id=message_id,
        link=link,
        method=VerificationMethod.ACCESS_CODE,
        contact="Secretariaat, 010-1234567",
    )
    return build_notification(content), message_id


class FixedTokenProvider:
    """Hands out the same token every time, also when asked to refresh: what a provider
    amounts to when the identity provider keeps returning a token the server refuses."""

    def __init__(self, token: str) -> None:
        self._token = token
        self.calls: list[bool] = []

    def access_token(self, *, force_refresh: bool = False) -> Secret[str]:
        self.calls.append(force_refresh)
        return Secret(self._token)


def fixed_auth(user: str, token: str) -> tuple[OAuthAuth, FixedTokenProvider]:
    provider = FixedTokenProvider(token)
    return OAuthAuth(username=user, provider=provider), provider


def wait_for(condition: Callable[[], bool], timeout: float = 15, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        time.sleep(0.05)


def inbox_message_ids(stack: OAuthStack, auth: MailAuth) -> set[str]:
    """The X-Zivverdesk-Message ids in the mailbox's INBOX (one IMAP session)."""
    client: IMAPClient = connect(imap_settings(stack), auth)
    try:
        client.select_folder("INBOX", readonly=True)
        uids = client.search(["ALL"])
        if not uids:
            return set()
        fetched = client.fetch(uids, ["BODY.PEEK[HEADER.FIELDS (X-ZIVVERDESK-MESSAGE)]"])
        found = set()
        for data in fetched.values():
            raw = data[b"BODY[HEADER.FIELDS (X-ZIVVERDESK-MESSAGE)]"].decode()
            value = raw.partition(":")[2].strip()
            if value:
                found.add(value)
        return found
    finally:
        disconnect(client)


def wait_for_delivery(stack: OAuthStack, auth: MailAuth, message_id: str) -> None:
    wait_for(
        lambda: message_id in inbox_message_ids(stack, auth),
        what=f"notification {message_id} in the INBOX",
    )


def point_servers_at_the_stack(profile: ProfilePaths, stack: OAuthStack) -> None:
    """Set the Microsoft mail servers in the profile's site.toml to the OAuth stack's, as an
    administrator of another cloud would."""
    site = profile.site_config_file.read_text(encoding="utf-8")
    servers = (
        f'imap_host = "{stack.host}"\nimap_port = {stack.imap_port}\nimap_security = "starttls"\n'
        f'smtp_host = "{stack.host}"\nsmtp_port = {stack.submission_port}\n'
        'smtp_security = "starttls"\n'
    )
    site = site.replace("[oauth.google]", servers + "\n[oauth.google]")
    profile.site_config_file.write_text(site, encoding="utf-8")
