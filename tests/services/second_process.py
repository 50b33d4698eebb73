"""What another process on a test profile does, run by the cross-process tests:

    python -m tests.services.second_process run-due HOME
    python -m tests.services.second_process run-job HOME JOB_ID
    python -m tests.services.second_process hold-lock LOCK_FILE

`run-due` and `run-job` open the profile as the command line does, print `started` once the
profile is open (right before the outbox is run), then one JSON line per job with its state
afterwards. `hold-lock` takes a `ProcessLock`, prints `locked`, and waits to be killed.
"""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path

from zivverdesk.services import outbox_runner
from zivverdesk.services.process_lock import ProcessLock
from zivverdesk.services.profile import Profile

STARTED = "started"
LOCKED = "locked"


def _say(line: str) -> None:
    print(line, flush=True)


def main(argv: list[str]) -> int:
    command, target, *rest = argv
    if command == "hold-lock":
        lock = ProcessLock(Path(target))
        lock.acquire(wait=True)
        _say(LOCKED)
        threading.Event().wait()  # until the test kills this process
        return 1
    with Profile.open(Path(target)) as profile:
        _say(STARTED)
        if command == "run-due":
            jobs = outbox_runner.run_due(profile)
        elif command == "run-job":
            jobs = [outbox_runner.run_job(profile, rest[0], wait=True)]
        else:
            raise SystemExit(f"unknown command {command!r}")
        for job in jobs:
            _say(json.dumps({"id": job.id, "status": job.status}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
