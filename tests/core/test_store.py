"""The store: idempotent writes, indexed paginated queries, safe search, concurrent readers."""

from __future__ import annotations

import sqlite3
import threading
from datetime import timedelta
from pathlib import Path

import pytest

from crisiswatch.models import Classification, utcnow
from crisiswatch.queries import fts_query
from crisiswatch.store import SCHEMA_VERSION, Store, StoreError
from tests.core.helpers import make_item, seeded_store


def test_schema_wal_and_version(tmp_path: Path) -> None:
    store, _ = seeded_store(tmp_path / "a.db")
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.schema_version() == SCHEMA_VERSION
    store.close()
    again = Store(tmp_path / "a.db")  # reopening migrates nothing twice
    assert again.schema_version() == SCHEMA_VERSION


def test_add_items_is_idempotent_and_never_rewrites(tmp_path: Path) -> None:
    store, (feed, _) = seeded_store(tmp_path / "a.db")
    url = "https://feed0.example/rss"
    pairs = [make_item(url, n, actors=("IRN",), level=3) for n in range(20)]
    assert store.add_items(feed, pairs, seen=utcnow()) == 20
    assert store.add_items(feed, pairs, seen=utcnow()) == 0
    edited = [make_item(url, 0, title="Edited headline", level=0)]  # same guid, new text
    assert store.add_items(feed, edited, seen=utcnow()) == 0
    assert store.count_items() == 20
    first = store.get_item(pairs[0][0].id)
    assert first is not None and first.title == "Headline number 0" and first.level == 3
    assert store.conn.execute("SELECT count(*) FROM item_country").fetchone()[0] == 20


def test_guid_churn_does_not_duplicate(tmp_path: Path) -> None:
    """A feed that invents new GUIDs on every fetch must not flood the store."""
    store, (feed, _) = seeded_store(tmp_path / "a.db")
    url = "https://feed0.example/rss"
    item, cls = make_item(url, 1)
    store.add_items(feed, [(item, cls)], seen=utcnow())
    from dataclasses import replace

    churned = replace(item, guid="brand-new-guid")
    assert store.add_items(feed, [(churned, cls)], seen=utcnow()) == 0


def test_latest_items_filters_and_pages(tmp_path: Path) -> None:
    store, (feed, _) = seeded_store(tmp_path / "a.db")
    url = "https://feed0.example/rss"
    pairs = [make_item(url, n, actors=("UKR", "RUS"), level=n % 6) for n in range(60)]
    store.add_items(feed, pairs, seen=utcnow())
    high = store.latest_items(country="UKR", min_level=4, limit=100)
    assert {i.level for i in high} == {4, 5}
    assert len(high) == 20
    assert [i.published for i in high] == sorted((i.published for i in high), reverse=True)
    seen: list[int] = []
    cursor = None
    while page := store.latest_items(country="RUS", limit=7, before=cursor):
        seen += [i.rowid for i in page]
        cursor = (page[-1].published, page[-1].rowid)
    assert len(seen) == len(set(seen)) == 60
    assert store.latest_items(country="FRA") == []
    everything = store.latest_items(min_level=5, limit=100)
    assert len(everything) == 10 and all(i.level == 5 for i in everything)
    recent = store.latest_items(country="UKR", since=utcnow() - timedelta(minutes=9.5))
    assert len(recent) == 10


@pytest.mark.parametrize(
    "query",
    ['"', "(", ")", "a OR", "NEAR(", "*", "title:x", '"unbalanced', "-", "AND", "^x", "x*y", ""],
)
def test_search_never_raises(tmp_path: Path, query: str) -> None:
    store, (feed, _) = seeded_store(tmp_path / "a.db")
    store.add_items(feed, [make_item("https://feed0.example/rss", 1)], seen=utcnow())
    assert isinstance(store.search(query), list)


def test_search_finds_words_as_plain_text(tmp_path: Path) -> None:
    store, (feed, _) = seeded_store(tmp_path / "a.db")
    url = "https://feed0.example/rss"
    store.add_items(
        feed,
        [
            make_item(url, 1, title='Drones hit "refinery" (again) near Odesa'),
            make_item(url, 2, title="Grain exports resume"),
        ],
        seen=utcnow(),
    )
    assert [i.title for i in store.search('"refinery" (again')] == [
        'Drones hit "refinery" (again) near Odesa'
    ]
    assert [i.title for i in store.search("exports NEAR grain")] == []
    assert len(store.search("grain exports")) == 1
    assert fts_query('a "b" (c)') == '"a" "b" "(c)"'


def test_hourly_counts_and_source_levels(tmp_path: Path) -> None:
    store, (f0, f1) = seeded_store(tmp_path / "a.db")
    now = utcnow()
    store.add_items(f0, [make_item("u0", 1, actors=("ISR",), level=4, when=now)], seen=now)
    store.add_items(f1, [make_item("u1", 2, actors=("ISR",), level=2, when=now)], seen=now)
    counts = store.hourly_counts("ISR", now - timedelta(hours=24))
    assert sorted((lvl, c) for _, lvl, c in counts) == [(2, 1), (4, 1)]
    assert store.source_levels("ISR", now - timedelta(hours=24)) == {f0: 4, f1: 2}


def test_export_filters(tmp_path: Path) -> None:
    store, (feed, _) = seeded_store(tmp_path / "a.db")
    now = utcnow()
    url = "https://feed0.example/rss"
    store.add_items(
        feed,
        [make_item(url, n, actors=("SDN",) if n % 2 else (), level=n % 4) for n in range(30)],
        seen=now,
    )
    all_items = list(store.export(batch=7))
    assert len(all_items) == 30
    assert [i.published for i in all_items] == sorted(i.published for i in all_items)
    sudan = list(store.export(country="SDN", min_level=2, batch=4))
    assert sudan and all("SDN" in i.actors and i.level >= 2 for i in sudan)
    assert len(list(store.export(since=now - timedelta(minutes=4.5)))) == 5


def test_reclassify_updates_tags_not_text(tmp_path: Path) -> None:
    store, (feed, _) = seeded_store(tmp_path / "a.db")
    item, cls = make_item("u", 1, actors=("IRN",), level=1, version="old")
    store.add_items(feed, [(item, cls)], seen=utcnow())
    stale = store.stale_items("new")
    assert [s[1] for s in stale] == [item.title]
    store.update_classification([(stale[0][0], Classification(("ISR",), 3, False, (), "new"))])
    stored = store.get_item(item.id)
    assert stored is not None
    assert (stored.actors, stored.level, stored.classifier_version) == (("ISR",), 3, "new")
    assert stored.title == item.title
    assert store.latest_items(country="IRN") == []
    assert len(store.latest_items(country="ISR")) == 1
    assert store.stale_items("new") == []


def test_reader_reads_while_writer_writes(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    writer, (feed, _) = seeded_store(path)
    errors: list[BaseException] = []
    done = threading.Event()

    def read() -> None:
        reader = Store(path, readonly=True)
        try:
            while not done.is_set():
                reader.latest_items(limit=20)
                reader.search("headline")
        except BaseException as exc:  # any lock error fails the test
            errors.append(exc)
        finally:
            reader.close()

    threads = [threading.Thread(target=read) for _ in range(3)]
    for t in threads:
        t.start()
    for batch in range(20):
        writer.add_items(feed, [make_item("u", batch * 50 + n) for n in range(50)], seen=utcnow())
    done.set()
    for t in threads:
        t.join(10)
    assert errors == []
    assert writer.count_items() == 1000


def test_readonly_store_refuses_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    with pytest.raises(StoreError, match="no crisiswatch data here yet"):
        Store(empty, readonly=True)


def test_readonly_store_never_creates_the_file(tmp_path: Path) -> None:
    """A reader of a mistyped path must not leave an empty database there."""
    missing = tmp_path / "none.db"
    with pytest.raises(StoreError, match="no such database"):
        Store(missing, readonly=True)
    assert list(tmp_path.iterdir()) == []


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not a crisiswatch database"):
        Store(path)


def test_settings_round_trip(tmp_path: Path) -> None:
    store, _ = seeded_store(tmp_path / "a.db")
    assert store.get_setting("watchlist", ["X"]) == ["X"]
    store.set_setting("watchlist", ["UKR", "ISR"])
    store.set_setting("watchlist", ["UKR"])
    assert store.get_setting("watchlist") == ["UKR"]


def test_integrity_ok(tmp_path: Path) -> None:
    store, (feed, _) = seeded_store(tmp_path / "a.db")
    store.add_items(
        feed, [make_item("u", n, actors=("CHN", "TWN")) for n in range(10)], seen=utcnow()
    )
    store.close()
    conn = sqlite3.connect(tmp_path / "a.db")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.execute("INSERT INTO items_fts(items_fts) VALUES('integrity-check')")


def test_old_schema_is_upgraded_in_place_and_newer_is_refused(tmp_path: Path) -> None:
    """Opening a version-1 file adds the `seen` index and keeps every item."""
    path = tmp_path / "old.db"
    store, (feed, _) = seeded_store(path)
    url = "https://feed0.example/rss"
    store.add_items(feed, [make_item(url, n) for n in range(5)], seen=utcnow())
    store.conn.execute("DROP INDEX items_seen")
    store.conn.execute("PRAGMA user_version = 1")
    store.close()
    readonly = Store(path, readonly=True)  # an older file is still readable as it is
    assert readonly.count_items() == 5
    readonly.close()
    upgraded = Store(path)
    assert upgraded.schema_version() == SCHEMA_VERSION
    assert upgraded.count_items() == 5
    plan = upgraded.conn.execute(
        "EXPLAIN QUERY PLAN SELECT count(*) FROM items WHERE seen >= '2026'"
    ).fetchall()
    assert "items_seen" in str(plan)
    assert upgraded.items_seen_since(utcnow() - timedelta(hours=1)) == 5
    upgraded.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    upgraded.close()
    with pytest.raises(StoreError, match="newer crisiswatch"):
        Store(path)
