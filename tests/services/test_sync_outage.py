"""The background sync rides out a mail server outage: a connection cut in the middle of a
pass is a worded problem of that pass, the watch keeps running and retries with a growing
backoff, and once the server is back the mail that arrived meanwhile comes in, through the
passes and through IDLE, without a restart. Real Dovecot, behind a proxy the test cuts."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest

from tests.mail.helpers import imap_settings, password, raw_message, wait_for
from tests.plugins.mailstack import MailAccount
from tests.plugins.tcp_proxy import CuttableProxy, add_account_through
from zivverdesk.core.errors import ZivverdeskError
from zivverdesk.mail.errors import ConnectionLost, ServerUnreachable
from zivverdesk.mail.imap_connect import connect, disconnect
from zivverdesk.mail.sync import sync_folder as mail_sync_folder
from zivverdesk.services import sync
from zivverdesk.services.profile import Profile
from zivverdesk.services.sync import Backoff, SyncSummary, watch

pytestmark = pytest.mark.integration

ARCHIVE = "Archief"
ARCHIVED = 300  # ~100 KB of headers: a cut at 30 KB lands inside this folder's FETCH


@dataclass
class Report:
    at: float
    thread: str
    summary: SyncSummary


@dataclass
class Watching:
    """A `watch` on its own thread; what it reported, and how it ended if it did."""

    proxy: CuttableProxy
    account: MailAccount
    profile: Profile
    stop: threading.Event = field(default_factory=threading.Event)
    reports: list[Report] = field(default_factory=list)
    ended: list[BaseException] = field(default_factory=list)
    thread: threading.Thread | None = None

    def on_pass(self, summary: SyncSummary) -> None:
        self.reports.append(Report(time.monotonic(), threading.current_thread().name, summary))

    def passes(self) -> list[Report]:
        """The passes (IDLE reports from a thread of its own)."""
        return [r for r in list(self.reports) if r.thread == "watch"]

    def alive(self) -> bool:
        if self.ended:
            raise AssertionError("the watch ended") from self.ended[0]
        return self.thread is not None and self.thread.is_alive()

    def wait(self, condition: Callable[[], object], what: str, timeout: float = 15) -> None:
        wait_for(lambda: self.alive() and condition(), timeout=timeout, what=what)

    def count(self, folder: str) -> int:
        store = self.profile.store
        found = store.folders.find(self.profile.account().id, folder)
        return 0 if found is None else store.folders.count_in_folder(found.id)

    def deliver(self, *numbers: int) -> None:
        """Mail straight into the real server's inbox (not through the proxy)."""
        direct = connect(imap_settings(self.account), password(self.account))
        try:
            direct.multiappend("INBOX", [raw_message(i) for i in numbers])
        finally:
            disconnect(direct)


@pytest.fixture
def watching(
    profile: Profile, mail_account: Callable[[str], MailAccount]
) -> Iterator[Callable[..., Watching]]:
    """Starts a watch over an account whose IMAP goes through a proxy that cuts the first
    pass's connection in the middle of the archive's headers (and so every connection:
    an outage, until the test restores it); `cut_first_pass=False` leaves it alone."""
    account = mail_account("uitval")
    direct = connect(imap_settings(account), password(account))
    try:
        direct.create_folder(ARCHIVE)
        direct.subscribe_folder(ARCHIVE)
        direct.multiappend(ARCHIVE, [raw_message(i) for i in range(ARCHIVED)])
        direct.multiappend("INBOX", [raw_message(1000)])
    finally:
        disconnect(direct)
    started: list[Watching] = []
    with CuttableProxy(account.imap_host, account.imaps_port) as proxy:
        add_account_through(profile, account, imap_port=proxy.port)

        def start(*, cut_first_pass: bool = True, **options: object) -> Watching:
            if cut_first_pass:
                proxy.cut_after(server_bytes=30_000)
            w = Watching(proxy, account, profile)

            def run() -> None:
                try:
                    watch(profile, stop=w.stop, on_pass=w.on_pass, **options)  # type: ignore[arg-type]
                except BaseException as exc:
                    w.ended.append(exc)

            w.thread = threading.Thread(target=run, name="watch", daemon=True)
            w.thread.start()
            started.append(w)
            return w

        try:
            yield start
        finally:
            for w in started:
                w.stop.set()
                assert w.thread is not None
                w.thread.join(10)
                assert not w.thread.is_alive(), "the watch did not stop"


def test_a_cut_mid_pass_is_a_worded_problem_and_the_sync_comes_back_by_itself(
    watching: Callable[..., Watching],
) -> None:
    w = watching(
        min_interval=0.1, backoff=Backoff(first=0.2, maximum=0.8), idle_backoff=Backoff(0.1, 0.4)
    )
    w.wait(lambda: w.passes(), what="the first pass")
    first = w.passes()[0].summary
    assert w.proxy.cuts == 1, "the proxy was to cut the first pass's connection"
    # (1) The pass that was cut reports it in words, typed; the watch keeps running.
    assert [type(e) for e in first.errors] == [ConnectionLost]
    assert first.problems[0].startswith("mail: De verbinding met mailserver")
    assert w.alive()

    # Mail arrives while the server cannot be reached.
    w.deliver(1001, 1002)
    time.sleep(2.0)
    assert w.alive()
    outage = w.passes()
    assert all(r.summary.problems for r in outage)
    assert all(isinstance(e, ServerUnreachable) for r in outage for e in r.summary.errors)
    # (4) Spaced by a backoff (0.2, 0.4, 0.8, 0.8 s …), not back to back: a handful in 2 s.
    assert 2 <= len(outage) <= 6, [round(r.at - outage[0].at, 2) for r in outage]
    gaps = [b.at - a.at for a, b in itertools.pairwise(outage)]
    assert all(gap >= 0.15 for gap in gaps), gaps
    assert gaps[-1] > gaps[0] * 1.5, gaps  # growing while the outage lasts

    # (2) The server is back: a later pass gets through and brings what arrived meanwhile
    # (and the archive the cut pass could not finish), in the same watch.
    w.proxy.restore()
    w.wait(lambda: not w.passes()[-1].summary.problems, what="a pass that gets through")
    w.wait(lambda: w.count("INBOX") == 3, what="the inbox mail sent during the outage")
    assert w.count(ARCHIVE) == ARCHIVED
    assert sum(r.summary.new_mail for r in w.reports) == ARCHIVED + 3


def test_idle_reconnects_after_the_cut_and_reports_new_mail_again(
    watching: Callable[..., Watching],
) -> None:
    # Passes after a success are a minute apart: in this test only IDLE can bring new mail
    # once a pass has got through.
    w = watching(min_interval=60, backoff=Backoff(0.2, 0.2), idle_backoff=Backoff(0.1, 0.4))
    w.wait(lambda: w.passes(), what="the first pass")
    assert w.proxy.cuts == 1 and w.passes()[0].summary.problems
    w.proxy.restore()
    w.wait(lambda: not w.passes()[-1].summary.problems, what="a pass that gets through")
    after = len(w.reports)

    w.deliver(1001)
    w.wait(
        lambda: any(r.thread == "imap-idle" and r.summary.new_mail for r in w.reports[after:]),
        what="IDLE, reconnected, to report the new mail",
    )
    assert w.count("INBOX") == 2
    assert w.proxy.accepted >= 4  # pass and IDLE before the cut, both again after it

    # The connection IDLE has now is cut too: it reconnects once more and reports again.
    w.proxy.cut()
    time.sleep(0.3)
    w.proxy.restore()
    after = len(w.reports)
    w.deliver(1002)
    w.wait(
        lambda: any(r.thread == "imap-idle" and r.summary.new_mail for r in w.reports[after:]),
        what="IDLE to report new mail after a second cut",
    )
    assert w.count("INBOX") == 3
    assert all(r.thread == "imap-idle" for r in w.reports[after:])


def test_idle_that_ends_for_good_is_reported_not_silent(
    watching: Callable[..., Watching], monkeypatch: pytest.MonkeyPatch
) -> None:
    """IDLE gives up only on what needs the user (here: a refusal it cannot retry) or on a
    bug; the first is reported by the next pass, the second ends the watch, for the window
    to show, like a bug in a pass would."""
    real = mail_sync_folder
    failure: list[BaseException] = [ZivverdeskError("Meld u opnieuw aan. / Sign in again.")]

    def failing_in_idle(*args: object, **kwargs: object) -> object:
        if threading.current_thread().name == "imap-idle":
            raise failure[0]
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sync, "sync_folder", failing_in_idle)
    w = watching(cut_first_pass=False, min_interval=0.2)
    w.wait(
        lambda: any(
            "mail (IDLE): Meld u opnieuw aan" in p for r in w.passes() for p in r.summary.problems
        ),
        what="a pass to report why IDLE ended",
    )
    assert w.alive()
    w.stop.set()
    assert w.thread is not None
    w.thread.join(10)

    failure[0] = RuntimeError("a bug in the IDLE thread")
    bug = watching(cut_first_pass=False, min_interval=0.2)
    wait_for(lambda: bug.ended, what="the watch to end with the IDLE thread's bug")
    assert isinstance(bug.ended[0], RuntimeError)
    assert bug.thread is not None and not bug.thread.is_alive()
