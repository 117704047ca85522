"""Builders for store tests: items with hand-made classifications."""

from __future__ import annotations

from datetime import datetime, timedelta

from crisiswatch.config import FeedConfig
from crisiswatch.models import Classification, Evidence, Item, utcnow
from crisiswatch.store import Store


def make_item(
    feed_url: str,
    n: int,
    *,
    title: str | None = None,
    when: datetime | None = None,
    actors: tuple[str, ...] = (),
    level: int = 0,
    version: str = "test-1",
) -> tuple[Item, Classification]:
    title = title or f"Headline number {n}"
    item = Item(
        feed_url=feed_url,
        guid=f"guid-{n}",
        title=title,
        summary=f"Summary of item {n}.",
        url=f"https://example.org/{n}",
        published=when or utcnow() - timedelta(minutes=n),
    )
    evidence = (Evidence("title", 0, len(title.split()[0]), title.split()[0], "level", str(level)),)
    return item, Classification(tuple(sorted(actors)), level, False, evidence, version)


def seeded_store(path, feeds: int = 2) -> tuple[Store, list[int]]:
    store = Store(path)
    store.sync_feeds(
        [FeedConfig(f"https://feed{i}.example/rss", f"Feed {i}", 600) for i in range(feeds)]
    )
    ids = [row.id for row in store.due_feeds(utcnow())]
    return store, ids
