"""The notification mail: both parts, the full link in the text part, nothing remote."""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

from zivverdesk.core.model import VerificationMethod, new_id
from zivverdesk.mail.errors import MailError
from zivverdesk.mail.html_sanitiser import sanitise_html
from zivverdesk.mail.notification import (
    NotificationContent,
    build_notification,
    notification_link,
)

SECRET = bytes(range(32))


def _content(**overrides: object) -> NotificationContent:
    mid = new_id()
    fields: dict[str, object] = {
        "sender_name": "Jansen",
        "sender_address": "secretariaat@praktijk.example",
        "organisation": "Praktijk Zuid",
        "recipient_address": "p.devries@example.test",
        "recipient_name": "P. de Vries",
        "message_id": mid,
        "link": notification_link("https://relay.example/", mid, new_id(), SECRET),
        "method": VerificationMethod.ACCESS_CODE,
        "contact": "Praktijk Zuid, 010-1234567",
    }
    fields.update(overrides)
    return NotificationContent(**fields)  # type: ignore[arg-type]


def _roundtrip(message: EmailMessage) -> EmailMessage:
    parsed = message_from_bytes(message.as_bytes(), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def test_link_has_the_agreed_format() -> None:
    mid, rid = new_id(), new_id()
    link = notification_link("https://relay.example/", mid, rid, SECRET)
    assert re.fullmatch(rf"https://relay\.example/m/{mid}/{rid}#[A-Za-z0-9_-]{{43}}", link)
    assert link.endswith("#AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8")


@pytest.mark.parametrize("secret", [b"", bytes(31), bytes(33)])
def test_link_refuses_a_secret_of_the_wrong_size(secret: bytes) -> None:
    with pytest.raises(MailError):
        notification_link("https://relay.example", new_id(), new_id(), secret)


def test_both_parts_carry_the_full_link_and_the_headers() -> None:
    content = _content()
    parsed = _roundtrip(build_notification(content))
    assert parsed.get_content_type() == "multipart/alternative"
    assert parsed["Subject"] == "Beveiligd bericht van Praktijk Zuid"
    assert parsed["X-Zivverdesk-Message"] == content.message_id
    assert parsed["X-Zivverdesk-Notification"] == "message"
    assert parsed["From"].addresses[0].addr_spec == "secretariaat@praktijk.example"
    text = parsed.get_body(("plain",))
    html_part = parsed.get_body(("html",))
    assert text is not None and html_part is not None
    text_body = text.get_content()
    # The full link, fragment included, stands on a line of its own.
    assert content.link in text_body.splitlines()
    assert "Klik voor bericht" in text_body and "Click for message" in text_body
    assert "Jansen (Praktijk Zuid)" in text_body
    assert "010-1234567" in text_body
    html_body = html_part.get_content()
    assert f'href="{content.link}"' in html_body
    assert "Klik voor bericht</a>" in html_body


def test_no_remote_resources_or_tracking() -> None:
    html_body = build_notification(_content()).get_body(("html",))
    assert html_body is not None
    body = html_body.get_content().lower()
    for forbidden in ("<img", "<script", "<link", "<iframe", "url(", "@import", "src="):
        assert forbidden not in body
    # The only URLs are the link itself.
    assert {m for m in re.findall(r'href="([^"]+)"', body)} == {_content_link(body)}


def _content_link(body: str) -> str:
    match = re.search(r'href="([^"]+)"', body)
    assert match
    return match.group(1)


def test_html_part_survives_our_own_sanitiser_unchanged_in_meaning() -> None:
    html_body = build_notification(_content()).get_body(("html",))
    assert html_body is not None
    cleaned = sanitise_html(html_body.get_content())
    assert "Klik voor bericht" in cleaned.html
    assert not cleaned.blocked_remote_images


def test_real_subject_only_when_opted_in() -> None:
    parsed = _roundtrip(build_notification(_content(subject="Uitslag onderzoek")))
    assert parsed["Subject"] == "Uitslag onderzoek"


def test_sms_method_names_only_the_last_digits() -> None:
    content = _content(method=VerificationMethod.SMS, phone_hint="78")
    text = _roundtrip(build_notification(content)).get_body(("plain",))
    assert text is not None
    body = text.get_content()
    assert "sms" in body and "eindigt op 78" in body and "ending in 78" in body


def test_markup_in_names_is_escaped() -> None:
    content = _content(sender_name="<script>x</script>", organisation="A & B")
    html_part = build_notification(content).get_body(("html",))
    assert html_part is not None
    body = html_part.get_content()
    assert "<script>" not in body and "&lt;script&gt;" in body and "A &amp; B" in body


def test_link_for_another_message_is_refused() -> None:
    with pytest.raises(MailError):
        build_notification(_content(message_id=new_id()))


@pytest.mark.parametrize("address", ["no-at-sign", "a@b@c", "<x>@y", ""])
def test_an_invalid_recipient_address_is_a_typed_error(address: str) -> None:
    with pytest.raises(MailError):
        build_notification(_content(recipient_address=address))
