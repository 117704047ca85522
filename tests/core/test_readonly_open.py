"""Reading commands never create a database: a mistyped --db is an error, not a new file.

`crisiswatch export --db /mistyped/none.db` once said "no data here yet" but
left a 0-byte none.db behind (the read-only open was a plain connect, which
creates the file). Real subprocesses, real files.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest

from crisiswatch.config import FeedConfig
from crisiswatch.store import Store
from tests.core.test_cli import run, write_config


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in lines[0], lines
    return lines[0]


@pytest.mark.parametrize("where", ["none.db", "mistyped/none.db", "we?ird #%20.db"])
def test_export_of_a_missing_database_creates_nothing(tmp_path: Path, where: str) -> None:
    config = write_config(tmp_path, "https://feed.example/rss")
    db = tmp_path / where
    line = one_line_error(run("export", "--config", str(config), "--db", str(db)))
    assert f"{db}: no such database" in line, line
    assert not db.exists() and not db.parent.joinpath(db.name + "-wal").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml"]


def test_feeds_with_a_missing_database_creates_nothing(tmp_path: Path) -> None:
    config = write_config(tmp_path, "https://feed.example/rss")
    db = tmp_path / "none.db"
    result = run("feeds", "--json", "--config", str(config), "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert [row["last_status"] for row in json.loads(result.stdout)] == [None]  # not polled yet
    assert str(db) in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not db.exists()


def test_export_reads_a_database_whose_name_needs_quoting(tmp_path: Path) -> None:
    """The read-only URI escapes '?', '#' and '%' instead of cutting the name short."""
    db = tmp_path / "odd ?name#%41.db"
    with Store(db) as store:
        store.sync_feeds([FeedConfig("https://feed.example/rss", "feed", 600)])
    config = write_config(tmp_path, "https://feed.example/rss")
    result = run("export", "--config", str(config), "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""  # no items yet, and no error
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM feeds").fetchone()[0] == 1
    assert not (tmp_path / "odd ").exists()
