"""ParsePool: parsing in worker processes that can be timed out, killed and replaced."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time
from collections.abc import Callable

import pytest

from crisiswatch import parse_pool
from crisiswatch.models import item_id
from crisiswatch.parse import parse_feed
from crisiswatch.parse_pool import ParseFailure, ParsePool
from tests.feedserver import rss
from tests.waiting import wait_until_async

FEED = rss(
    [
        {
            "title": f"Item {i}: shelling &amp; sirens",
            "link": f"https://news.example/a/{i}",
            "guid": f"id-{i}",
            "description": "&lt;p&gt;Reports from the region.&lt;/p&gt;",
            "pubDate": "Mon, 06 Jan 2025 10:00:00 GMT",
        }
        for i in range(50)
    ]
)


def _die_by_signal() -> None:
    """Runs in a worker: dies the way the OOM killer would end it."""
    os.kill(os.getpid(), signal.SIGKILL)


def _worker_state() -> tuple[str | None, bool]:
    """Runs in a worker: did its initializer build a classifier?"""
    from crisiswatch import parse_pool

    return parse_pool._WORKER_PROBLEM, parse_pool._WORKER_CLASSIFIER is not None


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


async def until(condition: Callable[[], bool], what: str = "the condition") -> None:
    await wait_until_async(condition, 10.0, what)


def running(pool: ParsePool) -> bool:
    return any(future.running() for future in list(pool._pending))


def test_workers_start_lazily() -> None:
    pool = ParsePool(workers=2)
    assert pool._pool is None  # a run where every feed answers 304 spawns nothing
    pool.close()


async def test_parse_in_a_worker_matches_parsing_in_process() -> None:
    async with ParsePool(workers=1) as pool:
        assert pool._pool is None
        remote = await pool.parse(FEED, feed_url="https://news.example/feed")
        assert pool._pool is not None
        assert await pool._call(_worker_state) == (None, True)
    local = parse_feed(FEED, feed_url="https://news.example/feed")
    assert remote.error is None
    # The worker sends store rows, not dataclasses: the collector does no per-item work.
    assert remote.items == () and len(remote.rows) == 50
    assert (remote.title, remote.warning) == (local.title, local.warning)
    # Everything but the labels (columns 8-12) must match; the labels are compared
    # loosely, since the classifier's rules are edited while tests run.
    assert [row[:8] for row in remote.rows] == [row[:8] for row in local.store_rows()]
    assert all(isinstance(row[9], int) and 0 <= row[9] <= 5 for row in remote.rows)
    assert all(isinstance(json.loads(row[11]), list) for row in remote.rows)


async def test_errors_come_back_as_records() -> None:
    async with ParsePool(workers=1) as pool:
        empty = await pool.parse(b"", feed_url="https://news.example/feed")
        html = await pool.parse(b"<html><body>x</body></html>", feed_url="https://x.example/")
    assert empty.error == "empty body"
    assert html.error == "not a feed: the server sent an HTML page"


async def test_headers_reach_the_parser() -> None:
    body = rss([{"title": "Déjà vu"}], encoding="iso-8859-1").split(b"\n", 1)[1]
    headers = {"content-type": "application/rss+xml; charset=iso-8859-1", "x-other": "dropped"}
    async with ParsePool(workers=1) as pool:
        parsed = await pool.parse(body, feed_url="https://news.example/feed", headers=headers)
    assert [row[3] for row in parsed.rows] == ["Déjà vu"]  # the title column


async def test_many_concurrent_parses() -> None:
    async with ParsePool(workers=2) as pool:
        results = await asyncio.gather(
            *(pool.parse(FEED, feed_url=f"https://news.example/{i}") for i in range(40))
        )
    assert all(len(r.rows) == 50 and r.error is None for r in results)
    assert {r.rows[0][0] for r in results} == {  # item ids hash the feed URL
        item_id(f"https://news.example/{i}", "id-0", None, "", "") for i in range(40)
    }


async def test_timeout_kills_the_worker_and_the_pool_keeps_working() -> None:
    async with ParsePool(workers=1, timeout=0.5) as pool:
        stuck_pid = await pool._call(os.getpid)
        started = time.monotonic()
        with pytest.raises(ParseFailure) as failure:
            await pool._call(time.sleep, 60)
        assert str(failure.value) == "parsing took longer than 0.5 s; the feed was skipped"
        assert time.monotonic() - started < 5
        await until(lambda: _gone(stuck_pid))
        fresh_pid = await pool._call(os.getpid)
        assert fresh_pid != stuck_pid
        after = await pool.parse(FEED, feed_url="https://news.example/feed")
    assert len(after.rows) == 50


async def test_a_feed_that_takes_too_long_is_skipped() -> None:
    huge = rss([{"title": f"item {i}", "description": "d"} for i in range(60_000)])
    async with ParsePool(workers=1, timeout=0.3) as pool:
        started = time.monotonic()
        parsed = await pool.parse(huge, feed_url="https://news.example/huge")
        assert time.monotonic() - started < 10
        assert parsed.error == "parsing took longer than 0.3 s; the feed was skipped"
        assert parsed.rows == ()
        small = await pool.parse(FEED, feed_url="https://news.example/feed")
    assert len(small.rows) == 50


async def test_worker_crash_reported_in_words() -> None:
    async with ParsePool(workers=1) as pool:
        with pytest.raises(ParseFailure) as exited:
            await pool._call(os._exit, 7)
        assert str(exited.value) == "the parser process died (exit code 7); the feed was skipped"
        with pytest.raises(ParseFailure) as killed:
            await pool._call(_die_by_signal)
        assert str(killed.value) == (
            "the parser process died (killed by SIGKILL, probably out of memory); "
            "the feed was skipped"
        )
        after = await pool.parse(FEED, feed_url="https://news.example/feed")
    assert len(after.rows) == 50


async def test_cancellation_stops_the_work() -> None:
    async with ParsePool(workers=1, timeout=60) as pool:
        busy_pid = await pool._call(os.getpid)
        task = asyncio.create_task(pool._call(time.sleep, 60))
        await until(lambda: running(pool))
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await until(lambda: _gone(busy_pid))  # the sleeping worker was stopped, not left
        after = await asyncio.wait_for(pool.parse(FEED, feed_url="https://x.example/"), 20)
    assert len(after.rows) == 50


async def test_close_while_parsing_and_after() -> None:
    pool = ParsePool(workers=1, timeout=60)
    task = asyncio.create_task(pool._call(time.sleep, 60))
    await until(lambda: running(pool))
    await asyncio.to_thread(pool.close)
    with pytest.raises(ParseFailure, match="the parse pool was shut down; the feed was skipped"):
        await asyncio.wait_for(task, 10)
    late = await pool.parse(FEED, feed_url="https://news.example/feed")
    assert late.error == "the parse pool is closed"


async def test_ordinary_parses_keep_their_workers() -> None:
    async with ParsePool(workers=1) as pool:
        first = await pool._call(os.getpid)
        for i in range(20):
            await pool.parse(FEED, feed_url=f"https://news.example/{i}")
        assert await pool._call(os.getpid) == first
        assert pool.retired == 0


async def test_a_worker_that_keeps_too_much_memory_is_replaced(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Its successor takes the next feed; it finishes what it has and exits."""
    monkeypatch.setattr(parse_pool, "RETAIN_LIMIT", -1)  # every parse leaves "too much"
    async with ParsePool(workers=1) as pool:
        first = await pool._call(os.getpid)
        parsed = await pool.parse(FEED, feed_url="https://news.example/feed")
        assert len(parsed.rows) == 50 and pool.retired == 1
        second = await pool._call(os.getpid)
        assert second != first
        await until(lambda: _gone(first))
        again = await pool.parse(FEED, feed_url="https://news.example/feed")
        assert len(again.rows) == 50 and pool.retired == 2


def test_a_worker_reports_what_it_holds_after_a_big_parse(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """In-process check of the job itself: a big body is followed by a heap trim."""
    big = rss([{"title": f"item {i}", "description": "d" * 200} for i in range(8_000)])
    assert len(big) > parse_pool._TIDY_BODY
    monkeypatch.setattr(parse_pool, "_WORKER_START_RSS", parse_pool._rss())
    parsed, held = parse_pool._parse_job(big, "https://news.example/big", None)
    assert len(parsed.rows) == 8_000
    assert held < parse_pool.RETAIN_LIMIT


def test_sync_context_manager() -> None:
    with ParsePool(workers=1) as pool:
        assert pool._pool is None
    assert pool._closed
