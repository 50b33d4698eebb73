"""Operational endpoints: health check for load balancers and `security.txt` (RFC 9116)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse

from zivverdesk.relay.api.common import ApiError, Ctx
from zivverdesk.relay.db.engine import DatabaseError
from zivverdesk.relay.wire import now, rfc3339

router = APIRouter(tags=["operations"])


@router.get("/healthz")
def healthz(ctx: Ctx) -> Any:
    try:
        ctx.db.check()
    except DatabaseError:
        raise ApiError(503, "unavailable", "The database cannot be reached.") from None
    return {"status": "ok"}


@router.get("/.well-known/security.txt", response_class=PlainTextResponse)
def security_txt(ctx: Ctx) -> str:
    office = ctx.settings.office
    contact = (
        f"mailto:{office.contact_email}"
        if office.contact_email
        else f"{ctx.settings.effective_public_url}/"
    )
    expires = rfc3339(now().replace(microsecond=0) + timedelta(days=180))
    return (
        f"Contact: {contact}\nExpires: {expires}\nPreferred-Languages: nl, en\n"
        f"Canonical: {ctx.settings.effective_public_url}/.well-known/security.txt\n"
    )
