"""One feed's bug is that feed's failure: the poll, the other feeds and the live loop go on.

A 503 with `Retry-After: ²` (a digit to str.isdigit, not to int) once escaped
the fetcher as ValueError: `collect --once` died with a traceback, the other
feeds' items were lost, and a live collector dropped the poll's exception so
the feed stayed "waiting" forever. Real servers on 127.0.0.1, real databases.
"""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path

import pytest

from crisiswatch.config import CollectorConfig, FeedConfig
from crisiswatch.fetch import Fetcher, FetchResult
from crisiswatch.pipeline import Callbacks, Collector, FeedOutcome, PollSummary
from crisiswatch.store import Store
from tests.core.test_cli import run, write_config
from tests.feedserver import FeedServer, Reply, rss
from tests.waiting import wait_until_async

SETTINGS = CollectorConfig(interval=600, timeout=5, parse_timeout=10)
WAIT = 30.0  # seconds: a bound on waiting for a condition, never a pause


def stories(prefix: str, n: int) -> bytes:
    return rss(
        [
            {
                "title": f"{prefix} story {i}",
                "link": f"https://news.example/{prefix}/{i}",
                "guid": f"{prefix}-{i}",
                "pubDate": "Wed, 25 Nov 2026 10:00:00 GMT",
            }
            for i in range(n)
        ]
    )


def squared_retry_after(feed_server: FeedServer) -> str:
    return feed_server.route(
        "/squared.xml", lambda r, h: Reply(503, b"busy", {"Retry-After": "\xb2"})
    )


def test_collect_once_survives_a_unicode_retry_after(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    good = feed_server.static("/good.xml", stories("good", 4))
    bad = squared_retry_after(feed_server)
    config = write_config(tmp_path, bad, good)
    db = tmp_path / "cw.db"
    result = run("collect", "--once", "--config", str(config), "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "2 feeds: 1 ok, 0 not modified, 1 failed; 4 new items" in result.stdout
    with Store(db, readonly=True) as store:
        assert store.count_items() == 4
    health = run("feeds", "--json", "--config", str(config), "--db", str(db))
    rows = {row["url"]: row for row in json.loads(health.stdout)}
    assert rows[bad]["consecutive_errors"] == 1 and "503" in rows[bad]["error"]
    assert rows[good]["last_status"] == 200


class OneBrokenFeed(Fetcher):
    """A fetcher with a bug that only one feed's response sets off."""

    def __init__(self, broken: str) -> None:
        super().__init__(timeout=5)
        self.broken = broken

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        result = await super().fetch(url, etag=etag, last_modified=last_modified)
        if url == self.broken:
            raise ValueError("invalid literal for int() with base 10: '²'")
        return result


async def test_a_bug_in_one_feed_fails_that_feed_only(
    tmp_path: Path, feed_server: FeedServer, caplog: pytest.LogCaptureFixture
) -> None:
    good = feed_server.static("/good.xml", stories("good", 3))
    other = feed_server.static("/other.xml", stories("other", 2))
    bad = feed_server.static("/bad.xml", stories("bad", 5))
    feeds = [FeedConfig(u, f"feed {i}", 600) for i, u in enumerate((good, bad, other))]
    db = tmp_path / "cw.db"
    async with Collector(db, feeds, settings=SETTINGS, parse_workers=1) as collector:
        assert collector._fetcher is not None
        await collector._fetcher.__aexit__()
        collector._fetcher = OneBrokenFeed(bad)
        with caplog.at_level(logging.ERROR, logger="crisiswatch.pipeline"):
            summary = await collector.poll_once()
        await collector._fetcher.__aexit__()
    outcomes = {o.url: o for o in summary.outcomes}
    assert (outcomes[good].status, outcomes[good].new_items) == ("ok", 3)
    assert (outcomes[other].status, outcomes[other].new_items) == ("ok", 2)
    assert outcomes[bad].status == "failed"
    assert "ValueError" in (outcomes[bad].error or "")
    assert any(bad in r.getMessage() for r in caplog.records)
    with Store(db, readonly=True) as store:
        assert store.count_items() == 5
        health = {h.url: h for h in store.feed_health()}
    assert health[bad].consecutive_errors == 1 and "ValueError" in (health[bad].error or "")
    assert health[bad].next_poll is not None  # scheduled again, not "waiting" forever


async def test_live_collector_reports_the_bad_feed_and_keeps_polling(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    good = feed_server.static("/good.xml", stories("good", 2))
    bad = squared_retry_after(feed_server)
    feeds = [FeedConfig(good, "good", 600), FeedConfig(bad, "bad", 600)]
    done: asyncio.Queue[PollSummary] = asyncio.Queue()
    seen: list[FeedOutcome] = []
    callbacks = Callbacks(feed_done=seen.append, poll_done=done.put_nowait)
    stop, wake = asyncio.Event(), asyncio.Event()
    async with Collector(
        tmp_path / "cw.db", feeds, settings=SETTINGS, parse_workers=1, callbacks=callbacks
    ) as collector:
        runner = asyncio.create_task(collector.run(stop, wake))
        first = await asyncio.wait_for(done.get(), WAIT)
        wake.set()  # a forced second poll: the loop is still alive
        second = await asyncio.wait_for(done.get(), WAIT)
        stop.set()
        await asyncio.wait_for(runner, WAIT)
    assert {o.url: o.status for o in first.outcomes} == {good: "ok", bad: "failed"}
    assert {o.url: o.status for o in second.outcomes} == {good: "not_modified", bad: "failed"}
    assert len(seen) == 4


async def test_run_loop_logs_a_failed_poll_and_goes_on(
    tmp_path: Path, feed_server: FeedServer, caplog: pytest.LogCaptureFixture
) -> None:
    """A poll that raises (here: the view's callback) is logged, not silently dropped."""
    url = feed_server.static("/good.xml", stories("good", 1))
    calls: list[int] = []
    second_poll = asyncio.Event()

    def started(due: int) -> None:
        calls.append(due)
        if len(calls) == 1:
            raise RuntimeError("the view broke")
        second_poll.set()

    stop, wake = asyncio.Event(), asyncio.Event()
    async with Collector(
        tmp_path / "cw.db",
        [FeedConfig(url, "good", 600)],
        settings=SETTINGS,
        parse_workers=1,
        callbacks=Callbacks(poll_started=started),
    ) as collector:
        with caplog.at_level(logging.ERROR, logger="crisiswatch.pipeline"):
            runner = asyncio.create_task(collector.run(stop, wake))
            await wait_until_async(
                lambda: any("the view broke" in r.getMessage() for r in caplog.records),
                WAIT,
                "the view's failure to be logged",
            )
            wake.set()
            await asyncio.wait_for(second_poll.wait(), WAIT)
            stop.set()
            await asyncio.wait_for(runner, WAIT)
    messages = [r.getMessage() for r in caplog.records]
    assert any("the poll failed: RuntimeError: the view broke" in m for m in messages), messages
    assert len(calls) >= 2
