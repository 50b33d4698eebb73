"""The durable send queue.

A job is written before any network traffic. Each finished step is recorded with an
idempotency key in the same transaction as its local effects, so after a crash the runner
skips finished steps and repeats at most the one that was in flight (the relay treats
repeated creates/commits as no-ops; the notification step is recorded before the next
step starts, and the SMTP server gets the same Message-ID on a retry).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from zivverdesk.core.errors import ZivverdeskError
from zivverdesk.core.model import new_id
from zivverdesk.store.database import Database, utc_now

Status = Literal["queued", "waiting", "done", "failed"]
_PAYLOAD = "outbox.payload"


class OutboxJobNotFound(ZivverdeskError):
    code = "not_found"


@dataclass(frozen=True, kw_only=True)
class OutboxJob:
    id: str
    kind: str
    message_id: str | None
    status: Status
    last_error: str
    attempts: int
    next_attempt: str
    created: str
    updated: str


class Outbox:
    def __init__(self, db: Database) -> None:
        self._db = db

    def enqueue(self, *, kind: str, message_id: str | None, payload: dict[str, Any]) -> str:
        job_id = new_id()
        sealed = self._db.cipher.seal(
            json.dumps(payload, sort_keys=True).encode(), label=_PAYLOAD, row=job_id
        )
        now = utc_now()
        self._db.execute(
            "INSERT INTO outbox (id, kind, message_id, payload_sealed, status, next_attempt, "
            "created, updated) VALUES (?,?,?,?,'queued',?,?,?)",
            (job_id, kind, message_id, sealed, now, now, now),
        )
        return job_id

    def payload(self, job_id: str) -> dict[str, Any]:
        row = self._db.query_one("SELECT payload_sealed FROM outbox WHERE id = ?", (job_id,))
        if row is None:
            raise OutboxJobNotFound("That outbox item does not exist.")
        data: dict[str, Any] = json.loads(
            self._db.cipher.open(row["payload_sealed"], label=_PAYLOAD, row=job_id)
        )
        return data

    def update_payload(self, job_id: str, payload: dict[str, Any]) -> None:
        sealed = self._db.cipher.seal(
            json.dumps(payload, sort_keys=True).encode(), label=_PAYLOAD, row=job_id
        )
        self._db.execute(
            "UPDATE outbox SET payload_sealed = ?, updated = ? WHERE id = ?",
            (sealed, utc_now(), job_id),
        )

    def job(self, job_id: str) -> OutboxJob:
        row = self._db.query_one("SELECT * FROM outbox WHERE id = ?", (job_id,))
        if row is None:
            raise OutboxJobNotFound("That outbox item does not exist.")
        return _job(row)

    def jobs(self, *, include_done: bool = False) -> list[OutboxJob]:
        where = "" if include_done else "WHERE status != 'done'"
        return [
            _job(r)
            for r in self._db.query(f"SELECT * FROM outbox {where} ORDER BY created, rowid")  # noqa: S608
        ]

    def due(self, *, now: str | None = None) -> list[OutboxJob]:
        return [
            _job(r)
            for r in self._db.query(
                "SELECT * FROM outbox WHERE status IN ('queued', 'waiting') "
                "AND next_attempt <= ? ORDER BY created, rowid",
                (now or utc_now(),),
            )
        ]

    # --- steps ------------------------------------------------------------------------

    def step_done(self, job_id: str, step: str) -> bool:
        row = self._db.query_one(
            "SELECT 1 FROM outbox_steps WHERE outbox_id = ? AND step = ?", (job_id, step)
        )
        return row is not None

    def step_result(self, job_id: str, step: str) -> str | None:
        row = self._db.query_one(
            "SELECT result FROM outbox_steps WHERE outbox_id = ? AND step = ?", (job_id, step)
        )
        return None if row is None else str(row["result"])

    def finish_step(self, job_id: str, step: str, *, result: str = "") -> None:
        with self._db.transaction() as conn:
            conn.execute(
                "INSERT INTO outbox_steps (outbox_id, step, idempotency_key, result, done_at) "
                "VALUES (?,?,?,?,?) ON CONFLICT (outbox_id, step) DO NOTHING",
                (job_id, step, f"{job_id}:{step}", result, utc_now()),
            )

    def steps(self, job_id: str) -> list[str]:
        return [
            r["step"]
            for r in self._db.query(
                "SELECT step FROM outbox_steps WHERE outbox_id = ? ORDER BY done_at, rowid",
                (job_id,),
            )
        ]

    # --- status -----------------------------------------------------------------------

    def mark_waiting(self, job_id: str, reason: str, *, retry_in: timedelta) -> None:
        """A step failed for a reason that may pass (server down): retry later."""
        when = (datetime.now(UTC) + retry_in).strftime("%Y-%m-%dT%H:%M:%SZ")
        self._db.execute(
            "UPDATE outbox SET status = 'waiting', last_error = ?, attempts = attempts + 1, "
            "next_attempt = ?, updated = ? WHERE id = ?",
            (reason, when, utc_now(), job_id),
        )

    def mark_failed(self, job_id: str, reason: str) -> None:
        """A failure only the user can resolve (e.g. rejected credentials)."""
        self._db.execute(
            "UPDATE outbox SET status = 'failed', last_error = ?, attempts = attempts + 1, "
            "updated = ? WHERE id = ?",
            (reason, utc_now(), job_id),
        )

    def mark_done(self, job_id: str) -> None:
        self._db.execute(
            "UPDATE outbox SET status = 'done', last_error = '', updated = ? WHERE id = ?",
            (utc_now(), job_id),
        )

    def retry_now(self, job_id: str) -> None:
        self._db.execute(
            "UPDATE outbox SET status = 'queued', next_attempt = ?, updated = ? WHERE id = ?",
            (utc_now(), utc_now(), job_id),
        )


def _job(row: Any) -> OutboxJob:
    return OutboxJob(
        id=row["id"],
        kind=row["kind"],
        message_id=row["message_id"],
        status=row["status"],
        last_error=row["last_error"],
        attempts=row["attempts"],
        next_attempt=row["next_attempt"],
        created=row["created"],
        updated=row["updated"],
    )
