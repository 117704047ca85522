"""One collector per database: an advisory file lock beside the DB.

The kernel drops the lock when its holder dies (even by SIGKILL), so a crash
never leaves a stale lock behind. A dashboard that cannot take the lock knows
another collector is writing and just reads.
"""

from __future__ import annotations

import os
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX: no cross-process lock
    fcntl = None  # type: ignore[assignment]


class CollectorLock:
    def __init__(self, db_path: str | Path) -> None:
        self.path = Path(str(db_path) + ".collector.lock")
        self._fd: int | None = None

    def acquire(self) -> bool:
        """Take the lock without waiting; False when another process holds it."""
        if self._fd is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                return False
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd
        return True

    def fileno(self) -> int | None:
        """The locked file while held: a child process that inherits it holds the lock too."""
        return self._fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing drops the flock
            self._fd = None

    def __enter__(self) -> CollectorLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
