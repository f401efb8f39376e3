"""Unprivileged user ids for workers, leased one worker at a time.

A judge running as root starts each worker under a user id of its own, so that workers
cannot signal or trace each other, per-user process limits apply to one worker, and
"kill every process of this uid" cleans up exactly one worker. A lease is an exclusive
lock on a file named after the uid, so two graders on one machine never share a uid.
"""

from __future__ import annotations

import fcntl
import os
import threading
from pathlib import Path

BASE = 61000
COUNT = 2000
LOCK_DIR = Path("/tmp/autograder-uids")
_lock = threading.Lock()


class UidLease:
    def __init__(self, uid: int, fd: int):
        self.uid = uid
        self._fd = fd

    def release(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)  # closing the descriptor drops the lock
            self._fd = -1


def lease_uid() -> UidLease | None:
    """A free uid, or None when this process cannot change user ids (not root)."""
    if os.geteuid() != 0:
        return None
    with _lock:
        LOCK_DIR.mkdir(mode=0o700, exist_ok=True)
        for uid in range(BASE, BASE + COUNT):
            fd = os.open(LOCK_DIR / f"{uid}.lock", os.O_CREAT | os.O_RDWR, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            return UidLease(uid, fd)
    raise RuntimeError(f"all {COUNT} worker user ids are in use")
