"""The recipient fast path (`relay/api/recipient_fastpath.py`) on a real relay: what it does
not handle itself reaches FastAPI with the same answer as before, and its own answers carry
the same security headers, cookie and error shape as every other response."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
import pytest
from starlette.requests import Request
from starlette.types import Message

from tests.plugins.asyncrun import run as run_in_own_loop
from tests.plugins.relay import EnrolledDevice, RelayProcess
from tests.relay.helpers import (
    Recipient,
    SentMessage,
    b64,
    create_message,
    recipient_client,
    verify,
)
from zivverdesk.relay.api import recipient, recipient_fastpath
from zivverdesk.relay.app import create_app
from zivverdesk.relay.settings import load_settings


def _new_link(relay: RelayProcess, alice: EnrolledDevice) -> tuple[SentMessage, Recipient, str]:
    """A committed message to one access-code recipient, and the path of its link."""
    msg = create_message(relay, alice)
    rec = msg.recipients[0]
    return msg, rec, f"/api/v1/r/{msg.message_id}/{rec.recipient_id}"


def _attempts_left(relay: RelayProcess, base: str) -> int:
    left: int = httpx.get(f"{relay.url}{base}").json()["attempts_left"]
    return left


def test_verify_bodies_that_do_not_validate_get_fastapis_answer(
    relay: RelayProcess, alice: EnrolledDevice
) -> None:
    msg, rec, base = _new_link(relay, alice)
    with recipient_client(relay) as client:
        extra = client.post(f"{base}/verify", json={"auth": b64(rec.auth), "pin": "1234"})
        assert extra.status_code == 400, extra.text
        assert extra.json()["error"] == "bad_request" and "pin" in extra.json()["message"]
        broken = client.post(
            f"{base}/verify", content=b'{"auth": ', headers={"Content-Type": "application/json"}
        )
        assert broken.status_code == 400 and broken.json()["error"] == "bad_request"
        wrong_type = client.post(f"{base}/verify", json={"auth": 12})
        assert wrong_type.status_code == 400 and "auth" in wrong_type.json()["message"]
        # A form post is not what the page sends: FastAPI decides, and nothing is counted.
        form = client.post(f"{base}/verify", data={"auth": b64(rec.auth)})
        assert form.status_code == 400, form.text
        assert "zv_session" not in client.cookies
        assert _attempts_left(relay, base) == 5  # none of these was a verification attempt
        ok = verify(client, msg, rec)
        assert ok.status_code == 200, ok.text
        assert client.get(f"{base}/thread").status_code == 200


def test_fast_path_answers_carry_the_security_headers_and_cookie(
    relay: RelayProcess, alice: EnrolledDevice
) -> None:
    msg, rec, base = _new_link(relay, alice)
    with recipient_client(relay) as client:
        answers = [client.get(base), verify(client, msg, rec), client.get(f"{base}/thread")]
        answers.append(client.get(f"{base}/blobs/{next(iter(msg.blobs))}"))
        for answer in answers:
            assert answer.status_code == 200, answer.text
            assert "default-src 'self'" in answer.headers["content-security-policy"]
            assert answer.headers["cache-control"] == "no-store"
            assert answer.headers["referrer-policy"] == "no-referrer"
            assert answer.headers["x-content-type-options"] == "nosniff"
            assert "server" not in answer.headers
        cookie = answers[1].headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie and f"path={base}" in cookie
        # Errors of the fast path have the API's error shape.
        client.cookies.clear()
        missing = client.get(f"{base}/thread")
        assert missing.status_code == 401 and missing.json()["error"] == "not_verified"


def test_cross_site_verify_is_refused_before_the_fast_path(
    relay: RelayProcess, alice: EnrolledDevice
) -> None:
    _msg, rec, base = _new_link(relay, alice)
    with recipient_client(relay) as client:
        refused = client.post(
            f"{base}/verify",
            json={"auth": b64(rec.auth)},
            headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
        )
        assert refused.status_code == 403 and "zv_session" not in client.cookies
    assert _attempts_left(relay, base) == 5


def test_other_methods_and_malformed_ids_reach_fastapi(
    relay: RelayProcess, alice: EnrolledDevice
) -> None:
    msg, rec, base = _new_link(relay, alice)
    with recipient_client(relay) as client:
        assert client.delete(f"{base}/thread").status_code == 405
        assert client.put(base).status_code == 405
        upper = client.get(f"/api/v1/r/{msg.message_id.upper()}/{rec.recipient_id}")
        assert upper.status_code == 400 and upper.json()["error"] == "bad_request"
        assert client.get(f"{base}/blobs/not-an-id").status_code == 400


def test_verify_answer_carries_the_thread(relay: RelayProcess, alice: EnrolledDevice) -> None:
    msg, rec, base = _new_link(relay, alice)
    with recipient_client(relay) as client:
        answer = verify(client, msg, rec).json()
        thread = client.get(f"{base}/thread").json()
    assert answer["thread"] == thread  # what GET …/thread answers, opened included
    root = next(i for i in thread["items"] if i["message_id"] == msg.message_id)
    assert root["opened"] is True and root["wrapped_cek"] == answer["wrapped_cek"]
    assert {b["blob_id"] for b in root["blobs"]} == set(msg.blobs)


def test_unexpected_error_gets_the_stacks_500(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fast-path answer that fails unexpectedly gets the plain 500 that Starlette's error
    middleware gives every other request (with the security headers), and the error goes
    on to the server."""

    def broken(*_args: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(recipient_fastpath, "link_info_response", broken)
    app = create_app(load_settings(data_dir=tmp_path, environ={}), workers=False)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)

    async def get() -> httpx.Response:
        async with httpx.AsyncClient(transport=transport, base_url="http://relay") as client:
            return await client.get(f"/api/v1/r/{'a' * 32}/{'b' * 32}")

    answer = run_in_own_loop(get())
    app.state.relay.db.dispose()
    assert answer.status_code == 500 and answer.text == "Internal Server Error"
    assert "default-src 'self'" in answer.headers["content-security-policy"]


def test_an_error_of_the_stack_is_answered_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A request the fast path hands on to the stack is answered by the stack alone, also
    when that fails: its error middleware's 500, and no second answer from the fast path."""

    def broken(*_args: object) -> None:
        raise RuntimeError("a bug")

    async def hand_on(
        _self: object, request: Request, _match: object
    ) -> tuple[None, Callable[[], Awaitable[Message]]]:
        return None, request.receive

    monkeypatch.setattr(recipient_fastpath.RecipientFastPath, "_answer", hand_on)
    monkeypatch.setattr(recipient, "link_info_response", broken)
    app = create_app(load_settings(data_dir=tmp_path, environ={}), workers=False)
    path = f"/api/v1/r/{'a' * 32}/{'b' * 32}"
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"relay")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    with pytest.raises(RuntimeError, match="a bug"):
        run_in_own_loop(app(scope, receive, send))
    app.state.relay.db.dispose()
    starts = [m for m in sent if m["type"] == "http.response.start"]
    assert [m["status"] for m in starts] == [500]
