"""The collector end to end against a real local HTTP server: fetch -> parse -> store."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from crisiswatch.config import CollectorConfig, FeedConfig
from crisiswatch.models import FeedHealth, ParsedFeed, from_iso, utcnow
from crisiswatch.pipeline import Collector, PollSummary
from crisiswatch.store import Store
from tests.feedserver import FeedServer, Reply, rss

SETTINGS = CollectorConfig(interval=600, timeout=5, parse_timeout=10)


def items(prefix: str, n: int) -> list[dict[str, str]]:
    return [
        {
            "title": f"{prefix} story {i}",
            "link": f"https://news.example/{prefix}/{i}",
            "guid": f"{prefix}-{i}",
            "description": f"Details of {prefix} story {i}.",
            "pubDate": "Wed, 25 Nov 2026 10:00:00 GMT",
        }
        for i in range(n)
    ]


def feeds(*urls: str, interval: int = 600) -> list[FeedConfig]:
    return [FeedConfig(url=u, name=f"feed {i}", interval=interval) for i, u in enumerate(urls)]


async def collect(db: Path, feed_list: list[FeedConfig], *, force: bool = False) -> PollSummary:
    async with Collector(db, feed_list, settings=SETTINGS, parse_workers=1) as collector:
        return await collector.poll_once(force=force)


def health(db: Path) -> dict[str, FeedHealth]:
    with Store(db) as store:
        return {h.url: h for h in store.feed_health()}


def next_poll(h: FeedHealth) -> datetime:
    """When the feed is due again; every polled feed has a time set."""
    assert h.next_poll is not None, h
    return from_iso(h.next_poll)


async def test_collects_new_items_once(tmp_path: Path, feed_server: FeedServer) -> None:
    a = feed_server.static("/a.xml", rss(items("alpha", 5)), ETag='"a1"')
    b = feed_server.static("/b.xml", rss(items("beta", 3)))
    db = tmp_path / "cw.db"
    summary = await collect(db, feeds(a, b))
    assert (summary.count("ok"), summary.count("failed"), summary.new_items) == (2, 0, 8)
    again = await collect(db, feeds(a, b), force=True)
    assert again.new_items == 0
    with Store(db) as store:
        assert store.count_items() == 8
        assert {i.title for i in store.latest_items(limit=10)} >= {"alpha story 0", "beta story 2"}


async def test_conditional_get_round_trip(tmp_path: Path, feed_server: FeedServer) -> None:
    url = feed_server.static("/c.xml", rss(items("gamma", 2)), ETag='"v1"')
    db = tmp_path / "cw.db"
    await collect(db, feeds(url))
    second = await collect(db, feeds(url), force=True)
    hits = feed_server.hits("/c.xml")
    assert len(hits) == 2
    assert hits[1].headers.get("if-none-match") == '"v1"'
    assert [o.status for o in second.outcomes] == ["not_modified"]
    assert health(db)[url].last_status == 304


async def test_unchanged_body_is_not_parsed(
    tmp_path: Path, feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = feed_server.static("/same.xml", rss(items("delta", 2)))  # no validators at all
    db = tmp_path / "cw.db"
    await collect(db, feeds(url))
    async with Collector(db, feeds(url), settings=SETTINGS, parse_workers=1) as collector:
        calls = 0
        pool = collector._pool
        assert pool is not None
        original = pool.parse

        async def counting(*args: Any, **kwargs: Any) -> ParsedFeed:
            nonlocal calls
            calls += 1
            return await original(*args, **kwargs)

        monkeypatch.setattr(pool, "parse", counting)
        summary = await collector.poll_once(force=True)
    assert calls == 0
    assert [o.status for o in summary.outcomes] == ["not_modified"]


async def test_due_feeds_wait_for_their_interval(tmp_path: Path, feed_server: FeedServer) -> None:
    url = feed_server.static("/d.xml", rss(items("eps", 1)))
    db = tmp_path / "cw.db"
    await collect(db, feeds(url))
    summary = await collect(db, feeds(url))  # not due yet: nothing polled
    assert summary.outcomes == []
    assert len(feed_server.hits("/d.xml")) == 1
    due = next_poll(health(db)[url])
    assert timedelta(seconds=590) < due - utcnow() <= timedelta(seconds=600)


async def test_retry_after_is_honoured(tmp_path: Path, feed_server: FeedServer) -> None:
    url = feed_server.route(
        "/busy.xml", lambda r, h: Reply(429, b"slow down", {"Retry-After": "3600"})
    )
    db = tmp_path / "cw.db"
    summary = await collect(db, feeds(url))
    assert summary.count("failed") == 1
    h = health(db)[url]
    assert h.consecutive_errors == 1 and h.last_status == 429
    assert "429" in (h.error or "")
    assert next_poll(h) - utcnow() >= timedelta(seconds=3590)


async def test_errors_back_off_and_recover(tmp_path: Path, feed_server: FeedServer) -> None:
    state = {"fail": True}
    body = rss(items("zeta", 2))
    url = feed_server.route(
        "/flaky.xml", lambda r, h: Reply(500, b"oops") if state["fail"] else Reply(200, body)
    )
    db = tmp_path / "cw.db"
    delays: list[float] = []
    for _ in range(3):
        await collect(db, feeds(url, interval=60), force=True)
        delays.append((next_poll(health(db)[url]) - utcnow()).total_seconds())
    assert health(db)[url].consecutive_errors == 3
    assert delays[0] < delays[1] < delays[2] <= 6 * 3600  # exponential, capped
    state["fail"] = False
    await collect(db, feeds(url, interval=60), force=True)
    h = health(db)[url]
    assert (h.consecutive_errors, h.error, h.last_status) == (0, None, 200)


async def test_gone_feed_is_disabled(tmp_path: Path, feed_server: FeedServer) -> None:
    url = feed_server.route("/gone.xml", lambda r, h: Reply(410, b"gone"))
    db = tmp_path / "cw.db"
    await collect(db, feeds(url))
    h = health(db)[url]
    assert not h.enabled and "410" in (h.error or "")
    summary = await collect(db, feeds(url), force=True)
    assert summary.outcomes == [] and len(feed_server.hits("/gone.xml")) == 1


async def test_malformed_feed_keeps_items_with_warning(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    broken = rss(items("eta", 3)).replace(b"</channel></rss>", b"<item><title>cut off")
    url = feed_server.static("/broken.xml", broken)
    db = tmp_path / "cw.db"
    summary = await collect(db, feeds(url))
    assert summary.new_items >= 3
    assert health(db)[url].warning


async def test_permanent_redirect_is_recorded(tmp_path: Path, feed_server: FeedServer) -> None:
    new = feed_server.static("/new.xml", rss(items("theta", 1)))
    old = feed_server.route("/old.xml", lambda r, h: Reply(301, b"", {"Location": new}))
    db = tmp_path / "cw.db"
    await collect(db, feeds(old))
    await collect(db, feeds(old), force=True)
    assert len(feed_server.hits("/old.xml")) == 1  # the second poll went straight to /new.xml
    assert len(feed_server.hits("/new.xml")) == 2
    with Store(db) as store:
        assert store.count_items() == 1


async def test_one_bad_feed_does_not_stop_the_others(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    good = feed_server.static("/good.xml", rss(items("iota", 4)))
    html = feed_server.static(
        "/page.html", b"<html><body>hello</body></html>", Content_Type="text/html"
    )
    missing = feed_server.url("/missing.xml")
    db = tmp_path / "cw.db"
    summary = await collect(db, feeds(good, html, missing))
    assert summary.new_items == 4
    assert summary.count("failed") == 2
    problems = health(db)
    assert "404" in (problems[missing].error or "")
    assert problems[html].error


@pytest.mark.parametrize("count", [30])
async def test_many_feeds_share_one_client(
    tmp_path: Path, feed_server: FeedServer, count: int
) -> None:
    urls = [feed_server.static(f"/m{i}.xml", rss(items(f"m{i}", 2))) for i in range(count)]
    summary = await collect(tmp_path / "cw.db", feeds(*urls))
    assert summary.count("ok") == count and summary.new_items == 2 * count
