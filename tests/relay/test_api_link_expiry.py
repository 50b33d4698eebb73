"""A link's public state tells until when the message can be opened (`expires_at`), on a real
relay (SQLite and PostgreSQL): the time the sender chose, in the OpenAPI document, and
reading it changes nothing (link scanners fetch it before the recipient does)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from tests.plugins.relay import EnrolledDevice, RelayProcess
from tests.relay.helpers import create_message, kinds_for, recipient_client, verify
from tests.relay.test_api_recipient import state_of

LINK_PATH = "/api/v1/r/{message_id}/{recipient_id}"
# The fields the page already relied on before `expires_at` came: they stay as they were.
EARLIER_FIELDS = {
    "method",
    "masked_phone",
    "masked_email",
    "sender",
    "office",
    "state",
    "attempts_left",
    "locked_until",
    "kdf",
    "conversation_id",
    "address_hash",
}


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def test_link_state_carries_the_chosen_expiry_in_utc(
    relay: RelayProcess, alice: EnrolledDevice
) -> None:
    # Chosen with an offset, as a desktop in Amsterdam could send it: the answer is UTC.
    moment = datetime.now(UTC).replace(microsecond=0) + timedelta(days=30)
    chosen = (moment + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S") + "+01:00"
    msg = create_message(relay, alice, expires_at=chosen)
    rec = msg.recipients[0]
    info = httpx.get(
        relay.url + LINK_PATH.format(message_id=msg.message_id, recipient_id=rec.recipient_id)
    )
    assert info.status_code == 200
    body = info.json()
    expected = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert body["expires_at"] == expected
    assert set(body) == EARLIER_FIELDS | {"expires_at"}
    assert body["state"] == "active" and body["sender"]["name"] == "Alice de Vries"
    # The sender's own view of the message says the same time.
    assert state_of(relay, alice, msg.message_id)["expires_at"] == expected


def test_without_a_chosen_expiry_the_office_default_is_shown(
    relay: RelayProcess, alice: EnrolledDevice
) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    msg = create_message(relay, alice)
    rec = msg.recipients[0]
    body = httpx.get(
        relay.url + LINK_PATH.format(message_id=msg.message_id, recipient_id=rec.recipient_id)
    ).json()
    shown = _parse(body["expires_at"])
    default = timedelta(days=90)  # the relay's retention.default_days
    assert before + default <= shown <= datetime.now(UTC) + default
    assert state_of(relay, alice, msg.message_id)["expires_at"] == body["expires_at"]


def test_openapi_documents_expires_at_beside_the_earlier_fields(relay: RelayProcess) -> None:
    schema = httpx.get(f"{relay.url}/api/openapi.json").json()
    ok = schema["paths"]["/api/v1/r/{message_id}/{recipient_id}"]["get"]["responses"]["200"]
    ref = ok["content"]["application/json"]["schema"]["$ref"]
    model = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert set(model["properties"]) == EARLIER_FIELDS | {"expires_at"}
    assert "expires_at" in model["required"]
    assert model["properties"]["expires_at"]["type"] == "string"
    assert "RFC 3339" in model["properties"]["expires_at"]["description"]


def test_reading_the_expiry_changes_nothing(relay: RelayProcess, alice: EnrolledDevice) -> None:
    expires = (datetime.now(UTC) + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%SZ")
    msg = create_message(relay, alice, expires_at=expires)
    rec = msg.recipients[0]
    url = relay.url + LINK_PATH.format(message_id=msg.message_id, recipient_id=rec.recipient_id)
    detail_before = state_of(relay, alice, msg.message_id)
    first = httpx.get(url).json()
    for _ in range(5):
        assert httpx.get(url).json() == first
    assert first["expires_at"] == expires
    assert kinds_for(relay, alice, msg.message_id) == []  # no event, not even `link_fetched`
    assert state_of(relay, alice, msg.message_id) == detail_before
    assert first["attempts_left"] == 5
    # The link still opens for the real recipient, with its verification intact.
    with recipient_client(relay) as client:
        assert verify(client, msg, rec).status_code == 200
