"""One indexing run at a time on an embedded store: an advisory file lock beside the Chroma folder.

Two writers interleaving on one index could drop each other's new rows (each run deletes the versions its
catalog commit replaced). The lock is held for a whole run, is re-entrant within a process (a sync that
removes articles takes it again), and the kernel releases it when its holder dies, even by kill -9, so a
crashed run never blocks the next one. A second writer waits, and says once that it is waiting. With a
Chroma server there is no shared folder: run one indexer at a time (see README, "Scale").
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

logger = logging.getLogger(__name__)


_LOCKS: dict[Path, WriteLock] = {}
_LOCKS_GUARD = threading.Lock()


class WriteLock:
    """Use `WriteLock.at(path)`: one object per lock file in a process, so holding it is re-entrant."""

    @classmethod
    def at(cls, path: Path) -> WriteLock:
        with _LOCKS_GUARD:
            key = path.resolve()
            if key not in _LOCKS:
                _LOCKS[key] = cls(key)
            return _LOCKS[key]

    def __init__(self, path: Path) -> None:
        self.path = path
        self._thread = threading.RLock()  # threads of one process (a bot's /reindex and /add) queue here
        self._depth = 0
        self._fd: int | None = None

    @contextmanager
    def held(self) -> Iterator[None]:
        with self._thread:
            if self._depth == 0:
                self._acquire()
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0:
                    self._release()

    def _acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
            logger.warning(
                "another indexing run (pid %s) is writing to %s; waiting for it to finish", holder, self.path.parent
            )
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._fd = fd

    def _release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
