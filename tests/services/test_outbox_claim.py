"""One outbox job runs on one thread at a time: a sync pass and the Send button's worker that
reach the same job at once must not both run its step in flight (e.g. the notification mail).

The jobs here are of a fake kind whose steps record which thread ran them. Its first step
blocks until the test lets it go, so the second call really overlaps the first; what the
second thread is doing meanwhile is observed through events, not guessed from sleeps."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import pytest

from zivverdesk.core.errors import ZivverdeskError
from zivverdesk.services import outbox_runner
from zivverdesk.services.connections import Connections
from zivverdesk.services.profile import Profile
from zivverdesk.store.outbox import OutboxJob

KIND = "test-kind"
STEPS = ["create", "notify", "commit"]
FIRST_THREAD = "first"
SECOND_THREAD = "second"
#: Long enough never to be reached on a working run; a hang becomes a failure instead.
EVENT_TIMEOUT = 10.0


@dataclass
class FakeKind:
    """A job kind that records its calls as (thread name, what) and can hold its first step."""

    calls: list[tuple[str, str]] = field(default_factory=list)
    first_step_entered: threading.Event = field(default_factory=threading.Event)
    let_first_step_go: threading.Event = field(default_factory=threading.Event)
    second_thread_arrived: threading.Event = field(default_factory=threading.Event)
    fail_at: str | None = None
    failure: Exception | None = None

    def module(self) -> ModuleType:
        module = ModuleType("fake_outbox_kind")
        module.__dict__.update(steps=self.steps, run_step=self.run_step, finish=self.finish)
        return module

    def record(self, what: str) -> None:
        name = threading.current_thread().name
        self.calls.append((name, what))
        if name == SECOND_THREAD:
            self.second_thread_arrived.set()

    def steps(self, payload: dict[str, Any]) -> list[str]:
        self.record("steps")
        return list(STEPS)

    def run_step(
        self,
        profile: Profile,
        job_id: str,
        message_id: str,
        step: str,
        payload: dict[str, Any],
        conn: Connections,
        progress: Any,
    ) -> dict[str, Any]:
        self.record(f"step {step}")
        if step == STEPS[0] and not self.first_step_entered.is_set():
            self.first_step_entered.set()
            assert self.let_first_step_go.wait(EVENT_TIMEOUT), "the test never let step 1 go"
        if step == self.fail_at and self.failure is not None:
            raise self.failure
        profile.store.outbox.finish_step(job_id, step)
        return payload

    def finish(self, profile: Profile, message_id: str, payload: dict[str, Any]) -> dict[str, Any]:
        self.record("finish")
        return payload

    def work_of(self, thread_name: str) -> list[str]:
        return [what for name, what in self.calls if name == thread_name]


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeKind:
    kind = FakeKind()
    monkeypatch.setitem(outbox_runner.HANDLERS, KIND, kind.module())
    return kind


@pytest.fixture
def job_id(profile: Profile) -> str:
    return profile.store.outbox.enqueue(kind=KIND, message_id=None, payload={})


def _report_claims(profile: Profile, fake: FakeKind, monkeypatch: pytest.MonkeyPatch) -> None:
    """The second thread's arrival at the job's claim counts as its arrival at the job."""
    claim = profile.running_jobs.claim

    def claim_and_report(claimed_id: str, *, wait: bool) -> bool:
        if threading.current_thread().name == SECOND_THREAD:
            fake.second_thread_arrived.set()
        return claim(claimed_id, wait=wait)

    monkeypatch.setattr(profile.running_jobs, "claim", claim_and_report)


@dataclass
class Call:
    """A call on its own named thread, keeping what it returned or raised."""

    thread: threading.Thread = field(init=False)
    result: list[Any] = field(default_factory=list)
    error: list[BaseException] = field(default_factory=list)

    def join(self) -> Any:
        self.thread.join(EVENT_TIMEOUT)
        assert not self.thread.is_alive(), f"{self.thread.name} did not end"
        if self.error:
            raise self.error[0]
        return self.result[0]


def _start(name: str, call: Callable[[], Any]) -> Call:
    outcome = Call()

    def target() -> None:
        try:
            outcome.result.append(call())
        except BaseException as exc:  # handed to the test thread by `join`
            outcome.error.append(exc)

    outcome.thread = threading.Thread(target=target, name=name, daemon=True)
    outcome.thread.start()
    return outcome


@contextlib.contextmanager
def _first_run_holding_step_one(profile: Profile, fake: FakeKind, job_id: str) -> Iterator[Call]:
    """`run_job` on the first thread, held inside the first step until the block ends."""
    first = _start(FIRST_THREAD, lambda: outbox_runner.run_job(profile, job_id))
    assert fake.first_step_entered.wait(EVENT_TIMEOUT), "the first run never reached step 1"
    try:
        yield first
    finally:
        fake.let_first_step_go.set()


def _each_step_once() -> list[str]:
    return ["steps", *(f"step {step}" for step in STEPS), "finish"]


def test_two_threads_running_one_job_run_each_step_once(
    profile: Profile, fake: FakeKind, job_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _report_claims(profile, fake, monkeypatch)
    with _first_run_holding_step_one(profile, fake, job_id) as first:
        second = _start(SECOND_THREAD, lambda: outbox_runner.run_job(profile, job_id))
        assert fake.second_thread_arrived.wait(EVENT_TIMEOUT), "the second run never started"
    done_first: OutboxJob = first.join()
    done_second: OutboxJob = second.join()

    assert sorted(what for _, what in fake.calls) == sorted(_each_step_once())
    assert (done_first.status, done_second.status) == ("done", "done")
    assert profile.store.outbox.steps(job_id) == STEPS


def test_run_job_that_waited_finds_the_job_done_and_runs_nothing(
    profile: Profile, fake: FakeKind, job_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _report_claims(profile, fake, monkeypatch)
    with _first_run_holding_step_one(profile, fake, job_id) as first:
        second = _start(SECOND_THREAD, lambda: outbox_runner.run_job(profile, job_id, wait=True))
        assert fake.second_thread_arrived.wait(EVENT_TIMEOUT)
        second.thread.join(0.2)
        assert second.thread.is_alive(), "run_job(wait=True) did not wait for the first run"
    first.join()
    waited: OutboxJob = second.join()

    assert waited.status == "done"
    assert fake.work_of(SECOND_THREAD) == []
    assert fake.work_of(FIRST_THREAD) == _each_step_once()


@pytest.mark.parametrize("ignore_backoff", [False, True])
def test_run_due_skips_a_job_another_thread_is_running(
    profile: Profile, fake: FakeKind, job_id: str, ignore_backoff: bool
) -> None:
    with _first_run_holding_step_one(profile, fake, job_id) as first:
        sync_pass = _start(
            SECOND_THREAD,
            lambda: outbox_runner.run_due(profile, ignore_backoff=ignore_backoff),
        )
        # Step 1 of the first run is still held here: a sync pass that waited for it would
        # not end, and one that ran the job would have recorded work of its own.
        skipped: list[OutboxJob] = sync_pass.join()
        assert [(job.id, job.status) for job in skipped] == [(job_id, "queued")]
        assert fake.work_of(SECOND_THREAD) == []
    assert first.join().status == "done"
    assert fake.work_of(FIRST_THREAD) == _each_step_once()


@pytest.mark.parametrize(
    ("failure", "status_after_failure"),
    [(RuntimeError("bug in a step"), None), (ZivverdeskError("refused"), "failed")],
)
def test_a_failing_step_releases_the_job(
    profile: Profile,
    fake: FakeKind,
    job_id: str,
    failure: Exception,
    status_after_failure: str | None,
) -> None:
    fake.let_first_step_go.set()
    fake.fail_at, fake.failure = STEPS[1], failure
    try:
        failed = outbox_runner.run_job(profile, job_id)
    except RuntimeError:
        assert status_after_failure is None  # escaped run_job, as before the claim existed
    else:
        assert failed.status == status_after_failure
    assert not profile.running_jobs.is_running(job_id)

    fake.failure = None
    # Without waiting: a claim left behind would make this return at once, running nothing.
    again = outbox_runner.run_job(profile, job_id, wait=False)
    assert again.status == "done"
    assert fake.work_of(threading.current_thread().name)[-3:] == [
        f"step {STEPS[1]}",
        f"step {STEPS[2]}",
        "finish",
    ]
