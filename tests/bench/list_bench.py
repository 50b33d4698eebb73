"""`sync.list_conversations_10k`: the GUI's conversation list over 10,000 secure
conversations (each a sent message with a recipient, half with a reply), the whole list in
one call, median of five after the first (target ≤ 300 ms); the first call after opening the
profile is reported beside it. Run by `engine_bench.run`.

`sync.list_mixed_30k`: the same list on a profile that also holds 20,000 plain mails (as
the "All mail" folder shows them: secure and plain together, newest first), each with a
text body of a few KB stored as reading a mail stores it; the whole list of 30,000 rows in
one call, measured the same way (target ≤ 300 ms).

`sync.list_folder_20k`: the list of one synced folder ("INBOX", as the GUI's Inbox shows
it) on a profile of its own holding 20,000 plain mails stored as IMAP sync stores them
(headers in batches of a thousand, subjects sealed) and then read (a text body of a few KB
each, sealed, as reading a mail keeps it); the whole folder in one call (target ≤ 300 ms)
and `sync.list_folder_20k_page`, the first page the GUI asks for (200 rows), each measured
as above. `sync.store_headers_20k` is how long storing those 20,000 headers took (what an
index on plain mail costs sync).

`sync.list_mixed_30k_last_page` and `sync.list_folder_20k_last_page`: the last page (200
rows) of those two lists as the GUI reads it when scrolled to the end, continuing after the
row above it (`list_page`), measured the same way (target ≤ 100 ms, like the first page).

`sync.list_search_30k_page`: the first page (200 rows) of a search over the mixed list for a
word nearly every one of the 30,000 rows holds (the worst case: every row matches), and
`sync.list_search_30k_rare`, a search that finds a few hundred rows all over the list; the
search index is built before (target ≤ 300 ms, the listing's).

Sizes: ZIVVERDESK_BENCH_LIST_CONVERSATIONS (default 10000), ZIVVERDESK_BENCH_LIST_PLAIN
(default 20000), ZIVVERDESK_BENCH_LIST_FOLDER (default 20000).
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from tests.bench import Results
from tests.store.mail_data import offline_account, secure_sent
from zivverdesk.core.model import RecipientState
from zivverdesk.crypto.keyring_backend import INSECURE_ENV
from zivverdesk.services.conversations import (
    ListCursor,
    folder_ids,
    list_conversations,
    list_page,
)
from zivverdesk.services.profile import Profile
from zivverdesk.store.folders import SyncedHeader


def fill(profile: Profile, count: int) -> None:
    """`count` conversations: a sent message to one recipient (opened for every third) and
    an incoming reply with an attachment for every other one."""
    store = profile.store
    with store.db.transaction():
        for n in range(count):
            date = f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}T{n % 24:02d}:00:00Z"
            conversation_id, sent_id, recipient_id = secure_sent(
                store, f"Dossier {n}", date, recipient=f"client{n}@example.test"
            )
            if n % 3 == 0:
                store.db.execute(
                    "UPDATE recipients SET state = ? WHERE id = ?",
                    (RecipientState.OPENED.value, recipient_id),
                )
            if n % 2 == 0:
                store.mailbox.add_message(
                    account_id=None,
                    conversation_id=conversation_id,
                    kind="secure",
                    direction="in",
                    sender=f"client{n}@example.test",
                    recipients="kantoor@office.test",
                    subject=f"Re: Dossier {n}",
                    body=None,
                    date=date.replace("00:00Z", "30:00Z"),
                    in_reply_to=sent_id,
                    has_attachments=True,
                )


_WORDS = [
    "afspraak",
    "uitslag",
    "verwijzing",
    "dossier",
    "cliënt",
    "behandeling",
    "overleg",
    "factuur",
    "rapport",
    "bijlage",
    "vraag",
    "antwoord",
    "morgen",
    "vandaag",
    "graag",
    "bedankt",
    "groet",
    "kantoor",
    "medisch",
    "advies",
    "termijn",
]


def fill_plain(profile: Profile, count: int) -> None:
    """`count` plain mails, received and (every fourth) sent, spread over 2025 and 2026 to
    the second, each with a text body of about 2–7 KB (sealed, as reading a mail keeps it) and
    every fifth with an attachment; in one transaction."""
    store = profile.store
    chance = random.Random(20260)  # the same mailbox on every run
    with store.db.transaction():
        for n in range(count):
            out = n % 4 == 0
            who = f"relatie{n % 500}@example.test"
            body = " ".join(chance.choices(_WORDS, k=chance.randint(300, 900)))
            date = (
                f"{2025 + n % 2}-{1 + n % 12:02d}-{1 + n % 28:02d}"
                f"T{n % 24:02d}:{n * 7 % 60:02d}:{n * 13 % 60:02d}Z"
            )
            store.mailbox.add_message(
                account_id=None,
                conversation_id=None,
                kind="plain",
                direction="out" if out else "in",
                sender="kantoor@office.test" if out else who,
                recipients=who if out else "kantoor@office.test",
                subject=f"{' '.join(chance.choices(_WORDS, k=4)).capitalize()} {n}",
                body=body,
                date=date,
                size=len(body) + 1500,
                has_attachments=n % 5 == 0,
            )


def fill_folder(profile: Profile, count: int) -> float:
    """`count` plain mails in the synced folder "INBOX" of a new account, stored as sync
    stores them: headers by UID in batches of a thousand, newer mails with higher UIDs (a few
    in the same second); then a text body of about 2–7 KB for each, as reading a mail keeps
    it. Returns the seconds that storing the headers took."""
    store = profile.store
    chance = random.Random(20261)  # the same folder on every run
    account = offline_account(store, "kantoor@office.test")
    inbox = store.folders.folder(account.id, "INBOX")
    headers = []
    second = 0
    for uid in range(1, count + 1):
        second += chance.choice((0, 1, 60, 600, 3600))  # some mails in the same second
        who = f"relatie{chance.randrange(500)}"
        day, rest = divmod(second, 86400)
        headers.append(
            SyncedHeader(
                uid=uid,
                header_message_id=f"<{uid}@example.test>",
                in_reply_to="",
                sender=f"{who.title()} <{who}@example.test>",
                recipients="kantoor@office.test",
                subject=f"{' '.join(chance.choices(_WORDS, k=4)).capitalize()} {uid}",
                date=f"2025-{1 + day // 28 % 12:02d}-{1 + day % 28:02d}"
                f"T{rest // 3600:02d}:{rest // 60 % 60:02d}:{rest % 60:02d}Z",
                flags="\\Seen" if chance.random() < 0.8 else "",
                size=chance.randint(3000, 9000),
                has_attachments=uid % 5 == 0,
            )
        )
    started = time.perf_counter()
    for start in range(0, count, 1000):
        store.folders.upsert_synced(
            account_id=account.id, folder_id=inbox.id, records=headers[start : start + 1000]
        )
    stored = time.perf_counter() - started
    with store.db.transaction():
        for mid in store.folders.uids(inbox.id).values():
            store.mailbox.set_body(
                mid, " ".join(chance.choices(_WORDS, k=chance.randint(300, 900)))
            )
    return stored


def _folder_timings(home: Path, limit: int) -> list[float]:
    """The Inbox's first `limit` rows six times on a freshly opened profile, as the GUI
    asks for them (it first checks that the folder is there)."""
    with Profile.open(home) as profile:
        timings = []
        for _ in range(6):
            started = time.perf_counter()
            folder_ids(profile, "inbox")
            rows = list_conversations(profile, folder="inbox", limit=limit)
            timings.append(time.perf_counter() - started)
            assert len(rows) == limit, len(rows)
    return timings


def _timings(home: Path, limit: int) -> list[float]:
    """The whole list (`limit` rows) six times on a freshly opened profile."""
    with Profile.open(home) as profile:
        timings = []
        for _ in range(6):
            started = time.perf_counter()
            rows = list_conversations(profile, limit=limit)
            timings.append(time.perf_counter() - started)
            assert len(rows) == limit, len(rows)
    return timings


def _last_page_timings(home: Path, total: int, folder: str | None = None) -> list[float]:
    """The last page (200 rows) of a list of `total` rows six times, each continuing after
    the row above it, as the GUI asks for it once scrolled to the end."""
    with Profile.open(home) as profile:
        above = list_conversations(profile, folder=folder, limit=total - 200)[-1]
        source = folder_ids(profile, folder)[0] if folder else int(above.kind == "plain")
        after = ListCursor(above.date, source, above.id)
        timings = []
        for _ in range(6):
            started = time.perf_counter()
            page = list_page(profile, folder=folder, after=after, limit=200)
            timings.append(time.perf_counter() - started)
            assert len(page.rows) == 200 and page.next is None, len(page.rows)
    return timings


def _search_timings(home: Path, query: str, least: int) -> list[float]:
    """The first page of a search six times (the search index built before), finding at
    least `least` rows."""
    with Profile.open(home) as profile:
        profile.store.mailbox.ensure_index()
        assert len(list_conversations(profile, query=query, limit=100_000)) >= least
        timings = []
        for _ in range(6):
            started = time.perf_counter()
            rows = list_conversations(profile, query=query, limit=200)
            timings.append(time.perf_counter() - started)
            assert len(rows) == min(200, least), len(rows)
    return timings


def run(results: Results, work: Path) -> None:
    count = int(os.environ.get("ZIVVERDESK_BENCH_LIST_CONVERSATIONS", "10000"))
    plain = int(os.environ.get("ZIVVERDESK_BENCH_LIST_PLAIN", "20000"))
    in_folder = int(os.environ.get("ZIVVERDESK_BENCH_LIST_FOLDER", "20000"))
    home = Path(tempfile.mkdtemp(prefix="zv-list-", dir=work))
    synced = Path(tempfile.mkdtemp(prefix="zv-folder-", dir=work))
    previous = os.environ.get(INSECURE_ENV)
    os.environ[INSECURE_ENV] = "1"  # a throw-away profile: no OS keyring needed
    try:
        with Profile.open(home) as profile:
            fill(profile, count)
        timings = _timings(home, count)
        # The same profile with plain mail added: the "All mail" list.
        with Profile.open(home) as profile:
            fill_plain(profile, plain)
        mixed = _timings(home, count + plain)
        mixed_last = _last_page_timings(home, count + plain)
        search = _search_timings(home, "dossier", count + plain)
        rare = _search_timings(home, "relatie7", 200)
        # A profile with one synced folder: the GUI's Inbox.
        with Profile.open(synced) as profile:
            headers = fill_folder(profile, in_folder)
        page = _folder_timings(synced, 200)
        folder = _folder_timings(synced, in_folder)
        folder_last = _last_page_timings(synced, in_folder, "inbox")
    finally:
        if previous is None:
            os.environ.pop(INSECURE_ENV, None)
        else:
            os.environ[INSECURE_ENV] = previous
        shutil.rmtree(home, ignore_errors=True)
        shutil.rmtree(synced, ignore_errors=True)
    # The first call after opening also decrypts every subject; later calls (the GUI's
    # refreshes) find them in memory.
    _record(results, "sync.list_conversations_10k", timings, target=300)
    _record(results, "sync.list_mixed_30k", mixed, target=300)
    results.record("sync.store_headers_20k", headers * 1000, "ms")
    _record(results, "sync.list_folder_20k_page", page, target=100)
    _record(results, "sync.list_folder_20k", folder, target=300)
    _record(results, "sync.list_mixed_30k_last_page", mixed_last, target=100)
    _record(results, "sync.list_folder_20k_last_page", folder_last, target=100)
    _record(results, "sync.list_search_30k_page", search, target=300)
    _record(results, "sync.list_search_30k_rare", rare, target=300)


def _record(results: Results, name: str, timings: list[float], *, target: float) -> None:
    """The first call (`NAME_first`) and the median of the others against `target` ms."""
    results.record(f"{name}_first", timings[0] * 1000, "ms")
    results.record(
        name, statistics.median(timings[1:]) * 1000, "ms", target=target, higher_is_better=False
    )
