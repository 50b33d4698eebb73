"""The relay's ASGI application: `create_app(settings)` wires settings, database, blob store,
SMS gateway, background workers (mail queue, retention) and the API routers together."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from zivverdesk import __version__
from zivverdesk.relay.api import (
    blobs,
    devices,
    enrollment,
    events,
    messages,
    operations,
    recipient,
    replies,
    starter,
)
from zivverdesk.relay.api.common import ApiError, error_json, error_response
from zivverdesk.relay.api.recipient_fastpath import RecipientFastPath
from zivverdesk.relay.blobs import BlobStore
from zivverdesk.relay.context import RelayContext
from zivverdesk.relay.db.engine import Database
from zivverdesk.relay.hardening import BodyLimit, SecurityHeaders
from zivverdesk.relay.mailqueue import MailWorker
from zivverdesk.relay.retention import PurgeWorker
from zivverdesk.relay.settings import RelaySettings
from zivverdesk.relay.sms import make_gateway
from zivverdesk.relay.webpages import WebAssets
from zivverdesk.relay.webpages import router as web_router

_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "bad_request",
    409: "conflict",
    413: "too_large",
    416: "bad_request",
    429: "rate_limited",
}


class RelayApi(FastAPI):
    """The relay's FastAPI application with the recipient fast path in front of its whole
    middleware stack (`relay/api/recipient_fastpath.py`)."""

    front: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.front is None:
            await super().__call__(scope, receive, send)
        else:
            await self.front(scope, receive, send)

    async def stack(self, scope: Scope, receive: Receive, send: Send) -> None:
        """FastAPI with its middleware, behind the front layer."""
        await super().__call__(scope, receive, send)


def open_context(settings: RelaySettings, *, migrate: bool = True) -> RelayContext:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.database_url)
    if migrate:
        db.migrate(lock_dir=settings.data_dir)
    return RelayContext(
        settings=settings, db=db, blobs=BlobStore(settings.blob_dir), sms=make_gateway(settings.sms)
    )


def create_app(settings: RelaySettings, *, workers: bool = True) -> RelayApi:
    ctx = open_context(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        mail = MailWorker(ctx.db, settings.smtp)
        purge = PurgeWorker(ctx.db, ctx.blobs, settings)
        if workers:
            mail.start()
            purge.start()
        try:
            yield
        finally:
            mail.stop()
            purge.stop()
            ctx.db.dispose()

    app = RelayApi(
        title="zivverdesk relay",
        version=__version__,
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
        # FastAPI's built-in OpenTelemetry would record every request's path (message and
        # recipient ids) and the messages and stack traces of errors as soon as a provider
        # is configured in the process or `FASTAPI_OTEL_AUTO_CONFIGURE` is set, and send
        # them to whatever collector the environment names. The relay keeps its own
        # account of access in the audit trail and sends nothing elsewhere.
        telemetry={
            "tracing": False,
            "metrics": False,
            "logs": False,
            "operation_spans": False,
            "auto_configure": False,
        },
    )
    app.state.relay = ctx
    app.state.web_assets = WebAssets(settings.web_dir)
    # The router tries these in order: the recipient endpoints come first because every
    # recipient flow makes four requests to them (matching costs CPU per route tried).
    for module in (
        recipient,
        operations,
        enrollment,
        messages,
        blobs,
        events,
        devices,
        replies,
        starter,
    ):
        app.include_router(module.router)
    app.include_router(web_router)
    _install_error_handlers(app)
    # Middleware added first runs innermost. The recipient fast path sits in front of all
    # of it and applies the same checks and headers itself.
    app.add_middleware(BodyLimit)
    app.add_middleware(SecurityHeaders, public_url=settings.effective_public_url)
    app.front = RecipientFastPath(app.stack, ctx=ctx, public_url=settings.effective_public_url)
    return app


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        text = f"{where}: {first.get('msg', 'invalid')}" if where else "The request is invalid."
        return error_json(400, "bad_request", text)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(exc.status_code, "bad_request")
        headers = dict(exc.headers) if exc.headers else None
        return error_json(exc.status_code, code, str(exc.detail), headers=headers)
