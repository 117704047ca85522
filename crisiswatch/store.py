"""The SQLite store: opening and migrating (schema.py), writes, and settings.

One file, WAL mode, so the dashboard and an export can read while a collector
writes. Writes are append-only for items: a later fetch never rewrites a stored
item; only `reclassify` updates the classifier's columns. The read queries the
views need are in queries.py (`Store` extends `ItemQueries`).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import sqlite_utils

from crisiswatch.models import (
    Classification,
    Item,
    ItemRow,
    item_row,
    to_iso,
)
from crisiswatch.queries import ItemQueries
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


def _readonly_uri(path: Path) -> str:
    """A read-only SQLite URI for `path`; `?`, `#` and `%` in a file name are escaped."""
    return f"file://{urllib.parse.quote(str(path.absolute()))}?mode=ro"


def _feed_filter(urls: Iterable[str] | None) -> tuple[str, list[Any]]:
    """SQL (to follow a WHERE) and its parameters for "these feeds", else "enabled feeds".

    The list goes in as one JSON parameter: a config may name more feeds than
    SQLite allows `?` placeholders.
    """
    if urls is None:
        return " AND enabled = 1", []
    return " AND url IN (SELECT value FROM json_each(?))", [json.dumps(list(urls))]


# -- the store -----------------------------------------------------------------------


class Store(ItemQueries):
    """One connection to the database; open one per thread."""

    def __init__(self, path: str | Path, *, readonly: bool = False) -> None:
        self.path = Path(path)
        self.readonly = readonly
        try:
            if not readonly:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            # A reader opens with mode=ro: a plain connect creates a missing file, so a
            # mistyped --db would leave an empty database behind.
            target = _readonly_uri(self.path) if readonly else str(self.path)
            conn = sqlite3.connect(
                target, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False, uri=readonly
            )
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self.db = sqlite_utils.Database(conn)
            self.conn = conn  # ItemQueries reads it; the same object as self.db.conn
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
            if readonly and not self.path.exists():
                raise StoreError(
                    f"{self.path}: no such database; check the path, "
                    "or run `crisiswatch collect` to create it"
                ) from None
            raise StoreError(describe_db_error(self.path, exc)) from None
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot create the database folder ({exc})") from None

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

    def due_feeds(
        self,
        now: datetime,
        urls: Iterable[str] | None = None,
        *,
        among: Iterable[str] | None = None,
    ) -> list[FeedRow]:
        """Feeds whose next poll time has come; with `urls`, those feeds whatever the time.

        A collector names its own feeds (`urls` or `among`) rather than trusting
        the `enabled` column: that column is what the last config synced into a
        database that several configs may share. With neither, every enabled feed.
        """
        sql = (
            "SELECT id, url, coalesce(fetch_url, url), name, interval, etag, last_modified, "
            "body_hash, consecutive_errors FROM feeds WHERE gone = 0"
        )
        where, params = _feed_filter(among if urls is None else urls)
        sql += where
        if urls is None:
            sql += " AND (next_poll IS NULL OR next_poll <= ?)"
            params.append(to_iso(now))
        return [FeedRow(*row) for row in self.conn.execute(sql + " ORDER BY id", params)]

    def next_poll_time(self, *, among: Iterable[str] | None = None) -> str | None:
        """The earliest next poll of these feeds (default: of every enabled feed)."""
        where, params = _feed_filter(among)
        row = self.conn.execute(
            f"SELECT min(next_poll) FROM feeds WHERE gone = 0{where}", params
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

        A row's id and fingerprint come from `models.content_keys` (via `Item`),
        the function migration 3 re-keyed the stored rows with.
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
