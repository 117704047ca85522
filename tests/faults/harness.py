"""Running the collector against the faults: in-process, or as a measured subprocess.

Shared by `tests/faults/test_faults.py` and `bench/faults.py`, so the figures
the bench prints come from exactly what the tests check.
"""

from __future__ import annotations

import asyncio
import os
import queue
import re
import secrets
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from crisiswatch.config import CollectorConfig, FeedConfig
from crisiswatch.pipeline import Collector, FeedOutcome, PollSummary
from crisiswatch.store import Store
from tests.faults import feeds as f
from tests.faults.catalog import FAULTS, HOSTILE_TEXT, Fault, Lab, Observed
from tests.faults.server import Conn, FaultServer, Handler

ROOT = Path(__file__).resolve().parents[2]
# The collector's total deadline per request in these runs. The first poll also
# starts the parse workers, so on two loaded cores a 2 s deadline could expire
# before a bomb's first bytes were read; 3 s leaves that room, and every fault that
# must outlast the deadline (trickles, silence) is endless.
TIMEOUT = 3.0
PARSE_TIMEOUT = 2.0  # and its time limit per parse
# A poll may take the network deadline, then the parse limit, plus start-up of
# a replacement parse worker and the writes; two loaded cores need some slack.
POLL_DEADLINE = TIMEOUT + PARSE_TIMEOUT + 3.0
SETTINGS = CollectorConfig(
    interval=600, timeout=TIMEOUT, parse_timeout=PARSE_TIMEOUT, concurrency=64, per_host=64
)
MEMORY_BOUND_MB = 50.0


def make_lab(folder: Path) -> Lab:
    """A file holding a random marker that no stored byte may ever contain."""
    secret = "CRISISWATCH-SECRET-" + secrets.token_hex(12)
    path = folder / "secret.txt"
    path.write_text(secret + "\n")
    return Lab(secret_path=path, secret=secret)


@dataclass(slots=True)
class Setup:
    """The servers and the feed list of one collection."""

    faults: FaultServer
    healthy: FaultServer
    urls: dict[str, str]  # fault name -> url
    healthy_urls: list[str]
    lab: Lab

    def feed_configs(self, names: Iterable[str] | None = None) -> list[FeedConfig]:
        wanted = list(self.urls) if names is None else list(names)
        configs = [
            FeedConfig(url=url, name=f"healthy {n}", interval=600)
            for n, url in enumerate(self.healthy_urls)
        ]
        configs += [FeedConfig(url=self.urls[name], name=name, interval=600) for name in wanted]
        return configs


def _serve(body: bytes) -> Handler:
    """A handler that answers every request with `body` as 200 OK."""

    def handler(conn: Conn) -> None:
        conn.reply("200 OK", body)

    return handler


def start_servers(lab: Lab, faults: Sequence[Fault] = FAULTS) -> Setup:
    """Two servers on 127.0.0.1: the faults on one port, healthy feeds on another."""
    fault_server = FaultServer().start()
    healthy = FaultServer().start()
    urls = {fault.name: fault.install(fault_server, lab) for fault in faults}
    healthy_urls = []
    for n in range(f.HEALTHY_FEEDS):
        body = f.healthy_atom(n) if n % 2 else f.healthy_rss(n)
        healthy_urls.append(healthy.route(f"/healthy-{n}.xml", _serve(body)))
    return Setup(fault_server, healthy, urls, healthy_urls, lab)


def expected_healthy_ids(setup: Setup) -> set[tuple[str, str]]:
    """(feed url, guid) of every item the healthy feeds offer."""
    return {
        (url, f.healthy_item(n, i)["guid"])
        for n, url in enumerate(setup.healthy_urls)
        for i in range(f.HEALTHY_ITEMS)
    }


# -- in process ------------------------------------------------------------------------------


@dataclass(slots=True)
class Collection:
    setup: Setup
    db: Path
    polls: list[PollSummary] = field(default_factory=list)
    wall: list[float] = field(default_factory=list)  # seconds per poll, measured outside

    def outcomes(self, url: str) -> list[FeedOutcome | None]:
        found: list[FeedOutcome | None] = []
        for poll in self.polls:
            found.append(next((o for o in poll.outcomes if o.url == url), None))
        return found


async def _collect(
    db: Path, feeds: list[FeedConfig], polls: int
) -> tuple[list[PollSummary], list[float]]:
    summaries: list[PollSummary] = []
    wall: list[float] = []
    async with Collector(db, feeds, settings=SETTINGS, parse_workers=2) as collector:
        for n in range(polls):
            started = time.monotonic()
            summaries.append(await collector.poll_once(force=n > 0))
            wall.append(time.monotonic() - started)
    return summaries, wall


def collect_in_process(setup: Setup, db: Path, polls: int = 2) -> Collection:
    """Poll every feed `polls` times with one Collector (the later polls forced)."""
    summaries, wall = asyncio.run(_collect(db, setup.feed_configs(), polls))
    return Collection(setup=setup, db=db, polls=summaries, wall=wall)


def item_rows(db: Path, feed_url: str | None = None) -> list[dict[str, Any]]:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        sql = "SELECT items.*, feeds.url AS feed_url FROM items JOIN feeds ON feeds.id = feed_id"
        rows = (
            conn.execute(sql + " WHERE feeds.url = ?", (feed_url,))
            if feed_url
            else (conn.execute(sql))
        )
        return [dict(r) for r in rows]


def observe(collection: Collection, fault: Fault) -> Observed:
    setup = collection.setup
    url = setup.urls[fault.name]
    with Store(collection.db) as store:
        health = {h.url: h for h in store.feed_health()}
    path = urlsplit(url).path
    prefix = path.rsplit("/", 1)[0] + "/" if path.count("/") > 1 else path
    visits = setup.faults.visits_to(prefix) if urlsplit(url).port == setup.faults.port else []
    return Observed(
        url=url,
        health=health[url],
        items=item_rows(collection.db, url),
        outcomes=collection.outcomes(url),
        visits=visits,
    )


# -- what must never be stored ---------------------------------------------------------------

_HTTP = re.compile(r"^https?://[^\s/?#]+[^\s]*$", re.I)


def hostile_findings(db: Path, secret: str) -> list[str]:
    """Everything in the DB that should not be there, in words (empty when clean)."""
    problems: list[str] = []
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        for rowid, title, summary, url, evidence in conn.execute(
            "SELECT rowid, title, summary, url, evidence FROM items"
        ):
            for label, text in (("title", title), ("summary", summary), ("evidence", evidence)):
                if HOSTILE_TEXT.search(text or ""):
                    problems.append(f"item {rowid} {label} has control characters: {text[:80]!r}")
            if url is not None and (not _HTTP.match(url) or HOSTILE_TEXT.search(url)):
                problems.append(f"item {rowid} has a non-http(s) link: {url[:80]!r}")
        for name, error, warning in conn.execute("SELECT name, error, warning FROM feeds"):
            for label, text in (("error", error), ("warning", warning)):
                if text and HOSTILE_TEXT.search(text):
                    problems.append(f"feed {name} {label} has control characters: {text!r}")
    for path in (db, Path(f"{db}-wal")):
        if path.exists() and secret.encode() in path.read_bytes():
            problems.append(f"the secret file's content is in {path.name}")
    return problems


# -- as a subprocess, measured --------------------------------------------------------------


def write_config(path: Path, feeds: Sequence[FeedConfig], settings: CollectorConfig) -> Path:
    lines = [
        "[collector]",
        f"interval = {settings.interval}",
        f"timeout = {settings.timeout}",
        f"parse_timeout = {settings.parse_timeout}",
        f"concurrency = {settings.concurrency}",
        f"per_host = {settings.per_host}",
        "",
    ]
    for feed in feeds:
        lines += ["[[feeds]]", f'name = "{feed.name}"', f'url = "{feed.url}"', ""]
    path.write_text("\n".join(lines))
    return path


def _status_kb(pid: int, key: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith(key):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, ValueError):
        pass
    return 0


def _pss_kb(pid: int) -> int:
    """Proportional set size: resident memory, pages shared with n processes counted 1/n."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError, ValueError):
        pass
    return 0


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            with open(f"/proc/{current}/task/{current}/children") as fh:
                todo += [int(p) for p in fh.read().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return found


@dataclass(slots=True)
class Measured:
    """A finished `crisiswatch` subprocess: output, time and peak memory.

    The collector is a process tree: the command, the forkserver, the resource
    tracker and the parse workers, which the forkserver forks with the parser
    already imported and so share most of their pages with it and each other.
    Summing their RSS counts those shared pages once per process, so a worker
    being replaced (the old one still exiting, the new one just forked) looked
    like 30-60 MB that were never there. PSS charges each shared page to its
    sharers in proportion, so the sum is the memory the tree really holds.
    """

    returncode: int | None
    stdout: str
    stderr: str
    wall: float
    main_peak_mb: float  # VmHWM of the collector process: exact, the kernel keeps it
    tree_peak_mb: float  # peak of the summed PSS of it and its children, sampled every 5 ms
    worker_peak_mb: float = 0.0  # the largest child's VmHWM: exact per process


def largest(runs: Sequence[Measured]) -> Measured:
    """Each figure at its largest over several runs (of the baseline, say)."""
    return Measured(
        returncode=max((run.returncode or 0 for run in runs), key=abs),
        stdout="".join(run.stdout for run in runs),
        stderr="".join(run.stderr for run in runs),
        wall=max(run.wall for run in runs),
        main_peak_mb=max(run.main_peak_mb for run in runs),
        tree_peak_mb=max(run.tree_peak_mb for run in runs),
        worker_peak_mb=max(run.worker_peak_mb for run in runs),
    )


class MeasuredProcess:
    """A `crisiswatch` subprocess whose memory is sampled from /proc while it runs."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        full_env = {**os.environ, "CRISISWATCH_CONFIG": "", "NO_COLOR": "1", **(env or {})}
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "crisiswatch", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="surrogateescape",
            env=full_env,
            cwd=ROOT,
        )
        self.main_peak_kb = 0
        self.tree_peak_kb = 0
        self.child_peak_kb: dict[int, int] = {}
        self.stdout_lines: queue.Queue[str] = queue.Queue()
        self._out: list[str] = []
        self._err: list[str] = []
        self._done = threading.Event()
        self._threads = [
            threading.Thread(target=self._sample, daemon=True),
            threading.Thread(
                target=self._drain, args=(self.proc.stdout, self._out, True), daemon=True
            ),
            threading.Thread(
                target=self._drain, args=(self.proc.stderr, self._err, False), daemon=True
            ),
        ]
        for thread in self._threads:
            thread.start()

    def _sample(self) -> None:
        pid = self.proc.pid
        while not self._done.is_set() and self.proc.poll() is None:
            self.main_peak_kb = max(self.main_peak_kb, _status_kb(pid, "VmHWM:"))
            tree = 0
            for child in _descendants(pid):
                tree += _pss_kb(child)
                # The last reading, not the largest: the high-water mark only grows
                # within a program, and a child read between fork and exec still
                # shows the collector's own (the forkserver starts that way).
                hwm = _status_kb(child, "VmHWM:") if child != pid else 0
                if hwm:
                    self.child_peak_kb[child] = hwm
            self.tree_peak_kb = max(self.tree_peak_kb, tree)
            self._done.wait(0.005)

    def _drain(self, stream: IO[str] | None, sink: list[str], lines: bool) -> None:
        assert stream is not None
        for line in stream:
            sink.append(line)
            if lines:
                self.stdout_lines.put(line)

    def wait_for_line(self, pattern: str, timeout: float) -> str:
        """Block until stdout prints a line matching `pattern` (bounded by `timeout`)."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no line matching {pattern!r} within {timeout} s")
            try:
                line = self.stdout_lines.get(timeout=left)
            except queue.Empty:
                continue
            if re.search(pattern, line):
                return line

    def finish(self, timeout: float = 60) -> Measured:
        try:
            self.proc.wait(timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            self._done.set()
            for thread in self._threads:
                thread.join(10)
        return Measured(
            returncode=self.proc.returncode,
            stdout="".join(self._out),
            stderr="".join(self._err),
            wall=time.monotonic() - self.started,
            main_peak_mb=self.main_peak_kb / 1024,
            tree_peak_mb=self.tree_peak_kb / 1024,
            worker_peak_mb=max(self.child_peak_kb.values(), default=0) / 1024,
        )


def collect_once_measured(config: Path, db: Path, timeout: float = 60) -> Measured:
    return MeasuredProcess("collect", "--once", "--config", str(config), "--db", str(db)).finish(
        timeout
    )
