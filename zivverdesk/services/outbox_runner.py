"""Runs outbox jobs step by step, and decides what a failure means.

A job kind is a module with `steps(payload)`, `run_step(...)` and `finish(...)`. Finished
steps are skipped, so running a job again after a crash or an outage continues where it
stopped. Failures that may pass (server unreachable, 4xx, relay down, identity provider down,
a password that needs re-entering) leave the job `waiting` with the reason and a retry time;
anything else marks it `failed` with the reason. Nothing is ever sent unprotected instead.
"""

from __future__ import annotations

import logging
import os
from datetime import timedelta
from types import ModuleType
from typing import Any

from zivverdesk.core.errors import ZivverdeskError
from zivverdesk.mail.auth import AuthenticationFailed, TemporarilyUnavailable
from zivverdesk.mail.errors import ServerUnreachable, TemporaryFailure
from zivverdesk.relayclient.errors import RelayError
from zivverdesk.services import plain_send, resend, secure_send
from zivverdesk.services.connections import Connections
from zivverdesk.services.profile import Profile
from zivverdesk.store.outbox import OutboxJob

log = logging.getLogger(__name__)

HANDLERS: dict[str, ModuleType] = {
    secure_send.KIND: secure_send,
    resend.KIND: resend,
    plain_send.KIND: plain_send,
}

#: Test hook: the process ends abruptly right before the first step whose name starts with
#: this value (e.g. "notify"), as a power cut would. Used by the crash-recovery tests.
CRASH_ENV = "ZIVVERDESK_CRASH_BEFORE_STEP"
_CRASH_EXIT = 86


def retry_delay(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, … up to 30 min."""
    return timedelta(seconds=min(30 * 2 ** max(attempts, 0), 1800))


def run_job(profile: Profile, job_id: str, *, progress: Any = None, wait: bool = True) -> OutboxJob:
    """Run the job's unfinished steps and return its state afterwards.

    A sync pass and the Send button's worker may reach the same job at once, and so may
    another process on the profile (the command line beside the desktop app); a step that
    is in flight is not yet recorded as done, so both would run it, and a step such as the
    notification mail must run once. The job is therefore claimed in `profile.running_jobs`
    first (among threads and processes), and read from the store only after the claim. With
    `wait` (an explicit run, as after Send) another run of the job is waited for, and the
    job then carries on from where that run left it (a job that is done by then is returned
    as it is). Without `wait` (a sync pass) the job's current state is returned at once
    while another thread or process runs it.
    """
    if not profile.running_jobs.claim(job_id, wait=wait):
        return profile.store.outbox.job(job_id)
    finished = False
    try:
        job = _run_claimed(profile, job_id, progress)
        finished = job.status == "done"
        return job
    finally:
        profile.running_jobs.release(job_id, finished=finished)


def _run_claimed(profile: Profile, job_id: str, progress: Any) -> OutboxJob:
    """`run_job` once this thread holds the job's claim."""
    store = profile.store
    job = store.outbox.job(job_id)
    if job.status == "done":
        return job
    handler = HANDLERS.get(job.kind)
    if handler is None:
        store.outbox.mark_failed(job_id, f"Unknown outbox item kind {job.kind!r}.")
        return store.outbox.job(job_id)
    payload = store.outbox.payload(job_id)
    message_id = job.message_id or ""
    crash_at = os.environ.get(CRASH_ENV)
    with Connections(profile) as conn:
        try:
            for step in handler.steps(payload):
                if store.outbox.step_done(job_id, step):
                    continue
                if crash_at and step.startswith(crash_at):
                    os._exit(_CRASH_EXIT)
                payload = handler.run_step(
                    profile, job_id, message_id, step, payload, conn, progress
                )
            payload = handler.finish(profile, message_id, payload)
            with store.db.transaction():
                store.outbox.update_payload(job_id, payload)
                store.outbox.mark_done(job_id)
        except (ServerUnreachable, TemporaryFailure, TemporarilyUnavailable) as exc:
            _wait(profile, job, str(exc))
        except AuthenticationFailed as exc:
            # Queued mail waits until the user signs in again; retrying sooner cannot help.
            store.outbox.mark_waiting(job_id, str(exc), retry_in=timedelta(minutes=30))
        except RelayError as exc:
            if exc.retryable:
                _wait(profile, job, str(exc))
            else:
                store.outbox.mark_failed(job_id, str(exc))
        except ZivverdeskError as exc:
            store.outbox.mark_failed(job_id, str(exc))
    return store.outbox.job(job_id)


def _wait(profile: Profile, job: OutboxJob, reason: str) -> None:
    log.info("outbox item %s waits: %s", job.id, reason)
    profile.store.outbox.mark_waiting(job.id, reason, retry_in=retry_delay(job.attempts))


def run_due(profile: Profile, *, ignore_backoff: bool = False) -> list[OutboxJob]:
    """Run every job that is due (or every unfinished one with `ignore_backoff`, as a manual
    "send now" does). Returns the jobs' states afterwards.

    A job another thread or process is running right now (e.g. the one the user just sent)
    is skipped and returned as it stands: waiting for it would hold up the sync pass, and
    running it too would repeat its step in flight."""
    store = profile.store
    jobs = (
        [j for j in store.outbox.jobs() if j.status in ("queued", "waiting")]
        if ignore_backoff
        else store.outbox.due()
    )
    return [run_job(profile, job.id, wait=False) for job in jobs]
