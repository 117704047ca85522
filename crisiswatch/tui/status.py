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
from crisiswatch.sanitize import clean_text


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
                self.last_line = _plain(event["poll_done"])
                self.error = _plain(event.get("store_error")) or None
            elif "fatal" in event:
                self.polling = False
                self.poll_now = None
                self.mode = f"collector failed: {_plain(event['fatal'])}"

    def stopped(self, reason: str) -> None:
        """The collector process ended on its own: say so, unless it already said why."""
        with self._lock:
            self.polling = False
            if self.poll_now is not None:
                self.poll_now = None
                self.mode = _plain(reason)


def _plain(value: object) -> str:
    """The child's words go to the terminal: one line, no control or escape sequences
    (a traceback can quote a feed)."""
    return clean_text(str(value) if value is not None else "", 300, html=False)
