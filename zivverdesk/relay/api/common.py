"""Errors, request helpers and the authentication dependencies of the API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from zivverdesk.core.errors import ZivverdeskError
from zivverdesk.relay.audit import Actor
from zivverdesk.relay.context import RelayContext
from zivverdesk.relay.db.schema import devices, users
from zivverdesk.relay.wire import sha256, unb64url

ID_PATTERN = r"^[0-9a-f]{32}$"
B64_PATTERN = r"^[A-Za-z0-9_-]*$"
Id = Annotated[str, Field(pattern=ID_PATTERN)]
B64 = Annotated[str, Field(pattern=B64_PATTERN, max_length=4096)]


class ApiError(ZivverdeskError):
    """An error answer: HTTP status, a stable `error` code and a sentence for a person."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message, code=code)
        self.status = status
        self.extra = extra or {}
        self.headers = headers or {}


def error_json(
    status: int,
    code: str,
    message: str,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """An error answer of the API: `{"error": CODE, "message": TEXT, ...extra}`."""
    return JSONResponse(
        {"error": code, "message": message, **(extra or {})}, status_code=status, headers=headers
    )


def error_response(exc: ApiError) -> JSONResponse:
    return error_json(exc.status, exc.code, str(exc), exc.extra, exc.headers or None)


def not_found(what: str = "This item") -> ApiError:
    return ApiError(404, "not_found", f"{what} does not exist.")


class Body(BaseModel):
    """Base of request bodies: unknown fields are refused so typos do not pass silently."""

    model_config = ConfigDict(extra="forbid")


def decode_b64(value: str | None, field: str, *, size: int | None = None) -> bytes:
    if value is None:
        raise ApiError(400, "bad_request", f"{field} is missing.")
    try:
        data = unb64url(value)
    except ValueError:
        raise ApiError(400, "bad_request", f"{field} is not base64url without padding.") from None
    if size is not None and len(data) != size:
        raise ApiError(400, "bad_request", f"{field} must be {size} bytes.")
    return data


async def context(request: Request) -> RelayContext:
    # async on purpose: a sync dependency would cost a trip through the thread pool.
    ctx: RelayContext = request.app.state.relay
    return ctx


Ctx = Annotated[RelayContext, Depends(context)]


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


def request_actor(request: Request, actor: str, on_behalf_of: str = "") -> Actor:
    return Actor(
        actor=actor,
        on_behalf_of=on_behalf_of,
        ip=client_ip(request),
        user_agent=request.headers.get("user-agent", ""),
    )


@dataclass(frozen=True)
class Caller:
    """An authenticated desktop device and its user."""

    user_id: str
    device_id: str
    email: str
    name: str

    def actor(self, request: Request) -> Actor:
        who = f"user:{self.user_id}/device:{self.device_id}"
        return request_actor(request, who, f"user:{self.user_id}")


def device_caller(ctx: Ctx, authorization: Annotated[str | None, Header()] = None) -> Caller:
    if not authorization or not authorization.lower().startswith("bearer "):
        raise ApiError(401, "unauthorized", "Sign in with this device's token.")
    token = authorization[7:].strip()
    with ctx.db.read() as conn:
        row = conn.execute(
            select(
                devices.c.id,
                devices.c.revoked_at,
                users.c.id.label("uid"),
                users.c.email,
                users.c.name,
                users.c.disabled,
            )
            .join(users, users.c.id == devices.c.user_id)
            .where(devices.c.token_hash == sha256(token.encode()))
        ).first()
    if row is None:
        raise ApiError(401, "unauthorized", "This device token is not known to the relay.")
    if row.revoked_at is not None:
        raise ApiError(401, "revoked", "This device was revoked by the administrator.")
    if row.disabled:
        raise ApiError(403, "forbidden", "This user account is disabled.")
    return Caller(row.uid, row.id, row.email, row.name)


Device = Annotated[Caller, Depends(device_caller)]
