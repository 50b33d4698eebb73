"""Remembered devices ("Dit apparaat onthouden") for SMS and e-mail-code recipients.

After a verification the page may register the public half of a non-extractable ECDSA P-256
key pair it keeps in the browser. The relay binds that key to a hash of the recipient's
address (one relay serves one office) and an expiry. On a later link to the same address the
page asks for a challenge and signs `"zivverdesk/v1/device" ‖ challenge ‖ mid ‖ rid`; a good
signature opens the same session a code would. The relay never holds a private key; a wrong
signature counts as a wrong code. Access-code recipients do not use these endpoints: their
browser keeps the code itself (PROTOCOL.md, remembered devices).
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Annotated, Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from fastapi import APIRouter, Cookie, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import Connection, delete, select

from zivverdesk.core.model import new_id
from zivverdesk.relay import audit
from zivverdesk.relay.api.common import B64, ApiError, Body, Ctx, Id, decode_b64, request_actor
from zivverdesk.relay.api.recipient import (
    check_attempts_allowed,
    check_ip,
    failure_error,
    record_failed,
    record_verified,
    require_active,
    session_for,
    verified_response,
)
from zivverdesk.relay.context import RelayContext
from zivverdesk.relay.db.schema import device_challenges, remembered_devices
from zivverdesk.relay.remembered import address_hash
from zivverdesk.relay.wire import b64url, now, rfc3339, sha256

router = APIRouter(prefix="/api/v1/r/{message_id}/{recipient_id}", tags=["recipient"])
SIGNATURE_LABEL = b"zivverdesk/v1/device"
CHALLENGE_TTL = 120  # seconds


def signed_bytes(challenge: bytes, message_id: str, recipient_id: str) -> bytes:
    return SIGNATURE_LABEL + challenge + message_id.encode() + recipient_id.encode()


def _require_enabled(ctx: RelayContext) -> None:
    if not ctx.settings.office.remember_device:
        raise ApiError(403, "forbidden", "This office does not allow remembering a device.")


def _require_code_method(row: Any) -> None:
    if row.method not in ("sms", "email"):
        raise ApiError(
            400, "bad_request", "Links opened with an access code are remembered by the browser."
        )


def _device(conn: Connection, device_id: str, row: Any) -> Any:
    """The device if it is unexpired and bound to this link's address; else 404 (the same
    answer for every reason, so a device id reveals nothing about other addresses)."""
    device = conn.execute(
        select(remembered_devices).where(remembered_devices.c.id == device_id)
    ).first()
    if (
        device is None
        or device.expires_at <= now()
        or device.address_hash != address_hash(row.address)
    ):
        raise ApiError(404, "not_found", "This device is not remembered (any more).")
    return device


class RegisterRequest(Body):
    public_key: B64


@router.post("/devices", status_code=201)
def register_device(
    message_id: Id,
    recipient_id: Id,
    body: RegisterRequest,
    ctx: Ctx,
    request: Request,
    zv_session: Annotated[str | None, Cookie()] = None,
) -> Any:
    _require_enabled(ctx)
    spki = decode_b64(body.public_key, "public_key")
    try:
        key = serialization.load_der_public_key(spki)
    except ValueError as exc:
        raise ApiError(400, "bad_request", "public_key is not a public key.") from exc
    if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, ec.SECP256R1):
        raise ApiError(400, "bad_request", "public_key must be an ECDSA P-256 key.")
    days = ctx.settings.office.remember_device_days
    with ctx.db.write() as conn:
        check_ip(conn, ctx, request)
        row = session_for(conn, zv_session, message_id, recipient_id)
        _require_code_method(row)
        device_id, at = new_id(), now()
        expires = at + timedelta(days=days)
        conn.execute(
            remembered_devices.insert().values(
                id=device_id,
                address_hash=address_hash(row.address),
                public_key=spki,
                created_at=at,
                expires_at=expires,
            )
        )
        audit.append(
            conn,
            request_actor(request, f"recipient:{recipient_id}"),
            "device_remembered",
            message_id=message_id,
            recipient_id=recipient_id,
            detail=f"device:{device_id}",
        )
    return JSONResponse({"device_id": device_id, "expires_at": rfc3339(expires)}, 201)


class ChallengeRequest(Body):
    device_id: Id


@router.post("/device-challenge")
def device_challenge(
    message_id: Id, recipient_id: Id, body: ChallengeRequest, ctx: Ctx, request: Request
) -> Any:
    _require_enabled(ctx)
    challenge = secrets.token_bytes(32)
    with ctx.db.write() as conn:
        check_ip(conn, ctx, request)
        row = require_active(conn, message_id, recipient_id)
        _require_code_method(row)
        check_attempts_allowed(conn, ctx, request, row)
        _device(conn, body.device_id, row)
        conn.execute(delete(device_challenges).where(device_challenges.c.expires_at < now()))
        conn.execute(
            device_challenges.insert().values(
                challenge_hash=sha256(challenge),
                device_id=body.device_id,
                message_id=message_id,
                recipient_id=recipient_id,
                expires_at=now() + timedelta(seconds=CHALLENGE_TTL),
            )
        )
    return {"challenge": b64url(challenge), "expires_in": CHALLENGE_TTL}


class DeviceVerifyRequest(Body):
    device_id: Id
    challenge: B64
    signature: B64  # IEEE P1363 r ‖ s, 64 bytes, as WebCrypto makes it


def _signature_valid(public_key: bytes, signature: bytes, data: bytes) -> bool:
    key = serialization.load_der_public_key(public_key)
    assert isinstance(key, ec.EllipticCurvePublicKey)  # checked at registration
    der = encode_dss_signature(
        int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    )
    try:
        key.verify(der, data, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True


@router.post("/device-verify")
def device_verify(
    message_id: Id, recipient_id: Id, body: DeviceVerifyRequest, ctx: Ctx, request: Request
) -> Response:
    _require_enabled(ctx)
    challenge = decode_b64(body.challenge, "challenge", size=32)
    signature = decode_b64(body.signature, "signature", size=64)
    with ctx.db.write() as conn:
        check_ip(conn, ctx, request)
        row = require_active(conn, message_id, recipient_id)
        _require_code_method(row)
        check_attempts_allowed(conn, ctx, request, row)
        device = _device(conn, body.device_id, row)
        # Single use: the challenge is spent by any answer, right or wrong.
        spent = conn.execute(
            device_challenges.update()
            .where(
                device_challenges.c.challenge_hash == sha256(challenge),
                device_challenges.c.device_id == body.device_id,
                device_challenges.c.message_id == message_id,
                device_challenges.c.recipient_id == recipient_id,
                device_challenges.c.used_at.is_(None),
                device_challenges.c.expires_at > now(),
            )
            .values(used_at=now())
        ).rowcount
        ok = spent == 1 and _signature_valid(
            device.public_key, signature, signed_bytes(challenge, message_id, recipient_id)
        )
        if ok:
            conn.execute(
                remembered_devices.update()
                .where(remembered_devices.c.id == device.id)
                .values(last_used_at=now())
            )
            answer, token = record_verified(conn, ctx, request, row, "remembered_device")
        else:
            outcome = record_failed(conn, ctx, request, row, "bad_device_signature")
    if not ok:  # raised after the commit: the failure itself must be recorded
        raise failure_error(outcome)
    return verified_response(ctx, request, row, answer, token)


@router.delete("/devices/{device_id}", status_code=204)
def forget_device(
    message_id: Id,
    recipient_id: Id,
    device_id: Id,
    ctx: Ctx,
    request: Request,
    zv_session: Annotated[str | None, Cookie()] = None,
) -> Response:
    with ctx.db.write() as conn:
        check_ip(conn, ctx, request)
        row = session_for(conn, zv_session, message_id, recipient_id)
        gone = conn.execute(
            delete(remembered_devices).where(
                remembered_devices.c.id == device_id,
                remembered_devices.c.address_hash == address_hash(row.address),
            )
        ).rowcount
        conn.execute(delete(device_challenges).where(device_challenges.c.device_id == device_id))
        if gone:
            audit.append(
                conn,
                request_actor(request, f"recipient:{recipient_id}"),
                "device_forgotten",
                message_id=message_id,
                recipient_id=recipient_id,
                detail=f"device:{device_id}",
            )
    if not gone:
        raise ApiError(404, "not_found", "This device is not remembered (any more).")
    return Response(status_code=204)
