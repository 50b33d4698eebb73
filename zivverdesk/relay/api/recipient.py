"""Endpoints for a recipient without an account (used by the web page): link state,
verification, the released wrapped key, the conversation thread, blob downloads, replies.

Only the POST endpoints change state. A verified recipient gets a short-lived session cookie
bound to one (message, recipient) pair through its path; attempts, lockouts, sessions and
per-IP limits live in the database.

The four requests every recipient makes (link state, verify, thread, blob) are `async` and
run their few indexed statements on the event loop: a trip through the thread pool cost
more CPU than the statements themselves (docs/BENCHMARKS.md). Their writes (verification,
first download) go through `Database.run_write`, so the loop goes on serving while a write
waits for its turn, and writes that queue up meanwhile commit together (`db.batch`).
Endpoints that talk to the outside world (the SMS gateway) stay in the thread pool.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Cookie, Request
from fastapi.responses import JSONResponse, Response
from pydantic import Field
from sqlalchemy import Connection, and_, bindparam, func, or_, select

from zivverdesk.core.model import EventKind
from zivverdesk.relay import audit, feed, lockout, mailqueue, mailtexts, remembered, verification
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
from zivverdesk.relay.api.link_state import LinkState
from zivverdesk.relay.api.messages import blob_list
from zivverdesk.relay.api.uploads import download, find_blob
from zivverdesk.relay.context import RelayContext
from zivverdesk.relay.db.prepared import Prepared
from zivverdesk.relay.db.schema import events, messages, recipients, sessions, users
from zivverdesk.relay.sms import SmsError, mask_email, mask_phone
from zivverdesk.relay.wire import b64url, now, rfc3339

router = APIRouter(prefix="/api/v1/r/{message_id}/{recipient_id}", tags=["recipient"])
SESSION_COOKIE = "zv_session"


# Statements every recipient request runs are built once: SQLAlchemy then reuses their
# cache key and compiled form, where building them per call cost more CPU than running them.
_LINK = (
    select(
        recipients,
        messages.c.conversation_id,
        messages.c.committed_at,
        messages.c.revoked_at,
        messages.c.expires_at,
        messages.c.purged_at,
        messages.c.sender_id,
        messages.c.shared,
        users.c.name.label("sender_name"),
        users.c.email.label("sender_email"),
    )
    .join(messages, messages.c.id == recipients.c.message_id)
    .outerjoin(users, users.c.id == messages.c.sender_id)
    .where(
        recipients.c.id == bindparam("b_recipient_id"),
        recipients.c.message_id == bindparam("b_message_id"),
    )
)
# The link of a recipient session, found by the session's token in one statement.
_SESSION_LINK = _LINK.join(
    sessions,
    and_(
        sessions.c.recipient_id == recipients.c.id,
        sessions.c.message_id == recipients.c.message_id,
    ),
).where(
    sessions.c.token_hash == bindparam("b_token_hash"),
    sessions.c.scope == "recipient",
    sessions.c.expires_at > bindparam("b_now"),
)
# Replies are matched by address, not by link: a reply made through a newer link of the
# same person (the office's later answer) belongs to the thread an older link shows.
_SAME_ADDRESS = (
    select(recipients.c.id)
    .join(messages, messages.c.id == recipients.c.message_id)
    .where(
        messages.c.conversation_id == bindparam("b_conversation_id"),
        func.lower(recipients.c.address) == bindparam("b_address"),
    )
)
# The answers to one message that belong to the thread. Walked one message at a time: a
# prepared statement per message costs less than Core expanding an `IN` list per level.
_CHILDREN_OF = select(messages).where(
    messages.c.in_reply_to == bindparam("b_parent"),
    messages.c.conversation_id == bindparam("b_conversation_id"),
    messages.c.committed_at.is_not(None),
    or_(
        messages.c.kind == "outbound",
        and_(messages.c.kind == "reply", messages.c.sender_recipient_id.in_(_SAME_ADDRESS)),
    ),
)
_MARK_OPENED = (
    recipients.update()
    .where(recipients.c.id == bindparam("b_recipient_id"), recipients.c.opened_at.is_(None))
    .values(opened_at=bindparam("b_now"))
)
_DOWNLOADED = (
    select(events.c.seq)
    .where(
        events.c.kind == EventKind.DOWNLOADED.value,
        events.c.recipient_id == bindparam("b_recipient_id"),
        events.c.blob_id == bindparam("b_blob_id"),
    )
    .limit(1)
)
_LINK_RUN = Prepared(_LINK)
_SESSION_LINK_RUN = Prepared(_SESSION_LINK)
_MARK_OPENED_RUN = Prepared(_MARK_OPENED)
_DOWNLOADED_RUN = Prepared(_DOWNLOADED)
_CHILDREN_OF_RUN = Prepared(_CHILDREN_OF)


def link(conn: Connection, message_id: str, recipient_id: str) -> Any:
    """The recipient row with its message, for a committed message; 404/410 otherwise."""
    row = _LINK_RUN.first(conn, {"b_recipient_id": recipient_id, "b_message_id": message_id})
    return _usable_link(row)


def _usable_link(row: Any) -> Any:
    if row is None or row.committed_at is None:
        raise not_found("This link")
    if row.replaced_by is not None:
        raise ApiError(
            410,
            "gone",
            "This link was replaced by a newer one; use the newest "
            "notification or ask the sender for a new one.",
        )
    return row


def link_state(row: Any) -> str:
    if row.revoked_at is not None:
        return "revoked"
    if row.expires_at <= now() or row.purged_at is not None:
        return "expired"
    return "active"


def require_active(conn: Connection, message_id: str, recipient_id: str) -> Any:
    return _active(link(conn, message_id, recipient_id))


def _active(row: Any) -> Any:
    state = link_state(row)
    if state == "revoked":
        raise ApiError(410, "revoked", "The sender has revoked this message.")
    if state == "expired":
        raise ApiError(410, "expired", "This message has expired.")
    return row


def sender_info(ctx: RelayContext, row: Any) -> dict[str, Any]:
    """Who sent the message of a link row (`_LINK` carries the sender's name and address)."""
    return {
        "name": row.sender_name or "",
        "organisation": ctx.settings.office.name,
        "address": row.sender_email or "",
    }


def office_info(ctx: RelayContext) -> dict[str, Any]:
    o = ctx.settings.office
    return {
        "name": o.name,
        "contact": {"email": o.contact_email, "phone": o.contact_phone},
        "remember_device": o.remember_device,
        "remember_device_days": o.remember_device_days if o.remember_device else None,
    }


def check_ip(conn: Connection, ctx: RelayContext, request: Request) -> None:
    limits = ctx.settings.limits
    if not lockout.hit_rate_limit(
        conn, "req", client_ip(request), limits.ip_requests_per_minute, 60
    ):
        raise ApiError(
            429,
            "rate_limited",
            "Too many requests from this address; wait a minute.",
            headers={"Retry-After": "60"},
        )


@router.get("", response_model=LinkState)
async def link_info(message_id: Id, recipient_id: Id, ctx: Ctx) -> Response:
    return link_info_response(ctx, message_id, recipient_id)


def link_info_response(ctx: RelayContext, message_id: str, recipient_id: str) -> Response:
    with ctx.db.read() as conn:
        row = link(conn, message_id, recipient_id)
        state = link_state(row)
        kdf = None
        if row.method == "access_code" and state == "active":
            kdf = {"code_salt": b64url(row.code_salt), "iterations": row.kdf_iterations}
        # A JSONResponse of plain values skips FastAPI's generic encoder (per request CPU).
        return JSONResponse(
            {
                "method": row.method,
                "masked_phone": mask_phone(row.phone) if row.method == "sms" else None,
                "masked_email": mask_email(row.address) if row.method == "email" else None,
                "sender": sender_info(ctx, row),
                "office": office_info(ctx),
                "state": state,
                "attempts_left": lockout.attempts_left(row, ctx.settings.limits),
                "locked_until": rfc3339(lockout.locked_until(row)),
                "kdf": kdf,
                "conversation_id": row.conversation_id,
                # Not secret (the relay deletes the content then anyway): lets the page say
                # until when the message opens, so files are saved in time.
                "expires_at": rfc3339(row.expires_at),
                # Only where remembering is allowed: lets the page find what it remembered.
                "address_hash": (
                    b64url(remembered.address_hash(row.address))
                    if ctx.settings.office.remember_device and state == "active"
                    else None
                ),
            }
        )


class VerifyRequest(Body):
    auth: B64 | None = None
    code: Annotated[str | None, Field(max_length=20)] = None
    # The page derived `auth` from an access code this browser remembered (reporting only).
    remembered: bool = False


def check_attempts_allowed(conn: Connection, ctx: RelayContext, request: Request, row: Any) -> None:
    """Refuse a verification while the link is locked or this IP failed too often."""
    until = lockout.locked_until(row)
    if until is not None:
        raise ApiError(
            423,
            "locked",
            "Too many wrong attempts; try again later.",
            extra={"locked_until": rfc3339(until)},
        )
    if (
        lockout.count_in_window(conn, "fail", client_ip(request), 3600)
        >= ctx.settings.limits.ip_failures_per_hour
    ):
        raise ApiError(
            429,
            "rate_limited",
            "Too many wrong attempts from this address; try again in an hour.",
            headers={"Retry-After": "3600"},
        )


def record_verified(
    conn: Connection, ctx: RelayContext, request: Request, row: Any, detail: str = ""
) -> tuple[dict[str, Any], str]:
    """A successful verification: a session, the `verified` event, audit; returns the answer
    and the session token. The answer releases the wrapped key, so this is also when the
    message counts as `opened` (the recipient can decrypt from here on)."""
    limits = ctx.settings.limits
    lockout.record_success(conn, row.id, row)
    token = verification.open_session(
        conn,
        scope="recipient",
        message_id=row.message_id,
        recipient_id=row.id,
        ttl=limits.session_ttl,
    )
    feed.emit(
        conn,
        EventKind.VERIFIED,
        conversation_id=row.conversation_id,
        message_id=row.message_id,
        recipient_id=row.id,
        detail=detail,
    )
    audit.append(
        conn,
        request_actor(request, f"recipient:{row.id}"),
        "verify",
        message_id=row.message_id,
        recipient_id=row.id,
        detail=detail,
    )
    if row.opened_at is None:
        mark_opened(conn, request, row)
    answer = {
        "wrapped_cek": b64url(row.wrapped_cek),
        "recipient": {"address": row.address, "name": row.name},
        "session_expires_at": rfc3339(now() + _ttl(limits.session_ttl)),
    }
    return answer, token.reveal()


def record_failed(
    conn: Connection, ctx: RelayContext, request: Request, row: Any, detail: str = "wrong_code"
) -> lockout.FailureOutcome:
    """A failed verification counts toward the link's lockout and the IP's limit."""
    lockout.hit_rate_limit(conn, "fail", client_ip(request), 10**9, 3600)
    outcome = lockout.record_failure(conn, row.id, ctx.settings.limits)
    kind = EventKind.LOCKED if outcome.locked_until else EventKind.VERIFICATION_FAILED
    feed.emit(
        conn,
        kind,
        conversation_id=row.conversation_id,
        message_id=row.message_id,
        recipient_id=row.id,
        detail=rfc3339(outcome.locked_until) or detail,
    )
    audit.append(
        conn,
        request_actor(request, f"recipient:{row.id}"),
        "verify",
        result="locked" if outcome.locked_until else detail,
        message_id=row.message_id,
        recipient_id=row.id,
    )
    return outcome


def record_refused(conn: Connection, request: Request, row: Any, refusal: ApiError) -> None:
    """A verification not even tried: the link is locked, or this IP failed too often."""
    audit.append(
        conn,
        request_actor(request, f"recipient:{row.id}"),
        "verify",
        result="refused_locked" if refusal.status == 423 else "refused_ip_failures",
        message_id=row.message_id,
        recipient_id=row.id,
    )


def failure_error(outcome: lockout.FailureOutcome) -> ApiError:
    if outcome.locked_until:
        return ApiError(
            423,
            "locked",
            "Too many wrong attempts; try again later.",
            extra={"locked_until": rfc3339(outcome.locked_until)},
        )
    return ApiError(
        401,
        "wrong_code",
        "The code is not correct.",
        extra={"attempts_left": outcome.attempts_left},
    )


def verified_response(
    ctx: RelayContext, request: Request, row: Any, answer: dict[str, Any], token: str
) -> Response:
    # What GET …/thread answers now, so the page shows the message without another round
    # trip (one request less per visit for the relay, too). Read after the verification
    # committed, outside the serialized write transaction, which it would only lengthen.
    with ctx.db.read() as conn:
        answer = {**answer, "thread": thread_document(conn, row, opened=True)}
    response = JSONResponse(answer)
    set_session_cookie(response, ctx, request, token, f"/api/v1/r/{row.message_id}/{row.id}")
    return response


@router.post("/verify")
async def verify(
    message_id: Id, recipient_id: Id, body: VerifyRequest, ctx: Ctx, request: Request
) -> Response:
    return await verify_response(ctx, request, message_id, recipient_id, body)


async def verify_response(
    ctx: RelayContext, request: Request, message_id: str, recipient_id: str, body: VerifyRequest
) -> Response:
    def verify_job(conn: Connection) -> Any:
        check_ip(conn, ctx, request)
        row = require_active(conn, message_id, recipient_id)
        try:
            check_attempts_allowed(conn, ctx, request, row)
        except ApiError as refusal:
            # An authentication decision, so it is audited like the others (and the answer
            # raised after the commit); the sender already heard `locked` once.
            record_refused(conn, request, row, refusal)
            return row, refusal
        if row.method == "access_code":
            if body.auth is None:
                raise ApiError(400, "bad_request", "auth is missing.")
            ok = verification.auth_matches(row.verifier, decode_b64(body.auth, "auth", size=32))
        else:
            if body.code is None:
                raise ApiError(400, "bad_request", "code is missing.")
            ok = verification.consume_code(conn, f"r:{recipient_id}", body.code)
        if not ok:
            return row, record_failed(conn, ctx, request, row)
        detail = "remembered_device" if body.remembered else ""
        return row, record_verified(conn, ctx, request, row, detail)

    row, outcome = await ctx.db.run_write(verify_job)
    if isinstance(outcome, ApiError):
        raise outcome  # after the commit: the refusal itself is recorded
    if isinstance(outcome, lockout.FailureOutcome):
        raise failure_error(outcome)  # after the commit: the failure itself is recorded
    answer, token = outcome
    return verified_response(ctx, request, row, answer, token)


def _ttl(seconds: int) -> Any:
    from datetime import timedelta

    return timedelta(seconds=seconds)


def set_session_cookie(
    response: Response,
    ctx: RelayContext,
    request: Request,
    token: str,
    path: str,
    name: str = SESSION_COOKIE,
) -> None:
    """HttpOnly, SameSite=Strict, scoped to `path`; Secure unless plain HTTP on loopback."""
    client = request.scope.get("client")
    secure = (
        request.scope.get("scheme") == "https"
        or ctx.settings.effective_public_url.startswith("https:")
        or (client is not None and client[0] not in ("127.0.0.1", "::1"))
    )
    if not _COOKIE_SAFE.fullmatch(f"{name}={token};{path}"):
        raise ValueError("a session cookie's name, token and path are plain URL-safe text")
    # Written out rather than through `Response.set_cookie` (http.cookies, ~50 µs a verify):
    # every part is URL-safe text, so nothing needs quoting. Same form and attribute order.
    flags = "; Secure" if secure else ""
    response.raw_headers.append(
        (
            b"set-cookie",
            f"{name}={token}; HttpOnly; Max-Age={ctx.settings.limits.session_ttl}; "
            f"Path={path}; SameSite=strict{flags}".encode("ascii"),
        )
    )


_COOKIE_SAFE = re.compile(r"[A-Za-z0-9_-]+=[A-Za-z0-9_-]+;/[A-Za-z0-9_/-]*")


@router.post("/send-code")
def send_code(message_id: Id, recipient_id: Id, ctx: Ctx, request: Request) -> Any:
    limits = ctx.settings.limits
    subject = f"r:{recipient_id}"
    with ctx.db.write() as conn:
        check_ip(conn, ctx, request)
        row = require_active(conn, message_id, recipient_id)
        if row.method not in ("sms", "email"):
            raise ApiError(400, "bad_request", "This link is opened with an access code.")
        until = lockout.locked_until(row)
        if until is not None:
            raise ApiError(
                423,
                "locked",
                "Too many wrong attempts; try again later.",
                extra={"locked_until": rfc3339(until)},
            )
        last = verification.last_code_at(conn, subject)
        if last is not None and (now() - last).total_seconds() < limits.resend_after:
            wait = limits.resend_after - int((now() - last).total_seconds())
            raise ApiError(
                429,
                "rate_limited",
                "A code was sent a moment ago; wait before asking for another.",
                extra={"resend_after": wait},
                headers={"Retry-After": str(wait)},
            )
        code = verification.issue_code(conn, subject, limits.code_ttl)
        if row.method == "email":
            mail = mailtexts.verification_code(
                code.reveal(), ctx.settings.office.name, limits.code_ttl // 60
            )
            mailqueue.enqueue(
                conn,
                key=f"code:{recipient_id}:{now().timestamp()}",
                to=row.address,
                mail=mail,
                conversation_id=row.conversation_id,
                message_id=message_id,
            )
        audit.append(
            conn,
            request_actor(request, f"recipient:{recipient_id}"),
            "code_sent",
            message_id=message_id,
            recipient_id=recipient_id,
            detail=row.method,
        )
    if row.method == "sms":
        text = (
            f"Uw verificatiecode / Your verification code: {code.reveal()} "
            f"({ctx.settings.office.name})"
        )
        try:
            ctx.sms.send(row.phone or "", text)
        except SmsError as exc:
            with ctx.db.write() as conn:
                feed.emit(
                    conn,
                    EventKind.VERIFICATION_FAILED,
                    conversation_id=row.conversation_id,
                    message_id=message_id,
                    recipient_id=recipient_id,
                    detail="sms_gateway_failed",
                )
            raise ApiError(
                502,
                "gateway_failed",
                "The SMS could not be sent. Try again later or call the sender.",
            ) from exc
    return {
        "resend_after": limits.resend_after,
        "masked_phone": mask_phone(row.phone) if row.method == "sms" else None,
        "masked_email": mask_email(row.address) if row.method == "email" else None,
    }


@router.post("/forgot")
def forgot(message_id: Id, recipient_id: Id, ctx: Ctx, request: Request) -> Any:
    with ctx.db.write() as conn:
        check_ip(conn, ctx, request)
        row = require_active(conn, message_id, recipient_id)
        feed.emit(
            conn,
            EventKind.VERIFICATION_FAILED,
            conversation_id=row.conversation_id,
            message_id=message_id,
            recipient_id=recipient_id,
            detail="forgot_code",
        )
    return {"office": office_info(ctx)}


def session_for(conn: Connection, token: str | None, message_id: str, recipient_id: str) -> Any:
    """The active link row of a verified recipient session for exactly this link."""
    row = None
    if token:
        params = {
            "b_token_hash": verification.token_hash(token),
            "b_now": now(),
            "b_recipient_id": recipient_id,
            "b_message_id": message_id,
        }
        row = _SESSION_LINK_RUN.first(conn, params)
    if row is None:
        raise ApiError(401, "not_verified", "Verify first; the session is missing or expired.")
    return _active(_usable_link(row))


def thread_messages(conn: Connection, row: Any) -> list[Any]:
    """The thread this link opens, oldest first: the opened message, this person's replies
    (through this link or another link to the same address) and the office's answers in that
    thread (each item's key derives from the opened message's CEK, PROTOCOL §6). Other
    recipients' replies are not part of it."""
    opened = message_row(conn, row.message_id)
    found: dict[str, Any] = {opened.id: opened}
    unvisited = [opened.id]
    where = {"b_conversation_id": row.conversation_id, "b_address": row.address.lower()}
    while unvisited:
        for child in _CHILDREN_OF_RUN.all(conn, {**where, "b_parent": unvisited.pop()}):
            if child.id not in found:
                found[child.id] = child
                unvisited.append(child.id)
    return sorted(found.values(), key=lambda m: (m.committed_at, m.id))


@router.get("/thread")
async def thread(
    message_id: Id,
    recipient_id: Id,
    ctx: Ctx,
    request: Request,
    zv_session: Annotated[str | None, Cookie()] = None,
) -> Response:
    return thread_response(ctx, request, message_id, recipient_id, zv_session)


def thread_response(
    ctx: RelayContext, request: Request, message_id: str, recipient_id: str, token: str | None
) -> Response:
    with ctx.db.read() as conn:
        row = session_for(conn, token, message_id, recipient_id)
        document = thread_document(conn, row)
    if row.opened_at is None:  # a session made before verify recorded `opened` (older relay)
        with ctx.db.write() as conn:
            mark_opened(conn, request, row)
    return JSONResponse(document)


def thread_document(conn: Connection, row: Any, *, opened: bool = False) -> dict[str, Any]:
    """The thread of link `row` as the page gets it; `opened` when the link was opened in
    this same transaction (after `row` was read)."""
    items = []
    for m in thread_messages(conn, row):
        entry: dict[str, Any] = {
            "message_id": m.id,
            # A starter's follow-up link opens the starter's own message: theirs too.
            "from": "recipient" if m.kind in ("reply", "starter") else "sender",
            "in_reply_to": m.in_reply_to,
            "created": rfc3339(m.committed_at),
            "revoked": m.revoked_at is not None,
            "blobs": [b for b in blob_list(conn, m.id) if not b["deleted"]],
        }
        if m.id == row.message_id:
            # For the starter's own message "opened" means the office fetched it.
            if m.kind == "starter":
                entry["opened"] = m.opened_at is not None
            else:
                entry["opened"] = opened or row.opened_at is not None
            entry["recipient_id"] = row.id
            entry["wrapped_cek"] = b64url(row.wrapped_cek)
        else:  # a reply: opened once the other side fetched its manifest
            entry["opened"] = m.opened_at is not None
        items.append(entry)
    return {"conversation_id": row.conversation_id, "items": items}


def mark_opened(conn: Connection, request: Request, row: Any) -> None:
    """Record `opened` once, also when two requests race (the update decides)."""
    message_id, recipient_id = row.message_id, row.id
    first = _MARK_OPENED_RUN.run(conn, {"b_recipient_id": recipient_id, "b_now": now()})
    if first:
        _announce(conn, request, row, EventKind.OPENED, "opened", message_id=message_id)


def _announce(
    conn: Connection,
    request: Request,
    row: Any,
    kind: EventKind,
    event: str,
    *,
    message_id: str,
    blob_id: str | None = None,
) -> None:
    """What the recipient of link `row` did: a feed event for the office, an audit entry."""
    feed.emit(
        conn,
        kind,
        conversation_id=row.conversation_id,
        message_id=message_id,
        recipient_id=row.id,
        blob_id=blob_id,
    )
    audit.append(
        conn,
        request_actor(request, f"recipient:{row.id}"),
        event,
        message_id=message_id,
        recipient_id=row.id,
        detail=f"blob:{blob_id}" if blob_id else "",
    )


def _thread_blob(conn: Connection, row: Any, blob_id: str) -> Any:
    blob = find_blob(conn, blob_id)
    if blob is None or blob.conversation_id != row.conversation_id:
        raise not_found("This file")
    if blob.message_id == row.message_id:
        return blob  # a file of the opened message itself (the common case): no thread walk
    allowed = {m.id for m in thread_messages(conn, row)}
    if blob.message_id not in allowed and not (
        blob.sender_recipient_id == row.id and blob.kind == "reply"
    ):
        raise not_found("This file")
    return blob


@router.get("/blobs/{blob_id}")
async def recipient_blob(
    message_id: Id,
    recipient_id: Id,
    blob_id: Id,
    ctx: Ctx,
    request: Request,
    zv_session: Annotated[str | None, Cookie()] = None,
) -> Response:
    return await blob_response(ctx, request, message_id, recipient_id, blob_id, zv_session)


async def blob_response(
    ctx: RelayContext,
    request: Request,
    message_id: str,
    recipient_id: str,
    blob_id: str,
    token: str | None,
) -> Response:
    with ctx.db.read() as conn:
        row = session_for(conn, token, message_id, recipient_id)
        blob = _thread_blob(conn, row, blob_id)
        counted = blob.kind != "outbound" or blob.position == 0
        counted = counted or _downloaded_before(conn, recipient_id, blob_id)
    response = download(ctx, blob)
    if not counted:  # the first download of an attachment: one event, one audit entry

        def downloaded_job(conn: Connection) -> None:
            if not _downloaded_before(conn, recipient_id, blob_id):
                _announce(
                    conn,
                    request,
                    row,
                    EventKind.DOWNLOADED,
                    "downloaded",
                    message_id=blob.message_id,
                    blob_id=blob_id,
                )

        await ctx.db.run_write(downloaded_job)
    office_answer = blob.kind == "outbound" and blob.message_id != message_id
    if office_answer and blob.position == 0 and blob.message_opened_at is None:
        # The recipient fetched the office's answer in the thread: the desktop shows it read.
        mark_read = (
            messages.update()
            .where(messages.c.id == blob.message_id, messages.c.opened_at.is_(None))
            .values(opened_at=now())
        )
        await ctx.db.run_write(lambda conn: conn.execute(mark_read))
    return response


def _downloaded_before(conn: Connection, recipient_id: str, blob_id: str) -> bool:
    params = {"b_recipient_id": recipient_id, "b_blob_id": blob_id}
    return _DOWNLOADED_RUN.first(conn, params) is not None
