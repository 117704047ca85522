"""The read queries the views need: items by country, level and time, search, feed health.

Every query is paginated and served by an index, so a million-item database
stays fast. `ItemQueries` is a mixin of `store.Store`, which owns the connection;
the dashboard and the exporter only ever read through these methods.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from crisiswatch.models import Evidence, FeedHealth, to_iso


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


class ItemQueries:
    """Read queries over `self.conn` (the store's connection)."""

    __slots__ = ()
    conn: sqlite3.Connection

    def feed_health(self, urls: Sequence[str] | None = None) -> list[FeedHealth]:
        """Health of the enabled (or gone) feeds, failing first; with `urls`, of those feeds.

        `urls` is for a reader with a config of its own: the `enabled` column is
        what the last collector's config said, and the database may be shared.
        """
        params: list[str] = []
        if urls is None:
            enabled, where = "enabled AND NOT gone", "enabled = 1 OR gone = 1"
        else:
            enabled, where = "NOT gone", "url IN (SELECT value FROM json_each(?))"
            params.append(json.dumps(list(urls)))
        rows = self.conn.execute(
            f"SELECT url, name, {enabled}, last_status, last_ok, last_attempt, "
            "consecutive_errors, error, warning, next_poll, items_total, tags FROM feeds "
            f"WHERE {where} ORDER BY consecutive_errors > 0 DESC, name",
            params,
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

    def items_seen_since(self, since: datetime) -> int:
        """Items first stored at or after `since` (an index range, not a scan)."""
        return self.conn.execute(
            "SELECT count(*) FROM items WHERE seen >= ?", (to_iso(since),)
        ).fetchone()[0]
