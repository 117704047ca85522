"""SIGKILL the collector at random moments while it writes, twenty times in a row.

Each round publishes new feeds on a local farm, starts `crisiswatch collect
--once --all` and kills its whole process group (collector and parse workers)
at a moment drawn from a seeded RNG: while it starts up, or once the item
count has grown by a random amount. After twenty kills a last run goes to
completion, and the database must be intact, hold no duplicates, and hold
every item the farm ever offered.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
from pathlib import Path

from tests.feedserver import FeedServer
from tests.hardening.farm import Farm, crisiswatch, row_count
from tests.waiting import poll_until

KILLS = 20
FEEDS_PER_ROUND = 6
ITEMS_PER_FEED = 120
SEED = 20261125


def _kill_group(proc: subprocess.Popen[str]) -> None:
    os.killpg(proc.pid, signal.SIGKILL)  # its own session: the collector and its workers
    proc.wait(10)


def _started(lock: Path, pid: int) -> bool:
    try:
        return lock.read_text() == str(pid)
    except FileNotFoundError:
        return False


def check_database(db: Path) -> dict[str, int]:
    """Integrity, duplicates and per-feed bookkeeping; returns counts for the report."""
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        conn.execute("INSERT INTO items_fts(items_fts) VALUES ('integrity-check')")
        total, ids, keys, prints = conn.execute(
            "SELECT count(*), count(DISTINCT id), count(DISTINCT feed_id || ' ' || guid), "
            "count(DISTINCT fingerprint) FROM items"
        ).fetchone()
        assert total == ids == keys == prints, "an item is stored twice"
        fts = conn.execute("SELECT count(*) FROM items_fts").fetchone()[0]
        assert fts == total, "the search index lost or duplicated rows"
        drift = conn.execute(
            "SELECT feeds.url, items_total, count(items.rowid) FROM feeds "
            "LEFT JOIN items ON items.feed_id = feeds.id GROUP BY feeds.id "
            "HAVING items_total != count(items.rowid)"
        ).fetchall()
        assert drift == [], f"feed counters disagree with stored items: {drift[:3]}"
        orphans = conn.execute(
            "SELECT count(*) FROM item_country WHERE item NOT IN (SELECT rowid FROM items)"
        ).fetchone()[0]
        assert orphans == 0
    return {"items": total}


def stored_keys(db: Path) -> set[tuple[str, str]]:
    with sqlite3.connect(db) as conn:
        return set(
            conn.execute("SELECT feeds.url, guid FROM items JOIN feeds ON feeds.id = feed_id")
        )


def collect(config: Path, db: Path, **streams: int) -> subprocess.Popen[str]:
    return crisiswatch(
        "collect", "--once", "--all", "--config", str(config), "--db", str(db), **streams
    )


def one_round(rng: random.Random, config: Path, db: Path) -> str | None:
    """Run the collector and SIGKILL it at a random moment; the moment, or None if it finished."""
    before = row_count(db)
    proc = collect(config, db, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    lock = Path(f"{db}.collector.lock")
    try:
        if rng.random() < 0.2:  # during start-up: migrations, feed sync, first fetches
            moment = "start-up"
            poll_until(lambda: _started(lock, proc.pid) or proc.poll() is not None, 30)
        else:
            target = before + rng.randint(1, FEEDS_PER_ROUND * ITEMS_PER_FEED - 1)
            moment = f"at {target - before} new rows"
            poll_until(lambda: row_count(db) >= target or proc.poll() is not None, 60)
        if proc.poll() is None:
            _kill_group(proc)
            return moment
        # finished before the chosen moment: a clean run, not a kill
        assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
        return None
    finally:
        if proc.poll() is None:
            _kill_group(proc)
        if proc.stderr:
            proc.stderr.close()


def test_twenty_random_kills_lose_and_duplicate_nothing(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    rng = random.Random(SEED)
    farm = Farm(feed_server, ITEMS_PER_FEED)
    db = tmp_path / "crash.db"
    config = tmp_path / "config.toml"
    kills: list[str] = []
    runs = 0
    while len(kills) < KILLS:
        assert runs < KILLS * 3, f"only {len(kills)} kills landed in {runs} runs"
        farm.publish(FEEDS_PER_ROUND)
        farm.write_config(config)
        runs += 1
        moment = one_round(rng, config, db)
        if moment is not None:
            kills.append(moment)
        if db.exists():
            check_database(db)  # intact after every single kill, not only at the end

    final = collect(config, db, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, err = final.communicate(timeout=120)
    assert final.returncode == 0, err
    counts = check_database(db)
    missing = farm.offered - stored_keys(db)
    assert not missing, f"{len(missing)} offered items were never stored"
    assert counts["items"] == len(farm.offered)
    print(
        f"\ncrash loop: {runs + 1} runs, {len(kills)} SIGKILLs ({kills.count('start-up')} during "
        f"start-up), integrity ok, 0 duplicates, 0 of {len(farm.offered)} items lost"
    )
