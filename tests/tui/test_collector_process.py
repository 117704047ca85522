"""The dashboard's collector: a real child process beside the real app.

`cli.dashboard.session` is what `crisiswatch` runs around the app (lock, DB,
collector process); here the app inside it runs under Pilot instead of a
terminal. What a killed dashboard leaves behind is in tests/core/test_cli.py.
"""

from __future__ import annotations

import os
import threading
from dataclasses import replace
from pathlib import Path

from crisiswatch.cli.dashboard import session
from crisiswatch.config import FeedConfig
from crisiswatch.lock import CollectorLock
from tests.feedserver import FeedServer, rss
from tests.tui.conftest import loaded, make_app, wait_for
from tests.tui.fixture_db import build_db

NEWS = rss(
    [
        {
            "title": "Russian missiles strike Kharkiv power plant",
            "link": "https://news.example/1",
            "guid": "n1",
            "pubDate": "Sun, 01 Mar 2026 12:00:00 GMT",
        }
    ]
)


def lock_is_free(db: Path) -> bool:
    lock = CollectorLock(db)
    try:
        return lock.acquire()
    finally:
        lock.release()


async def test_the_collector_runs_in_its_own_process_polls_on_r_and_stops_with_the_app(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    url = feed_server.static("/news.xml", NEWS)
    config = replace(build_db(tmp_path / "dash.db"), feeds=(FeedConfig(url, "News", 600),))
    with session(config, demo=False, db_given=True, collect=True) as (config, status, child):
        assert child is not None and child.pid != os.getpid()
        app = make_app(config, status=status)
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            await wait_for(pilot, lambda: status.last_done is not None, timeout=60)
            assert status.collecting and child.alive
            assert status.last_line.startswith("1 feeds:")
            assert "last poll" in app.header.render().plain
            # Nothing of the collector runs in the UI's process: no loop, no writer.
            names = {t.name for t in threading.enumerate()}
            assert not any(n.startswith("crisiswatch-writer") for n in names), names
            assert "crisiswatch-collector" not in names  # the thread it used to be
            cmdline = Path(f"/proc/{child.pid}/cmdline").read_bytes()
            assert b"crisiswatch.tui.collector_process" in cmdline
            assert not lock_is_free(config.db_path)  # the child holds the collector lock

            polls, hits = child.polls, len(feed_server.hits("/news.xml"))
            await pilot.press("r")  # the feed is not due for ten minutes: only `r` polls it
            await wait_for(
                pilot,
                lambda: (
                    child.polls > polls
                    and not status.polling
                    and len(feed_server.hits("/news.xml")) > hits
                ),
                timeout=30,
            )
            assert any("polling all feeds now" in n.message for n in app._notifications)
    # Leaving the dashboard stops the collector cleanly and frees the lock.
    assert not child.alive and child.proc is not None and child.proc.returncode == 0
    assert lock_is_free(config.db_path)


def test_a_separately_started_collector_makes_the_dashboard_read_only(tmp_path: Path) -> None:
    config = build_db(tmp_path / "dash.db")
    other = CollectorLock(config.db_path)
    assert other.acquire()
    try:
        with session(config, demo=False, db_given=True, collect=True) as (_, status, child):
            assert child is None
            assert not status.collecting
            assert status.mode == "read-only: another collector writes this DB"
    finally:
        other.release()


async def test_a_collector_that_dies_says_so_in_the_header(tmp_path: Path) -> None:
    """A crashed collector must not look like a quiet news day."""
    config = build_db(tmp_path / "dash.db")
    with session(config, demo=False, db_given=True, collect=True) as (config, status, child):
        assert child is not None and child.proc is not None
        app = make_app(config, status=status)
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            child.proc.kill()
            await wait_for(pilot, lambda: not status.collecting, timeout=30)
            app.header.refresh()
            assert "collector stopped" in app.header.render().plain
            await pilot.press("r")
            assert any("not polling here" in n.message for n in app._notifications)


async def test_the_collector_processs_reports_reach_the_header(tmp_path: Path) -> None:
    """Progress, a store that cannot write, and recovery, as the child reports them."""
    from crisiswatch.tui.status import CollectorStatus

    status = CollectorStatus(mode="collecting", poll_now=lambda: None)
    app = make_app(build_db(tmp_path / "dash.db"), status=status)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        status.report({"poll_started": 200})
        status.report({"progress": 37, "failed": 2})
        assert "polling 37/200" in app.header.render().plain
        status.report({"poll_done": "200 feeds: ...", "store_error": "s.db: the disk is full"})
        line = app.header.render().plain
        assert "NOT STORING: s.db: the disk is full" in line and "last poll" in line
        status.report({"poll_done": "200 feeds: ...", "store_error": None})
        assert "NOT STORING" not in app.header.render().plain
        status.report({"poll_done": "ok", "store_error": "disk \x1b]52;c;ZXZpbA==\x07full\x1b[2J"})
        assert "\x1b" not in app.header.render().plain  # a quoted feed never reaches the tty
        assert "NOT STORING: disk" in app.header.render().plain
        status.report({"fatal": "s.db: this file is not a crisiswatch database"})
        assert "collector failed: s.db: this file is not" in app.header.render().plain
        assert not status.collecting
