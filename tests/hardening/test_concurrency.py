"""The dashboard, a running collector and exports, all on one database at once.

A `crisiswatch collect` subprocess writes a farm of feeds (responses spread
over two seconds so the writes go on for a while); meanwhile the real
Textual app refreshes headless, reader threads run the dashboard's queries
on their own read-only connections, and `crisiswatch export` subprocesses
run back to back. Nobody may see a lock error, no item may go missing, and
the WAL file must stay bounded because it is checkpointed.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from crisiswatch.config import Config
from crisiswatch.models import utcnow
from crisiswatch.store import Store
from crisiswatch.tui import app as tui_app
from crisiswatch.tui.app import CrisisApp, Refresh
from crisiswatch.tui.country_screen import CountryScreen
from tests.faults.harness import MeasuredProcess
from tests.feedserver import FeedServer
from tests.hardening.farm import ROOT, Farm

FEEDS = 40
ITEMS_PER_FEED = 150
WAL_BOUND = 16 * 1024 * 1024  # bytes; the items written come to several times this
WATCH = ("UKR", "RUS", "ISR", "IRN", "SDN")


class RecordingApp(CrisisApp):
    """The real dashboard, noting every problem its refreshes report."""

    CSS_PATH = str(Path(tui_app.__file__).with_name("styles.tcss"))

    def __init__(self, config: Config) -> None:
        # No timer: the test drives refreshes itself (CrisisApp's tick can race the
        # app's own teardown, which is the dashboard's business, not this test's).
        super().__init__(config, tick=None, opener=lambda url: None)
        self.problems: list[str] = []

    def _apply(self, result: Refresh) -> None:
        if result.problem:
            self.problems.append(result.problem)
        super()._apply(result)


def _read_forever(db: str, seed: int, stop: Any, results: Any) -> None:
    """One reader thread: the dashboard's queries on its own read-only connection."""
    rng = random.Random(seed)
    ops, errors = 0, []
    try:
        store = Store(db, readonly=True)
    except Exception as exc:
        results.put((0, [f"open: {exc}"]))
        return
    since = utcnow() - timedelta(days=30)
    queries = [
        lambda: store.latest_items(limit=50),
        lambda: store.latest_items(country=rng.choice(WATCH), min_level=2, limit=50),
        lambda: store.hourly_counts(rng.choice(WATCH), since),
        lambda: store.search(rng.choice(["Ukraine talks", "drone (depot", '"floods']), limit=20),
        lambda: store.feed_health(),
        lambda: store.count_items(),
    ]
    with store:
        while not stop.is_set():
            try:
                rng.choice(queries)()
            except Exception as exc:
                errors.append(f"{type(exc).__name__}: {exc}")
            ops += 1
    results.put((ops, errors))


def _reader_process(db: str, threads: int, stop: Any, results: Any) -> None:
    workers = [
        threading.Thread(target=_read_forever, args=(db, n, stop, results)) for n in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


class Readers:
    """Reader threads that never pause, in a process of their own.

    Apart from the test process, so their GIL does not starve the feed server;
    never pausing, so some reader holds a snapshot at almost every instant,
    which is what keeps a passive checkpoint from ever rewinding the WAL.
    """

    def __init__(self, db: Path, threads: int = 2) -> None:
        context = multiprocessing.get_context("spawn")
        self.threads = threads
        self.stop = context.Event()
        self.results = context.Queue()
        self.ops = 0
        self.errors: list[str] = []
        self._process = context.Process(
            target=_reader_process, args=(str(db), threads, self.stop, self.results)
        )

    def start(self) -> Readers:
        self._process.start()
        return self

    def join(self) -> None:
        self.stop.set()
        for _ in range(self.threads):
            try:
                ops, errors = self.results.get(timeout=30)
            except queue.Empty:
                self.errors.append("a reader thread never reported back")
                continue
            self.ops += ops
            self.errors += errors
        self._process.join(30)


class Exports:
    """`crisiswatch export` subprocesses back to back; each run's item count and errors."""

    def __init__(self, config: Path, db: Path) -> None:
        self.args = [
            sys.executable,
            "-m",
            "crisiswatch",
            "export",
            "--config",
            str(config),
            "--db",
            str(db),
        ]
        self.stop = threading.Event()
        self.counts: list[int] = []
        self.errors: list[str] = []
        self._thread = threading.Thread(target=self._run)

    def start(self) -> Exports:
        self._thread.start()
        return self

    def join(self) -> None:
        self.stop.set()
        self._thread.join(60)

    def run_once(self) -> list[dict[str, object]]:
        done = subprocess.run(self.args, capture_output=True, text=True, timeout=60, cwd=ROOT)
        if done.returncode != 0 or done.stderr.strip():
            self.errors.append(f"exit {done.returncode}: {done.stderr.strip()}")
            return []
        return [json.loads(line) for line in done.stdout.splitlines()]

    def _run(self) -> None:
        while not self.stop.is_set():
            self.counts.append(len(self.run_once()))
            self.stop.wait(0.2)  # pacing: exports share two cores with everything else


class WalWatch:
    """Samples the size of the -wal file while everything runs."""

    def __init__(self, db: Path) -> None:
        self.path = Path(f"{db}-wal")
        self.largest = 0
        self.stop = threading.Event()
        self._thread = threading.Thread(target=self._run)

    def start(self) -> WalWatch:
        self._thread.start()
        return self

    def join(self) -> None:
        self.stop.set()
        self._thread.join(10)

    def _run(self) -> None:
        while not self.stop.wait(0.005):
            with contextlib.suppress(FileNotFoundError):
                self.largest = max(self.largest, self.path.stat().st_size)


async def test_dashboard_collector_and_exports_share_one_db(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    rng = random.Random(7)
    farm = Farm(feed_server, ITEMS_PER_FEED, delay=lambda: rng.uniform(0.0, 1.5))
    farm.publish(FEEDS)
    config_path = farm.write_config(tmp_path / "config.toml", per_host=64)
    db = tmp_path / "shared.db"
    Store(db).close()  # the schema exists before the first reader opens the file

    collector = MeasuredProcess("collect", "--config", str(config_path), "--db", str(db))
    readers = Readers(db).start()
    exports = Exports(config_path, db).start()
    wal = WalWatch(db).start()
    app = RecordingApp(Config(source=config_path, feeds=(), db_path=db, watch=WATCH))
    summary = ""
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            deadline = time.monotonic() + 60
            while not summary and time.monotonic() < deadline:
                app.refresh_data()
                await pilot.pause(0.05)
                while not collector.stdout_lines.empty():
                    line = collector.stdout_lines.get_nowait()
                    summary = line if " feeds: " in line else summary
            loaded_while_collecting = app.loaded
            app.zoom("UKR")  # a country screen's reads, too
            while not isinstance(app.screen, CountryScreen) and time.monotonic() < deadline:
                await pilot.pause(0.05)
            zoomed = isinstance(app.screen, CountryScreen)
    finally:
        readers.join()
        exports.join()
        collector.proc.send_signal(signal.SIGTERM)
        run = collector.finish(timeout=30)
        wal.join()

    assert summary.startswith(f"{FEEDS} feeds: {FEEDS} ok"), summary or run.stderr
    assert run.returncode == 0 and "stopped cleanly" in run.stderr, run.stderr
    assert "locked" not in run.stderr.lower()
    assert readers.errors == [], readers.errors[:5]
    assert exports.errors == [], exports.errors[:5]
    assert app.problems == [], app.problems[:5]
    assert readers.ops > 100 and len(exports.counts) >= 2 and loaded_while_collecting >= 1
    assert zoomed, "the country screen never opened"
    assert exports.counts == sorted(exports.counts), "an export saw fewer items than before"

    final = exports.run_once()
    ids = [row["id"] for row in final]
    assert len(ids) == len(set(ids)) == len(farm.offered), "items lost or duplicated"
    assert wal.largest <= WAL_BOUND, f"the WAL grew to {wal.largest / 2**20:.1f} MiB"
    operations = readers.ops + len(exports.counts) + 1 + app.loaded
    print(
        f"\nconcurrent access: {operations} operations ({readers.ops} reader queries, "
        f"{len(exports.counts) + 1} exports, {app.loaded} dashboard refreshes) during one "
        f"collection of {len(ids)} items; 0 errors; WAL peak {wal.largest / 2**20:.1f} MiB"
    )
