"""The audit trail (NEN 7513 style): an append-only table in which every entry carries the
SHA-256 of the previous entry, so that a changed, deleted, inserted or reordered entry breaks
the chain at a point `verify` names. The newest entry is mirrored in `audit_head` so that
cutting entries off the end is noticed as well.

Appends happen inside the caller's (serialized) write transaction: the action and its audit
entry commit together or not at all.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select

from zivverdesk.relay.db.prepared import Prepared
from zivverdesk.relay.db.schema import audit_head, audit_log
from zivverdesk.relay.wire import now, rfc3339

GENESIS = "0" * 64
FIELDS = (
    "seq",
    "at",
    "event",
    "actor",
    "on_behalf_of",
    "message_id",
    "recipient_id",
    "ip",
    "user_agent",
    "result",
    "detail",
)


@dataclass(frozen=True, kw_only=True)
class Actor:
    """Who did something: `user:<id>/device:<id>`, `recipient:<id>`, `admin`, `system`."""

    actor: str
    on_behalf_of: str = ""
    ip: str = ""
    user_agent: str = ""


# Built once: every verification, open and download appends (see lockout.py).
_HEAD = Prepared(select(audit_head.c.seq, audit_head.c.hash))
_INSERT = Prepared(audit_log.insert())
_MOVE_HEAD = Prepared(audit_head.update())

SYSTEM = Actor(actor="system")
ADMIN = Actor(actor="admin")


def append(
    conn: Connection,
    who: Actor,
    event: str,
    *,
    result: str = "ok",
    message_id: str | None = None,
    recipient_id: str | None = None,
    detail: str = "",
) -> None:
    head = _HEAD.first(conn, {})
    prev_seq, prev_hash = (head.seq, head.hash) if head else (0, GENESIS)
    entry = {
        "seq": prev_seq + 1,
        "at": now().replace(microsecond=0),
        "event": event,
        "actor": who.actor,
        "on_behalf_of": who.on_behalf_of or who.actor,
        "message_id": message_id,
        "recipient_id": recipient_id,
        "ip": who.ip,
        "user_agent": who.user_agent[:400],
        "result": result,
        "detail": detail,
    }
    digest = entry_hash(prev_hash, entry)
    _INSERT.run(conn, {**entry, "prev_hash": prev_hash, "hash": digest})
    if head is None:
        conn.execute(audit_head.insert().values(id=1, seq=entry["seq"], hash=digest))
    else:
        _MOVE_HEAD.run(conn, {"seq": entry["seq"], "hash": digest})


def entry_hash(prev_hash: str, entry: dict[str, object]) -> str:
    """SHA-256 over the previous hash and the entry's fields as canonical JSON."""
    payload = canonical_json({k: _plain(entry.get(k)) for k in FIELDS})
    return hashlib.sha256(prev_hash.encode("ascii") + payload.encode("utf-8")).hexdigest()


# The hashed form of an entry: its fields' JSON with sorted keys, no spaces, non-ASCII text
# as is. Entries hold text, whole numbers and nulls, written out here field by field;
# `json.dumps` with those options gives the same text at twice the CPU (three entries are
# appended per recipient visit). Any other value is left to `json.dumps`.
_SORTED = tuple(sorted(FIELDS))
_KEYS = tuple(json.dumps(k) + ":" for k in _SORTED)
_FIELD_SET = frozenset(FIELDS)
_JSON_TEXT = json.encoder.encode_basestring  # what json.dumps writes text with (ensure_ascii=False)


def canonical_json(doc: dict[str, object]) -> str:
    """`json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)` for a
    document with exactly the entry fields."""
    if doc.keys() != _FIELD_SET:
        return _dumps(doc)
    parts = []
    for key, name in zip(_SORTED, _KEYS, strict=True):
        value = doc[key]
        if type(value) is str:
            parts.append(name + _JSON_TEXT(value))
        elif value is None:
            parts.append(name + "null")
        elif type(value) is int:
            parts.append(name + int.__repr__(value))
        else:  # bool, float, anything else: json's own rules
            return _dumps(doc)
    return "{" + ",".join(parts) + "}"


def _dumps(doc: dict[str, object]) -> str:
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    entries: int
    first_bad_seq: int | None = None
    reason: str = ""


def verify(conn: Connection) -> VerifyResult:
    """Walk the chain in sequence order; report the first entry that does not fit."""
    expected_prev = GENESIS
    expected_seq = 1
    count = 0
    for row in conn.execute(select(audit_log).order_by(audit_log.c.seq)).mappings():
        entry = dict(row)
        if entry["seq"] != expected_seq:
            return VerifyResult(
                False,
                count,
                expected_seq,
                f"entry {expected_seq} is missing (next entry is {entry['seq']})",
            )
        if entry["prev_hash"] != expected_prev:
            return VerifyResult(False, count, entry["seq"], "does not follow the entry before it")
        if entry_hash(expected_prev, entry) != entry["hash"]:
            return VerifyResult(False, count, entry["seq"], "its content was changed")
        expected_prev = entry["hash"]
        expected_seq += 1
        count += 1
    head = conn.execute(select(audit_head.c.seq, audit_head.c.hash)).first()
    if head is not None and (head.seq != count or head.hash != expected_prev):
        return VerifyResult(
            False, count, count + 1, f"entries after {count} were removed (log ended at {head.seq})"
        )
    if head is None and count:
        return VerifyResult(False, count, count, "the record of the newest entry is missing")
    return VerifyResult(True, count)


def export_rows(conn: Connection, *, since: datetime | None = None) -> Iterator[dict[str, object]]:
    query = select(audit_log).order_by(audit_log.c.seq)
    if since is not None:
        query = query.where(audit_log.c.at >= since)
    for row in conn.execute(query).mappings():
        out = {k: _plain(row[k]) for k in FIELDS}
        out["hash"] = row["hash"]
        yield out


def to_csv(rows: Iterator[dict[str, object]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[*FIELDS, "hash"], lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return buffer.getvalue()


def to_json(rows: Iterator[dict[str, object]]) -> str:
    return json.dumps(list(rows), ensure_ascii=False, indent=1) + "\n"


def _plain(value: object) -> object:
    if isinstance(value, datetime):
        return rfc3339(value)
    return value
