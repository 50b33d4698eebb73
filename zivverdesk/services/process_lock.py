"""An exclusive lock that holds across processes: an OS lock on a file in the profile.

The lock is the operating system's lock on an open file (on Windows a byte-range lock through
`msvcrt.locking`, elsewhere `flock`), not the file's existence. The OS drops it when the
holder closes the file or dies, however it dies, so a crashed process never leaves a lock
behind; a lock file left on disk is just an empty file that the next holder locks again.

`flock` and Windows locks belong to one open handle, so two handles in one process exclude
each other too (unlike POSIX `fcntl` record locks, which one process would share).
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
import time
from pathlib import Path

from zivverdesk.core.errors import ZivverdeskError

#: How often a waiting `acquire` tries again. Windows offers no blocking wait without a
#: time limit, so both platforms poll the same way and this path is the one tested.
POLL_INTERVAL = 0.05


class ProcessLockError(ZivverdeskError):
    """The lock file cannot be opened or locked for a reason other than another holder."""

    code = "process_lock"


if sys.platform == "win32":
    import msvcrt

    #: What `msvcrt.locking` answers when another handle holds the byte.
    _HELD_ELSEWHERE = frozenset({errno.EACCES, errno.EDEADLK})

    def _try_lock(fd: int) -> bool:
        try:
            # One byte at offset 0 (the file is never written, locking past its end is allowed).
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError as exc:
            if exc.errno in _HELD_ELSEWHERE:
                return False
            raise
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


class ProcessLock:
    """One lock file. Not thread-safe: one thread of a process holds one `ProcessLock`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self, *, wait: bool) -> bool:
        """Take the lock. With `wait`, wait for as long as another handle holds it; without,
        answer False at once when one does."""
        if self._fd is not None:
            raise ProcessLockError(f"The lock {self.path} is already held by this handle.")
        while True:
            fd = self._open()
            try:
                locked = _try_lock(fd)
            except OSError as exc:  # e.g. a network drive without locks
                os.close(fd)
                raise ProcessLockError(
                    f"The lock file {self.path} cannot be locked: {exc.strerror or exc}."
                ) from exc
            if locked:
                if self._still_linked(fd):
                    self._fd = fd
                    return True
                # The previous holder removed the file after we opened it: a lock on that
                # unlinked file guards nothing, as the next opener makes a new one.
                _unlock(fd)
                os.close(fd)
                continue
            os.close(fd)
            if not wait:
                return False
            time.sleep(POLL_INTERVAL)

    def release(self, *, remove: bool = False) -> None:
        """Let the lock go. With `remove`, also delete the lock file (when what it guarded
        is finished for good, so lock files do not pile up)."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        if sys.platform == "win32":
            # A file open elsewhere cannot be deleted on Windows, so a waiter's handle keeps
            # it; it can only go once closed here, and then only if nobody opened it since.
            _unlock(fd)
            os.close(fd)
            if remove:
                with contextlib.suppress(OSError):
                    self.path.unlink()
        else:
            # Unlinked while still locked: a waiter that opened the old file notices it is
            # gone (`_still_linked`) and starts over on the new one.
            if remove:
                with contextlib.suppress(FileNotFoundError):
                    self.path.unlink()
            _unlock(fd)
            os.close(fd)

    def _open(self) -> int:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            return os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except OSError as exc:
            raise ProcessLockError(
                f"The lock file {self.path} cannot be opened: {exc.strerror or exc}."
            ) from exc

    def _still_linked(self, fd: int) -> bool:
        """Whether the path still names the file `fd` has open."""
        try:
            return os.path.samestat(os.fstat(fd), self.path.stat())
        except FileNotFoundError:
            return False

    def __enter__(self) -> ProcessLock:
        self.acquire(wait=True)
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
