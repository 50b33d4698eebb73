"""Office users, their enrollment codes and devices (the administrator's side and enrollment).

Enrollment codes and device tokens are stored only as SHA-256 hashes. A device's public key
is its user's HPKE (X25519) key; every active device key of the office is in the key
directory, so colleagues can seal a message's content key to each other.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, func, select

from zivverdesk.core.errors import ZivverdeskError
from zivverdesk.core.model import new_id
from zivverdesk.core.secret import Secret
from zivverdesk.relay import audit
from zivverdesk.relay.audit import Actor
from zivverdesk.relay.db.schema import devices, enrollment_codes, users
from zivverdesk.relay.wire import b64url, now, rfc3339, sha256

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed


class AccountError(ZivverdeskError):
    code = "conflict"


def fingerprint(public_key: bytes) -> str:
    """The human fingerprint: first 20 bytes of SHA-256, hex, 10 groups of 4."""
    digest = hashlib.sha256(public_key).hexdigest()[:40]
    return " ".join(digest[i : i + 4] for i in range(0, 40, 4))


def normalise_enrollment_code(code: str) -> str:
    return "".join(c for c in code.upper() if c.isalnum())


def add_user(conn: Connection, email: str, name: str, ttl: int) -> tuple[str, Secret[str]]:
    """Create the user if new, and return its id and a fresh one-time enrollment code."""
    email = email.strip().lower()
    if "@" not in email or len(email) > 320:
        raise AccountError(f"{email!r} is not an e-mail address.", code="usage")
    row = conn.execute(select(users.c.id).where(users.c.email == email)).first()
    if row is None:
        user_id = new_id()
        conn.execute(
            users.insert().values(
                id=user_id, email=email, name=name or email, disabled=False, created_at=now()
            )
        )
        audit.append(conn, audit.ADMIN, "user_added", detail=f"user:{user_id}")
    else:
        user_id = row.id
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(16))
    code = "-".join(raw[i : i + 4] for i in range(0, 16, 4))
    conn.execute(
        enrollment_codes.insert().values(
            code_hash=sha256(raw.encode()),
            user_id=user_id,
            expires_at=now() + timedelta(seconds=ttl),
        )
    )
    audit.append(conn, audit.ADMIN, "enrollment_code_issued", detail=f"user:{user_id}")
    return user_id, Secret(code)


@dataclass(frozen=True)
class Enrolled:
    user: dict[str, str]
    device_id: str
    token: Secret[str]


def enroll(
    conn: Connection, code: str, device_name: str, public_key: bytes, who: Actor
) -> Enrolled:
    code_hash = sha256(normalise_enrollment_code(code).encode())
    row = conn.execute(
        select(enrollment_codes, users.c.email, users.c.name, users.c.disabled)
        .join(users, users.c.id == enrollment_codes.c.user_id)
        .where(enrollment_codes.c.code_hash == code_hash)
    ).first()
    if row is None or row.used_at is not None or row.expires_at <= now() or row.disabled:
        raise AccountError(
            "This enrollment code is unknown, used or expired; "
            "ask the administrator for a new one.",
            code="unauthorized",
        )
    conn.execute(
        enrollment_codes.update()
        .where(enrollment_codes.c.code_hash == code_hash)
        .values(used_at=now())
    )
    token = secrets.token_urlsafe(32)
    device_id = new_id()
    conn.execute(
        devices.insert().values(
            id=device_id,
            user_id=row.user_id,
            name=device_name,
            token_hash=sha256(token.encode()),
            public_key=public_key,
            created_at=now(),
        )
    )
    audit.append(
        conn,
        Actor(actor=f"user:{row.user_id}/device:{device_id}", ip=who.ip, user_agent=who.user_agent),
        "enroll",
    )
    user = {"id": row.user_id, "email": row.email, "name": row.name}
    return Enrolled(user, device_id, Secret(token))


def list_users(conn: Connection) -> list[dict[str, Any]]:
    active = (
        select(devices.c.user_id, func.count().label("n"))
        .where(devices.c.revoked_at.is_(None))
        .group_by(devices.c.user_id)
        .subquery()
    )
    rows = conn.execute(
        select(users, active.c.n)
        .outerjoin(active, active.c.user_id == users.c.id)
        .order_by(users.c.email)
    ).all()
    return [
        {
            "id": r.id,
            "email": r.email,
            "name": r.name,
            "disabled": bool(r.disabled),
            "devices": int(r.n or 0),
            "created": rfc3339(r.created_at),
        }
        for r in rows
    ]


def user_devices(conn: Connection, user_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(devices).where(devices.c.user_id == user_id).order_by(devices.c.created_at)
    ).all()
    return [
        {
            "id": r.id,
            "name": r.name,
            "created": rfc3339(r.created_at),
            "revoked": rfc3339(r.revoked_at),
            "fingerprint": fingerprint(r.public_key),
        }
        for r in rows
    ]


def disable_user(conn: Connection, email: str) -> str:
    row = conn.execute(select(users.c.id).where(users.c.email == email.strip().lower())).first()
    if row is None:
        raise AccountError(f"There is no user {email}.", code="not_found")
    conn.execute(users.update().where(users.c.id == row.id).values(disabled=True))
    conn.execute(
        devices.update()
        .where(devices.c.user_id == row.id, devices.c.revoked_at.is_(None))
        .values(revoked_at=now())
    )
    audit.append(conn, audit.ADMIN, "user_disabled", detail=f"user:{row.id}")
    return str(row.id)


def revoke_device(conn: Connection, device_id: str) -> None:
    result = conn.execute(
        devices.update()
        .where(devices.c.id == device_id, devices.c.revoked_at.is_(None))
        .values(revoked_at=now())
    )
    if result.rowcount == 0:
        raise AccountError(f"There is no active device {device_id}.", code="not_found")
    audit.append(conn, audit.ADMIN, "device_revoked", detail=f"device:{device_id}")


def directory(conn: Connection) -> list[dict[str, Any]]:
    """Every enabled user with the public keys of their active devices (the team)."""
    rows = conn.execute(
        select(
            users.c.id,
            users.c.email,
            users.c.name,
            devices.c.id.label("key_id"),
            devices.c.public_key,
        )
        .outerjoin(devices, (devices.c.user_id == users.c.id) & devices.c.revoked_at.is_(None))
        .where(users.c.disabled.is_(False))
        .order_by(users.c.email, devices.c.created_at)
    ).all()
    out: dict[str, dict[str, Any]] = {}
    for r in rows:
        entry = out.setdefault(
            r.id, {"user_id": r.id, "email": r.email, "name": r.name, "public_keys": []}
        )
        if r.key_id is not None:
            entry["public_keys"].append(
                {
                    "key_id": r.key_id,
                    "public_key": b64url(r.public_key),
                    "fingerprint": fingerprint(r.public_key),
                }
            )
    return list(out.values())


def active_key_ids(conn: Connection) -> set[str]:
    rows = conn.execute(select(devices.c.id).where(devices.c.revoked_at.is_(None))).all()
    return {r.id for r in rows}
