"""The database schema, as numbered migrations: each takes a file one version up.

A file records the migrations it has had in `PRAGMA user_version`; `Store`
applies the missing ones in order, each in its own transaction. Migrations
never drop or rename anything (they add tables, columns and indexes, or
recompute values), so a reader of an older file still finds everything it
queries.

Migration 3 rewrites the stored keys with `models.content_keys`, the very
function items and the store make them with.
"""

from __future__ import annotations

import sqlite_utils

from crisiswatch.models import content_keys

_Text = str | None


def _migration_1(db: sqlite_utils.Database) -> None:
    db.execute(
        """
        CREATE TABLE feeds (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL UNIQUE,          -- the configured address: the feed's identity
            fetch_url TEXT,                    -- where a permanent redirect moved it
            name TEXT NOT NULL,
            enabled INTEGER NOT NULL DEFAULT 1,
            gone INTEGER NOT NULL DEFAULT 0,   -- answered 410: not polled again
            interval INTEGER NOT NULL DEFAULT 600,
            tags TEXT NOT NULL DEFAULT '[]',
            etag TEXT,
            last_modified TEXT,
            body_hash TEXT,
            last_status INTEGER,
            last_ok TEXT,
            last_attempt TEXT,
            consecutive_errors INTEGER NOT NULL DEFAULT 0,
            error TEXT,
            warning TEXT,
            next_poll TEXT,
            items_total INTEGER NOT NULL DEFAULT 0
        )"""
    )
    db.execute(
        """
        CREATE TABLE items (
            rowid INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,           -- feed + guid, else link, else title hash
            fingerprint TEXT NOT NULL UNIQUE,  -- feed + link + title: survives GUID churn
            feed_id INTEGER NOT NULL REFERENCES feeds(id),
            guid TEXT,
            title TEXT NOT NULL,
            summary TEXT NOT NULL DEFAULT '',
            url TEXT,
            published TEXT NOT NULL,           -- UTC, YYYY-MM-DDTHH:MM:SSZ
            published_estimated INTEGER NOT NULL DEFAULT 0,
            seen TEXT NOT NULL,
            actors TEXT NOT NULL DEFAULT '',   -- space-separated ISO3 codes
            level INTEGER NOT NULL DEFAULT 0,
            deescalation INTEGER NOT NULL DEFAULT 0,
            evidence TEXT NOT NULL DEFAULT '[]',
            classifier_version TEXT NOT NULL DEFAULT ''
        )"""
    )
    db.execute("CREATE INDEX items_published ON items(published, rowid)")
    db.execute("CREATE INDEX items_level_published ON items(level, published, rowid)")
    db.execute("CREATE INDEX items_version ON items(classifier_version)")
    db.execute(
        """
        CREATE TABLE item_country (
            item INTEGER NOT NULL REFERENCES items(rowid),
            country TEXT NOT NULL,
            level INTEGER NOT NULL,
            published TEXT NOT NULL,
            feed_id INTEGER NOT NULL,
            PRIMARY KEY (country, item)
        ) WITHOUT ROWID"""
    )
    db.execute(
        "CREATE INDEX item_country_time ON item_country(country, published, level, feed_id, item)"
    )
    db.execute("CREATE INDEX item_country_level ON item_country(country, level, published, item)")
    db.execute("CREATE INDEX item_country_item ON item_country(item)")
    db.execute("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    db.table("items").enable_fts(["title", "summary"], create_triggers=True, tokenize="porter")


def _migration_2(db: sqlite_utils.Database) -> None:
    """The header's "new items in the last hour" must not scan a million rows."""
    db.execute("CREATE INDEX items_seen ON items(seen)")


def _migration_3(db: sqlite_utils.Database) -> None:
    """Re-key every item with `content_keys`, keeping every row.

    The old fingerprint (feed + link + title) made two different entries with
    the same title and no link one item, and dropped the second; without a
    GUID, the old id (feed + link, else title) did the same. The new keys are
    made from a superset of the old ones' parts, so rows that were unique stay
    unique; ids from a GUID stay as they are. The search index is not touched
    (title and summary do not change), so its update trigger is set aside for
    the rewrite.
    """
    conn = db.conn

    def keys(feed_url: _Text, link: _Text, title: _Text, summary: _Text) -> tuple[str, str]:
        return content_keys(feed_url or "", link, title or "", summary or "")

    def new_id(feed_url: _Text, link: _Text, title: _Text, summary: _Text) -> str:
        return keys(feed_url, link, title, summary)[0]

    def new_fingerprint(feed_url: _Text, link: _Text, title: _Text, summary: _Text) -> str:
        return keys(feed_url, link, title, summary)[1]

    conn.create_function("cw_content_id", 4, new_id, deterministic=True)
    conn.create_function("cw_fingerprint", 4, new_fingerprint, deterministic=True)
    trigger = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'items_au'"
    ).fetchone()
    if trigger:
        conn.execute('DROP TRIGGER "items_au"')
    args = "(SELECT url FROM feeds WHERE feeds.id = items.feed_id), url, title, summary"
    conn.execute(
        f"""UPDATE items SET fingerprint = cw_fingerprint({args}),
              id = CASE WHEN coalesce(guid, '') = '' THEN cw_content_id({args}) ELSE id END"""
    )
    if trigger:
        conn.execute(trigger[0])


MIGRATIONS = (_migration_1, _migration_2, _migration_3)
SCHEMA_VERSION = len(MIGRATIONS)
