"""The outbox jobs this process is running right now, so that each runs on one thread at a time.

The store records every finished step, but a step that is still in flight is recorded
nowhere. A sync pass (`run_due`) and the Send button's worker (`run_job`) may reach the same
job at once; without this registry both would run its first unfinished step, and a step such
as the recipient's notification mail or the relay's create must run once. Every run of a job
claims its id here first and releases it when it ends.

This covers the threads of one process. A second process on the same profile is not
guarded here.
"""

from __future__ import annotations

import threading


class RunningJobs:
    """A thread-safe set of the ids of the outbox jobs being run, with waiting for one to end."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._job_ids: set[str] = set()

    def claim(self, job_id: str, *, wait: bool) -> bool:
        """Mark `job_id` as running on this thread. With `wait`, first wait until no other
        thread runs it, then answer True; without, answer False at once when another thread
        runs it. Each True must be followed by one `release`."""
        with self._changed:
            if job_id in self._job_ids and not wait:
                return False
            self._changed.wait_for(lambda: job_id not in self._job_ids)
            self._job_ids.add(job_id)
            return True

    def release(self, job_id: str) -> None:
        """The run of `job_id` has ended: wake the threads waiting to claim it."""
        with self._changed:
            self._job_ids.discard(job_id)
            self._changed.notify_all()

    def is_running(self, job_id: str) -> bool:
        """Whether some thread holds `job_id` now (an answer that may be stale at once)."""
        with self._changed:
            return job_id in self._job_ids
