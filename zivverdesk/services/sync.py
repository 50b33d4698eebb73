"""One sync pass (outbox, relay feed, IMAP) and the continuous watch loop.

Each part runs even when another fails: a relay outage must not stop plain mail, and an IMAP
outage must not stop feed updates. Failures are collected and reported, never swallowed.

An outage is a failure of the pass, not of the watch: the mail layer reports a connection
that cannot be made or breaks mid-pass as `ServerUnreachable`/`ConnectionLost`, the relay
client as `RelayUnreachable`, so a pass only ever catches `ZivverdeskError`. The watch then
waits longer after each failed pass (`Backoff`) and syncs normally again, without a restart,
once a pass gets through. Anything else (a bug, a closed store) ends the watch with the
exception, for the window to show.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from imapclient import IMAPClient

from zivverdesk.core.errors import ZivverdeskError
from zivverdesk.mail.idle import IdleWatcher
from zivverdesk.mail.imap_connect import disconnect
from zivverdesk.mail.sync import sync_folder
from zivverdesk.services import outbox_runner
from zivverdesk.services.connections import Connections
from zivverdesk.services.mail_sync import StoreSink, folder_lock, open_imap, sync_account
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
    #: The errors behind `problems`, for a window that words them in the user's language.
    errors: list[ZivverdeskError] = field(default_factory=list)

    def failed(self, part: str, error: ZivverdeskError) -> None:
        self.problems.append(f"{part}: {error}")
        self.errors.append(error)

    def changed_anything(self) -> bool:
        """Whether what a list of conversations shows may have changed."""
        return bool(
            self.outbox or self.feed_events or self.new_mail or self.updated_mail or self.replies
        )


class SyncFailed(ZivverdeskError):
    """Parts of a sync pass failed (the others ran): `errors` holds each part's error."""

    code = "sync_failed"

    def __init__(self, summary: SyncSummary) -> None:
        super().__init__("; ".join(summary.problems))
        self.errors = tuple(summary.errors)


@dataclass(frozen=True)
class Backoff:
    """How long to wait before trying again after `failures` failed attempts in a row:
    `first`, then doubling up to `maximum`. An outage is not hammered (a laptop without
    Wi-Fi, a server that restarts), and a short one is still over within seconds."""

    first: float
    maximum: float

    def delay(self, failures: int) -> float:
        return float(min(self.first * 2 ** max(failures - 1, 0), self.maximum))


#: After failed passes: 5 s, 10 s, 20 s, … at most 2 minutes.
PASS_BACKOFF = Backoff(first=5.0, maximum=120.0)
#: Reconnecting IDLE: 1 s, 2 s, … at most a minute (the passes cover the inbox meanwhile).
IDLE_BACKOFF = Backoff(first=1.0, maximum=60.0)


class Interrupter:
    """Ends the relay calls of a watch's running pass when the watch is asked to stop, so
    that a stop does not wait for the feed's long-poll to answer.

    A `threading.Event` tells nobody when it is set, so `run` (on a thread of the watch)
    waits for it and then interrupts the connections open at that moment, and any opened
    later. An interrupted call fails as a lost connection: the feed's cursor only advances
    after an event is stored, so the event is fetched again next time (at least once)."""

    def __init__(self, stop: threading.Event) -> None:
        self.stop = stop
        self._lock = threading.Lock()
        self._open: set[Connections] = set()
        self._fired = False

    def run(self) -> None:
        self.stop.wait()
        with self._lock:
            self._fired = True
            open_now = list(self._open)
        for conn in open_now:
            conn.interrupt()

    @contextlib.contextmanager
    def connections(self, profile: Profile) -> Iterator[Connections]:
        """The pass's relay connections, interrupted by a stop while they are open."""
        conn = Connections(profile)
        with self._lock:
            self._open.add(conn)
            if self._fired:
                conn.interrupt()
        try:
            yield conn
        finally:
            with self._lock:
                self._open.discard(conn)
            conn.close()


def sync_once(
    profile: Profile,
    *,
    feed_wait: int = 0,
    retry_now: bool = True,
    interrupter: Interrupter | None = None,
) -> SyncSummary:
    """One pass; with an `interrupter`, a stop ends its relay calls and skips the parts
    still to come (the mail server's part is short: IDLE follows the inbox meanwhile)."""
    summary = SyncSummary()
    store = profile.store

    def connections() -> contextlib.AbstractContextManager[Connections]:
        return Connections(profile) if interrupter is None else interrupter.connections(profile)

    def stopped() -> bool:
        return interrupter is not None and interrupter.stop.is_set()

    try:
        summary.outbox = outbox_runner.run_due(profile, ignore_backoff=retry_now)
    except ZivverdeskError as exc:
        summary.failed("outbox", exc)
    if store.relay.enrollment() is not None and not stopped():
        try:
            with connections() as conn:
                refresh_directory(profile, conn.relay)  # names of colleagues in the feed
                summary.feed_events = poll_feed(profile, conn.relay, wait=feed_wait)
        except ZivverdeskError as exc:
            summary.failed("relay", exc)
    if store.accounts.all() and not stopped():
        try:
            client = open_imap(profile)
            try:
                result = sync_account(profile, client=client)
                summary.new_mail, summary.updated_mail = result.added, result.updated
                if store.relay.enrollment() is not None:
                    with connections() as conn:
                        summary.replies = len(scan_reply_notices(profile, client, conn.relay))
            finally:
                disconnect(client)
        except ZivverdeskError as exc:
            summary.failed("mail", exc)
    return summary


def watch(
    profile: Profile,
    *,
    stop: threading.Event,
    on_pass: Callable[[SyncSummary], None] | None = None,
    feed_wait: int = 20,
    min_interval: float = 5.0,
    backoff: Backoff = PASS_BACKOFF,
    idle_backoff: Backoff = IDLE_BACKOFF,
) -> None:
    """Until `stop`: IMAP IDLE on the inbox (its own thread and connection), the relay feed
    by long-poll (`feed_wait` seconds; a stop interrupts it), and the outbox by its retry
    times. `on_pass` hears of every pass, and of every change IDLE
    brought into the inbox (from the IDLE thread: it must be safe to call from two).

    Passes start at least `min_interval` seconds apart: a pass returns at once when there is
    no relay to long-poll, or when the feed has news, and each pass also syncs every IMAP
    folder; back to back they would keep the mail server busy for nothing. After a pass with
    problems (an outage) the next one waits `backoff`, growing while the outage lasts; IDLE
    reconnects by `idle_backoff`. Should IDLE end for good, the next pass reports why (a
    refused sign-in), or the watch ends with the exception (a bug): it never stops silently.
    """
    idle_thread = None
    idle_ended: list[BaseException] = []  # written once by the IDLE thread, then read here
    if profile.store.accounts.all():
        account = profile.account()
        sink = StoreSink(profile.store, account.id)

        def on_change(client: IMAPClient) -> None:
            with folder_lock(account.id, "INBOX"):
                report = sync_folder(client, "INBOX", sink)
            if on_pass is not None and (report.added or report.flags_changed or report.removed):
                on_pass(
                    SyncSummary(
                        new_mail=report.added, updated_mail=report.flags_changed + report.removed
                    )
                )

        # IDLE looks at `stop` between waits of `check_interval`: a quarter second keeps a
        # stop (closing the program) quick, and a wait is one poll of an idle socket.
        watcher = IdleWatcher(
            lambda: open_imap(profile, account.id),
            "INBOX",
            on_change,
            stop=stop,
            check_interval=0.25,
            first_delay=idle_backoff.first,
            max_delay=idle_backoff.maximum,
        )

        def run_idle() -> None:
            try:
                watcher.run()
            except BaseException as exc:  # handed to the passes' loop, which reports it
                log.warning("IDLE on the inbox ended: %s", exc, exc_info=exc)
                idle_ended.append(exc)

        idle_thread = threading.Thread(target=run_idle, name="imap-idle", daemon=True)
        idle_thread.start()
    interrupter = Interrupter(stop)
    stopping = threading.Thread(target=interrupter.run, name="stopping", daemon=True)
    stopping.start()
    try:
        first = True
        failures = 0  # passes with problems in a row
        idle_reported = False
        while not stop.is_set():
            started = time.monotonic()
            summary = sync_once(
                profile,
                feed_wait=0 if first else feed_wait,
                retry_now=first,
                interrupter=interrupter,
            )
            first = False
            if idle_ended and not idle_reported:
                idle_reported = True
                ended = idle_ended[0]
                if not isinstance(ended, ZivverdeskError):
                    raise ended  # a bug in the IDLE thread: as loud as one in a pass
                # Needs the user (a refused sign-in); the passes keep syncing the inbox.
                summary.failed("mail (IDLE)", ended)
            if stop.is_set():
                # Cut short by the stop: its failures are the interruption's own. What it
                # did store is still reported.
                summary.problems.clear()
                summary.errors.clear()
            if on_pass is not None:
                on_pass(summary)
            if summary.problems:
                failures += 1
                delay = backoff.delay(failures)
                for problem in summary.problems:
                    log.warning("sync: %s (trying again in %.0f s)", problem, delay)
                stop.wait(delay)  # an outage: do not spin
            else:
                failures = 0
                stop.wait(max(0.0, min_interval - (time.monotonic() - started)))
    finally:
        stop.set()  # also ends `stopping`
        if idle_thread is not None:
            idle_thread.join(timeout=5)
        stopping.join()
