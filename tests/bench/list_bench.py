"""`sync.list_conversations_10k`: the GUI's conversation list over 10,000 secure
conversations (each a sent message with a recipient, half with a reply), the whole list in
one call, median of five after the first (target ≤ 300 ms); the first call after opening the
profile is reported beside it. Run by `engine_bench.run`.

`sync.list_mixed_30k`: the same list on a profile that also holds 20,000 plain mails (as
the "All mail" folder shows them: secure and plain together, newest first), each with a
text body of a few KB stored as reading a mail stores it; the whole list of 30,000 rows in
one call, measured the same way (target ≤ 300 ms).

Sizes: ZIVVERDESK_BENCH_LIST_CONVERSATIONS (default 10000), ZIVVERDESK_BENCH_LIST_PLAIN
(default 20000).
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
from tests.store.mail_data import secure_sent
from zivverdesk.core.model import RecipientState
from zivverdesk.crypto.keyring_backend import INSECURE_ENV
from zivverdesk.services.conversations import list_conversations
from zivverdesk.services.profile import Profile


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


def run(results: Results, work: Path) -> None:
    count = int(os.environ.get("ZIVVERDESK_BENCH_LIST_CONVERSATIONS", "10000"))
    plain = int(os.environ.get("ZIVVERDESK_BENCH_LIST_PLAIN", "20000"))
    home = Path(tempfile.mkdtemp(prefix="zv-list-", dir=work))
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
    finally:
        if previous is None:
            os.environ.pop(INSECURE_ENV, None)
        else:
            os.environ[INSECURE_ENV] = previous
        shutil.rmtree(home, ignore_errors=True)
    # The first call after opening also decrypts every subject; later calls (the GUI's
    # refreshes) find them in memory.
    results.record("sync.list_conversations_10k_first", timings[0] * 1000, "ms")
    results.record(
        "sync.list_conversations_10k",
        statistics.median(timings[1:]) * 1000,
        "ms",
        target=300,
        higher_is_better=False,
    )
    results.record("sync.list_mixed_30k_first", mixed[0] * 1000, "ms")
    results.record(
        "sync.list_mixed_30k",
        statistics.median(mixed[1:]) * 1000,
        "ms",
        target=300,
        higher_is_better=False,
    )
