"""The conversation starter (S11): an outsider writes to the office from a public page.
The browser seals a fresh content key to every office device key; the relay checks the
starter's e-mail address with a code before it accepts the message."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Cookie, Request
from fastapi.responses import JSONResponse, Response
from pydantic import Field
from sqlalchemy import Connection, select

from zivverdesk.core.model import EventKind
from zivverdesk.relay import accounts, audit, feed, lockout, mailqueue, mailtexts, verification
from zivverdesk.relay.access import message_row
from zivverdesk.relay.api.common import (
    B64,
    ApiError,
    Body,
    Ctx,
    Id,
    client_ip,
    decode_b64,
    not_found,
    request_actor,
)
from zivverdesk.relay.api.messages import BlobSpec, SealedSpec, insert_blobs
from zivverdesk.relay.api.recipient import office_info, set_session_cookie
from zivverdesk.relay.api.uploads import (
    UPLOAD_BODY_DOC,
    blob_row,
    incomplete_blob,
    mark_committed,
    receive_upload,
    upload_status,
)
from zivverdesk.relay.context import RelayContext
from zivverdesk.relay.db.schema import conversations, messages, recipients, sealed_keys
from zivverdesk.relay.wire import now, rfc3339

router = APIRouter(prefix="/api/v1/start/{slug}", tags=["starter"])
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")]
Email = Annotated[str, Field(pattern=r"^[^@\s]{1,64}@[^@\s]{1,255}$")]


def _check_slug(ctx: RelayContext, slug: str) -> None:
    if not ctx.settings.office.starter_slug or slug != ctx.settings.office.starter_slug:
        raise not_found("This page")


@router.get("")
def starter_info(slug: Slug, ctx: Ctx) -> Any:
    _check_slug(ctx, slug)
    with ctx.db.read() as conn:
        keys = [k for u in accounts.directory(conn) for k in u["public_keys"]]
    return {
        "office": office_info(ctx),
        "public_keys": [{"key_id": k["key_id"], "public_key": k["public_key"]} for k in keys],
    }


class CodeRequest(Body):
    email: Email


@router.post("/send-code")
def starter_send_code(slug: Slug, body: CodeRequest, ctx: Ctx, request: Request) -> Any:
    _check_slug(ctx, slug)
    limits = ctx.settings.limits
    email = body.email.strip().lower()
    subject = f"s:{slug}:{email}"
    with ctx.db.write() as conn:
        if not lockout.hit_rate_limit(
            conn, "req", client_ip(request), limits.ip_requests_per_minute, 60
        ):
            raise ApiError(429, "rate_limited", "Too many requests; wait a minute.")
        last = verification.last_code_at(conn, subject)
        if last is not None and (now() - last).total_seconds() < limits.resend_after:
            raise ApiError(
                429,
                "rate_limited",
                "A code was sent a moment ago.",
                extra={"resend_after": limits.resend_after},
            )
        code = verification.issue_code(conn, subject, limits.code_ttl)
        mail = mailtexts.verification_code(
            code.reveal(), ctx.settings.office.name, limits.code_ttl // 60
        )
        mailqueue.enqueue(
            conn, key=f"starter-code:{email}:{now().timestamp()}", to=email, mail=mail
        )
    return {"resend_after": limits.resend_after}


class FollowUp(Body):
    """The starter as an e-mail-code recipient of their own message (PROTOCOL.md §9.1): the
    page made the link secret, and only `verifier` and `wrapped_cek` derived from it come
    here. The office mails the link; the relay never sees the secret."""

    recipient_id: Id
    verifier: B64
    wrapped_cek: B64


class StarterMessage(Body):
    email: Email
    name: Annotated[str, Field(max_length=200)] = ""
    code: Annotated[str, Field(min_length=1, max_length=20)]
    message_id: Id
    conversation_id: Id
    sealed: Annotated[list[SealedSpec], Field(min_length=1, max_length=1000)]
    blobs: Annotated[list[BlobSpec], Field(min_length=1, max_length=1000)]
    follow_up: FollowUp | None = None


STARTER_COOKIE = "zv_starter"


@router.post("/messages", status_code=201)
def starter_message(slug: Slug, body: StarterMessage, ctx: Ctx, request: Request) -> Response:
    _check_slug(ctx, slug)
    email = body.email.strip().lower()
    sealed = [(s.key_id, decode_b64(s.sealed_cek, "sealed_cek", size=87)) for s in body.sealed]
    who = request_actor(request, f"starter:{email}")
    subject = f"s:{slug}:{email}"
    limits = ctx.settings.limits
    failure = None
    with ctx.db.write() as conn:
        locked = lockout.subject_locked_until(conn, subject, limits)
        if locked is not None:
            raise ApiError(
                423,
                "locked",
                "Too many wrong codes; try again later.",
                extra={"locked_until": rfc3339(locked)},
            )
        if not verification.consume_code(conn, subject, body.code):
            lockout.hit_rate_limit(conn, "fail", client_ip(request), 10**9, 3600)
            failure = lockout.record_subject_failure(conn, subject, limits)
            audit.append(
                conn,
                who,
                "starter_code",
                result="locked" if failure.locked_until else "wrong_code",
            )
        else:
            lockout.clear_subject(conn, subject)
            if (
                message_row(conn, body.message_id) is not None
                or conn.execute(
                    select(conversations.c.id).where(conversations.c.id == body.conversation_id)
                ).first()
            ):
                raise ApiError(409, "conflict", "This message id is already taken.")
            at = now()
            conn.execute(
                conversations.insert().values(
                    id=body.conversation_id,
                    owner_id=None,
                    shared=True,
                    starter_email=email,
                    created_at=at,
                )
            )
            conn.execute(
                messages.insert().values(
                    id=body.message_id,
                    conversation_id=body.conversation_id,
                    kind="starter",
                    shared=True,
                    created_at=at,
                    expires_at=at + timedelta(days=ctx.settings.retention.default_days),
                )
            )
            insert_blobs(conn, body.message_id, body.blobs, ctx.settings.limits.max_message_size)
            if body.follow_up is not None:
                _insert_follow_up(conn, body, email, at)
            for key_id, sealed_cek in dict(sealed).items():
                conn.execute(
                    sealed_keys.insert().values(
                        message_id=body.message_id, key_id=key_id, sealed_cek=sealed_cek
                    )
                )
            token = verification.open_session(
                conn,
                scope="starter",
                message_id=body.message_id,
                recipient_id=None,
                ttl=ctx.settings.limits.session_ttl,
            )
            audit.append(conn, who, "starter_message_created", message_id=body.message_id)
    if failure is not None:  # raised after the commit: the failure itself must be recorded
        if failure.locked_until is not None:
            raise ApiError(
                423,
                "locked",
                "Too many wrong codes; try again later.",
                extra={"locked_until": rfc3339(failure.locked_until)},
            )
        raise ApiError(
            401,
            "wrong_code",
            "The e-mail code is not correct or has expired.",
            extra={"attempts_left": failure.attempts_left},
        )
    prefix = f"/api/v1/start/{slug}/blobs"
    response = JSONResponse(
        {
            "message_id": body.message_id,
            "upload": {b.blob_id: f"{prefix}/{b.blob_id}" for b in body.blobs},
        },
        status_code=201,
    )
    set_session_cookie(
        response, ctx, request, token.reveal(), f"/api/v1/start/{slug}", STARTER_COOKIE
    )
    return response


def _insert_follow_up(conn: Connection, body: StarterMessage, email: str, at: Any) -> None:
    follow = body.follow_up
    assert follow is not None
    if conn.execute(select(recipients.c.id).where(recipients.c.id == follow.recipient_id)).first():
        raise ApiError(409, "conflict", "This recipient id is already taken.")
    conn.execute(
        recipients.insert().values(
            id=follow.recipient_id,
            message_id=body.message_id,
            address=email,
            name=body.name,
            method="email",
            verifier=decode_b64(follow.verifier, "verifier", size=32),
            wrapped_cek=decode_b64(follow.wrapped_cek, "wrapped_cek", size=61),
            failures=0,
            lock_level=0,
            created_at=at,
        )
    )


def _starter_blob(conn: Connection, ctx: RelayContext, token: str | None, blob_id: str) -> Any:
    session = verification.find_session(conn, token, "starter") if token else None
    if session is None:
        raise ApiError(401, "not_verified", "Verify your e-mail address first.")
    blob = blob_row(ctx, blob_id)
    if blob is None or blob.message_id != session.message_id:
        raise not_found("This file")
    return blob


@router.put(
    "/blobs/{blob_id}",
    openapi_extra=UPLOAD_BODY_DOC,
)
async def starter_upload(
    slug: Slug,
    blob_id: Id,
    ctx: Ctx,
    request: Request,
    zv_starter: Annotated[str | None, Cookie()] = None,
) -> Any:
    _check_slug(ctx, slug)
    with ctx.db.read() as conn:
        blob = _starter_blob(conn, ctx, zv_starter, blob_id)
    return await receive_upload(ctx, request, blob)


@router.head("/blobs/{blob_id}")
def starter_upload_status(
    slug: Slug, blob_id: Id, ctx: Ctx, zv_starter: Annotated[str | None, Cookie()] = None
) -> Response:
    _check_slug(ctx, slug)
    with ctx.db.read() as conn:
        blob = _starter_blob(conn, ctx, zv_starter, blob_id)
    return upload_status(ctx, blob)


@router.post("/messages/{message_id}/commit")
def starter_commit(
    slug: Slug,
    message_id: Id,
    ctx: Ctx,
    request: Request,
    zv_starter: Annotated[str | None, Cookie()] = None,
) -> Any:
    _check_slug(ctx, slug)
    with ctx.db.write() as conn:
        session = verification.find_session(conn, zv_starter, "starter") if zv_starter else None
        if session is None or session.message_id != message_id:
            raise ApiError(401, "not_verified", "Verify your e-mail address first.")
        row = message_row(conn, message_id)
        if row.committed_at is None:
            if incomplete_blob(conn, message_id) is not None:
                raise ApiError(409, "conflict", "Not every file is uploaded yet.")
            mark_committed(conn, message_id)
            feed.emit(
                conn,
                EventKind.MESSAGE_RECEIVED,
                conversation_id=row.conversation_id,
                message_id=message_id,
                detail="starter",
            )
            audit.append(
                conn,
                request_actor(request, "starter"),
                "starter_message_committed",
                message_id=message_id,
            )
            starter = conn.execute(
                select(conversations.c.starter_email).where(
                    conversations.c.id == row.conversation_id
                )
            ).scalar()
            if starter:
                mailqueue.enqueue(
                    conn,
                    key=f"starter-delivered:{message_id}",
                    to=starter,
                    mail=mailtexts.starter_confirmation(office=ctx.settings.office.name),
                    headers={"X-Zivverdesk-Conversation": row.conversation_id},
                )
    return {"message_id": message_id, "committed": True}
