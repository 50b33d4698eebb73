"""TLS of the test mail stack: clients verify it against the test CA and reject other CAs."""

from __future__ import annotations

import smtplib
import socket
import ssl
from collections.abc import Callable
from pathlib import Path

import imapclient
import pytest
from cryptography import x509

from tests.plugins.certs import write_self_signed
from tests.plugins.services import MailAccount, MailStack

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def wrong_ca(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A self-signed certificate for the same names that the stack did not use."""
    folder = tmp_path_factory.mktemp("wrong-ca")
    cert, _ = write_self_signed(folder, "localhost", x509.DNSName("localhost"), ca=True)
    return cert


def context(cafile: Path) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(cafile))


@pytest.fixture
def account(mail_account: Callable[[str], MailAccount]) -> MailAccount:
    return mail_account("tls")


def test_imap_starttls_verifies_against_the_test_ca(account: MailAccount, wrong_ca: Path) -> None:
    client = imapclient.IMAPClient(account.imap_host, port=account.imap_port, ssl=False)
    assert b"STARTTLS" in client.capabilities()
    client.starttls(context(account.ca_file))
    client.login(account.username, account.password)
    assert client.select_folder("INBOX")[b"EXISTS"] == 0
    client.logout()

    refused = imapclient.IMAPClient(account.imap_host, port=account.imap_port, ssl=False)
    with pytest.raises(ssl.SSLCertVerificationError):
        refused.starttls(context(wrong_ca))


def test_imaps_verifies_against_the_test_ca(account: MailAccount, wrong_ca: Path) -> None:
    with imapclient.IMAPClient(
        account.imap_host, port=account.imaps_port, ssl=True, ssl_context=context(account.ca_file)
    ) as client:
        client.login(account.username, account.password)
        assert "INBOX" in {folder for _flags, _sep, folder in client.list_folders()}
    with pytest.raises(ssl.SSLCertVerificationError):
        imapclient.IMAPClient(
            account.imap_host, port=account.imaps_port, ssl=True, ssl_context=context(wrong_ca)
        )


def test_smtp_starttls_verifies_against_the_test_ca(account: MailAccount, wrong_ca: Path) -> None:
    with smtplib.SMTP(account.smtp_host, account.smtp_port, local_hostname="localhost") as smtp:
        smtp.starttls(context=context(account.ca_file))
        smtp.login(account.email, account.password)
    with (
        smtplib.SMTP(account.smtp_host, account.smtp_port, local_hostname="localhost") as smtp,
        pytest.raises(ssl.SSLCertVerificationError),
    ):
        smtp.starttls(context=context(wrong_ca))


@pytest.mark.parametrize("server_name", ["localhost", "127.0.0.1"])
def test_certificate_names_both_loopback_spellings(mailstack: MailStack, server_name: str) -> None:
    with (
        socket.create_connection((mailstack.host, mailstack.imaps_port), timeout=5) as raw,
        context(mailstack.ca_file).wrap_socket(raw, server_hostname=server_name) as tls,
    ):
        assert tls.version() in ("TLSv1.2", "TLSv1.3")
        assert tls.recv(64).startswith(b"* OK")
