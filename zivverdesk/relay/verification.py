"""Recipient verification: the access-code `auth` check, 6-digit SMS/e-mail codes, and
recipient sessions.

The relay stores SHA-256(auth) and compares in constant time; it never sees the access code
or the link secret that `auth` is derived from. Codes and session tokens are stored only as
SHA-256 hashes; codes are single-use and expire.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, bindparam, select

from zivverdesk.core.model import new_id
from zivverdesk.core.secret import Secret
from zivverdesk.relay.db.prepared import Prepared
from zivverdesk.relay.db.schema import sessions, verification_codes
from zivverdesk.relay.wire import now, sha256

CODE_DIGITS = 6


def auth_matches(verifier: bytes | None, auth: bytes) -> bool:
    if not verifier:
        return False
    return hmac.compare_digest(sha256(auth), verifier)


def _code_hash(subject: str, code: str) -> bytes:
    return sha256(f"{subject}\x00{code}".encode())


def issue_code(conn: Connection, subject: str, ttl: int) -> Secret[str]:
    """A fresh 6-digit code for `subject`; earlier unused codes stay valid until they expire."""
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    at = now()
    conn.execute(
        verification_codes.insert().values(
            id=new_id(),
            subject=subject,
            code_hash=_code_hash(subject, code),
            created_at=at,
            expires_at=at + timedelta(seconds=ttl),
        )
    )
    return Secret(code)


def last_code_at(conn: Connection, subject: str) -> datetime | None:
    return conn.execute(
        select(verification_codes.c.created_at)
        .where(verification_codes.c.subject == subject)
        .order_by(verification_codes.c.created_at.desc())
        .limit(1)
    ).scalar()


def consume_code(conn: Connection, subject: str, code: str) -> bool:
    """True (and the code used up) if `code` is a valid, unused, unexpired code of `subject`."""
    candidate = _code_hash(subject, code.strip())
    rows = conn.execute(
        select(verification_codes.c.id, verification_codes.c.code_hash).where(
            verification_codes.c.subject == subject,
            verification_codes.c.used_at.is_(None),
            verification_codes.c.expires_at > now(),
        )
    ).all()
    match = None
    for row in rows:  # compare against all, in constant time each
        if hmac.compare_digest(row.code_hash, candidate):
            match = row.id
    if match is None:
        return False
    conn.execute(
        verification_codes.update().where(verification_codes.c.id == match).values(used_at=now())
    )
    return True


# Built once (every recipient request looks up its session): see lockout.py.
_INSERT_SESSION = Prepared(sessions.insert())
_FIND_SESSION = Prepared(
    select(sessions).where(
        sessions.c.token_hash == bindparam("b_hash"),
        sessions.c.scope == bindparam("b_scope"),
        sessions.c.expires_at > bindparam("b_now"),
    )
)


@dataclass(frozen=True)
class Session:
    scope: str
    message_id: str
    recipient_id: str | None
    expires_at: datetime


def token_hash(token: str) -> bytes:
    """How a session token is stored and looked up (never the token itself)."""
    return sha256(token.encode())


def open_session(
    conn: Connection, *, scope: str, message_id: str, recipient_id: str | None, ttl: int
) -> Secret[str]:
    token = secrets.token_urlsafe(32)
    at = now()
    _INSERT_SESSION.run(
        conn,
        {
            "token_hash": token_hash(token),
            "scope": scope,
            "message_id": message_id,
            "recipient_id": recipient_id,
            "created_at": at,
            "expires_at": at + timedelta(seconds=ttl),
        },
    )
    return Secret(token)


def find_session(conn: Connection, token: str, scope: str) -> Session | None:
    row = _FIND_SESSION.first(conn, {"b_hash": token_hash(token), "b_scope": scope, "b_now": now()})
    if row is None:
        return None
    return Session(row.scope, row.message_id, row.recipient_id, row.expires_at)
