"""Test helpers for the engine end to end: a desk (profile + CLI), the recipient's browser
emulated in Python with zivverdesk.crypto (exactly what the web page computes), and IMAP
look-ups of the notification mails."""

from __future__ import annotations

import contextlib
import email
import hashlib
import io
import json
import os
import re
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
from imapclient import IMAPClient

from tests.plugins.mailstack import MailAccount, MailStack
from tests.plugins.relay import RelayProcess
from zivverdesk import cli
from zivverdesk.core.model import new_id
from zivverdesk.core.secret import Secret
from zivverdesk.crypto.encoding import b64url_decode, b64url_encode
from zivverdesk.crypto.keyring_backend import INSECURE_ENV
from zivverdesk.crypto.keyschedule import (
    code_key,
    file_key,
    open_as_link_recipient,
    parse_link_secret,
    recipient_keys,
    reply_cek,
    unwrap_cek,
)
from zivverdesk.crypto.manifest import (
    AttachmentEntry,
    Manifest,
    ManifestRecipient,
    Sender,
    created_now,
    open_manifest,
    seal_manifest,
)
from zivverdesk.crypto.stream import decrypt_bytes, encrypt_bytes
from zivverdesk.mail.notification import NOTIFICATION_HEADER

FAST_KDF = "600000"  # the protocol's minimum: keeps access-code tests quick
LINK = re.compile(r"(https?://\S+/m/([0-9a-f]{32})/([0-9a-f]{32})#([A-Za-z0-9_-]{43}))")


@dataclass
class CliResult:
    code: int
    out: str
    err: str


class Desk:
    """One workstation: a profile folder driven through the `zivverdesk` command."""

    def __init__(self, home: Path) -> None:
        self.home = home

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env[INSECURE_ENV] = "1"
        env["ZIVVERDESK_HOME"] = str(self.home)
        return env

    def run(self, *args: str, stdin: str | None = None, ok: bool = True) -> CliResult:
        """The command in this process (fast); output captured."""
        out, err = io.StringIO(), io.StringIO()
        old_in = sys.stdin
        if stdin is not None:
            sys.stdin = io.StringIO(stdin)
        try:
            with (
                contextlib.redirect_stdout(out),
                contextlib.redirect_stderr(err),
                _env({INSECURE_ENV: "1"}),
            ):
                code = cli.main([*args, "--profile", str(self.home)])
        finally:
            sys.stdin = old_in
        result = CliResult(code, out.getvalue(), err.getvalue())
        if ok and code not in (0,):
            raise AssertionError(f"zivverdesk {' '.join(args)} → {code}\n{result.err}{result.out}")
        return result

    def run_process(self, *args: str, extra_env: dict[str, str] | None = None) -> CliResult:
        """The command as its own process (for crash tests)."""
        env = self.env() | (extra_env or {})
        proc = subprocess.run(
            [sys.executable, "-m", "zivverdesk", *args, "--profile", str(self.home)],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )
        return CliResult(proc.returncode, proc.stdout, proc.stderr)

    def json(self, *args: str) -> Any:
        return json.loads(self.run(*args, "--json").out)


@contextlib.contextmanager
def _env(values: dict[str, str]) -> Iterator[None]:
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def account_add_args(account: MailAccount) -> tuple[str, ...]:
    """`zivverdesk account add` for the test mail stack: STARTTLS both ways against its CA,
    the password read from stdin."""
    return (
        "account",
        "add",
        "--email",
        account.email,
        "--username",
        account.username,
        "--imap-host",
        account.imap_host,
        "--imap-port",
        str(account.imap_port),
        "--imap-security",
        "starttls",
        "--smtp-host",
        account.smtp_host,
        "--smtp-port",
        str(account.smtp_port),
        "--smtp-security",
        "starttls",
        "--ca-file",
        str(account.ca_file),
        "--password-stdin",
    )


def setup_desk(
    home: Path, stack: MailStack, account: MailAccount, relay: RelayProcess, *, name: str = ""
) -> Desk:
    desk = Desk(home)
    desk.run(
        *account_add_args(account),
        "--name",
        name or "Secretariaat",
        "--organisation",
        "Medisch Advies Test",
        stdin=account.password + "\n",
    )
    out = relay.admin("add-user", account.email, "--name", name or account.email, "--json")
    code = json.loads(out.stdout)["code"]
    desk.run("enroll", "--relay", relay.url, "--code", code)
    return desk


# --- IMAP ------------------------------------------------------------------------------


def imap(account: MailAccount) -> IMAPClient:
    context = ssl.create_default_context(cafile=str(account.ca_file))
    client = IMAPClient(account.imap_host, port=account.imaps_port, ssl=True, ssl_context=context)
    client.login(account.username, account.password)
    return client


def inbox_messages(account: MailAccount) -> list[EmailMessage]:
    client = imap(account)
    try:
        client.select_folder("INBOX", readonly=True)
        uids = client.search("ALL")
        data = client.fetch(uids, ["BODY.PEEK[]"]) if uids else {}
        return [
            email.message_from_bytes(data[u][b"BODY[]"], policy=policy.default)
            for u in sorted(data)
        ]
    finally:
        client.logout()


def notifications(account: MailAccount) -> list[EmailMessage]:
    return [m for m in inbox_messages(account) if m[NOTIFICATION_HEADER]]


def wait_for_notifications(
    account: MailAccount, count: int, timeout: float = 20
) -> list[EmailMessage]:
    deadline = time.monotonic() + timeout
    while True:
        found = notifications(account)
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def wait_for_reply_notices(
    account: MailAccount, count: int, timeout: float = 20
) -> list[EmailMessage]:
    deadline = time.monotonic() + timeout
    while True:
        found = [m for m in notifications(account) if m[NOTIFICATION_HEADER] == "reply"]
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def link_of(notification: EmailMessage) -> tuple[str, str, str, str]:
    """(full URL, message id, recipient id, fragment) from the plain-text part."""
    text = notification.get_body(preferencelist=("plain",))
    assert text is not None
    match = LINK.search(text.get_content())
    assert match, "the text part holds the full link"
    return match.group(1), match.group(2), match.group(3), match.group(4)


# --- the recipient's browser -------------------------------------------------------------


class Browser:
    """What the recipient page does, in Python: verify, read the thread, download, reply."""

    def __init__(self, relay_url: str, link: str) -> None:
        match = LINK.search(link)
        assert match
        self.relay = relay_url
        self.message_id, self.recipient_id = match.group(2), match.group(3)
        self.link_secret = parse_link_secret(match.group(4))
        self.http = httpx.Client(base_url=relay_url, timeout=20, trust_env=False)
        self.base = f"/api/v1/r/{self.message_id}/{self.recipient_id}"
        self.cek: bytes | None = None
        self.conversation_id: str | None = None

    def close(self) -> None:
        self.http.close()

    def info(self) -> dict[str, Any]:
        response = self.http.get(self.base)
        response.raise_for_status()
        return dict(response.json())

    def verify_access_code(self, code: str) -> None:
        kdf = self.info()["kdf"]
        salt = b64url_decode(kdf["code_salt"])
        k = code_key(Secret(code), salt, int(kdf["iterations"]))
        keys = recipient_keys(self.link_secret.reveal(), k, self.message_id, self.recipient_id)
        response = self.http.post(f"{self.base}/verify", json={"auth": b64url_encode(keys.auth)})
        response.raise_for_status()
        self._session(response)
        wrapped = b64url_decode(response.json()["wrapped_cek"])
        self.cek = unwrap_cek(wrapped, keys.wrap_key, self.message_id, self.recipient_id)

    def verify_email_code(self, account: MailAccount, timeout: float = 20) -> None:
        """Ask the relay for an e-mail code, read it from the recipient's inbox, verify."""
        before = len(inbox_messages(account))
        self.http.post(f"{self.base}/send-code").raise_for_status()
        deadline = time.monotonic() + timeout
        code = None
        while code is None:
            fresh = inbox_messages(account)[before:]
            for mail in fresh:
                part = mail.get_body(preferencelist=("plain",))
                found = re.search(r"\b(\d{6})\b", part.get_content() if part else "")
                if found:
                    code = found.group(1)
            if code is None:
                assert time.monotonic() < deadline, "no verification code arrived"
                time.sleep(0.2)
        response = self.http.post(f"{self.base}/verify", json={"code": code})
        response.raise_for_status()
        self._session(response)
        keys = recipient_keys(self.link_secret.reveal(), b"", self.message_id, self.recipient_id)
        wrapped = b64url_decode(response.json()["wrapped_cek"])
        self.cek = unwrap_cek(wrapped, keys.wrap_key, self.message_id, self.recipient_id)

    def _session(self, response: httpx.Response) -> None:
        cookie = response.headers.get("set-cookie", "")
        match = re.search(r"zv_session=([^;]+)", cookie)
        assert match, cookie
        self.http.headers["Cookie"] = f"zv_session={match.group(1)}"

    def thread(self) -> dict[str, Any]:
        response = self.http.get(f"{self.base}/thread")
        response.raise_for_status()
        data = dict(response.json())
        self.conversation_id = data["conversation_id"]
        return data

    def blob(self, blob_id: str) -> bytes:
        response = self.http.get(f"{self.base}/blobs/{blob_id}")
        response.raise_for_status()
        return response.content

    def read(self) -> tuple[Manifest, dict[str, bytes]]:
        """The original message's manifest and its attachments' plaintext."""
        assert self.cek is not None
        items = self.thread()["items"]
        first = next(i for i in items if i["message_id"] == self.message_id)
        manifest = open_manifest(self.blob(first["blobs"][0]["blob_id"]), self.cek)
        files = {
            a.name: decrypt_bytes(self.blob(a.blob_id), file_key(self.cek, a.blob_id))
            for a in manifest.attachments
        }
        return manifest, files

    def reply(
        self, body: str, files: dict[str, bytes], *, claims_to_answer: str | None = None
    ) -> str:
        """Post a reply; `claims_to_answer` forges the manifest's `in_reply_to`."""
        assert self.cek is not None and self.conversation_id is not None
        reply_id = new_id()
        key = reply_cek(self.cek, reply_id)
        entries, blobs = [], {}
        for name, content in files.items():
            blob_id = new_id()
            blobs[blob_id] = encrypt_bytes(content, file_key(key, blob_id))
            entries.append(
                AttachmentEntry(
                    blob_id=blob_id,
                    name=name,
                    size=len(content),
                    media_type="application/octet-stream",
                    sha256=hashlib.sha256(content).hexdigest(),
                )
            )
        manifest = Manifest(
            conversation_id=self.conversation_id,
            message_id=reply_id,
            in_reply_to=claims_to_answer or self.message_id,
            sender=Sender(
                name="Ontvanger",
                organisation="",
                address="ontvanger@example.test",
                key_fingerprint=None,
            ),
            recipients=(ManifestRecipient(address="secretariaat@example.test", name=""),),
            subject="Re: antwoord",
            body=body,
            created=created_now(),
            attachments=tuple(entries),
        )
        manifest_id = new_id()
        all_blobs = {manifest_id: seal_manifest(manifest, key), **blobs}
        spec = [
            {"blob_id": b, "size": len(c), "sha256": hashlib.sha256(c).hexdigest()}
            for b, c in all_blobs.items()
        ]
        self.http.post(
            f"{self.base}/replies", json={"reply_id": reply_id, "blobs": spec}
        ).raise_for_status()
        for blob_id, content in all_blobs.items():
            self.http.put(
                f"{self.base}/blobs/{blob_id}",
                content=content,
                headers={
                    "Content-Range": f"bytes 0-{len(content) - 1}/{len(content)}",
                    "Content-Type": "application/octet-stream",
                },
            ).raise_for_status()
        self.http.post(f"{self.base}/replies/{reply_id}/commit").raise_for_status()
        return reply_id


__all__ = ["Browser", "Desk", "open_as_link_recipient", "setup_desk"]
