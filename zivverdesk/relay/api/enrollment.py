"""Enrollment of a desktop device, the caller's own account, and the team's key directory."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from pydantic import Field

from zivverdesk.relay import accounts, audit
from zivverdesk.relay.api.common import B64, ApiError, Body, Ctx, Device, decode_b64, request_actor

router = APIRouter(prefix="/api/v1", tags=["enrollment"])


class EnrollRequest(Body):
    code: Annotated[str, Field(min_length=1, max_length=64)]
    device_name: Annotated[str, Field(min_length=1, max_length=200)]
    public_key: B64


def office(ctx: Ctx) -> dict[str, Any]:
    o = ctx.settings.office
    return {
        "name": o.name,
        "contact_email": o.contact_email,
        "contact_phone": o.contact_phone,
        "starter_slug": o.starter_slug or None,
        "share_by_default": o.share_by_default,
        "default_expiry_days": ctx.settings.retention.default_days,
        "public_url": ctx.settings.effective_public_url,
    }


@router.post("/enroll")
def enroll(body: EnrollRequest, ctx: Ctx, request: Request) -> Any:
    public_key = decode_b64(body.public_key, "public_key", size=32)
    try:
        with ctx.db.write() as conn:
            done = accounts.enroll(
                conn, body.code, body.device_name, public_key, request_actor(request, "enrollment")
            )
    except accounts.AccountError as exc:
        # The refusal is audited in its own transaction: the failed one was rolled back.
        with ctx.db.write() as conn:
            audit.append(conn, request_actor(request, "enrollment"), "enroll", result="refused")
        raise ApiError(401, "unauthorized", str(exc)) from None
    return {
        "token": done.token.reveal(),
        "user": done.user,
        "device_id": done.device_id,
        "key_id": done.device_id,
        "office": office(ctx),
    }


@router.get("/me")
def me(caller: Device, ctx: Ctx) -> Any:
    with ctx.db.read() as conn:
        devices = accounts.user_devices(conn, caller.user_id)
    return {
        "user": {"id": caller.user_id, "email": caller.email, "name": caller.name},
        "device_id": caller.device_id,
        "office": office(ctx),
        "devices": devices,
    }


@router.get("/directory")
def directory(caller: Device, ctx: Ctx) -> Any:
    with ctx.db.read() as conn:
        return {"items": accounts.directory(conn), "next": None}  # one page: the office
