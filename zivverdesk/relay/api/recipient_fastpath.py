"""A direct route for the four requests of every recipient visit: link state, verify, thread
and blob download (`/api/v1/r/{mid}/{rid}…`).

FastAPI's routing, dependency solving and exception middleware cost about 0.2 ms of CPU per
request before a handler runs, as much as the handler's own database work for link state,
and a relay on two cores serves a few hundred recipients a second (docs/BENCHMARKS.md). This
layer matches those four requests with one regular expression and calls the same response
functions the FastAPI routes call (`recipient.py`), so behaviour and the OpenAPI document
stay defined in one place. Anything it does not fully understand, including a verify body
that does not validate, goes on to FastAPI unchanged (a buffered body is replayed), so
every error keeps FastAPI's answer.

It sits in front of the whole middleware stack (FastAPI's and Starlette's own layers and the
relay's security headers, same-origin check and body limit), and does what that stack does
for the requests it answers in one layer: a request the same-origin check or the body limit
would refuse goes to the stack, which refuses it; its answers get the security headers
through one wrapper of `send` instead of three; an unexpected error gets the stack's 500.
Each wrapping layer cost ~4 µs a request (docs/BENCHMARKS.md).
"""

from __future__ import annotations

import re

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from zivverdesk.relay.api.common import ApiError, error_response
from zivverdesk.relay.api.recipient import (
    SESSION_COOKIE,
    VerifyRequest,
    blob_response,
    link_info_response,
    thread_response,
    verify_response,
)
from zivverdesk.relay.context import RelayContext
from zivverdesk.relay.hardening import (
    UNSAFE_METHODS,
    add_security_headers,
    body_refusal,
    public_origin,
    same_origin,
    security_headers,
)

_ID = "[0-9a-f]{32}"
_PATH = re.compile(rf"/api/v1/r/({_ID})/({_ID})(?:/(verify|thread)|/blobs/({_ID}))?")


class RecipientFastPath:
    """The front layer: `app` is the whole middleware stack, for everything else."""

    def __init__(self, app: ASGIApp, *, ctx: RelayContext, public_url: str) -> None:
        self.app = app
        self.ctx = ctx
        self.public_origin = public_origin(public_url)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        match = _PATH.fullmatch(scope["path"]) if scope["type"] == "http" else None
        if match is None or scope.get("root_path"):
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        if method in UNSAFE_METHODS and (
            not same_origin(scope, self.public_origin) or body_refusal(scope) is not None
        ):
            await self.app(scope, receive, send)  # refused there, with the stack's answer
            return
        request = Request(scope, receive)
        extra = security_headers(scope)
        started = False

        async def secured_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                add_security_headers(message, extra)
            await send(message)

        try:
            try:
                response, onward = await self._answer(request, match)
            except ApiError as exc:
                response, onward = error_response(exc), None
            if response is not None:
                await response(scope, receive, secured_send)
        except Exception:
            # What Starlette's ServerErrorMiddleware does at the top of the stack: a plain
            # 500 unless the answer already started, and the error on to the server's log.
            if not started:
                await PlainTextResponse("Internal Server Error", 500)(scope, receive, secured_send)
            raise
        if onward is not None:  # outside the handling above: the stack answers its own errors
            await self.app(scope, onward, send)

    async def _answer(
        self, request: Request, match: re.Match[str]
    ) -> tuple[Response | None, Receive | None]:
        """The answer to a recipient request, or None and the `receive` with which the
        stack gets it instead (FastAPI answers a verify body that does not validate, and
        methods this layer does not serve)."""
        message_id, recipient_id, action, blob_id = match.groups()
        method = request.scope["method"]
        if method == "GET" and action is None and blob_id is None:
            return link_info_response(self.ctx, message_id, recipient_id), None
        if method == "GET" and action == "thread":
            token = request.cookies.get(SESSION_COOKIE)
            return thread_response(self.ctx, request, message_id, recipient_id, token), None
        if method == "GET" and blob_id is not None:
            token = request.cookies.get(SESSION_COOKIE)
            answer = await blob_response(
                self.ctx, request, message_id, recipient_id, blob_id, token
            )
            return answer, None
        if method == "POST" and action == "verify":
            body = await self._verify_body(request)
            if body is None:  # FastAPI answers what does not validate, as always
                return None, _replay(await request.body())
            return await verify_response(self.ctx, request, message_id, recipient_id, body), None
        return None, request.receive

    @staticmethod
    async def _verify_body(request: Request) -> VerifyRequest | None:
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            return None
        try:
            return VerifyRequest.model_validate_json(await request.body())
        except ValidationError:
            return None


def _replay(body: bytes) -> Receive:
    """A `receive` that hands over an already read body once, then waits like a server does
    for a client that sends nothing more."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive
