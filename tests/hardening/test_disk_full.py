"""A full disk and an unwritable database: a clear line, no corruption, data still readable.

Disk full is simulated two ways: in-process with SQLite's own `max_page_count`
(the collector's connection may not grow the file), and for the real command
with RLIMIT_FSIZE (the kernel refuses writes past a size, as a full disk
does). An unwritable file is a read-only one; as root, the subprocess first
drops the capabilities that let root ignore file permissions.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from crisiswatch import pipeline
from crisiswatch.config import CollectorConfig, Config, FeedConfig
from crisiswatch.pipeline import Callbacks, Collector, PollSummary
from crisiswatch.store import Store
from crisiswatch.tui.collector_process import _Reports
from tests.feedserver import FeedServer, rss
from tests.hardening.farm import ROOT, farm_items

SETTINGS = CollectorConfig(interval=600, timeout=10, parse_timeout=10)
SMALL, LARGE = 20, 400  # items in the feed stored before, and in the one that hits the wall


class FullDiskStore(Store):
    """A Store whose file may not grow: SQLite answers 'database or disk is full'."""

    def __init__(self, path: str | Path, *, readonly: bool = False) -> None:
        super().__init__(path, readonly=readonly)
        pages = self.conn.execute("PRAGMA page_count").fetchone()[0]
        self.conn.execute(f"PRAGMA max_page_count = {pages}")


@pytest.fixture
def feeds(feed_server: FeedServer) -> list[FeedConfig]:
    small = feed_server.static("/small.xml", rss(farm_items("small", SMALL)))
    large = feed_server.static("/large.xml", rss(farm_items("large", LARGE)))
    return [FeedConfig(small, "small", 600), FeedConfig(large, "large", 600)]


def integrity(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


def stored(db: Path) -> int:
    with Store(db, readonly=True) as store:
        return store.count_items()


async def poll(db: Path, feeds: list[FeedConfig], times: int = 1) -> list[PollSummary]:
    async with Collector(db, feeds, settings=SETTINGS, parse_workers=1) as collector:
        return [await collector.poll_once(force=True) for _ in range(times)]


async def test_disk_full_mid_poll_is_reported_and_nothing_is_lost(
    tmp_path: Path, feeds: list[FeedConfig], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "full.db"
    await poll(db, feeds[:1])
    assert stored(db) == SMALL

    monkeypatch.setattr(pipeline, "Store", FullDiskStore)
    first, second = await poll(db, feeds, times=2)  # it keeps polling after the failure
    outcome = {o.name: o for o in first.outcomes}
    assert outcome["large"].status == "failed"
    message = outcome["large"].error or ""
    assert "disk is full" in message and str(db) in message and "\n" not in message
    assert "disk is full" in (first.store_error or ""), "the summary must say it too"
    assert "disk is full" in first.line()
    assert [o.status for o in second.outcomes if o.name == "large"] == ["failed"]

    assert integrity(db) == "ok"
    assert stored(db) == SMALL  # what was there is still there and readable

    monkeypatch.undo()  # space is back: the next poll stores the rest
    (recovered,) = await poll(db, feeds)
    assert recovered.store_error is None
    assert stored(db) == SMALL + LARGE and integrity(db) == "ok"


async def test_dashboard_keeps_showing_what_it_has_on_a_full_disk(
    tmp_path: Path, feeds: list[FeedConfig], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real app beside a collector whose writes all fail: the view keeps what it has."""
    import time

    from crisiswatch.tui.app import CrisisApp
    from crisiswatch.tui.status import CollectorStatus

    db = tmp_path / "dash.db"
    await poll(db, feeds[:1])
    monkeypatch.setattr(pipeline, "Store", FullDiskStore)
    status = CollectorStatus(mode="collecting", poll_now=lambda: None)
    # The collector process's own reports, handed to the status as its reader thread would.
    channel = SimpleNamespace(
        write=lambda line: status.report(json.loads(line)), flush=lambda: None
    )
    reports = _Reports(channel)  # type: ignore[arg-type]
    hooks = Callbacks(reports.poll_started, reports.feed_done, reports.poll_done)
    config = Config(
        source=tmp_path / "config.toml", feeds=tuple(feeds), db_path=db, watch=("UKR", "RUS", "ISR")
    )
    app = CrisisApp(config, status=status, tick=0.1, opener=lambda url: None)
    async with app.run_test(size=(120, 40)) as pilot:
        collector = Collector(db, feeds, settings=SETTINGS, parse_workers=1, callbacks=hooks)
        async with collector:
            await collector.poll_once(force=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not app.loaded:
            await pilot.pause(0.05)
        panels = [panel.data for panel in app.grid.panels]
        header = app.header.render().plain
    assert status.failed >= 1 and "disk is full" in (status.error or ""), status
    assert "NOT STORING" in header and "disk is full" in header
    assert app.loaded >= 1 and any(p is not None and p.headlines for p in panels)
    assert stored(db) == SMALL and integrity(db) == "ok"


def cli(*args: str, preexec: Callable[[], None] | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CRISISWATCH_CONFIG": "", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "crisiswatch", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env=env,
        preexec_fn=preexec,
    )


def write_config(path: Path, feeds: list[FeedConfig]) -> Path:
    lines = []
    for feed in feeds:
        lines += ["[[feeds]]", f'name = "{feed.name}"', f'url = "{feed.url}"', ""]
    path.write_text("\n".join(lines))
    return path


def file_size_limit(limit: int) -> Callable[[], None]:
    """For preexec_fn: the kernel refuses to grow any file past `limit` bytes."""

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_collect_on_a_full_disk_says_so_in_one_line(
    tmp_path: Path, feeds: list[FeedConfig]
) -> None:
    db = tmp_path / "cw.db"
    small = write_config(tmp_path / "small.toml", feeds[:1])
    both = write_config(tmp_path / "both.toml", feeds)
    assert cli("collect", "--once", "--config", str(small), "--db", str(db)).returncode == 0
    limit = db.stat().st_size + 64 * 1024  # room for the WAL's first frames, not for 400 items

    full = cli(
        "collect", "--once", "--config", str(both), "--db", str(db), preexec=file_size_limit(limit)
    )
    assert "Traceback" not in full.stderr
    problem = [line for line in full.stderr.splitlines() if "disk is full" in line]
    assert problem, full.stderr
    assert all(str(db) in line for line in problem)
    assert full.returncode in (0, 2), full.stderr  # 0: some feeds failed; 2: could not start

    assert integrity(db) == "ok"
    export = cli("export", "--config", str(both), "--db", str(db))
    assert export.returncode == 0, export.stderr
    assert len(export.stdout.splitlines()) == SMALL

    again = cli("collect", "--once", "--config", str(both), "--db", str(db))
    assert again.returncode == 0, again.stderr
    assert stored(db) == SMALL + LARGE


_CAPS_THAT_IGNORE_PERMISSIONS = (1, 2, 3)  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER


def obey_permissions() -> None:
    """For preexec_fn: as root, drop the capabilities that bypass file permissions.

    Dropped from the bounding set, they are gone from the program exec'd next,
    so root meets a read-only file the way every other user does.
    """
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    pr_capbset_drop = 24
    for cap in _CAPS_THAT_IGNORE_PERMISSIONS:
        if libc.prctl(pr_capbset_drop, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


@pytest.fixture
def read_only_db(tmp_path: Path, feeds: list[FeedConfig]) -> Iterator[tuple[Path, Path]]:
    db = tmp_path / "ro.db"
    config = write_config(tmp_path / "config.toml", feeds)
    small = write_config(tmp_path / "small.toml", feeds[:1])
    assert cli("collect", "--once", "--config", str(small), "--db", str(db)).returncode == 0
    db.chmod(0o444)
    try:
        yield config, db
    finally:
        db.chmod(0o644)


def test_read_only_database_is_a_clear_error_and_still_readable(
    read_only_db: tuple[Path, Path],
) -> None:
    config, db = read_only_db
    before = db.read_bytes()
    result = cli(
        "collect", "--once", "--config", str(config), "--db", str(db), preexec=obey_permissions
    )
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "read-only" in lines[0] and str(db) in lines[0], result.stderr

    export = cli("export", "--config", str(config), "--db", str(db), preexec=obey_permissions)
    assert export.returncode == 0, export.stderr
    assert len(export.stdout.splitlines()) == SMALL

    health = cli(
        "feeds", "--json", "--config", str(config), "--db", str(db), preexec=obey_permissions
    )
    assert health.returncode == 0, health.stderr
    assert {row["name"] for row in json.loads(health.stdout)} >= {"small"}

    assert db.read_bytes() == before and integrity(db) == "ok"
