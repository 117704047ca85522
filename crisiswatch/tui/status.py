"""What the in-process collector is doing, shared between its thread and the UI.

The collector's callbacks only assign attributes here (atomic in CPython); the
header reads them on its clock tick. No message per feed, so a 200-feed poll
cannot flood the UI's event loop.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from crisiswatch.models import utcnow


@dataclass
class CollectorStatus:
    mode: str = "read-only"  # "collecting", or why it only reads
    polling: bool = False
    due: int = 0
    done: int = 0
    failed: int = 0
    last_done: datetime | None = None
    last_line: str = ""
    error: str | None = None
    poll_now: Callable[[], None] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def collecting(self) -> bool:
        return self.poll_now is not None

    # The three hooks for pipeline.Callbacks (called on the collector thread).

    def poll_started(self, due: int) -> None:
        with self._lock:
            self.polling, self.due, self.done, self.failed = True, due, 0, 0

    def feed_done(self, outcome: Any) -> None:
        with self._lock:
            self.done += 1
            if getattr(outcome, "status", "") == "failed":
                self.failed += 1

    def poll_done(self, summary: Any) -> None:
        with self._lock:
            self.polling = False
            self.last_done = utcnow()
            self.last_line = summary.line() if hasattr(summary, "line") else ""
            self.error = getattr(summary, "store_error", None)
