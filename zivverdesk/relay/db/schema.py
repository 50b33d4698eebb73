"""The relay's tables (SQLAlchemy Core), the same on SQLite and PostgreSQL.

What is stored is ciphertext metadata only: ids, sizes, SHA-256 digests of ciphertext,
verifiers (SHA-256 of a derived token), wrapped and sealed keys, hashed codes and tokens,
timestamps. Never a subject, body, file name, access code or link secret. Times are stored
as timezone-aware UTC. Changing a table needs an Alembic migration in `relay/migrations`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    """A UTC instant: aware datetimes in, aware datetimes out, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

ID = String(32)
TS = UtcDateTime()
# BigInteger autoincrement is INTEGER PRIMARY KEY (rowid) on SQLite only through a variant.
SEQ = BigInteger().with_variant(Integer(), "sqlite")

users = Table(
    "users",
    metadata,
    Column("id", ID, primary_key=True),
    Column("email", String(320), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("created_at", TS, nullable=False),
)

enrollment_codes = Table(
    "enrollment_codes",
    metadata,
    Column("code_hash", LargeBinary(32), primary_key=True),
    Column("user_id", ID, ForeignKey("users.id"), nullable=False),
    Column("expires_at", TS, nullable=False),
    Column("used_at", TS),
)

devices = Table(
    "devices",
    metadata,
    Column("id", ID, primary_key=True),  # also the key_id of the device's public key
    Column("user_id", ID, ForeignKey("users.id"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("token_hash", LargeBinary(32), nullable=False, unique=True),
    Column("public_key", LargeBinary(32), nullable=False),
    Column("created_at", TS, nullable=False),
    Column("revoked_at", TS),
)

conversations = Table(
    "conversations",
    metadata,
    Column("id", ID, primary_key=True),
    Column("owner_id", ID, ForeignKey("users.id")),  # null: started from the starter page
    Column("shared", Boolean, nullable=False),
    Column("starter_email", String(320)),
    Column("assigned_to", ID, ForeignKey("users.id")),
    Column("reviewed_by", ID, ForeignKey("users.id")),
    Column("reviewed_at", TS),
    Column("created_at", TS, nullable=False),
)

messages = Table(
    "messages",
    metadata,
    Column("id", ID, primary_key=True),
    Column("conversation_id", ID, ForeignKey("conversations.id"), nullable=False, index=True),
    Column("kind", String(16), nullable=False),  # outbound | reply | starter
    Column("sender_id", ID, ForeignKey("users.id")),  # desktop sender
    Column("sender_recipient_id", ID),  # a reply from a recipient's browser
    Column("in_reply_to", ID),
    Column("shared", Boolean, nullable=False),
    Column("created_at", TS, nullable=False),
    Column("committed_at", TS),
    Column("expires_at", TS, nullable=False),
    Column("revoked_at", TS),
    Column("purged_at", TS),
    Column("opened_at", TS),  # replies and starter messages: first fetch by the office
)

blobs = Table(
    "blobs",
    metadata,
    Column("id", ID, primary_key=True),
    Column("message_id", ID, ForeignKey("messages.id"), nullable=False, index=True),
    Column("position", Integer, nullable=False),  # 0 is the manifest
    Column("size", BigInteger, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("complete", Boolean, nullable=False, default=False),
    Column("deleted", Boolean, nullable=False, default=False),
)

sealed_keys = Table(
    "sealed_keys",
    metadata,
    Column("message_id", ID, ForeignKey("messages.id"), primary_key=True),
    Column("key_id", ID, primary_key=True),
    Column("sealed_cek", LargeBinary, nullable=False),
)

recipients = Table(
    "recipients",
    metadata,
    Column("id", ID, primary_key=True),
    Column("message_id", ID, ForeignKey("messages.id"), nullable=False, index=True),
    Column("address", String(320), nullable=False),
    Column("name", String(200), nullable=False),
    Column("method", String(16), nullable=False),
    Column("phone", String(40)),
    Column("verifier", LargeBinary(32)),  # SHA-256(auth); null after revoke/rotate/purge
    Column("wrapped_cek", LargeBinary),
    Column("code_salt", LargeBinary),
    Column("kdf_iterations", Integer),
    Column("replaced_by", ID),  # set when the link was rotated: the old link is dead
    Column("failures", Integer, nullable=False, default=0),
    Column("lock_level", Integer, nullable=False, default=0),
    Column("locked_until", TS),
    Column("opened_at", TS),
    Column("created_at", TS, nullable=False),
)

verification_codes = Table(
    "verification_codes",
    metadata,
    Column("id", ID, primary_key=True),
    # "r:<recipient id>" or "s:<slug>:<e-mail>" (conversation starter)
    Column("subject", String(400), nullable=False, index=True),
    Column("code_hash", LargeBinary(32), nullable=False),
    Column("created_at", TS, nullable=False),
    Column("expires_at", TS, nullable=False),
    Column("used_at", TS),
)

sessions = Table(
    "sessions",
    metadata,
    Column("token_hash", LargeBinary(32), primary_key=True),
    Column("scope", String(16), nullable=False),  # recipient | starter
    Column("message_id", ID, nullable=False),
    Column("recipient_id", ID),
    Column("created_at", TS, nullable=False),
    Column("expires_at", TS, nullable=False),
)

# A browser a recipient let the relay remember ("Dit apparaat onthouden"): only its ECDSA
# P-256 public key, bound to a hash of the recipient's address (one relay = one office).
remembered_devices = Table(
    "remembered_devices",
    metadata,
    Column("id", ID, primary_key=True),
    Column("address_hash", LargeBinary(32), nullable=False, index=True),
    Column("public_key", LargeBinary, nullable=False),  # SubjectPublicKeyInfo, DER
    Column("created_at", TS, nullable=False),
    Column("expires_at", TS, nullable=False),
    Column("last_used_at", TS),
)

# Single-use challenges a remembered device signs instead of entering a code.
device_challenges = Table(
    "device_challenges",
    metadata,
    Column("challenge_hash", LargeBinary(32), primary_key=True),
    Column("device_id", ID, nullable=False),
    Column("message_id", ID, nullable=False),
    Column("recipient_id", ID, nullable=False),
    Column("expires_at", TS, nullable=False),
    Column("used_at", TS),
)

events = Table(
    "events",
    metadata,
    Column("seq", SEQ, primary_key=True, autoincrement=True),
    Column("kind", String(32), nullable=False),
    Column("conversation_id", ID, nullable=False, index=True),
    Column("message_id", ID),
    Column("recipient_id", ID),
    Column("reply_id", ID),
    Column("blob_id", ID),
    Column("at", TS, nullable=False),
    Column("detail", Text, nullable=False, default=""),
)

rate_limits = Table(
    "rate_limits",
    metadata,
    Column("key", String(200), primary_key=True),  # "<kind>:<ip>:<window start>"
    Column("count", Integer, nullable=False),
    Column("expires_at", TS, nullable=False),
)

mail_queue = Table(
    "mail_queue",
    metadata,
    Column("id", ID, primary_key=True),
    Column("idempotency_key", String(200), nullable=False, unique=True),
    Column("to_address", String(320), nullable=False),
    Column("subject", String(400), nullable=False),
    Column("text_body", Text, nullable=False),
    Column("html_body", Text, nullable=False),
    Column("headers", Text, nullable=False),  # JSON object of extra headers
    Column("conversation_id", ID),
    Column("message_id", ID),
    Column("created_at", TS, nullable=False),
    Column("next_attempt_at", TS, nullable=False),
    Column("claimed_until", TS),
    Column("attempts", Integer, nullable=False, default=0),
    Column("sent_at", TS),
    Column("failed_at", TS),
    Column("last_error", Text),
)
Index("ix_mail_queue_due", mail_queue.c.sent_at, mail_queue.c.next_attempt_at)
# A recipient's events of one kind (has the attachment been downloaded before?): migration 0003.
Index("ix_events_recipient_kind", events.c.recipient_id, events.c.kind)

audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", SEQ, primary_key=True, autoincrement=True),
    Column("at", TS, nullable=False),
    Column("event", String(64), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("on_behalf_of", String(200), nullable=False),
    Column("message_id", ID),
    Column("recipient_id", ID),
    Column("ip", String(64), nullable=False),
    Column("user_agent", String(400), nullable=False),
    Column("result", String(64), nullable=False),
    Column("detail", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    UniqueConstraint("hash"),
)

# The newest audit entry, kept beside the log so that cutting entries off the end is noticed.
audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True),  # always 1
    Column("seq", BigInteger, nullable=False),
    Column("hash", String(64), nullable=False),
)
