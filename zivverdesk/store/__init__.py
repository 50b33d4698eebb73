"""The desktop's local SQLite store (encrypted at rest), outbox and migrations.

May import `core`, `crypto` and `config`. Never imports Qt, the relay or the mail layer.
`open_store(data_dir, key)` gives a `Store` whose attributes are the repositories.
"""

from __future__ import annotations

from pathlib import Path

from zivverdesk.store.accounts import Accounts, RelayState
from zivverdesk.store.addressbook import AddressBook
from zivverdesk.store.database import DB_FILE_NAME, Database
from zivverdesk.store.drafts import Drafts
from zivverdesk.store.folders import Folders
from zivverdesk.store.listing import Listing
from zivverdesk.store.mailbox import Mailbox
from zivverdesk.store.outbox import Outbox
from zivverdesk.store.search import SearchIndex
from zivverdesk.store.secure import SecureMessages


class Store:
    """A profile's open store. Close it when done (the GUI at exit, the CLI per command)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.index = SearchIndex()
        self.accounts = Accounts(db)
        self.relay = RelayState(db)
        self.addressbook = AddressBook(db)
        self.mailbox = Mailbox(db, self.index)
        self.folders = Folders(db, self.mailbox)
        self.secure = SecureMessages(db)
        self.outbox = Outbox(db)
        self.drafts = Drafts(db)
        self.listing = Listing(db)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_store(data_dir: Path, key: bytes, *, build_index: bool = False) -> Store:
    """Open (creating or migrating) the store in `data_dir`, sealed under `key` (32 bytes).

    The search index is built on the first search; `build_index=True` builds it now (the
    GUI does that in the background right after opening)."""
    store = Store(Database(data_dir / DB_FILE_NAME, key))
    if build_index:
        try:
            store.mailbox.ensure_index()
        except BaseException:
            store.close()
            raise
    return store


__all__ = ["DB_FILE_NAME", "Store", "open_store"]
