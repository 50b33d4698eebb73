"""Mail accounts (server settings only) and the relay enrolment/feed state.

Passwords and OAuth tokens are never stored here; they live in the OS keyring under the
account id. The relay's device token likewise.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from zivverdesk.core.errors import ZivverdeskError
from zivverdesk.core.model import new_id
from zivverdesk.store.database import Database, utc_now

AuthKind = Literal["password", "microsoft", "google"]
Security = Literal["ssl", "starttls", "none"]


class AccountNotFound(ZivverdeskError):
    code = "account_not_found"


@dataclass(frozen=True, kw_only=True)
class Account:
    id: str
    email: str
    display_name: str
    organisation: str
    auth_kind: AuthKind
    username: str
    imap_host: str
    imap_port: int
    imap_security: Security
    smtp_host: str
    smtp_port: int
    smtp_security: Security
    ca_file: str | None


class Accounts:
    def __init__(self, db: Database) -> None:
        self._db = db

    def add(
        self,
        *,
        email: str,
        auth_kind: AuthKind,
        username: str,
        imap_host: str,
        imap_port: int,
        imap_security: Security,
        smtp_host: str,
        smtp_port: int,
        smtp_security: Security,
        ca_file: str | None = None,
        display_name: str = "",
        organisation: str = "",
    ) -> Account:
        account = Account(
            id=new_id(),
            email=email.strip().lower(),
            display_name=display_name,
            organisation=organisation,
            auth_kind=auth_kind,
            username=username,
            imap_host=imap_host,
            imap_port=imap_port,
            imap_security=imap_security,
            smtp_host=smtp_host,
            smtp_port=smtp_port,
            smtp_security=smtp_security,
            ca_file=ca_file,
        )
        with self._db.transaction() as conn:
            if conn.execute("SELECT 1 FROM accounts WHERE email = ?", (account.email,)).fetchone():
                raise ZivverdeskError(f"An account for {account.email} already exists.")
            conn.execute(
                "INSERT INTO accounts (id, email, display_name, organisation, auth_kind, "
                "username, imap_host, imap_port, imap_security, smtp_host, smtp_port, "
                "smtp_security, ca_file, created) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    account.id,
                    account.email,
                    display_name,
                    organisation,
                    auth_kind,
                    username,
                    imap_host,
                    imap_port,
                    imap_security,
                    smtp_host,
                    smtp_port,
                    smtp_security,
                    ca_file,
                    utc_now(),
                ),
            )
        return account

    def all(self) -> list[Account]:
        return [_account(r) for r in self._db.query("SELECT * FROM accounts ORDER BY created")]

    def get(self, account_id: str) -> Account:
        row = self._db.query_one("SELECT * FROM accounts WHERE id = ?", (account_id,))
        if row is None:
            raise AccountNotFound("That mail account does not exist (any more).")
        return _account(row)

    def default(self) -> Account:
        """The first account: the command line and a one-account office use it."""
        accounts = self.all()
        if not accounts:
            raise AccountNotFound(
                "No mail account yet. Add one first: zivverdesk account add --email … "
                "(Nog geen e-mailaccount.)"
            )
        return accounts[0]

    def update_identity(self, account_id: str, *, display_name: str, organisation: str) -> None:
        self._db.execute(
            "UPDATE accounts SET display_name = ?, organisation = ? WHERE id = ?",
            (display_name, organisation, account_id),
        )

    def remove(self, account_id: str) -> None:
        self._db.execute("DELETE FROM accounts WHERE id = ?", (account_id,))


def _account(row: Any) -> Account:
    return Account(
        id=row["id"],
        email=row["email"],
        display_name=row["display_name"],
        organisation=row["organisation"],
        auth_kind=row["auth_kind"],
        username=row["username"],
        imap_host=row["imap_host"],
        imap_port=row["imap_port"],
        imap_security=row["imap_security"],
        smtp_host=row["smtp_host"],
        smtp_port=row["smtp_port"],
        smtp_security=row["smtp_security"],
        ca_file=row["ca_file"],
    )


@dataclass(frozen=True, kw_only=True)
class Enrollment:
    relay_url: str
    user_id: str
    email: str
    name: str
    office: dict[str, Any]
    key_id: str = ""  # this device's key id on the relay
    ca_file: str | None = None  # a private CA for a relay with a self-signed certificate


class RelayState:
    """Single values about the relay: the enrolment and the change-feed cursor."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def _get(self, key: str) -> str | None:
        row = self._db.query_one("SELECT value FROM relay_state WHERE key = ?", (key,))
        return None if row is None else str(row["value"])

    def _set(self, key: str, value: str) -> None:
        self._db.execute(
            "INSERT INTO relay_state (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def enrollment(self) -> Enrollment | None:
        raw = self._get("enrollment")
        if raw is None:
            return None
        data = json.loads(raw)
        return Enrollment(
            relay_url=data["relay_url"],
            user_id=data["user_id"],
            email=data["email"],
            name=data["name"],
            office=data.get("office", {}),
            key_id=data.get("key_id", ""),
            ca_file=data.get("ca_file"),
        )

    def set_enrollment(self, enrollment: Enrollment) -> None:
        self._set(
            "enrollment",
            json.dumps(
                {
                    "relay_url": enrollment.relay_url,
                    "user_id": enrollment.user_id,
                    "email": enrollment.email,
                    "name": enrollment.name,
                    "office": enrollment.office,
                    "key_id": enrollment.key_id,
                    "ca_file": enrollment.ca_file,
                }
            ),
        )

    def directory(self) -> list[dict[str, Any]]:
        """The office's users as last fetched from the relay (for names and assignment)."""
        raw = self._get("directory")
        return list(json.loads(raw)) if raw else []

    def set_directory(self, users: list[dict[str, Any]]) -> None:
        self._set("directory", json.dumps(users))

    def scan_position(self, name: str) -> int | None:
        """Where a scan (e.g. of reply notices in a folder) stopped last time."""
        raw = self._get(f"scan/{name}")
        return int(raw) if raw is not None else None

    def set_scan_position(self, name: str, position: int) -> None:
        self._set(f"scan/{name}", str(position))

    def feed_cursor(self) -> str | None:
        return self._get("feed_cursor")

    def set_feed_cursor(self, cursor: str) -> None:
        self._set("feed_cursor", cursor)
