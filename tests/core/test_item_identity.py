"""What counts as "the same item": distinct entries are all kept, a re-fetch adds nothing.

Schema 2 made an item's fingerprint from feed + link + title, unique: two
different entries with the same title and no link (or the same link) were one
item, and the second was silently dropped. Schema 3 keys items by GUID, else by
what they say (link, title, summary), and re-keys the rows already stored.
"""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import timedelta
from pathlib import Path

import sqlite_utils

from crisiswatch.config import CollectorConfig, FeedConfig
from crisiswatch.models import Classification, Item, content_keys, utcnow
from crisiswatch.pipeline import Collector
from crisiswatch.schema import MIGRATIONS, SCHEMA_VERSION
from crisiswatch.store import Store
from tests.core.helpers import seeded_store
from tests.feedserver import FeedServer, Reply, Request, rss

SETTINGS = CollectorConfig(interval=600, timeout=5, parse_timeout=10)
FEED = "https://feed0.example/rss"


def twins(link: str | None) -> list[dict[str, str]]:
    """Two different reports under one headline, with no link or with the same link."""
    entries = [
        {
            "title": "Explosion reported",
            "guid": "report-1",
            "description": "A blast was heard near the port of Odesa.",
            "pubDate": "Wed, 25 Nov 2026 09:00:00 GMT",
        },
        {
            "title": "Explosion reported",
            "guid": "report-2",
            "description": "Residents of Kharkiv reported a loud explosion overnight.",
            "pubDate": "Wed, 25 Nov 2026 11:30:00 GMT",
        },
    ]
    if link:
        for entry in entries:
            entry["link"] = link
    return entries


async def poll(db: Path, url: str, *, force: bool = False) -> int:
    async with Collector(db, [FeedConfig(url, "twins", 600)], settings=SETTINGS) as collector:
        return (await collector.poll_once(force=force)).new_items


def stored_summaries(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [row[0] for row in conn.execute("SELECT summary FROM items ORDER BY summary")]


async def test_same_title_entries_are_all_kept_and_refetching_adds_none(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    builds = iter(range(1000))

    def changing(link: str | None):  # a new build date each time: the body is parsed again
        def handler(_req: Request, _h: object) -> Reply:
            return Reply(200, rss(twins(link), title=f"Twins build {next(builds)}"))

        return handler

    for name, link in (("linkless", None), ("one-link", "https://news.example/live")):
        url = feed_server.route(f"/{name}.xml", changing(link))
        db = tmp_path / f"{name}.db"
        assert await poll(db, url) == 2
        assert await poll(db, url, force=True) == 0
        assert len(feed_server.hits(f"/{name}.xml")) == 2
        assert stored_summaries(db) == [
            "A blast was heard near the port of Odesa.",
            "Residents of Kharkiv reported a loud explosion overnight.",
        ]


def guidless(title: str, summary: str, link: str | None = None) -> tuple[Item, Classification]:
    item = Item(FEED, None, title, summary, link, utcnow() - timedelta(minutes=5))
    return item, Classification()


def test_entries_without_guid_are_told_apart_by_what_they_say(tmp_path: Path) -> None:
    store, (feed, _) = seeded_store(tmp_path / "a.db")
    pairs = [
        guidless("Explosion reported", "Near the port."),
        guidless("Explosion reported", "In the city centre."),
        guidless("Live: the summit", "Day one.", "https://news.example/live"),
        guidless("Live: the summit, day two", "Day two.", "https://news.example/live"),
    ]
    assert store.add_items(feed, pairs, seen=utcnow()) == 4
    assert store.add_items(feed, pairs, seen=utcnow()) == 0  # the same entries fetched again
    assert store.count_items() == 4


# -- migrating a schema 2 file -----------------------------------------------------------------


def _v2_id(feed_url: str, guid: str | None, link: str | None, title: str) -> str:
    key = guid or link or ("title:" + title)
    return hashlib.blake2b(f"{feed_url}\x00{key}".encode(), digest_size=12).hexdigest()


def _v2_fingerprint(feed_url: str, link: str | None, title: str) -> str:
    text = f"{feed_url}\x00{link or ''}\x00{title.casefold()}"
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


V2_ITEMS = [  # (guid, title, summary, link, countries)
    ("g-1", "Troops mass at the border", "Columns seen.", "https://n.example/1", "RUS UKR"),
    ("g-2", "Ceasefire talks resume", "Envoys met in Geneva.", None, "ARM AZE"),
    (None, "Port shelled overnight", "Two ships were hit.", "https://n.example/3", "UKR"),
    (None, "Markets steady", "No change in prices.", None, ""),
]


def schema_2_database(path: Path) -> None:
    """A file as crisiswatch with schema 2 wrote it, keys and all."""
    conn = sqlite3.connect(path)
    db = sqlite_utils.Database(conn)
    for number, step in enumerate(MIGRATIONS[:2], start=1):
        step(db)
        conn.execute(f"PRAGMA user_version = {number}")
    conn.execute("INSERT INTO feeds (url, name) VALUES (?, 'Feed 0')", (FEED,))
    for n, (guid, title, summary, link, countries) in enumerate(V2_ITEMS):
        published = f"2026-11-25T1{n}:00:00Z"
        rowid = conn.execute(
            "INSERT INTO items (id, fingerprint, feed_id, guid, title, summary, url, published, "
            "seen, actors, level) VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, 2) RETURNING rowid",
            (
                _v2_id(FEED, guid, link, title),
                _v2_fingerprint(FEED, link, title),
                guid,
                title,
                summary,
                link,
                published,
                published,
                countries,
            ),
        ).fetchone()[0]
        conn.executemany(
            "INSERT INTO item_country VALUES (?, ?, 2, ?, 1)",
            [(rowid, code, published) for code in countries.split()],
        )
    conn.execute("UPDATE feeds SET items_total = ?", (len(V2_ITEMS),))
    conn.commit()
    conn.close()


def rows(path: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as conn:
        return conn.execute(
            "SELECT rowid, feed_id, guid, title, summary, url, published, actors, level "
            "FROM items ORDER BY rowid"
        ).fetchall()


def test_schema_2_file_migrates_keeping_every_row(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    schema_2_database(path)
    before = rows(path)
    with Store(path, readonly=True) as old:  # an old file stays readable before it migrates
        assert old.schema_version() == 2 and old.count_items() == len(V2_ITEMS)

    store = Store(path)
    assert store.schema_version() == SCHEMA_VERSION >= 3
    assert rows(path) == before
    conn = store.conn
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    conn.execute("INSERT INTO items_fts(items_fts) VALUES ('integrity-check')")
    conn.commit()  # the check is an INSERT: end the transaction sqlite3 opened for it
    assert [i.title for i in store.search("ceasefire geneva")] == ["Ceasefire talks resume"]
    countries = sum(len(c.split()) for *_, c in V2_ITEMS)
    assert conn.execute("SELECT count(*) FROM item_country").fetchone()[0] == countries
    for item_id, guid, link, title, summary, fingerprint in conn.execute(
        "SELECT id, guid, url, title, summary, fingerprint FROM items"
    ):
        content_id, expected = content_keys(FEED, link, title, summary)
        assert fingerprint == expected
        assert item_id == (_v2_id(FEED, guid, link, title) if guid else content_id)
    trigger = "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = 'items_au'"
    assert conn.execute(trigger).fetchone()[0] == 1  # set aside for the rewrite, then back

    (feed,) = store.due_feeds(utcnow())
    when = utcnow()
    again = [
        (Item(FEED, guid, title, summary, link, when), Classification())
        for guid, title, summary, link, _ in V2_ITEMS
    ]
    assert store.add_items(feed.id, again, seen=when) == 0  # re-fetched: nothing new
    twin = Item(FEED, "g-5", "Ceasefire talks resume", "Envoys walk out in Baku.", None, when)
    assert store.add_items(feed.id, [(twin, Classification())], seen=when) == 1  # schema 2 lost it
    assert store.count_items() == len(V2_ITEMS) + 1
    store.close()
    assert Store(path).schema_version() == SCHEMA_VERSION  # reopening migrates nothing twice


async def test_guidless_twins_in_one_document_are_both_kept(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    """Without GUIDs the parser's own duplicate check must tell them apart too."""
    entries = [{k: v for k, v in e.items() if k != "guid"} for e in twins(None)]
    url = feed_server.static("/guidless.xml", rss(entries))
    db = tmp_path / "guidless.db"
    assert await poll(db, url) == 2
    assert await poll(db, url, force=True) == 0
    assert len(stored_summaries(db)) == 2
