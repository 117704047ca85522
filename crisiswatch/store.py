"""The SQLite store: opening and migrating (schema.py), writes, and the queries views need.

One file, WAL mode, so the dashboard and an export can read while a collector
writes. Writes are append-only for items: a later fetch never rewrites a stored
item; only `reclassify` updates the classifier's columns. Every read query is
paginated and served by an index, so a million-item database stays fast.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import sqlite_utils

from crisiswatch.models import (
    Classification,
    Evidence,
    FeedHealth,
    Item,
    ItemRow,
    item_row,
    to_iso,
)
from crisiswatch.schema import MIGRATIONS, SCHEMA_VERSION

T = TypeVar("T")

BUSY_TIMEOUT_MS = 30_000
WAL_RESTART_BYTES = 8 * 1024 * 1024  # past this, the writer rewinds the WAL (see limit_wal)
WAL_RESTART_WAIT_MS = 200  # how long that may wait for readers of old frames


class StoreError(Exception):
    """A one-line, user-facing storage problem (unwritable file, disk full, not a DB)."""


def describe_db_error(path: Path, exc: BaseException) -> str:
    text = str(exc)
    if "disk is full" in text or "disk I/O" in text:
        return f"{path}: the disk is full or failing; free some space (nothing stored was lost)"
    if "readonly" in text or "read-only" in text:
        return f"{path}: the database is read-only; check the file's permissions"
    if "not a database" in text or "malformed" in text:
        return f"{path}: this file is not a crisiswatch database (or it is damaged)"
    if "unable to open" in text:
        return f"{path}: cannot open the database; check that the folder exists and is writable"
    return f"{path}: database error: {text}"


@dataclass(frozen=True, slots=True)
class FeedRow:
    """What the collector needs to poll one feed."""

    id: int
    url: str
    fetch_url: str
    name: str
    interval: int
    etag: str | None
    last_modified: str | None
    body_hash: str | None
    consecutive_errors: int


@dataclass(frozen=True, slots=True)
class StoredItem:
    rowid: int
    id: str
    feed: str
    feed_url: str
    title: str
    summary: str
    url: str | None
    published: str
    seen: str
    actors: tuple[str, ...]
    level: int
    deescalation: bool
    classifier_version: str
    evidence_json: str = "[]"

    @property
    def evidence(self) -> list[Evidence]:
        return [Evidence.from_dict(e) for e in json.loads(self.evidence_json or "[]")]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "feed": self.feed,
            "feed_url": self.feed_url,
            "title": self.title,
            "summary": self.summary,
            "url": self.url,
            "published": self.published,
            "seen": self.seen,
            "actors": list(self.actors),
            "level": self.level,
            "deescalation": self.deescalation,
            "evidence": json.loads(self.evidence_json or "[]"),
            "classifier_version": self.classifier_version,
        }


Cursor = tuple[str, int]  # (published, rowid) of the last row of the previous page

_ITEM_COLUMNS = (
    "items.rowid, items.id, feeds.name, feeds.url, items.title, items.summary, items.url, "
    "items.published, items.seen, items.actors, items.level, items.deescalation, "
    "items.classifier_version, items.evidence"
)


def _item(row: Sequence[Any]) -> StoredItem:
    return StoredItem(
        rowid=row[0],
        id=row[1],
        feed=row[2] or "",
        feed_url=row[3] or "",
        title=row[4],
        summary=row[5],
        url=row[6],
        published=row[7],
        seen=row[8],
        actors=tuple(row[9].split()) if row[9] else (),
        level=row[10],
        deescalation=bool(row[11]),
        classifier_version=row[12] or "",
        evidence_json=row[13] or "[]",
    )


# -- search ----------------------------------------------------------------------------


def fts_query(text: str) -> str | None:
    """Turn whatever a person typed into a safe FTS5 query: every word quoted, all required.

    FTS5 syntax (quotes, parentheses, *, NEAR, AND/OR/NOT, column filters) is
    taken as plain text, so a search can never raise a syntax error.
    """
    # A NUL ends the query string inside SQLite's FTS5 parser ("unterminated string").
    words = [w.replace('"', "") for w in text.replace("\x00", " ").split()]
    words = [w for w in words if w.strip("\"'()*:^+-{}[],.")]
    if not words:
        return None
    return " ".join(f'"{w}"' for w in words)


# -- the store -----------------------------------------------------------------------


class Store:
    """One connection to the database; open one per thread."""

    def __init__(self, path: str | Path, *, readonly: bool = False) -> None:
        self.path = Path(path)
        self.readonly = readonly
        try:
            if not readonly:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
            )
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self.db = sqlite_utils.Database(conn)
            if not readonly:
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if mode != "wal":
                    raise StoreError(f"{self.path}: could not switch the database to WAL mode")
                conn.execute("PRAGMA synchronous = NORMAL")
                conn.execute("PRAGMA journal_size_limit = 67108864")
                self.migrate()
            else:
                conn.execute("PRAGMA query_only = 1")
                # Older versions stay readable: every migration so far only adds.
                if self.schema_version() == 0:
                    raise StoreError(
                        f"{self.path}: no crisiswatch data here yet; "
                        "run `crisiswatch collect` first"
                    )
            if self.schema_version() > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path}: written by a newer crisiswatch (schema "
                    f"{self.schema_version()} > {SCHEMA_VERSION}); upgrade crisiswatch to use it"
                )
        except sqlite3.Error as exc:
            raise StoreError(describe_db_error(self.path, exc)) from None
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot create the database folder ({exc})") from None

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.conn

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def migrate(self) -> None:
        """Apply the migrations this file has not seen yet, each in its own transaction."""
        current = self.schema_version()
        for number, step in enumerate(MIGRATIONS, start=1):
            if number <= current:
                continue
            with self.conn:
                self.conn.execute("BEGIN IMMEDIATE")
                if self.schema_version() >= number:  # another process got there first
                    continue
                step(self.db)
                self.conn.execute(f"PRAGMA user_version = {number}")

    def checkpoint(self) -> None:
        """Fold the WAL back into the DB so it does not grow without bound."""
        self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def limit_wal(self) -> None:
        """Start the WAL over once it passes WAL_RESTART_BYTES.

        A passive checkpoint copies frames back but never rewinds the WAL while
        some reader still uses it, and a dashboard plus exports can keep a reader
        active at every instant of a long poll: the WAL then grows to several
        times the database. TRUNCATE waits (briefly) for those readers to move on
        to the database file and rewinds it; if they do not, the next write tries
        again.
        """
        try:
            size = Path(f"{self.path}-wal").stat().st_size
        except OSError:
            return
        if size < WAL_RESTART_BYTES:
            return
        self.conn.execute(f"PRAGMA busy_timeout = {WAL_RESTART_WAIT_MS}")
        try:
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    # -- feeds -------------------------------------------------------------------------

    def sync_feeds(self, feeds: Iterable[Any]) -> None:
        """Make the feeds table match the configuration, keeping each feed's health.

        The first write every command makes: a read-only file or a full disk
        shows up here, and leaves as a one-line StoreError, not a traceback.
        """
        try:
            self._sync_feeds(feeds)
        except sqlite3.Error as exc:
            raise StoreError(describe_db_error(self.path, exc)) from None

    def _sync_feeds(self, feeds: Iterable[Any]) -> None:
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            configured = []
            for feed in feeds:
                configured.append(feed.url)
                self.conn.execute(
                    """INSERT INTO feeds (url, name, enabled, interval, tags)
                       VALUES (?, ?, ?, ?, ?)
                       ON CONFLICT(url) DO UPDATE SET name = excluded.name,
                         enabled = excluded.enabled, interval = excluded.interval,
                         tags = excluded.tags""",
                    (feed.url, feed.name, int(feed.enabled), feed.interval, json.dumps(feed.tags)),
                )
            marks = ",".join("?" * len(configured))
            self.conn.execute(
                f"UPDATE feeds SET enabled = 0 WHERE url NOT IN ({marks})", configured
            )

    def due_feeds(self, now: datetime, urls: Iterable[str] | None = None) -> list[FeedRow]:
        """Enabled feeds whose next poll time has come (or, with `urls`, those feeds)."""
        sql = (
            "SELECT id, url, coalesce(fetch_url, url), name, interval, etag, last_modified, "
            "body_hash, consecutive_errors FROM feeds WHERE enabled = 1 AND gone = 0"
        )
        params: list[Any] = []
        if urls is not None:
            wanted = list(urls)
            sql += f" AND url IN ({','.join('?' * len(wanted))})"
            params += wanted
        else:
            sql += " AND (next_poll IS NULL OR next_poll <= ?)"
            params.append(to_iso(now))
        return [FeedRow(*row) for row in self.conn.execute(sql + " ORDER BY id", params)]

    def next_poll_time(self) -> str | None:
        row = self.conn.execute(
            "SELECT min(next_poll) FROM feeds WHERE enabled = 1 AND gone = 0"
        ).fetchone()
        return row[0] if row else None

    def record_poll(self, feed_id: int, **fields: Any) -> None:
        """Update a feed's health columns after one poll."""
        with self.conn:
            self.update_feed(feed_id, fields)

    def update_feed(self, feed_id: int, fields: dict[str, Any]) -> None:
        allowed = {
            "fetch_url",
            "gone",
            "etag",
            "last_modified",
            "body_hash",
            "last_status",
            "last_ok",
            "last_attempt",
            "consecutive_errors",
            "error",
            "warning",
            "next_poll",
        }
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"unknown feed columns: {sorted(unknown)}")
        if not fields:
            return
        sets = ", ".join(f"{k} = ?" for k in fields)
        self.conn.execute(f"UPDATE feeds SET {sets} WHERE id = ?", [*fields.values(), feed_id])

    def feed_health(self) -> list[FeedHealth]:
        rows = self.conn.execute(
            "SELECT url, name, enabled AND NOT gone, last_status, last_ok, last_attempt, "
            "consecutive_errors, error, warning, next_poll, items_total, tags "
            "FROM feeds WHERE enabled = 1 OR gone = 1 ORDER BY consecutive_errors > 0 DESC, name"
        )
        return [
            FeedHealth(
                url=r[0],
                name=r[1],
                enabled=bool(r[2]),
                last_status=r[3],
                last_ok=r[4],
                last_attempt=r[5],
                consecutive_errors=r[6],
                error=r[7],
                warning=r[8],
                next_poll=r[9],
                items_total=r[10],
                tags=json.loads(r[11] or "[]"),
            )
            for r in rows
        ]

    # -- items -------------------------------------------------------------------------

    def add_items(
        self,
        feed_id: int,
        pairs: Iterable[tuple[Item, Classification]],
        *,
        seen: datetime,
        health: dict[str, Any] | None = None,
    ) -> int:
        """Insert the items not stored yet, in a transaction of their own (see insert_rows)."""
        rows = [item_row(item, label) for item, label in pairs]
        with self._transaction():
            new = self.insert_rows(feed_id, rows, seen=seen, health=health)
        if new:
            self.limit_wal()
        return new

    def insert_rows(
        self,
        feed_id: int,
        rows: Iterable[ItemRow],
        *,
        seen: datetime,
        health: dict[str, Any] | None = None,
    ) -> int:
        """Insert the items not stored yet, inside the caller's transaction; returns how many.

        Existing rows are never touched: the first version of an item wins, so
        a feed that edits or re-dates an item cannot rewrite history. `health`
        (record_poll's columns) is written in the same transaction, so the
        feed's body hash never says "stored" for items that are not.
        """
        seen_iso = to_iso(seen)
        new = 0
        execute = self.conn.execute
        for row in rows:
            (item_id, fingerprint, guid, title, summary, url, published, estimated,
             actors, level, deescalation, evidence, version) = row  # fmt: skip
            stored = execute(
                """INSERT INTO items (id, fingerprint, feed_id, guid, title, summary, url,
                     published, published_estimated, seen, actors, level, deescalation,
                     evidence, classifier_version)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT DO NOTHING RETURNING rowid""",
                (item_id, fingerprint, feed_id, guid, title, summary, url, published,
                 estimated, seen_iso, actors, level, deescalation, evidence, version),
            ).fetchone()  # fmt: skip
            if stored is None:
                continue
            new += 1
            if actors:
                self.conn.executemany(
                    "INSERT OR IGNORE INTO item_country VALUES (?, ?, ?, ?, ?)",
                    [(stored[0], code, level, published, feed_id) for code in actors.split()],
                )
        if new:
            execute("UPDATE feeds SET items_total = items_total + ? WHERE id = ?", (new, feed_id))
        if health:
            self.update_feed(feed_id, health)
        return new

    def run_batch(self, jobs: Sequence[Callable[[], T]]) -> list[T | Exception]:
        """Run write jobs in one transaction; a job's exception takes its place in the results.

        One commit for many feeds rewrites each index page once instead of once
        per feed (a third of the write time of a cold poll). When a job fails,
        the whole batch is rolled back and each job runs again in a transaction
        of its own, so only the failing one is lost; jobs must therefore be
        safe to run twice (inserts that skip existing rows, updates).
        Savepoints would isolate a job without the rerun, but they cost a fifth
        of the write time on the path where nothing fails.
        """
        try:
            with self._transaction():
                results: list[T | Exception] = [job() for job in jobs]
        except Exception as exc:
            if len(jobs) == 1:
                return [exc]
            results = [self._alone(job) for job in jobs]
        self.limit_wal()
        return results

    def _alone(self, job: Callable[[], T]) -> T | Exception:
        try:
            with self._transaction():
                return job()
        except Exception as exc:
            return exc

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
            self.conn.execute("COMMIT")
        except BaseException:
            if self.conn.in_transaction:  # SQLite may have ended it already (disk full)
                with contextlib.suppress(sqlite3.Error):
                    self.conn.execute("ROLLBACK")
            raise

    def count_items(self) -> int:
        return self.conn.execute("SELECT count(*) FROM items").fetchone()[0]

    def get_item(self, item_id: str) -> StoredItem | None:
        row = self.conn.execute(
            f"SELECT {_ITEM_COLUMNS} FROM items JOIN feeds ON feeds.id = items.feed_id "
            "WHERE items.id = ?",
            (item_id,),
        ).fetchone()
        return _item(row) if row else None

    def latest_items(
        self,
        *,
        country: str | None = None,
        min_level: int = 0,
        since: datetime | None = None,
        limit: int = 50,
        before: Cursor | None = None,
    ) -> list[StoredItem]:
        """Newest first, one page; pass the last row's (published, rowid) for the next page.

        With a country and a minimum level, one indexed probe per level is
        merged, so a rare high level never scans a country's whole history.
        """
        since_iso = to_iso(since) if since else ""
        cur_pub, cur_row = before if before else ("9999", 1 << 62)
        if country is None:
            rowids = self._page_rowids(
                "SELECT published, rowid FROM items WHERE level >= ? AND published >= ? "
                "AND (published, rowid) < (?, ?) ORDER BY published DESC, rowid DESC LIMIT ?",
                [(min_level, since_iso, cur_pub, cur_row, limit)],
            )
        elif min_level <= 0:
            rowids = self._page_rowids(
                "SELECT published, item FROM item_country WHERE country = ? AND published >= ? "
                "AND (published, item) < (?, ?) ORDER BY published DESC, item DESC LIMIT ?",
                [(country, since_iso, cur_pub, cur_row, limit)],
            )
        else:
            rowids = self._page_rowids(
                "SELECT published, item FROM item_country WHERE country = ? AND level = ? "
                "AND published >= ? AND (published, item) < (?, ?) "
                "ORDER BY published DESC, item DESC LIMIT ?",
                [
                    (country, level, since_iso, cur_pub, cur_row, limit)
                    for level in range(min_level, 6)
                ],
            )
        return self._items_by_rowid(rowids[:limit])

    def _page_rowids(self, sql: str, param_sets: list[tuple[Any, ...]]) -> list[int]:
        keyed: list[tuple[str, int]] = []
        for params in param_sets:
            keyed.extend(self.conn.execute(sql, params).fetchall())
        keyed.sort(reverse=True)
        return [rowid for _, rowid in keyed]

    def _items_by_rowid(self, rowids: list[int]) -> list[StoredItem]:
        if not rowids:
            return []
        marks = ",".join("?" * len(rowids))
        rows = self.conn.execute(
            f"SELECT {_ITEM_COLUMNS} FROM items JOIN feeds ON feeds.id = items.feed_id "
            f"WHERE items.rowid IN ({marks})",
            rowids,
        ).fetchall()
        order = {rowid: i for i, rowid in enumerate(rowids)}
        return sorted((_item(r) for r in rows), key=lambda it: order[it.rowid])

    def search(self, text: str, *, limit: int = 50, offset: int = 0) -> list[StoredItem]:
        """Full-text search, best matches first; any input is treated as plain words."""
        query = fts_query(text)
        if query is None:
            return []
        rowids = [
            r[0]
            for r in self.conn.execute(
                "SELECT rowid FROM items_fts WHERE items_fts MATCH ? ORDER BY rank "
                "LIMIT ? OFFSET ?",
                (query, limit, offset),
            )
        ]
        return self._items_by_rowid(rowids)

    def hourly_counts(self, country: str, since: datetime) -> list[tuple[str, int, int]]:
        """(hour 'YYYY-MM-DDTHH', level, count) for one country since a time."""
        return self.conn.execute(
            "SELECT substr(published, 1, 13) AS hour, level, count(*) FROM item_country "
            "WHERE country = ? AND published >= ? GROUP BY hour, level ORDER BY hour",
            (country, to_iso(since)),
        ).fetchall()

    def source_levels(
        self, country: str, since: datetime, until: datetime | None = None
    ) -> dict[int, int]:
        """Highest level each feed reported for a country in a window: feed_id -> level."""
        until_iso = to_iso(until) if until else "9999"
        rows = self.conn.execute(
            "SELECT feed_id, max(level) FROM item_country WHERE country = ? "
            "AND published >= ? AND published < ? GROUP BY feed_id",
            (country, to_iso(since), until_iso),
        )
        return dict(rows.fetchall())

    def country_sources(self, country: str, since: datetime) -> list[FeedHealth]:
        """Feeds that reported on a country recently, with their health."""
        ids = [
            r[0]
            for r in self.conn.execute(
                "SELECT DISTINCT feed_id FROM item_country WHERE country = ? AND published >= ?",
                (country, to_iso(since)),
            )
        ]
        if not ids:
            return []
        health = {h.url: h for h in self.feed_health()}
        marks = ",".join("?" * len(ids))
        urls = [
            r[0] for r in self.conn.execute(f"SELECT url FROM feeds WHERE id IN ({marks})", ids)
        ]
        return [health[u] for u in urls if u in health]

    def active_countries(self, since: datetime, limit: int = 12) -> list[str]:
        """The countries with the most escalated recent coverage, for an empty watchlist."""
        rows = self.conn.execute(
            "SELECT country FROM item_country WHERE published >= ? GROUP BY country "
            "ORDER BY max(level) DESC, count(*) DESC, country LIMIT ?",
            (to_iso(since), limit),
        )
        return [r[0] for r in rows]

    def co_actors(
        self, country: str, *, min_level: int = 2, since: datetime | None = None, limit: int = 10
    ) -> list[tuple[str, int]]:
        """Countries that appear with `country` in its escalated items, most frequent first."""
        rows = self.conn.execute(
            "SELECT other.country, count(*) FROM item_country AS mine "
            "JOIN item_country AS other "
            "ON other.item = mine.item AND other.country != mine.country "
            "WHERE mine.country = ? AND mine.level >= ? AND mine.published >= ? "
            "GROUP BY other.country ORDER BY count(*) DESC, other.country LIMIT ?",
            (country, min_level, to_iso(since) if since else "", limit),
        )
        return rows.fetchall()

    def new_items_since(self, rowid: int, limit: int = 500) -> list[StoredItem]:
        """Items stored after a rowid: how a reader notices other writers' rows."""
        rowids = [
            r[0]
            for r in self.conn.execute(
                "SELECT rowid FROM items WHERE rowid > ? ORDER BY rowid LIMIT ?", (rowid, limit)
            )
        ]
        return self._items_by_rowid(rowids)

    def max_rowid(self) -> int:
        return self.conn.execute("SELECT coalesce(max(rowid), 0) FROM items").fetchone()[0]

    def export(
        self,
        *,
        since: datetime | None = None,
        country: str | None = None,
        min_level: int = 0,
        batch: int = 1000,
    ) -> Iterator[StoredItem]:
        """Stream matching items oldest first, a batch at a time (never all in memory)."""
        since_iso = to_iso(since) if since else ""
        last: tuple[str, int] = ("", 0)
        while True:
            if country:
                sql = (
                    "SELECT published, item FROM item_country WHERE country = ? AND level >= ? "
                    "AND published >= ? AND (published, item) > (?, ?) "
                    "ORDER BY published, item LIMIT ?"
                )
                params: tuple[Any, ...] = (country, min_level, since_iso, *last, batch)
            else:
                sql = (
                    "SELECT published, rowid FROM items WHERE level >= ? AND published >= ? "
                    "AND (published, rowid) > (?, ?) ORDER BY published, rowid LIMIT ?"
                )
                params = (min_level, since_iso, *last, batch)
            keys = self.conn.execute(sql, params).fetchall()
            if not keys:
                return
            yield from self._items_by_rowid([k[1] for k in keys])
            last = (keys[-1][0], keys[-1][1])

    # -- reclassification ----------------------------------------------------------------

    def stale_items(
        self, version: str, *, after_rowid: int = 0, limit: int = 1000
    ) -> list[tuple[int, str, str]]:
        """(rowid, title, summary) of items tagged by another classifier version."""
        return self.conn.execute(
            "SELECT rowid, title, summary FROM items WHERE classifier_version != ? "
            "AND rowid > ? ORDER BY rowid LIMIT ?",
            (version, after_rowid, limit),
        ).fetchall()

    def update_classification(self, updates: Sequence[tuple[int, Classification]]) -> None:
        """Re-tag stored items; the item text itself is never touched."""
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            for rowid, cls in updates:
                row = self.conn.execute(
                    "UPDATE items SET actors = ?, level = ?, deescalation = ?, evidence = ?, "
                    "classifier_version = ? WHERE rowid = ? RETURNING published, feed_id",
                    (
                        " ".join(cls.actors),
                        cls.level,
                        int(cls.deescalation),
                        json.dumps([e.to_dict() for e in cls.evidence], ensure_ascii=False),
                        cls.version,
                        rowid,
                    ),
                ).fetchone()
                if row is None:
                    continue
                self.conn.execute("DELETE FROM item_country WHERE item = ?", (rowid,))
                self.conn.executemany(
                    "INSERT OR IGNORE INTO item_country VALUES (?, ?, ?, ?, ?)",
                    [(rowid, code, cls.level, row[0], row[1]) for code in cls.actors],
                )

    # -- settings --------------------------------------------------------------------------

    def get_setting(self, key: str, default: Any = None) -> Any:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def set_setting(self, key: str, value: Any) -> None:
        with self.conn:
            self.conn.execute(
                "INSERT INTO settings VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value)),
            )

    # -- dashboard read helpers (added for the dashboard; read-only) ---------------------

    def items_seen_since(self, since: datetime) -> int:
        """Items first stored at or after `since` (an index range, not a scan)."""
        return self.conn.execute(
            "SELECT count(*) FROM items WHERE seen >= ?", (to_iso(since),)
        ).fetchone()[0]
