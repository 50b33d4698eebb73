"""Security headers on every response and a same-origin check on state-changing requests.

The recipient page runs with a strict Content-Security-Policy (no inline script or style,
nothing from other origins, no framing), no referrer (the link's fragment never leaks, and
neither does the path), and `no-store` on everything except the static web assets.
Cross-site POST/PUT requests are refused (CSRF): session cookies are SameSite=Strict as well.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
PERMISSIONS = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
HSTS = "max-age=63072000; includeSubDomains"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _extra_headers(tls: bool, static: bool) -> tuple[tuple[bytes, bytes], ...]:
    extra = [
        (b"content-security-policy", CSP.encode()),
        (b"referrer-policy", b"no-referrer"),
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"permissions-policy", PERMISSIONS.encode()),
        (b"cross-origin-opener-policy", b"same-origin"),
        (b"cross-origin-resource-policy", b"same-origin"),
    ]
    if tls:
        extra.append((b"strict-transport-security", HSTS.encode()))
    if not static:  # static web assets may be cached; everything else is sensitive
        extra.append((b"cache-control", b"no-store"))
    return tuple(extra)


# The headers added to a response, by (served over TLS, static web asset): built once.
_EXTRA = {
    (tls, static): _extra_headers(tls, static) for tls in (False, True) for static in (False, True)
}


def security_headers(scope: Scope) -> tuple[tuple[bytes, bytes], ...]:
    """The headers every answer to `scope` carries (unless the answer sets them itself)."""
    return _EXTRA[scope.get("scheme") == "https", scope["path"].startswith("/web/")]


def add_security_headers(message: Message, extra: tuple[tuple[bytes, bytes], ...]) -> None:
    """Add `extra` to an `http.response.start` message, except headers it already has."""
    headers = list(message.get("headers", []))
    present = {k.lower() for k, _ in headers}
    headers += [(k, v) for k, v in extra if k not in present]
    message["headers"] = headers


def public_origin(public_url: str) -> str:
    parts = urlsplit(public_url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def same_origin(scope: Scope, public: str) -> bool:
    """Whether a state-changing request may be served: not cross-site (CSRF)."""
    headers = {k.lower(): v for k, v in scope.get("headers", [])}
    if headers.get(b"sec-fetch-site", b"") == b"cross-site":
        return False
    origin = headers.get(b"origin")
    if origin is None:
        return True  # non-browser clients (the desktop) send no Origin
    host = headers.get(b"host", b"").decode("latin-1").lower()
    own = f"{scope.get('scheme', 'http')}://{host}"
    value = origin.decode("latin-1").lower()
    return value in (own, public)


class SecurityHeaders:
    def __init__(self, app: ASGIApp, *, public_url: str) -> None:
        self.app = app
        self.public_origin = public_origin(public_url)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] in UNSAFE_METHODS and not same_origin(scope, self.public_origin):
            await self._refuse(send)
            return
        extra = security_headers(scope)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                add_security_headers(message, extra)
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _refuse(self, send: Send) -> None:
        await _answer(send, 403, "forbidden", "Cross-site requests are not accepted.")


JSON_LIMIT = 1024 * 1024


class BodyLimit:
    """Refuses request bodies over 1 MiB except blob uploads (`PUT …/blobs/…`, which the
    upload handler limits to the blob's declared size). Bodies must declare their length."""

    def __init__(self, app: ASGIApp, *, limit: int = JSON_LIMIT) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = body_refusal(scope, self.limit)
        if refusal == 411:
            await _answer(send, 411, "bad_request", "Send the body with a Content-Length.")
        elif refusal == 413:
            await _answer(send, 413, "too_large", "The request body is larger than 1 MiB.")
        else:
            await self.app(scope, receive, send)


def body_refusal(scope: Scope, limit: int = JSON_LIMIT) -> int | None:
    """411 or 413 when `BodyLimit` refuses the body of HTTP request `scope`, else None."""
    if scope["method"] not in UNSAFE_METHODS or (
        scope["method"] == "PUT" and "/blobs/" in scope["path"]
    ):
        return None
    headers = {k.lower(): v for k, v in scope.get("headers", [])}
    length = headers.get(b"content-length")
    if length is None and b"transfer-encoding" in headers:
        return 411
    if length is not None and (not length.isdigit() or int(length) > limit):
        return 413
    return None


async def _answer(send: Send, status: int, code: str, message: str) -> None:
    body = json.dumps({"error": code, "message": message}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
                (b"x-content-type-options", b"nosniff"),
                (b"content-security-policy", CSP.encode()),
                (b"referrer-policy", b"no-referrer"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
