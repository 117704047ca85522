"""`reclassify` when the classifier fails on one stored item: the rest of history is still
re-tagged, the failed item keeps its old tags, and the user gets one line to act on."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from crisiswatch.classify import Classification, Classifier
from crisiswatch.cli import cli
from tests.core.test_cli import run, write_config
from tests.feedserver import FeedServer, rss

TITLES = ["Russian missiles strike Kharkiv", "POISON item", "Grain exports resume from Odesa"]


def test_one_failing_item_does_not_stop_reclassify(
    tmp_path: Path, feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    feed = rss([{"title": t, "link": f"https://example.org/{n}"} for n, t in enumerate(TITLES)])
    config = write_config(tmp_path, feed_server.static("/x.xml", feed))
    db = tmp_path / "cw.db"
    assert run("collect", "--once", "--config", str(config), "--db", str(db)).returncode == 0
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE items SET classifier_version = 'ancient'")

    real = Classifier.classify

    def flaky(self: Classifier, title: str, summary: str = "") -> Classification:
        if title.startswith("POISON"):
            raise ValueError("a classifier bug")
        return real(self, title, summary)

    monkeypatch.setattr(Classifier, "classify", flaky)
    result = CliRunner().invoke(cli, ["reclassify", "--config", str(config), "--db", str(db)])
    assert result.exit_code == 1, result.output
    assert "reclassified 2 items" in result.output
    assert "1 items could not be classified" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    with sqlite3.connect(db) as conn:
        versions = dict(conn.execute("SELECT title, classifier_version FROM items"))
    assert versions["POISON item"] == "ancient"
    assert versions[TITLES[0]] != "ancient" and versions[TITLES[2]] != "ancient"
