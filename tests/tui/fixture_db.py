"""A small, fixed database for the dashboard tests and snapshots.

Items are written through `Store.add_items` with hand-made classifications,
so what the screens show does not depend on the classifier being tuned. All
times hang off FIXED_NOW, which the app gets as its clock.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from crisiswatch.config import Config, FeedConfig
from crisiswatch.models import Classification, Evidence, Item, to_iso
from crisiswatch.store import Store

FIXED_NOW = datetime(2026, 3, 1, 12, 41, 0, tzinfo=UTC)
LOCAL_TZ = timezone(timedelta(hours=2))
HOSTILE = "[bold red]x[/] [@click=app.quit]y[/]"
BROKEN = "Breaking [/] news"
FEEDS = (
    FeedConfig("https://wire-a.example/rss", "Wire A", 600),
    FeedConfig("https://wire-b.example/rss", "Wire B", 600),
    FeedConfig("https://gazette.example/rss", "Gazette", 600),
    FeedConfig("https://broken.example/rss", "Broken Feed", 600),
)
WATCH = ("IRN", "ISR", "UKR", "TWN", "SDN")


def fixed_now() -> datetime:
    return FIXED_NOW


def make_pair(
    feed: FeedConfig,
    key: str,
    title: str,
    *,
    minutes_ago: float,
    actors: tuple[str, ...],
    level: int,
    phrase: str | None = None,
    summary: str = "",
) -> tuple[Item, Classification]:
    item = Item(
        feed_url=feed.url,
        guid=key,
        title=title,
        summary=summary or f"Reporting on {title.lower()}.",
        url=f"https://news.example/{key}",
        published=FIXED_NOW - timedelta(minutes=minutes_ago),
    )
    evidence: list[Evidence] = []
    if phrase and phrase in title:
        start = title.index(phrase)
        evidence.append(
            Evidence("title", start, start + len(phrase), phrase, "level", str(level), "test cue")
        )
    for code in actors:
        evidence.append(Evidence("title", 0, 0, "", "actor", code, "named in the title"))
    return item, Classification(tuple(actors), level, False, tuple(evidence), "test-1")


def build_db(path: Path, *, extra_ukraine: int = 0) -> Config:
    """Write the fixture; `extra_ukraine` adds that many older items to test paging."""
    store = Store(path)
    store.sync_feeds(FEEDS)
    ids = {row.url: row.id for row in store.due_feeds(FIXED_NOW, [f.url for f in FEEDS])}
    a, b, g, broken = FEEDS
    stories = [
        (
            a,
            "irn-1",
            "Missiles strike near Isfahan air base",
            3,
            ("IRN", "ISR"),
            4,
            "Missiles strike",
        ),
        (
            b,
            "irn-2",
            "Missiles strike Iranian air base, officials say",
            9,
            ("IRN", "ISR"),
            4,
            "Missiles strike",
        ),
        (g, "irn-3", "Tehran threatens response after strike", 18, ("IRN",), 2, "threatens"),
        (a, "irn-old", "Iran and Israel trade warnings", 60 * 30, ("IRN", "ISR"), 2, "warnings"),
        (b, "isr-1", "Allies urge restraint in Israel", 25, ("ISR",), 1, "urge restraint"),
        (
            a,
            "ukr-1",
            "Drones hit refinery in southern Ukraine",
            12,
            ("UKR", "RUS"),
            3,
            "Drones hit",
        ),
        (g, "ukr-2", "Grain exports resume from Odesa", 60, ("UKR",), 0, None),
        (
            b,
            "ukr-old",
            "Heavy shelling reported along the front",
            60 * 28,
            ("UKR", "RUS"),
            4,
            "Heavy shelling",
        ),
        (
            a,
            "twn-1",
            "Jets cross the Taiwan Strait median line",
            40,
            ("TWN", "CHN"),
            2,
            "Jets cross",
        ),
        (g, "twn-2", "Beijing protests arms sale to Taiwan", 120, ("TWN", "CHN"), 1, "protests"),
        (b, "hostile", HOSTILE, 5, ("IRN",), 1, None),
        (g, "broken", BROKEN, 7, ("ISR",), 0, None),
    ]
    for feed, key, title, ago, actors, level, phrase in stories:
        pair = make_pair(
            feed, key, title, minutes_ago=ago, actors=actors, level=level, phrase=phrase
        )
        store.add_items(ids[feed.url], [pair], seen=FIXED_NOW - timedelta(minutes=min(ago, 30)))
    # Sudan's only source is failing: the panel must say so instead of looking calm.
    sdn = make_pair(
        broken,
        "sdn-1",
        "Clashes in Khartoum suburbs",
        minutes_ago=60 * 20,
        actors=("SDN",),
        level=3,
    )
    store.add_items(ids[broken.url], [sdn], seen=FIXED_NOW - timedelta(hours=20))
    for n in range(extra_ukraine):
        pair = make_pair(
            g,
            f"ukr-bulk-{n}",
            f"Ukraine bulletin number {n}",
            minutes_ago=180 + n,
            actors=("UKR",),
            level=n % 3,
        )
        store.add_items(ids[g.url], [pair], seen=FIXED_NOW - timedelta(hours=3))
    ok = {
        "last_status": 200,
        "last_ok": to_iso(FIXED_NOW - timedelta(minutes=1)),
        "last_attempt": to_iso(FIXED_NOW - timedelta(minutes=1)),
        "consecutive_errors": 0,
    }
    for feed in (a, b, g):
        store.record_poll(ids[feed.url], **ok)
    store.record_poll(
        ids[broken.url],
        last_status=503,
        last_attempt=to_iso(FIXED_NOW - timedelta(minutes=2)),
        consecutive_errors=4,
        error="HTTP 503",
    )
    store.close()
    return Config(source=path.with_suffix(".toml"), feeds=FEEDS, db_path=path, watch=WATCH)


def add_live_item(
    path: Path,
    key: str,
    title: str,
    *,
    level: int,
    actors: tuple[str, ...],
    minutes_ago: float = 0.5,
) -> None:
    """Another writer's connection adds one item, as a separate collector would."""
    store = Store(path)
    feed = FEEDS[0]
    feed_id = {row.url: row.id for row in store.due_feeds(FIXED_NOW, [feed.url])}[feed.url]
    pair = make_pair(feed, key, title, minutes_ago=minutes_ago, actors=actors, level=level)
    store.add_items(feed_id, [pair], seen=FIXED_NOW)
    store.close()
