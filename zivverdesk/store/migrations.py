"""Versioned schema of the desktop store.

`PRAGMA user_version` holds the schema version. Each migration runs inside one
transaction together with the version bump, so a crash leaves either the old or the new
schema, never half of one. Columns ending in `_sealed` hold `ColumnCipher` output.
"""

from __future__ import annotations

import sqlite3

from zivverdesk.core.errors import ZivverdeskError

_V1 = """
CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL DEFAULT '',
    organisation TEXT NOT NULL DEFAULT '',
    auth_kind TEXT NOT NULL CHECK (auth_kind IN ('password', 'microsoft', 'google')),
    username TEXT NOT NULL,
    imap_host TEXT NOT NULL,
    imap_port INTEGER NOT NULL,
    imap_security TEXT NOT NULL CHECK (imap_security IN ('ssl', 'starttls', 'none')),
    smtp_host TEXT NOT NULL,
    smtp_port INTEGER NOT NULL,
    smtp_security TEXT NOT NULL CHECK (smtp_security IN ('ssl', 'starttls', 'none')),
    ca_file TEXT,
    created TEXT NOT NULL
);

CREATE TABLE folders (
    id INTEGER PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    special_use TEXT,
    uidvalidity INTEGER,
    uidnext INTEGER,
    highestmodseq INTEGER,
    UNIQUE (account_id, name)
);

CREATE TABLE conversations (
    id TEXT PRIMARY KEY,
    account_id TEXT REFERENCES accounts(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('secure', 'plain')),
    subject_sealed BLOB,
    shared INTEGER NOT NULL DEFAULT 0,
    assigned_to TEXT,
    to_review INTEGER NOT NULL DEFAULT 0,
    reviewed_by TEXT,
    reviewed_at TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL
);

CREATE TABLE review_log (
    id INTEGER PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    action TEXT NOT NULL,
    actor TEXT NOT NULL,
    at TEXT NOT NULL,
    event_key TEXT UNIQUE
);

CREATE TABLE messages (
    id TEXT PRIMARY KEY,
    account_id TEXT REFERENCES accounts(id) ON DELETE CASCADE,
    conversation_id TEXT REFERENCES conversations(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('secure', 'plain')),
    direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    folder_id INTEGER REFERENCES folders(id) ON DELETE CASCADE,
    uid INTEGER,
    header_message_id TEXT,
    in_reply_to TEXT,
    sender TEXT NOT NULL DEFAULT '',
    recipients TEXT NOT NULL DEFAULT '',
    subject_sealed BLOB,
    body_sealed BLOB,
    date TEXT NOT NULL,
    flags TEXT NOT NULL DEFAULT '',
    size INTEGER NOT NULL DEFAULT 0,
    has_attachments INTEGER NOT NULL DEFAULT 0,
    UNIQUE (folder_id, uid)
);
CREATE INDEX messages_by_conversation ON messages(conversation_id, date);
CREATE INDEX messages_by_folder ON messages(folder_id, date);

-- What only a secure message has: its content key (sealed), relay and expiry.
CREATE TABLE secure_messages (
    message_id TEXT PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
    relay_url TEXT NOT NULL,
    cek_sealed BLOB NOT NULL,
    expires_at TEXT,
    committed INTEGER NOT NULL DEFAULT 0,
    revoked INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE recipients (
    id TEXT PRIMARY KEY,
    message_id TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    address TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    method TEXT NOT NULL CHECK (method IN ('access_code', 'sms', 'email')),
    phone TEXT,
    state TEXT NOT NULL,
    replaced_by TEXT,
    created TEXT NOT NULL
);
CREATE INDEX recipients_by_message ON recipients(message_id);

CREATE TABLE recipient_events (
    id INTEGER PRIMARY KEY,
    message_id TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    recipient_id TEXT,
    kind TEXT NOT NULL,
    at TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    event_key TEXT UNIQUE
);
CREATE INDEX recipient_events_by_message ON recipient_events(message_id, at);

CREATE TABLE attachments (
    id TEXT PRIMARY KEY,
    message_id TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    name_sealed BLOB NOT NULL,
    size INTEGER NOT NULL,
    media_type TEXT NOT NULL,
    sha256 TEXT NOT NULL DEFAULT '',
    content_sealed BLOB
);
CREATE INDEX attachments_by_message ON attachments(message_id);

CREATE TABLE organisations (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    access_code_sealed BLOB,
    contact_person TEXT NOT NULL DEFAULT '',
    code_changed TEXT,
    created TEXT NOT NULL
);

CREATE TABLE organisation_domains (
    domain TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE
);

CREATE TABLE contacts (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name TEXT NOT NULL DEFAULT '',
    mobile TEXT,
    organisation_id TEXT REFERENCES organisations(id) ON DELETE SET NULL,
    updated TEXT NOT NULL
);

CREATE TABLE drafts (
    id TEXT PRIMARY KEY,
    account_id TEXT REFERENCES accounts(id) ON DELETE CASCADE,
    content_sealed BLOB NOT NULL,
    updated TEXT NOT NULL
);

-- The durable send queue: one job per user action, its steps recorded as they complete so
-- a restart resumes at the first unfinished step without repeating finished ones.
CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    message_id TEXT,
    payload_sealed BLOB NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'waiting', 'done', 'failed')),
    last_error TEXT NOT NULL DEFAULT '',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt TEXT NOT NULL,
    created TEXT NOT NULL,
    updated TEXT NOT NULL
);
CREATE INDEX outbox_by_status ON outbox(status, next_attempt);

CREATE TABLE outbox_steps (
    outbox_id TEXT NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
    step TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    result TEXT NOT NULL DEFAULT '',
    done_at TEXT NOT NULL,
    PRIMARY KEY (outbox_id, step)
);

-- Relay enrolment, feed cursor and similar single values. The device token is not here:
-- it lives in the OS keyring.
CREATE TABLE relay_state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""

# A sealed known value: opening with the wrong key fails at once with a clear message,
# not later in the middle of reading a message.
_V2 = """
CREATE TABLE store_meta (
    key TEXT PRIMARY KEY,
    value BLOB NOT NULL
);
"""

# The readable form of a plain mail, kept once read: its sanitised HTML (sealed like the
# text body), how many remote images the sanitiser removed, and what was damaged in it.
_V3 = """
ALTER TABLE messages ADD COLUMN html_sealed BLOB;
ALTER TABLE messages ADD COLUMN remote_images_blocked INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN defects TEXT NOT NULL DEFAULT ''
"""

# The conversation list aggregates these columns of every message in a conversation: read
# from one index it touches no table row (a row holds its sealed body before
# has_attachments, so a long body would be read page by page). Plain mail has no
# conversation and is left out, so syncing it does not pay for this index. The recipients'
# index also holds what the list counts of them, and replaces the one on message_id alone.
_V4 = """
CREATE INDEX messages_listed ON messages(
    conversation_id, date, direction, in_reply_to, has_attachments, sender, recipients, id
) WHERE conversation_id IS NOT NULL;
CREATE INDEX recipients_current ON recipients(message_id, replaced_by, state);
DROP INDEX recipients_by_message
"""

# The list of plain mail (and "All mail", where it shows beside the secure conversations)
# reads the newest plain mails in date order: without an index that is a scan of every
# message row, long bodies included, and a sort of them all. This one holds what the list
# shows of a plain mail (its subject sealed, as in the row), so the list reads the index
# alone, in its order (date DESC, id): nothing is sorted. `kind` is in it as well, though
# always 'plain': SQLite 3.40 uses a partial index as covering only if it also holds the
# columns of its own WHERE (without it, every listed mail costs a look-up of its row).
_V5 = """
CREATE INDEX messages_plain_listed ON messages(
    date DESC, id, direction, sender, recipients, has_attachments, subject_sealed, kind
) WHERE kind = 'plain'
"""

# A folder's list (Inbox, Sent, any synced folder) reads the newest plain mails of one folder
# in date order: through messages_by_folder (folder_id, date) that is a look-up of every
# listed row, long body included, and a sort of the ties by id. This index is the one of
# migration 5 with the folder in front, so a folder's list too reads an index alone, in its
# order (date DESC, id), nothing sorted; the subject in it is the row's sealed value.
_V6 = """
CREATE INDEX messages_folder_listed ON messages(
    folder_id, date DESC, id, direction, sender, recipients, has_attachments, subject_sealed,
    kind
) WHERE kind = 'plain';
DROP INDEX messages_by_folder
"""

# The list shows unread plain mail in bold: whether a mail is read is in its IMAP flags, so
# the two plain-mail listing indexes of migrations 5 and 6 hold them too, and the list still
# reads an index alone. `kind` stays last (see migration 5).
_V7 = """
DROP INDEX messages_plain_listed;
CREATE INDEX messages_plain_listed ON messages(
    date DESC, id, direction, sender, recipients, has_attachments, subject_sealed, flags, kind
) WHERE kind = 'plain';
DROP INDEX messages_folder_listed;
CREATE INDEX messages_folder_listed ON messages(
    folder_id, date DESC, id, direction, sender, recipients, has_attachments, subject_sealed,
    flags, kind
) WHERE kind = 'plain'
"""

# A secure conversation lists as unread while it holds a received message (a reply, or a
# message from a colleague or an outsider) this user has not been shown: such a message's
# flags lack \Seen, as a plain mail's do, but only this store keeps them (no server holds
# secure messages' flags, and reading on one device says nothing of another). The
# conversations' listing index of migration 4 holds the flags too, so the list still reads
# that index alone. Received secure messages stored before this release count as seen: the
# list had no unread state then, and turning every old conversation bold at the update
# would bury the few that are new. They are marked between dropping the old index and
# building the new one, so no index is kept up to date row by row.
_V8 = """
DROP INDEX messages_listed;
UPDATE messages SET flags = trim(flags || ' \\Seen')
WHERE kind = 'secure' AND direction = 'in' AND ' ' || flags || ' ' NOT LIKE '% \\Seen %';
CREATE INDEX messages_listed ON messages(
    conversation_id, date, direction, in_reply_to, has_attachments, sender, recipients, id, flags
) WHERE conversation_id IS NOT NULL
"""

MIGRATIONS: tuple[str, ...] = (_V1, _V2, _V3, _V4, _V5, _V6, _V7, _V8)
SCHEMA_VERSION = len(MIGRATIONS)


class SchemaTooNew(ZivverdeskError):
    code = "schema_too_new"


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the database to `SCHEMA_VERSION`; returns the version it had before."""
    (current,) = conn.execute("PRAGMA user_version").fetchone()
    if current > SCHEMA_VERSION:
        raise SchemaTooNew(
            f"This profile was written by a newer zivverdesk (schema {current}); update "
            "zivverdesk to open it."
        )
    for version in range(current + 1, SCHEMA_VERSION + 1):
        # executescript() would commit on its own; run the statements one by one inside an
        # explicit transaction so DDL and the version bump land together (SQLite DDL is
        # transactional).
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _split(MIGRATIONS[version - 1]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    return int(current)


def _split(script: str) -> list[str]:
    lines = [line for line in script.splitlines() if not line.strip().startswith("--")]
    return [part.strip() for part in "\n".join(lines).split(";") if part.strip()]
