"""The outbox jobs being run right now, so that each runs in one place at a time: on one thread
of one process, among all the processes open on the profile.

The store records every finished step, but a step that is still in flight is recorded
nowhere. A sync pass (`run_due`) and the Send button's worker (`run_job`) may reach the same
job at once, and so may the command line (`zivverdesk sync`) beside the open desktop app, or
a desktop app started twice; without a claim both would run the job's first unfinished step,
and a step such as the recipient's notification mail or the relay's create must run once.
Every run of a job therefore claims it first and releases it when it ends. A claim is two
locks, taken in this order:

1. the job's id in this process's set, which the process's threads wait on (a condition);
2. the job's lock file in the profile's lock folder (`process_lock`), which other processes
   wait on. The OS drops that lock when its process dies, so a crash never leaves a job
   claimed; the empty file it leaves on disk blocks nothing.

The thread claim comes first so that a process holds a job's file lock from one thread only,
and a thread that waits for another thread of its own process does not poll the file.
"""

from __future__ import annotations

import hashlib
import re
import threading
from pathlib import Path

from zivverdesk.services.process_lock import ProcessLock

_SAFE_FILE_NAME = re.compile(r"[0-9A-Za-z_-]{1,64}")


class RunningJobs:
    """The claims of the outbox jobs being run, with waiting for one to end; thread-safe."""

    def __init__(self, lock_dir: Path) -> None:
        self._lock_dir = lock_dir
        self._changed = threading.Condition()
        self._job_ids: set[str] = set()
        self._file_locks: dict[str, ProcessLock] = {}

    def claim(self, job_id: str, *, wait: bool) -> bool:
        """Claim `job_id` for this thread. With `wait`, first wait until no other thread or
        process runs it, then answer True; without, answer False at once when another one
        does. Each True must be followed by one `release`."""
        with self._changed:
            if job_id in self._job_ids and not wait:
                return False
            self._changed.wait_for(lambda: job_id not in self._job_ids)
            self._job_ids.add(job_id)
        # Outside the condition: waiting for another process must not hold up this
        # process's other jobs. The thread claim above keeps this job's file to this thread.
        file_lock = ProcessLock(self.lock_file(job_id))
        try:
            claimed = file_lock.acquire(wait=wait)
        except BaseException:
            self._release_thread_claim(job_id)
            raise
        if not claimed:
            self._release_thread_claim(job_id)
            return False
        with self._changed:
            self._file_locks[job_id] = file_lock
        return True

    def release(self, job_id: str, *, finished: bool = False) -> None:
        """The run of `job_id` has ended: let other processes and the waiting threads have
        it. `finished` (the job is done for good) also removes its lock file."""
        with self._changed:
            file_lock = self._file_locks.pop(job_id, None)
        try:
            if file_lock is not None:
                file_lock.release(remove=finished)
        finally:
            self._release_thread_claim(job_id)

    def is_running(self, job_id: str) -> bool:
        """Whether a thread of this process holds `job_id` now (an answer that may be stale
        at once; other processes are not asked)."""
        with self._changed:
            return job_id in self._job_ids

    def lock_file(self, job_id: str) -> Path:
        """The file whose OS lock stands for `job_id` among processes."""
        name = job_id if _SAFE_FILE_NAME.fullmatch(job_id) else _digest(job_id)
        return self._lock_dir / f"outbox-job-{name}.lock"

    def _release_thread_claim(self, job_id: str) -> None:
        with self._changed:
            self._job_ids.discard(job_id)
            self._changed.notify_all()


def _digest(job_id: str) -> str:
    return hashlib.sha256(job_id.encode("utf-8")).hexdigest()
