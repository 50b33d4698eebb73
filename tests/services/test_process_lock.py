"""The lock that keeps processes on one profile apart: one holder at a time, waiting works, and
neither a killed holder nor a lock file left on disk blocks the next one."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.services import second_process
from zivverdesk.services.process_lock import ProcessLock, ProcessLockError

REPO = Path(__file__).resolve().parents[2]
TIMEOUT = 30.0


@pytest.fixture
def lock_file(tmp_path: Path) -> Path:
    return tmp_path / "locks" / "job.lock"


def test_a_second_handle_cannot_take_a_held_lock_until_it_is_let_go(lock_file: Path) -> None:
    first, second = ProcessLock(lock_file), ProcessLock(lock_file)
    assert first.acquire(wait=False)
    try:
        assert not second.acquire(wait=False)
        assert not second.held
    finally:
        first.release()
    assert second.acquire(wait=False)
    second.release()


def test_a_waiting_acquire_gets_the_lock_when_the_holder_lets_go(lock_file: Path) -> None:
    first, second = ProcessLock(lock_file), ProcessLock(lock_file)
    first.acquire(wait=False)
    got = threading.Event()

    def wait_for_it() -> None:
        second.acquire(wait=True)
        got.set()

    waiter = threading.Thread(target=wait_for_it, daemon=True)
    waiter.start()
    assert not got.wait(0.3), "the second handle took a lock that was held"
    first.release()
    assert got.wait(TIMEOUT)
    waiter.join(TIMEOUT)
    second.release()


def test_a_lock_file_left_on_disk_blocks_nothing(lock_file: Path) -> None:
    lock_file.parent.mkdir(parents=True)
    lock_file.write_bytes(b"")  # as a crash, or an earlier release, leaves it
    lock = ProcessLock(lock_file)
    assert lock.acquire(wait=False)
    lock.release()


def test_a_killed_holder_does_not_block_the_next_one(lock_file: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.services.second_process", "hold-lock", str(lock_file)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == second_process.LOCKED
        lock = ProcessLock(lock_file)
        assert not lock.acquire(wait=False), "the other process's lock was not seen"
    finally:
        process.kill()  # no clean-up runs: the OS alone must drop its lock
        process.communicate(timeout=TIMEOUT)
    assert lock_file.exists()
    assert lock.acquire(wait=False)
    lock.release()


def test_releasing_with_remove_deletes_the_file_and_the_next_holder_makes_a_new_one(
    lock_file: Path,
) -> None:
    first, second, third = ProcessLock(lock_file), ProcessLock(lock_file), ProcessLock(lock_file)
    first.acquire(wait=False)
    got = threading.Event()

    def wait_for_it() -> None:
        second.acquire(wait=True)
        got.set()

    waiter = threading.Thread(target=wait_for_it, daemon=True)
    waiter.start()
    first.release(remove=True)
    assert got.wait(TIMEOUT)
    waiter.join(TIMEOUT)
    try:
        # The waiter holds the file that the path names now, so nobody else gets in.
        assert lock_file.exists()
        assert not third.acquire(wait=False)
    finally:
        second.release()


def test_taking_a_lock_twice_through_one_handle_is_an_error(lock_file: Path) -> None:
    lock = ProcessLock(lock_file)
    lock.acquire(wait=False)
    try:
        with pytest.raises(ProcessLockError, match="already held"):
            lock.acquire(wait=False)
    finally:
        lock.release()


def test_a_lock_file_that_cannot_be_made_gives_a_readable_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the lock folder should be")
    with pytest.raises(ProcessLockError, match="cannot be opened"):
        ProcessLock(blocker / "job.lock").acquire(wait=False)
