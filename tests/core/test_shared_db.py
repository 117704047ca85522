"""Two configs, one database: neither may starve the other's feeds.

Syncing the feeds table disables every feed missing from the syncing config.
`crisiswatch feeds --config B.toml` and a `--no-collect` dashboard on B once
did that to a database a collector on config A was filling, and A's collector
then polled nothing (it polled every *enabled* row). Now read-only commands
write nothing, and a collector polls the feeds of its own config.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from crisiswatch.cli.dashboard import session
from crisiswatch.config import CollectorConfig, FeedConfig, load_config
from crisiswatch.pipeline import Collector
from tests.core.test_cli import run
from tests.feedserver import FeedServer, rss

SETTINGS = CollectorConfig(interval=600, timeout=5, parse_timeout=10)


def stories(prefix: str) -> bytes:
    return rss(
        [
            {
                "title": f"{prefix} story {i}",
                "link": f"https://news.example/{prefix}/{i}",
                "guid": f"{prefix}-{i}",
            }
            for i in range(2)
        ]
    )


def config_file(path: Path, feeds: dict[str, str]) -> Path:
    lines = ["[watch]", 'countries = ["UKR"]', ""]
    for name, url in feeds.items():
        lines += ["[[feeds]]", f'name = "{name}"', f'url = "{url}"', ""]
    path.write_text("\n".join(lines))
    return path


def feeds_table(db: Path) -> list[tuple[str, int]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT url, enabled FROM feeds ORDER BY url").fetchall()


def setup(tmp_path: Path, server: FeedServer) -> tuple[Path, Path, Path, dict[str, str]]:
    urls = {
        "a1": server.static("/a1.xml", stories("a1")),
        "a2": server.static("/a2.xml", stories("a2")),
        "b1": server.static("/b1.xml", stories("b1")),
    }
    a = config_file(tmp_path / "A.toml", {"a1": urls["a1"], "a2": urls["a2"]})
    b = config_file(tmp_path / "B.toml", {"b1": urls["b1"]})
    return a, b, tmp_path / "shared.db", urls


def test_feeds_command_on_another_config_changes_nothing(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    a, b, db, urls = setup(tmp_path, feed_server)
    first = run("collect", "--once", "--config", str(a), "--db", str(db))
    assert first.returncode == 0, first.stderr
    before = feeds_table(db)
    assert before == sorted([(urls["a1"], 1), (urls["a2"], 1)])

    shown = run("feeds", "--json", "--config", str(b), "--db", str(db))
    assert shown.returncode == 0, shown.stderr
    rows = json.loads(shown.stdout)
    assert [(r["url"], r["last_status"]) for r in rows] == [(urls["b1"], None)]  # not polled
    assert feeds_table(db) == before  # A's feeds are still enabled; B's was not added

    again = run("collect", "--once", "--all", "--config", str(a), "--db", str(db))
    assert again.returncode == 0, again.stderr
    assert "2 feeds: 0 ok, 2 not modified" in again.stdout
    assert len(feed_server.hits("/a1.xml")) == len(feed_server.hits("/a2.xml")) == 2


def test_read_only_dashboard_does_not_sync_the_feeds_table(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    a, b, db, _ = setup(tmp_path, feed_server)
    assert run("collect", "--once", "--config", str(a), "--db", str(db)).returncode == 0
    before = feeds_table(db)
    config_b = load_config(b, db=db)
    with session(config_b, demo=False, db_given=True, collect=False) as (_, status, child):
        assert child is None and "read-only" in status.mode
    assert feeds_table(db) == before


def test_read_only_dashboard_creates_no_database(tmp_path: Path, feed_server: FeedServer) -> None:
    _, b, _, _ = setup(tmp_path, feed_server)
    mistyped = tmp_path / "mistyped.db"
    with session(load_config(b, db=mistyped), demo=False, db_given=True, collect=False):
        pass
    assert not mistyped.exists()


async def test_collector_polls_its_own_feeds_whatever_another_config_synced(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    """A collector on A keeps polling A's feeds after a collector on B synced the DB."""
    _, b, db, urls = setup(tmp_path, feed_server)
    feeds_a = [FeedConfig(urls["a1"], "a1", 600), FeedConfig(urls["a2"], "a2", 600)]
    async with Collector(db, feeds_a, settings=SETTINGS, parse_workers=1) as collector:
        other = run("collect", "--once", "--config", str(b), "--db", str(db))
        assert other.returncode == 0, other.stderr
        assert dict(feeds_table(db))[urls["a1"]] == 0  # B's sync disabled A's feeds
        due = await collector.poll_once()
        assert sorted(o.url for o in due.outcomes) == sorted([urls["a1"], urls["a2"]])
        assert due.new_items == 4
        forced = await collector.poll_once(force=True)
        assert sorted(o.url for o in forced.outcomes) == sorted([urls["a1"], urls["a2"]])
    assert len(feed_server.hits("/b1.xml")) == 1  # only B's own collector polled B's feed
