"""The change feed (long-poll) and the conversation review workflow of the team."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from sqlalchemy import select

from zivverdesk.core.model import EventKind
from zivverdesk.relay import audit, feed
from zivverdesk.relay.access import conversation_visible
from zivverdesk.relay.api.common import ApiError, Body, Ctx, Device, Id, not_found
from zivverdesk.relay.db.schema import conversations, users
from zivverdesk.relay.wire import now, rfc3339

router = APIRouter(prefix="/api/v1", tags=["feed"])


@router.get("/events")
async def events(
    caller: Device,
    ctx: Ctx,
    after: Annotated[str, Query(pattern=r"^\d{1,18}$")] = "0",
    wait: Annotated[float, Query(ge=0, le=30)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
) -> Any:
    cursor = int(after)
    items = await feed.wait_for_events(ctx.db, caller.user_id, cursor, wait, limit)
    next_cursor = items[-1]["cursor"] if items else str(cursor)
    return {"items": items, "next": next_cursor}


class ReviewRequest(Body):
    assigned_to: Id | None = None
    reviewed: bool = False


def review_state(row: Any) -> dict[str, Any]:
    return {
        "conversation_id": row.id,
        "assigned_to": row.assigned_to,
        "reviewed": row.reviewed_at is not None,
        "reviewed_by": row.reviewed_by,
        "reviewed_at": rfc3339(row.reviewed_at),
    }


@router.get("/conversations/{conversation_id}/review")
def get_review(conversation_id: Id, caller: Device, ctx: Ctx) -> Any:
    with ctx.db.read() as conn:
        if not conversation_visible(conn, conversation_id, caller.user_id):
            raise not_found("This conversation")
        row = conn.execute(select(conversations).where(conversations.c.id == conversation_id)).one()
        return review_state(row)


@router.put("/conversations/{conversation_id}/review")
def put_review(
    conversation_id: Id, body: ReviewRequest, caller: Device, ctx: Ctx, request: Request
) -> Any:
    with ctx.db.write() as conn:
        if not conversation_visible(conn, conversation_id, caller.user_id):
            raise not_found("This conversation")
        if (
            body.assigned_to is not None
            and conn.execute(
                select(users.c.id).where(
                    users.c.id == body.assigned_to, users.c.disabled.is_(False)
                )
            ).first()
            is None
        ):
            raise ApiError(400, "bad_request", "assigned_to is not a user of this office.")
        row = conn.execute(select(conversations).where(conversations.c.id == conversation_id)).one()
        values: dict[str, Any] = {"assigned_to": body.assigned_to}
        if body.reviewed and row.reviewed_at is None:
            values.update(reviewed_by=caller.user_id, reviewed_at=now())
        elif not body.reviewed:
            values.update(reviewed_by=None, reviewed_at=None)
        conn.execute(
            conversations.update().where(conversations.c.id == conversation_id).values(**values)
        )
        row = conn.execute(select(conversations).where(conversations.c.id == conversation_id)).one()
        state = review_state(row)
        feed.emit(
            conn,
            EventKind.REVIEW_CHANGED,
            conversation_id=conversation_id,
            detail=json.dumps(
                {k: state[k] for k in ("assigned_to", "reviewed", "reviewed_by", "reviewed_at")}
            ),
        )
        audit.append(
            conn, caller.actor(request), "review_changed", detail=f"conversation:{conversation_id}"
        )
        return state
