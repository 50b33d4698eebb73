"""`MemorySink`: the reference `MailboxSink`, holding everything in dictionaries.

Used by the tests and the benchmarks, and a readable statement of what the protocol means.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace

from zivverdesk.mail.headers import HeaderRecord
from zivverdesk.mail.sync import FolderState


class MemorySink:
    def __init__(self) -> None:
        self.states: dict[str, FolderState] = {}
        self.messages: dict[str, dict[int, HeaderRecord]] = {}
        self.upserts = 0  # how many records were delivered (repeats included)

    def get_state(self, folder: str) -> FolderState | None:
        return self.states.get(folder)

    def set_state(self, folder: str, state: FolderState) -> None:
        self.states[folder] = state

    def upsert_headers(self, folder: str, batch: Sequence[HeaderRecord]) -> None:
        box = self.messages.setdefault(folder, {})
        for record in batch:
            box[record.uid] = record
        self.upserts += len(batch)

    def update_flags(self, folder: str, flags: Mapping[int, frozenset[str]]) -> None:
        box = self.messages.setdefault(folder, {})
        for uid, new in flags.items():
            if uid in box:
                box[uid] = replace(box[uid], flags=new)

    def remove_uids(self, folder: str, uids: Collection[int]) -> None:
        box = self.messages.setdefault(folder, {})
        for uid in uids:
            box.pop(uid, None)

    def reset_folder(self, folder: str) -> None:
        self.messages.pop(folder, None)
        self.states.pop(folder, None)

    def count(self, folder: str) -> int:
        return len(self.messages.get(folder, {}))

    def known_uids(self, folder: str) -> set[int]:
        return set(self.messages.get(folder, {}))
