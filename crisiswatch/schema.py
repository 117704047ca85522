"""The database schema, as numbered migrations: each takes a file one version up.

A file records the migrations it has had in `PRAGMA user_version`; `Store`
applies the missing ones in order, each in its own transaction. Migrations
only ever add (tables, columns, indexes), so a reader of an older file still
finds everything it queries.
"""

from __future__ import annotations

import sqlite_utils


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


MIGRATIONS = (_migration_1, _migration_2)
SCHEMA_VERSION = len(MIGRATIONS)
