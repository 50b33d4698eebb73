"""Outbound messages of the relay through real servers: mail over the test mail stack (with
an SMTP outage in between) read back over IMAP, and SMS through an HTTP gateway on loopback."""

from __future__ import annotations

import email
import email.policy
import json
import re
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any, ClassVar

import httpx
import pytest
from imapclient import IMAPClient
from sqlalchemy import select

from tests.plugins.mailstack import MailAccount, MailStack
from tests.plugins.relay import RelayFactory, RelayProcess
from tests.relay.helpers import Recipient, blob_spec, create_message, new_id, recipient_client
from tests.relay.helpers import verify as verify_auth

pytestmark = pytest.mark.integration


def wait_until(condition: Callable[[], Any], timeout: float = 30, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def inbox(account: MailAccount) -> list[EmailMessage]:
    context = ssl.create_default_context(cafile=str(account.ca_file))
    with IMAPClient(account.imap_host, port=account.imaps_port, ssl_context=context) as client:
        client.login(account.username, account.password)
        client.select_folder("INBOX", readonly=True)
        uids = client.search("ALL")
        fetched = client.fetch(uids, ["RFC822"]) if uids else {}
        return [
            email.message_from_bytes(fetched[u][b"RFC822"], policy=email.policy.default)
            for u in sorted(fetched)
        ]


def mail_relay(relay_factory: RelayFactory, mailstack: MailStack) -> RelayProcess:
    return relay_factory(
        settings={
            "office": {"name": "Testkantoor"},
            "smtp": {
                "host": "127.0.0.1",
                "port": mailstack.smtp_relay_port,
                "tls": "starttls",
                "ca_file": str(mailstack.ca_file),
                "from_address": "relay@example.test",
                "poll_interval": 0.2,
                "retry_base": 0.5,
                "retry_max": 1.0,
            },
        }
    )


def queue_rows(relay: RelayProcess) -> list[Any]:
    from zivverdesk.relay.db.engine import Database
    from zivverdesk.relay.db.schema import mail_queue

    db = Database(f"sqlite:///{relay.data_dir / 'relay.sqlite3'}", pool_size=1)
    try:
        with db.read() as conn:
            return list(conn.execute(select(mail_queue)).all())
    finally:
        db.dispose()


def test_reply_notification_survives_smtp_outage(
    relay_factory: RelayFactory, mailstack: MailStack, mail_account: Callable[[str], MailAccount]
) -> None:
    relay = mail_relay(relay_factory, mailstack)
    account = mail_account("sender")
    sender = relay.enroll_device(account.email, "Sanne Secretariaat")
    msg = create_message(relay, sender)
    rec = msg.recipients[0]
    base = f"/api/v1/r/{msg.message_id}/{rec.recipient_id}"
    with mailstack.smtp_outage():
        with recipient_client(relay) as client:
            assert verify_auth(client, msg, rec).status_code == 200
            reply_id, blob_id, data = new_id(), new_id(), b"ciphertext of the reply"
            client.post(
                f"{base}/replies", json={"reply_id": reply_id, "blobs": [blob_spec(blob_id, data)]}
            )
            client.put(f"{base}/blobs/{blob_id}", content=data)
            assert client.post(f"{base}/replies/{reply_id}/commit").status_code == 200
        wait_until(lambda: any(r.attempts >= 2 for r in queue_rows(relay)), what="retries")
        assert all(r.sent_at is None for r in queue_rows(relay))
        events = httpx.get(f"{relay.url}/api/v1/events", headers=sender.headers).json()["items"]
        assert ("mail_failed", "retrying") in {(e["kind"], e["detail"]) for e in events}
    wait_until(lambda: all(r.sent_at for r in queue_rows(relay)), what="delivery after outage")
    mails = wait_until(lambda: inbox(account), what="the mail in the inbox")
    time.sleep(1.0)  # several more worker rounds: a second copy would arrive now
    mails = inbox(account)
    assert len(mails) == 1
    mail = mails[0]
    assert mail["X-Zivverdesk-Notification"] == "reply"
    assert mail["X-Zivverdesk-Conversation"] == msg.conversation_id
    plain, html = mail.get_body(("plain",)), mail.get_body(("html",))
    assert plain is not None and html is not None
    text = plain.get_content()
    assert "heeft geantwoord" in text and "replied" in text
    assert msg.conversation_id in text
    row = queue_rows(relay)[0]
    assert row.text_body == "" and row.html_body == ""  # nothing lingers after sending


def test_email_code_arrives_over_smtp(
    relay_factory: RelayFactory, mailstack: MailStack, mail_account: Callable[[str], MailAccount]
) -> None:
    relay = mail_relay(relay_factory, mailstack)
    account = mail_account("patient")
    sender = relay.enroll_device(f"sender-{new_id()[:6]}@example.test", "Sanne")
    rec = Recipient(new_id(), account.email, method="email")
    msg = create_message(relay, sender, recipients=[rec])
    base = f"/api/v1/r/{msg.message_id}/{rec.recipient_id}"
    with recipient_client(relay) as client:
        info = client.get(base).json()
        assert info["masked_email"].endswith("@example.test") and "•" in info["masked_email"]
        assert client.post(f"{base}/send-code").status_code == 200
        mails = wait_until(lambda: inbox(account), what="the code mail")
        code = re.search(r"\b(\d{6})\b", mails[0].get_body(("plain",)).get_content())
        assert code is not None
        ok = client.post(f"{base}/verify", json={"code": code.group(1)})
        assert ok.status_code == 200


class Gateway(BaseHTTPRequestHandler):
    requests: ClassVar[list[dict[str, Any]]] = []
    status = 201

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        Gateway.requests.append(
            {
                "path": self.path,
                "headers": dict(self.headers),
                "body": json.loads(self.rfile.read(length)),
            }
        )
        self.send_response(Gateway.status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"id": "abc"}')

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def gateway() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), Gateway)
    Gateway.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/messages"
    server.shutdown()
    server.server_close()


def test_sms_http_gateway_request_shape_and_failure(
    relay_factory: RelayFactory, gateway: str
) -> None:
    relay = relay_factory(
        settings={
            "sms": {
                "gateway": "messagebird",
                "url": gateway,
                "access_key": "live_testkey",
                "originator": "Kantoor",
            },
            "limits": {"resend_after": 1},
        }
    )
    sender = relay.enroll_device(f"s-{new_id()[:6]}@example.test", "Sanne")
    rec = Recipient(new_id(), "jan@example.test", method="sms", phone="+31 6 12345678")
    msg = create_message(relay, sender, recipients=[rec])
    base = f"/api/v1/r/{msg.message_id}/{rec.recipient_id}"
    with recipient_client(relay) as client:
        assert client.post(f"{base}/send-code").status_code == 200
        (request,) = Gateway.requests
        assert request["path"] == "/messages"
        assert request["headers"]["Authorization"] == "AccessKey live_testkey"
        assert request["headers"]["Content-Type"] == "application/json"
        body = request["body"]
        assert body["originator"] == "Kantoor" and body["recipients"] == ["31612345678"]
        code = re.search(r"\b(\d{6})\b", body["body"])
        assert code is not None
        assert client.post(f"{base}/verify", json={"code": code.group(1)}).status_code == 200
        Gateway.status = 500
        time.sleep(1.1)  # resend_after is one second here
        failed = client.post(f"{base}/send-code")
        Gateway.status = 201
        assert failed.status_code == 502 and failed.json()["error"] == "gateway_failed"
    events = httpx.get(f"{relay.url}/api/v1/events", headers=sender.headers).json()["items"]
    assert ("verification_failed", "sms_gateway_failed") in {
        (e["kind"], e["detail"]) for e in events
    }


def test_mail_given_up_is_told_in_the_feed(relay_factory: RelayFactory) -> None:
    from tests.plugins.services import free_port

    relay = relay_factory(
        settings={
            "smtp": {
                "host": "127.0.0.1",
                "port": free_port(),
                "tls": "none",
                "from_address": "relay@example.test",
                "poll_interval": 0.1,
                "retry_base": 0.1,
                "retry_max": 0.2,
                "max_attempts": 3,
            }
        }
    )
    sender = relay.enroll_device(f"s-{new_id()[:6]}@example.test", "Sanne")
    msg = create_message(relay, sender)
    rec = msg.recipients[0]
    base = f"/api/v1/r/{msg.message_id}/{rec.recipient_id}"
    with recipient_client(relay) as client:
        verify_auth(client, msg, rec)
        reply_id, blob_id, data = new_id(), new_id(), b"reply"
        client.post(
            f"{base}/replies", json={"reply_id": reply_id, "blobs": [blob_spec(blob_id, data)]}
        )
        client.put(f"{base}/blobs/{blob_id}", content=data)
        client.post(f"{base}/replies/{reply_id}/commit")

    def failures() -> list[str]:
        items = httpx.get(f"{relay.url}/api/v1/events", headers=sender.headers).json()["items"]
        return [e["detail"] for e in items if e["kind"] == "mail_failed"]

    assert wait_until(lambda: failures() == ["retrying", "gave_up"], what="give-up event")
    (row,) = queue_rows(relay)
    assert row.attempts == 3 and row.failed_at is not None and row.sent_at is None
