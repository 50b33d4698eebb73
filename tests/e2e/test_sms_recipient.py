"""A recipient verified by SMS: the desk takes the mobile number from the address book, the
relay sends the code (its file gateway stands in for the SMS provider), the recipient opens
the message with it."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.harness import Browser, link_of, setup_desk, wait_for_notifications
from tests.plugins.mailstack import MailAccount, MailStack
from tests.plugins.relay import RelayProcess
from zivverdesk.crypto.encoding import b64url_decode
from zivverdesk.crypto.keyschedule import recipient_keys, unwrap_cek

pytestmark = pytest.mark.integration


def test_sms_code_from_the_contacts_mobile_number(
    tmp_path: Path,
    mailstack: MailStack,
    mail_account: Callable[[str], MailAccount],
    relay_factory: Callable[..., RelayProcess],
) -> None:
    sms_file = tmp_path / "sms.jsonl"
    relay = relay_factory(settings={"sms": {"gateway": "file", "file": str(sms_file)}})
    sender, recipient = mail_account("secretariaat"), mail_account("patient")
    desk = setup_desk(tmp_path / "desk", mailstack, sender, relay)
    desk.run("contact", "add", recipient.email, "--name", "P. Patiënt", "--mobile", "+31612345678")
    message_id = desk.run(
        "send", "--to", recipient.email, "--subject", "Per sms", "--body", "Uw uitslag."
    ).out.strip()
    (note,) = wait_for_notifications(recipient, 1)
    text = note.get_body(preferencelist=("plain",))
    assert text is not None and "78" in text.get_content()  # the last digits, never the number
    assert "+31612345678" not in str(note)

    browser = Browser(relay.url, link_of(note)[0])
    try:
        info = browser.info()
        assert info["method"] == "sms" and "78" in info["masked_phone"]
        browser.http.post(f"{browser.base}/send-code").raise_for_status()
        deadline = time.monotonic() + 20
        while not (sms_file.exists() and sms_file.read_text(encoding="utf-8").strip()):
            assert time.monotonic() < deadline, "no SMS was sent"
            time.sleep(0.1)
        sms = json.loads(sms_file.read_text(encoding="utf-8").splitlines()[-1])
        assert sms["to"] == "+31612345678"
        found = re.search(r"\b(\d{6})\b", sms["text"])
        assert found is not None
        response = browser.http.post(f"{browser.base}/verify", json={"code": found.group(1)})
        response.raise_for_status()
        browser._session(response)
        keys = recipient_keys(
            browser.link_secret.reveal(), b"", browser.message_id, browser.recipient_id
        )
        browser.cek = unwrap_cek(
            b64url_decode(response.json()["wrapped_cek"]),
            keys.wrap_key,
            browser.message_id,
            browser.recipient_id,
        )
        manifest, _ = browser.read()
        assert manifest.body == "Uw uitslag."
    finally:
        browser.close()
    desk.run("sync")
    (r,) = desk.json("show", message_id)["messages"][0]["recipients"]
    assert (r["method"], r["state"]) == ("sms", "opened")
