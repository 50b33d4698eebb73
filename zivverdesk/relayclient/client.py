"""The desktop's calls to the relay API v1 (docs/API.md) over `httpx`.

    client = RelayClient("https://relay.example", token=Secret(token), ca_file=None)
    enrollment = client.enroll(code, device_name="Werkplek 3", public_key=raw_x25519)
    client.create_message(body); upload_blob(client, ...); client.commit(message_id)

Every call raises a typed `RelayError` (see `errors.py`); the client holds one connection
pool and is safe to share between threads (httpx's sync `Client` is), and `interrupt()` ends
its calls from another thread. Identifiers are chosen by the caller, so retrying
`create_message` after a time-out is safe. Uploads, downloads and
the change feed live in `transfers.py` and `feed.py` on top of `request`.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from zivverdesk.core.secret import Secret
from zivverdesk.crypto.encoding import b64url_encode
from zivverdesk.relayclient.errors import (
    EnrollmentRefused,
    RelayError,
    RelayUnreachable,
    Unauthorized,
    error_from_response,
)
from zivverdesk.relayclient.interrupt import InterruptibleTransport

API = "/api/v1"
JSON = dict[str, Any]


@dataclass(frozen=True)
class Enrollment:
    token: Secret[str]
    user_id: str
    email: str
    name: str
    office: JSON


@dataclass(frozen=True)
class PublicKey:
    key_id: str
    public_key: str  # raw X25519, base64url
    fingerprint: str


@dataclass(frozen=True)
class Colleague:
    user_id: str
    email: str
    name: str
    public_keys: tuple[PublicKey, ...]


@dataclass(frozen=True)
class FeedEvent:
    cursor: str
    kind: str
    message_id: str | None
    conversation_id: str | None
    recipient_id: str | None
    reply_id: str | None
    blob_id: str | None
    at: str
    detail: Any


@dataclass(frozen=True)
class FeedPage:
    items: tuple[FeedEvent, ...]
    next: str | None


class RelayClient:
    def __init__(
        self,
        base_url: str,
        *,
        token: Secret[str] | None = None,
        ca_file: Path | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = token
        verify: ssl.SSLContext | bool = True
        if ca_file is not None:
            verify = ssl.create_default_context(cafile=str(ca_file))
        self._transport = InterruptibleTransport(verify=verify)
        self._http = httpx.Client(
            base_url=self.base_url,
            transport=self._transport,
            timeout=httpx.Timeout(timeout),
            # The relay is addressed directly; a proxy from the environment would see tokens.
            trust_env=False,
            headers={"User-Agent": "zivverdesk"},
        )

    def close(self) -> None:
        self._http.close()

    def interrupt(self) -> None:
        """End the calls running now (the feed's long-poll) and refuse later ones, from any
        thread: each fails as `RelayUnreachable`. For stopping; the client is done after."""
        self._transport.interrupt()

    def __enter__(self) -> RelayClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def with_token(self, token: Secret[str]) -> None:
        self._token = token

    # -- transport ---------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        content: Any = None,
        timeout: float | None = None,
    ) -> httpx.Response:
        """One call; raises a typed error for 4xx/5xx and for no answer at all."""
        all_headers = dict(headers or {})
        if self._token is not None:
            all_headers["Authorization"] = f"Bearer {self._token.reveal()}"
        try:
            response = self._http.request(
                method,
                path,
                json=json,
                params=params,
                headers=all_headers,
                content=content,
                timeout=httpx.Timeout(timeout) if timeout is not None else httpx.USE_CLIENT_DEFAULT,
            )
        except httpx.TransportError as error:
            raise RelayUnreachable(self.base_url, _reason(error)) from error
        if response.status_code >= 400:
            raise _error(response)
        return response

    def open_stream(
        self, method: str, path: str, *, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        """A streamed response (caller closes it); for downloads."""
        all_headers = dict(headers or {})
        if self._token is not None:
            all_headers["Authorization"] = f"Bearer {self._token.reveal()}"
        try:
            request = self._http.build_request(method, path, headers=all_headers)
            response = self._http.send(request, stream=True)
        except httpx.TransportError as error:
            raise RelayUnreachable(self.base_url, _reason(error)) from error
        if response.status_code >= 400:
            try:
                response.read()
            finally:
                response.close()
            raise _error(response)
        return response

    def _json(self, method: str, path: str, **kwargs: Any) -> JSON:
        response = self.request(method, path, **kwargs)
        if not response.content:
            return {}
        try:
            body = response.json()
        except ValueError as error:
            raise RelayError(
                "De relay gaf een onleesbaar antwoord. / The relay gave an unreadable answer.",
                status=response.status_code,
            ) from error
        if not isinstance(body, dict):
            raise RelayError(
                "De relay gaf een onverwacht antwoord. / The relay gave an unexpected answer.",
                status=response.status_code,
            )
        return body

    # -- device and directory ----------------------------------------------------------------

    def enroll(self, code: Secret[str], *, device_name: str, public_key: bytes) -> Enrollment:
        """Exchange a single-use enrollment code for a device token (kept on this client);
        a code the relay does not take is `EnrollmentRefused`."""
        try:
            body = self._json(
                "POST",
                f"{API}/enroll",
                json={
                    "code": code.reveal(),
                    "device_name": device_name,
                    "public_key": b64url_encode(public_key),
                },
            )
        except Unauthorized as error:
            raise EnrollmentRefused(str(error), status=error.status, error=error.error) from error
        try:
            user = body["user"]
            enrollment = Enrollment(
                token=Secret(str(body["token"])),
                user_id=str(user["id"]),
                email=str(user["email"]),
                name=str(user.get("name") or ""),
                office=dict(body.get("office") or {}),
            )
        except (KeyError, TypeError) as error:
            raise RelayError(
                "Onvolledig antwoord op de aanmelding. / Incomplete enrollment answer."
            ) from error
        self._token = enrollment.token
        return enrollment

    def me(self) -> JSON:
        return self._json("GET", f"{API}/me")

    def directory(self) -> list[Colleague]:
        body = self._json("GET", f"{API}/directory")
        try:
            return [
                Colleague(
                    user_id=str(item["user_id"]),
                    email=str(item["email"]),
                    name=str(item.get("name") or ""),
                    public_keys=tuple(
                        PublicKey(str(k["key_id"]), str(k["public_key"]), str(k["fingerprint"]))
                        for k in item.get("public_keys") or []
                    ),
                )
                for item in body.get("items") or []
            ]
        except (KeyError, TypeError) as error:
            raise RelayError("Onvolledige sleutellijst. / Incomplete key directory.") from error

    # -- messages ----------------------------------------------------------------------------

    def create_message(self, message: JSON) -> JSON:
        """`POST /messages`; idempotent on `message_id`. Answers `{"message_id", "upload"}`."""
        return self._json("POST", f"{API}/messages", json=message)

    def commit(self, message_id: str) -> JSON:
        return self._json("POST", f"{API}/messages/{message_id}/commit")

    def revoke(self, message_id: str) -> JSON:
        return self._json("POST", f"{API}/messages/{message_id}/revoke")

    def rotate(self, message_id: str, recipient_id: str, new_recipient: JSON) -> JSON:
        """Replace a recipient's link (the old one stops working at once)."""
        return self._json(
            "POST",
            f"{API}/messages/{message_id}/recipients/{recipient_id}/rotate",
            json=new_recipient,
        )

    def report_notification(
        self, message_id: str, recipient_id: str, *, accepted: bool, detail: str = ""
    ) -> JSON:
        return self._json(
            "POST",
            f"{API}/messages/{message_id}/recipients/{recipient_id}/notification",
            json={"accepted": accepted, "detail": detail},
        )

    def get_message(self, message_id: str) -> JSON:
        return self._json("GET", f"{API}/messages/{message_id}")

    def review(self, conversation_id: str, *, assigned_to: str | None, reviewed: bool) -> JSON:
        return self._json(
            "PUT",
            f"{API}/conversations/{conversation_id}/review",
            json={"assigned_to": assigned_to, "reviewed": reviewed},
        )

    def events(self, after: str | None, *, wait: int = 25) -> FeedPage:
        """One long-poll of the change feed (the relay answers within `wait` ≤ 30 seconds)."""
        params: dict[str, Any] = {"wait": max(0, min(wait, 30))}
        if after:
            params["after"] = after
        body = self._json("GET", f"{API}/events", params=params, timeout=wait + 15.0)
        try:
            items = tuple(_event(item) for item in body.get("items") or [])
        except (KeyError, TypeError) as error:
            raise RelayError("Onvolledige gebeurtenis. / Incomplete feed event.") from error
        next_cursor = body.get("next")
        return FeedPage(items, str(next_cursor) if next_cursor else None)


def _event(item: JSON) -> FeedEvent:
    def opt(key: str) -> str | None:
        value = item.get(key)
        return str(value) if value is not None else None

    return FeedEvent(
        cursor=str(item["cursor"]),
        kind=str(item["kind"]),
        message_id=opt("message_id"),
        conversation_id=opt("conversation_id"),
        recipient_id=opt("recipient_id"),
        reply_id=opt("reply_id"),
        blob_id=opt("blob_id"),
        at=str(item.get("at") or ""),
        detail=item.get("detail"),
    )


def _error(response: httpx.Response) -> RelayError:
    try:
        body: object = response.json()
    except ValueError:
        body = None
    return error_from_response(response.status_code, body, str(response.url))


def _reason(error: httpx.TransportError) -> str:
    if isinstance(error, httpx.TimeoutException):
        return "time-out"
    if isinstance(error, httpx.ConnectError):
        return "geen verbinding / no connection"
    return type(error).__name__
