"""What the dashboard's collector is doing, as the header shows it.

The collector runs in a child process (see collector_process.py); a reader
thread turns its reports into attribute assignments here, and the header reads
them on its clock tick. No message per feed, so a 200-feed poll cannot flood
the UI's event loop.
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

    # The three hooks of pipeline.Callbacks, for a collector in this process.

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

    # What the child process reports (on the dashboard's reader thread).

    def report(self, event: dict[str, Any]) -> None:
        """One JSON report from the collector process."""
        with self._lock:
            if "poll_started" in event:
                self.polling, self.done, self.failed = True, 0, 0
                self.due = int(event["poll_started"])
            elif "progress" in event:
                self.done, self.failed = int(event["progress"]), int(event.get("failed", 0))
            elif "poll_done" in event:
                self.polling = False
                self.last_done = utcnow()
                self.last_line = str(event["poll_done"])
                self.error = event.get("store_error") or None
            elif "fatal" in event:
                self.polling = False
                self.poll_now = None
                self.mode = f"collector failed: {event['fatal']}"

    def stopped(self, reason: str) -> None:
        """The collector process ended on its own: say so, unless it already said why."""
        with self._lock:
            self.polling = False
            if self.poll_now is not None:
                self.poll_now = None
                self.mode = reason
