"""One sync pass (outbox, relay feed, IMAP) and the continuous watch loop.

Each part runs even when another fails: a relay outage must not stop plain mail, and an IMAP
outage must not stop feed updates. Failures are collected and reported, never swallowed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from imapclient import IMAPClient

from zivverdesk.core.errors import ZivverdeskError
from zivverdesk.mail.idle import IdleWatcher
from zivverdesk.mail.imap_connect import disconnect
from zivverdesk.mail.sync import sync_folder
from zivverdesk.services import outbox_runner
from zivverdesk.services.connections import Connections
from zivverdesk.services.mail_sync import StoreSink, open_imap, sync_account
from zivverdesk.services.profile import Profile
from zivverdesk.services.relay_sync import poll_feed
from zivverdesk.services.reply_notices import scan_reply_notices
from zivverdesk.services.setup import refresh_directory
from zivverdesk.store.outbox import OutboxJob

log = logging.getLogger(__name__)


@dataclass
class SyncSummary:
    outbox: list[OutboxJob] = field(default_factory=list)
    feed_events: int = 0
    new_mail: int = 0
    updated_mail: int = 0  # flags changed (read on another device) or removed on the server
    replies: int = 0  # found through the relay's reply notices in the inbox
    problems: list[str] = field(default_factory=list)

    def changed_anything(self) -> bool:
        """Whether what a list of conversations shows may have changed."""
        return bool(
            self.outbox or self.feed_events or self.new_mail or self.updated_mail or self.replies
        )


def sync_once(profile: Profile, *, feed_wait: int = 0, retry_now: bool = True) -> SyncSummary:
    summary = SyncSummary()
    store = profile.store
    try:
        summary.outbox = outbox_runner.run_due(profile, ignore_backoff=retry_now)
    except ZivverdeskError as exc:
        summary.problems.append(f"outbox: {exc}")
    if store.relay.enrollment() is not None:
        try:
            with Connections(profile) as conn:
                refresh_directory(profile, conn.relay)  # names of colleagues in the feed
                summary.feed_events = poll_feed(profile, conn.relay, wait=feed_wait)
        except ZivverdeskError as exc:
            summary.problems.append(f"relay: {exc}")
    if store.accounts.all():
        try:
            client = open_imap(profile)
            try:
                result = sync_account(profile, client=client)
                summary.new_mail, summary.updated_mail = result.added, result.updated
                if store.relay.enrollment() is not None:
                    with Connections(profile) as conn:
                        summary.replies = len(scan_reply_notices(profile, client, conn.relay))
            finally:
                disconnect(client)
        except ZivverdeskError as exc:
            summary.problems.append(f"mail: {exc}")
    return summary


def watch(
    profile: Profile,
    *,
    stop: threading.Event,
    on_pass: Callable[[SyncSummary], None] | None = None,
    feed_wait: int = 20,
    min_interval: float = 5.0,
) -> None:
    """Until `stop`: IMAP IDLE on the inbox (its own thread and connection), the relay feed
    by long-poll (`feed_wait` seconds, which is also how long a stop may take), and the
    outbox by its retry times. `on_pass` hears of every pass, and of every change IDLE
    brought into the inbox (from the IDLE thread: it must be safe to call from two).

    Passes start at least `min_interval` seconds apart: a pass returns at once when there is
    no relay to long-poll, or when the feed has news, and each pass also syncs every IMAP
    folder; back to back they would keep the mail server busy for nothing."""
    idle_thread = None
    if profile.store.accounts.all():
        account = profile.account()
        sink = StoreSink(profile.store, account.id)

        def on_change(client: IMAPClient) -> None:
            report = sync_folder(client, "INBOX", sink)
            if on_pass is not None and (report.added or report.flags_changed or report.removed):
                on_pass(
                    SyncSummary(
                        new_mail=report.added, updated_mail=report.flags_changed + report.removed
                    )
                )

        watcher = IdleWatcher(lambda: open_imap(profile, account.id), "INBOX", on_change, stop=stop)
        idle_thread = threading.Thread(target=watcher.run, name="imap-idle", daemon=True)
        idle_thread.start()
    try:
        first = True
        while not stop.is_set():
            started = time.monotonic()
            summary = sync_once(profile, feed_wait=0 if first else feed_wait, retry_now=first)
            first = False
            if on_pass is not None:
                on_pass(summary)
            if summary.problems:
                for problem in summary.problems:
                    log.warning("sync: %s", problem)
                stop.wait(10)  # an outage: do not spin
            else:
                stop.wait(max(0.0, min_interval - (time.monotonic() - started)))
    finally:
        stop.set()
        if idle_thread is not None:
            idle_thread.join(timeout=5)
