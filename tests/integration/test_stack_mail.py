"""The test mail stack itself: SMTP submission into Dovecot, IDLE, TLS, outages, fallback."""

from __future__ import annotations

import email
import email.policy
import os
import smtplib
import ssl
import time
from collections.abc import Callable
from email.message import EmailMessage

import imapclient
import pytest
from imapclient.exceptions import LoginError

from tests.plugins.services import MailAccount, MailStack

pytestmark = pytest.mark.integration

UTF8_SUBJECT = "Uw dossier — überprüfung ✓"
UTF8_BODY = "Beste mevrouw Çelik,\n\nIn de bijlage vindt u het rapport. Groet, José ☺\n"


def tls_context(account: MailAccount) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(account.ca_file))


def submit(sender: MailAccount, message: EmailMessage) -> None:
    # local_hostname: without it smtplib asks DNS for this machine's name, which can stall.
    with smtplib.SMTP(sender.smtp_host, sender.smtp_port, local_hostname="localhost") as smtp:
        smtp.starttls(context=tls_context(sender))
        smtp.login(sender.email, sender.password)
        smtp.send_message(message)


def imaps(account: MailAccount) -> imapclient.IMAPClient:
    client = imapclient.IMAPClient(
        account.imap_host, port=account.imaps_port, ssl=True, ssl_context=tls_context(account)
    )
    client.login(account.username, account.password)
    return client


def wait_for_messages(client: imapclient.IMAPClient, count: int, timeout: float = 15) -> list[int]:
    deadline = time.monotonic() + timeout
    while True:
        uids = client.search("ALL")
        if len(uids) >= count or time.monotonic() > deadline:
            return list(uids)
        client.noop()  # also lets Dovecot report new mail; wait for it in IDLE instead:
        client.idle()
        client.idle_check(timeout=0.5)
        client.idle_done()


def test_submitted_mail_wakes_idle_and_arrives_intact(
    mail_account: Callable[[str], MailAccount],
) -> None:
    alice, bob = mail_account("alice"), mail_account("bob")
    attachment = os.urandom(150_000) + b"\x00\r\n\x00"
    message = EmailMessage()
    message["From"] = alice.email
    message["To"] = bob.email
    message["Subject"] = UTF8_SUBJECT
    message["X-Zivverdesk-Test"] = "idle"
    message.set_content(UTF8_BODY)
    message.add_attachment(
        attachment, maintype="application", subtype="octet-stream", filename="rapport.pdf"
    )

    with imaps(bob) as client:
        client.select_folder("INBOX")
        client.idle()
        started = time.monotonic()
        submit(alice, message)
        woke: list[tuple[object, ...]] = []
        while not woke and time.monotonic() - started < 15:
            woke = [r for r in client.idle_check(timeout=1) if r[1] == b"EXISTS"]
        client.idle_done()
        assert woke, "IDLE was not woken by the new message within 15 s"

        [uid] = client.search("ALL")
        raw = client.fetch([uid], ["RFC822"])[uid][b"RFC822"]
    received = email.message_from_bytes(raw, policy=email.policy.default)
    assert received["Subject"] == UTF8_SUBJECT
    assert received["From"] == alice.email
    assert received["To"] == bob.email
    assert received["X-Zivverdesk-Test"] == "idle"
    body = received.get_body(preferencelist=("plain",))
    assert body is not None
    assert body.get_content().replace("\r\n", "\n") == UTF8_BODY
    [part] = list(received.iter_attachments())
    assert part.get_filename() == "rapport.pdf"
    assert part.get_content() == attachment


def test_relay_port_takes_local_mail_without_auth_and_refuses_other_domains(
    mailstack: MailStack, mail_account: Callable[[str], MailAccount]
) -> None:
    carol = mail_account("carol")
    with smtplib.SMTP(mailstack.host, mailstack.smtp_relay_port, local_hostname="localhost") as s:
        s.sendmail("notify@relay.example.org", [carol.email], b"Subject: ping\r\n\r\nhallo\r\n")
        with pytest.raises(smtplib.SMTPRecipientsRefused):
            s.sendmail("notify@example.test", ["someone@example.org"], b"Subject: x\r\n\r\nx\r\n")
    with imaps(carol) as client:
        client.select_folder("INBOX")
        assert len(wait_for_messages(client, 1)) == 1


def test_submission_wants_tls_before_auth_and_auth_before_mail(
    mail_account: Callable[[str], MailAccount],
) -> None:
    dave = mail_account("dave")
    with smtplib.SMTP(dave.smtp_host, dave.smtp_port, local_hostname="localhost") as smtp:
        smtp.ehlo()
        assert not smtp.has_extn("auth"), "AUTH must not be offered before STARTTLS"
        assert smtp.has_extn("starttls")
        code, _ = smtp.mail(dave.email)
        assert code >= 500
    with smtplib.SMTP(dave.smtp_host, dave.smtp_port, local_hostname="localhost") as smtp:
        smtp.starttls(context=tls_context(dave))
        with pytest.raises(smtplib.SMTPRecipientsRefused):
            smtp.sendmail(dave.email, [dave.email], b"Subject: x\r\n\r\nno auth\r\n")
        with pytest.raises(smtplib.SMTPAuthenticationError):
            smtp.login(dave.email, "wrong password")


def test_wrong_imap_password_is_refused_at_once(mail_account: Callable[[str], MailAccount]) -> None:
    erin = mail_account("erin")
    client = imapclient.IMAPClient(erin.imap_host, port=erin.imap_port, ssl=False)
    client.starttls(tls_context(erin))
    started = time.monotonic()
    with pytest.raises(LoginError):
        client.login(erin.username, erin.password + "x")
    # auth_failure_delay = 0: negative tests must not wait seconds per attempt.
    assert time.monotonic() - started < 1.0
    client.login(erin.email, erin.password)  # the full address works as login too
    client.logout()


def test_smtp_outage_and_recovery_on_the_same_port(
    mailstack: MailStack, mail_account: Callable[[str], MailAccount]
) -> None:
    frank = mail_account("frank")
    message = EmailMessage()
    message["From"] = message["To"] = frank.email
    message["Subject"] = "na storing"
    message.set_content("weer bereikbaar")
    with mailstack.smtp_outage():
        with pytest.raises(ConnectionRefusedError):
            smtplib.SMTP(frank.smtp_host, frank.smtp_port, local_hostname="localhost", timeout=5)
        with pytest.raises(ConnectionRefusedError):
            smtplib.SMTP(mailstack.host, mailstack.smtp_relay_port, local_hostname="localhost")
    submit(frank, message)
    with imaps(frank) as client:
        client.select_folder("INBOX")
        assert len(wait_for_messages(client, 1)) == 1


def test_unprivileged_smtp_front_end_delivers_like_postfix() -> None:
    """The aiosmtpd fallback (used when not root) keeps the same fixture API working."""
    stack = MailStack.start(smtp_mode="aiosmtpd")
    try:
        assert stack.smtp_mode == "aiosmtpd"
        alice, bob = stack.add_account("alice"), stack.add_account("bob")
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = alice.email, bob.email, "via lmtp"
        message.set_content(UTF8_BODY)
        submit(alice, message)
        with smtplib.SMTP(stack.host, stack.smtp_port, local_hostname="localhost") as smtp:
            smtp.ehlo()
            assert not smtp.has_extn("auth")
        with (
            smtplib.SMTP(stack.host, stack.smtp_relay_port, local_hostname="localhost") as s,
            pytest.raises(smtplib.SMTPRecipientsRefused),
        ):
            s.sendmail(alice.email, ["x@example.org"], b"Subject: x\r\n\r\nx\r\n")
        with imaps(bob) as client:
            client.select_folder("INBOX")
            [uid] = wait_for_messages(client, 1)
            raw = client.fetch([uid], ["RFC822"])[uid][b"RFC822"]
        received = email.message_from_bytes(raw, policy=email.policy.default)
        assert received.get_content().replace("\r\n", "\n") == UTF8_BODY
    finally:
        stack.stop()
