"""Small file-system helpers that the desktop and the relay both need."""

from __future__ import annotations

import os
from pathlib import Path


def fsync_dir(folder: Path) -> None:
    """Make a rename into `folder` durable (POSIX). Windows cannot open a directory for
    fsync, and NTFS journals the rename itself."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
