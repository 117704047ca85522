"""The dashboard's collector, run as a child process so the UI process keeps its GIL.

A collector in a thread of the UI process (fetching, classifying, writing)
competes with Textual for the GIL and stalled the keys for 100-250 ms during a
200-feed poll. In its own process it competes only for a CPU, and at a lower
priority (`COLLECTOR_NICE`) it yields that to the UI as well.

The protocol is two pipes, nothing else:

* the child's stdin: first one JSON line (what to collect), then commands one a
  line (`poll`). End of file means the dashboard is gone: the child stops at
  once, so it can never outlive the dashboard, even one killed with SIGKILL.
* the child's stdout (stderr merged in): JSON lines with its progress, which a
  reader thread in the dashboard copies into `CollectorStatus`. Any other line
  (a warning, a traceback) is kept as the reason shown if the child dies.

The UI never hears about items through this channel: it follows the database
(max rowid), as it does for a separately started `crisiswatch collect`.

The dashboard takes the collector lock (crisiswatch/lock.py) before starting
the child and hands it over: the child inherits the locked file and the
dashboard closes its own copy, so the lock is held exactly as long as the
child lives.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import IO, Any

from crisiswatch.config import CollectorConfig, FeedConfig
from crisiswatch.tui.status import CollectorStatus

COLLECTOR_NICE = 10  # the collector is background work: the UI gets the CPU first
PROGRESS_EVERY = 0.1  # seconds between two progress lines during a poll
STOP_WAIT = 8.0  # seconds a stopping collector may take to finish its write


# -- the dashboard's side ------------------------------------------------------------------


class CollectorProcess:
    """Start, command and stop the child; its reports land in a `CollectorStatus`."""

    def __init__(
        self,
        db_path: str | Path,
        feeds: Sequence[FeedConfig],
        status: CollectorStatus,
        *,
        settings: CollectorConfig | None = None,
        extra_aliases: dict[str, list[str]] | None = None,
        lock_fd: int | None = None,
        nice: int = COLLECTOR_NICE,
    ) -> None:
        self.status = status
        self.spec = {
            "db": str(db_path),
            "feeds": [asdict(f) for f in feeds],
            "settings": asdict(settings or CollectorConfig()),
            "extra_aliases": extra_aliases or {},
        }
        self.nice = nice
        self.lock_fd = lock_fd
        self.proc: subprocess.Popen[bytes] | None = None
        self.polls = 0  # polls the child started: tests and the bench wait on it
        self.log: list[str] = []  # the child's last lines that were not reports
        self._write_lock = threading.Lock()
        self._reader: threading.Thread | None = None
        self._stopping = False

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self) -> CollectorProcess:
        """Spawn the child; it reports `ready` once its store is open."""
        # The priority drops before the imports: starting up is work too. The
        # child imports from the dashboard's sys.path (as multiprocessing does),
        # so a `crisiswatch` folder in the current directory cannot stand in.
        boot = (
            f"import os, sys; os.nice({int(self.nice)}); sys.path[:] = {sys.path!r}; "
            "from crisiswatch.tui.collector_process import main; main()"
        )
        self.proc = subprocess.Popen(
            [sys.executable, "-c", boot],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            pass_fds=(self.lock_fd,) if self.lock_fd is not None else (),
            start_new_session=True,  # the terminal's signals are the dashboard's alone
            close_fds=True,
        )
        self.status.mode = "collecting"
        self.status.poll_now = self.poll_now
        self._send(json.dumps(self.spec))
        self._reader = threading.Thread(
            target=self._read, name="crisiswatch-collector-reports", daemon=True
        )
        self._reader.start()
        return self

    def poll_now(self) -> None:
        """`r` in the dashboard: poll every feed now."""
        self._send("poll")

    def _send(self, line: str) -> None:
        if self.proc is None or self.proc.stdin is None:
            return
        with self._write_lock, contextlib.suppress(OSError, ValueError):
            self.proc.stdin.write(line.encode() + b"\n")
            self.proc.stdin.flush()

    def _read(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        for raw in self.proc.stdout:
            line = raw.decode("utf-8", "replace").rstrip()
            try:
                event = json.loads(line) if line.startswith("{") else None
            except ValueError:
                event = None
            if isinstance(event, dict):
                if "poll_started" in event:
                    self.polls += 1
                try:
                    self.status.report(event)
                except (TypeError, ValueError):  # never stop reading: a full pipe stalls the child
                    self.log = [*self.log[-19:], line]
            elif line:
                self.log = [*self.log[-19:], line]
        code = self.proc.wait()
        if not self._stopping:
            last = self.log[-1] if self.log else f"exit status {code}"
            self.status.stopped(f"collector stopped: {last}")

    def stop(self, timeout: float = STOP_WAIT) -> bool:
        """Ask the child to finish (end of its stdin), then insist. True once it is gone."""
        if self.proc is None:
            return True
        self._stopping = True
        self.status.poll_now = None
        if self.proc.stdin is not None:
            with self._write_lock, contextlib.suppress(OSError):
                self.proc.stdin.close()
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.terminate()
            try:
                self.proc.wait(2.0)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(2.0)
        if self._reader is not None:
            self._reader.join(2.0)
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        return self.proc.poll() is not None


# -- the child's side ----------------------------------------------------------------------


class _Reports:
    """The child's callbacks: a JSON line per event, progress at most every 0.1 s."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self.done = self.failed = self.due = 0
        self._last = 0.0

    def send(self, event: dict[str, Any]) -> None:
        with contextlib.suppress(OSError):  # the dashboard is gone: stdin's end stops us
            self.out.write(json.dumps(event).encode() + b"\n")
            self.out.flush()

    def poll_started(self, due: int) -> None:
        self.done = self.failed = 0
        self.due = due
        self._last = time.monotonic()
        self.send({"poll_started": due})

    def feed_done(self, outcome: Any) -> None:
        self.done += 1
        self.failed += outcome.status == "failed"
        now = time.monotonic()
        if now - self._last >= PROGRESS_EVERY or self.done == self.due:
            self._last = now
            self.send({"progress": self.done, "failed": self.failed})

    def poll_done(self, summary: Any) -> None:
        self.send({"poll_done": summary.line(), "store_error": summary.store_error})


def _watch_stdin(loop: asyncio.AbstractEventLoop, stop: asyncio.Event, wake: asyncio.Event) -> None:
    """Commands from the dashboard; end of file (it exited or died) stops the collector."""
    for line in sys.stdin.buffer:
        if line.strip() == b"poll":
            loop.call_soon_threadsafe(wake.set)
    with contextlib.suppress(RuntimeError):  # the loop already ended
        loop.call_soon_threadsafe(stop.set)


async def _collect(spec: dict[str, Any], reports: _Reports) -> None:
    from crisiswatch.pipeline import Callbacks, Collector

    loop = asyncio.get_running_loop()
    stop, wake = asyncio.Event(), asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        loop.add_signal_handler(sig, stop.set)
    threading.Thread(target=_watch_stdin, args=(loop, stop, wake), daemon=True).start()
    feeds = [FeedConfig(**{**f, "tags": tuple(f.get("tags", ()))}) for f in spec["feeds"]]
    collector = Collector(
        spec["db"],
        feeds,
        settings=CollectorConfig(**spec["settings"]),
        extra_aliases=spec.get("extra_aliases") or None,
        callbacks=Callbacks(
            poll_started=reports.poll_started,
            feed_done=reports.feed_done,
            poll_done=reports.poll_done,
        ),
    )
    async with collector:
        reports.send({"ready": os.getpid()})
        await collector.run(stop, wake)


def main() -> None:
    """The child's entry point; only `CollectorProcess.start` runs it."""
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not be taken for a report
    reports = _Reports(out)
    try:
        spec = json.loads(sys.stdin.buffer.readline() or b"null")
        if not isinstance(spec, dict):
            return  # the dashboard went away before saying what to collect
        asyncio.run(_collect(spec, reports))
    except Exception as exc:  # said on the channel, shown in the dashboard's header
        from crisiswatch.store import StoreError

        message = str(exc) if isinstance(exc, StoreError) else f"{type(exc).__name__}: {exc}"
        reports.send({"fatal": message})
        sys.exit(1)


if __name__ == "__main__":
    main()
