"""Drafts: the composer's content, sealed as one JSON document per draft."""

from __future__ import annotations

import json
from typing import Any

from zivverdesk.core.model import new_id
from zivverdesk.store.database import Database, utc_now

_CONTENT = "drafts.content"


class Drafts:
    def __init__(self, db: Database) -> None:
        self._db = db

    def save(
        self, content: dict[str, Any], *, draft_id: str | None = None, account_id: str | None = None
    ) -> str:
        did = draft_id or new_id()
        sealed = self._db.cipher.seal(json.dumps(content).encode(), label=_CONTENT, row=did)
        self._db.execute(
            "INSERT INTO drafts (id, account_id, content_sealed, updated) VALUES (?,?,?,?) "
            "ON CONFLICT (id) DO UPDATE SET content_sealed = excluded.content_sealed, "
            "updated = excluded.updated",
            (did, account_id, sealed, utc_now()),
        )
        return did

    def load(self, draft_id: str) -> dict[str, Any] | None:
        row = self._db.query_one("SELECT content_sealed FROM drafts WHERE id = ?", (draft_id,))
        if row is None:
            return None
        data: dict[str, Any] = json.loads(
            self._db.cipher.open(row["content_sealed"], label=_CONTENT, row=draft_id)
        )
        return data

    def ids(self) -> list[str]:
        return [r["id"] for r in self._db.query("SELECT id FROM drafts ORDER BY updated DESC")]

    def delete(self, draft_id: str) -> None:
        self._db.execute("DELETE FROM drafts WHERE id = ?", (draft_id,))
