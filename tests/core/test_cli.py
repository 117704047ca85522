"""The command line as a person or a script uses it: real subprocesses, real files."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from crisiswatch.lock import CollectorLock
from tests.feedserver import FeedServer, Reply, rss
from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]


def run(
    *args: str, cwd: Path | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CRISISWATCH_CONFIG": "", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "crisiswatch", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
        env=env,
    )


def write_config(tmp_path: Path, *urls: str) -> Path:
    lines = ["[watch]", 'countries = ["UKR"]', ""]
    for i, url in enumerate(urls):
        lines += ["[[feeds]]", f'name = "feed {i}"', f'url = "{url}"', ""]
    path = tmp_path / "config.toml"
    path.write_text("\n".join(lines))
    return path


STORIES = [
    ("Russian missiles strike Kharkiv power plant", "Ukraine said two people were killed."),
    ("Grain exports resume from Odesa", "Ships left the port on Monday."),
    ("Ukraine and Russia swap prisoners", "The exchange was brokered by the UAE."),
]


def story_feed() -> bytes:
    return rss(
        [
            {
                "title": title,
                "description": summary,
                "link": f"https://news.example/{i}",
                "guid": f"s{i}",
                "pubDate": f"Wed, 25 Nov 2026 1{i}:00:00 GMT",
            }
            for i, (title, summary) in enumerate(STORIES)
        ]
    )


@pytest.fixture
def collected(tmp_path: Path, feed_server: FeedServer) -> tuple[Path, Path]:
    good = feed_server.static("/stories.xml", story_feed())
    bad = feed_server.route("/down.xml", lambda r, h: Reply(503, b"", {"Retry-After": "120"}))
    config = write_config(tmp_path, good, bad)
    db = tmp_path / "cw.db"
    result = run("collect", "--once", "--config", str(config), "--db", str(db))
    assert result.returncode == 0, result.stderr
    return config, db


def test_collect_once_summary_and_exit_code(collected: tuple[Path, Path]) -> None:
    config, db = collected
    again = run("collect", "--once", "--all", "--config", str(config), "--db", str(db))
    assert again.returncode == 0
    assert "2 feeds: 0 ok, 1 not modified, 1 failed; 0 new items" in again.stdout
    assert "feed 1" in again.stderr and "503" in again.stderr  # plain lines when piped


def test_feeds_json(collected: tuple[Path, Path]) -> None:
    config, db = collected
    result = run("feeds", "--json", "--config", str(config), "--db", str(db))
    assert result.returncode == 0, result.stderr
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    for key in (
        "url",
        "name",
        "enabled",
        "last_status",
        "last_ok",
        "consecutive_errors",
        "error",
        "next_poll",
    ):
        assert key in rows["feed 0"]
    assert rows["feed 0"]["error"] is None and rows["feed 0"]["last_status"] == 200
    assert rows["feed 1"]["consecutive_errors"] == 1 and "503" in rows["feed 1"]["error"]
    table = run("feeds", "--config", str(config), "--db", str(db))
    assert table.returncode == 0 and "failing" in table.stdout


def test_export_jsonl_and_filters(collected: tuple[Path, Path]) -> None:
    config, db = collected
    base = ("export", "--config", str(config), "--db", str(db))
    rows = [json.loads(line) for line in run(*base).stdout.splitlines()]
    assert len(rows) == 3
    for key in (
        "id",
        "feed",
        "title",
        "summary",
        "url",
        "published",
        "actors",
        "level",
        "deescalation",
        "evidence",
        "classifier_version",
    ):
        assert key in rows[0]
    assert [r["published"] for r in rows] == sorted(r["published"] for r in rows)
    since = run(*base, "--since", "2026-11-25T11:00").stdout.splitlines()
    assert len(since) == 2
    assert run(*base, "--min-level", "5").stdout == ""


def test_export_csv(collected: tuple[Path, Path]) -> None:
    config, db = collected
    out = run("export", "--format", "csv", "--config", str(config), "--db", str(db)).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 3 and rows[0]["title"] == STORIES[0][0]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("export", "--since", "yesterdayish"), "'yesterdayish' is not an ISO date"),
        (("export", "--min-level", "9"), "--min-level"),
        (("export", "--country", "Ukraine"), "not an ISO 3166-1 alpha-3 code"),
        (("export", "--format", "xml"), "--format"),
        (("collect", "--bogus"), "No such option"),
        (("nonsense",), "No such command"),
    ],
)
def test_bad_arguments_are_one_line_exit_2(
    tmp_path: Path, args: tuple[str, ...], needle: str
) -> None:
    result = run(*args, "--db", str(tmp_path / "x.db"))
    assert result.returncode == 2
    assert needle in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("[[feeds]]\nurl = 'https://a.example/x'\nnmae = 'x'\n", ":3: unknown key 'nmae'"),
        (
            "[[feeds]]\nurl = 'https://a.example/x'\ninterval = 'often'\n",
            "'feeds.interval' must be",
        ),
        ("[[feeds]]\nurl = 'gopher://a.example'\n", "not an http(s) address"),
        ("[[feeds]\nurl=", "not valid TOML"),
        ("[watch]\ncountries=[]\n", "no enabled feeds"),
    ],
)
def test_config_errors_are_one_line_exit_2(tmp_path: Path, text: str, needle: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(text)
    result = run("collect", "--once", "--config", str(config), "--db", str(tmp_path / "x.db"))
    assert result.returncode == 2
    assert needle in result.stderr and str(config) in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_config_file(tmp_path: Path) -> None:
    result = run("feeds", "--config", str(tmp_path / "none.toml"))
    assert result.returncode == 2 and "config file not found" in result.stderr


def test_unwritable_db_is_a_clear_error(tmp_path: Path, feed_server: FeedServer) -> None:
    config = write_config(tmp_path, feed_server.static("/x.xml", story_feed()))
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run("collect", "--once", "--config", str(config), "--db", str(blocker / "cw.db"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and str(blocker) in result.stderr


@pytest.mark.parametrize(
    "command",
    [(), ("collect",), ("feeds",), ("export",), ("reclassify",), ("classify",), ("eval",)],
)
def test_every_command_has_help(command: tuple[str, ...]) -> None:
    result = run(*command, "--help")
    assert result.returncode == 0, result.stderr
    assert "Usage:" in result.stdout and "--config" in result.stdout and "--db" in result.stdout


def test_version() -> None:
    from crisiswatch import __version__

    result = run("--version")
    assert result.returncode == 0 and __version__ in result.stdout


def test_reclassify_reaches_old_items(collected: tuple[Path, Path]) -> None:
    import sqlite3

    config, db = collected
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE items SET classifier_version = 'ancient', level = 0, actors = ''")
    result = run("reclassify", "--config", str(config), "--db", str(db))
    assert result.returncode == 0 and "reclassified 3 items" in result.stdout
    with sqlite3.connect(db) as conn:
        versions = {v for (v,) in conn.execute("SELECT classifier_version FROM items")}
    assert "ancient" not in versions


def test_collect_stops_cleanly_on_sigterm(tmp_path: Path, feed_server: FeedServer) -> None:
    config = write_config(tmp_path, feed_server.static("/x.xml", story_feed()))
    db = tmp_path / "cw.db"
    env = {**os.environ, "CRISISWATCH_CONFIG": ""}
    proc = subprocess.Popen(
        [sys.executable, "-m", "crisiswatch", "collect", "--config", str(config), "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stderr is not None
        first = proc.stderr.readline()  # blocks until the collector says it is running
        assert first.startswith("collecting 1 feeds"), first
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert "stopped cleanly" in err and "Traceback" not in err


def test_collect_demo_once_is_offline_and_complete(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    result = run("collect", "--demo", "--once", "--db", str(db), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "10 feeds: 10 ok, 0 not modified, 0 failed" in result.stdout
    exported = run("export", "--db", str(db), cwd=tmp_path).stdout.splitlines()
    assert len(exported) >= 150
    urls = {json.loads(line)["url"] for line in exported}
    assert all(u is None or u.startswith(("http://", "https://")) for u in urls)


def _children(pid: int) -> list[int]:
    """Live processes whose parent is `pid` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("ending", ["q", "SIGKILL"])
def test_the_dashboards_collector_process_ends_with_it(
    tmp_path: Path, feed_server: FeedServer, ending: str
) -> None:
    """`crisiswatch` in a real terminal: its collector is a child that never outlives it."""
    from tests.core.terminal import terminal

    config = write_config(tmp_path, feed_server.static("/x.xml", story_feed()))
    db = tmp_path / "cw.db"
    collector: list[int] = []
    args = ["--config", str(config), "--db", str(db)]
    with terminal(args, interactive=True) as term:

        def collector_started() -> bool:
            collector[:] = [
                pid
                for pid in _children(term.proc.pid)
                if b"collector_process" in Path(f"/proc/{pid}/cmdline").read_bytes()
            ]
            if not collector or not db.exists():
                return False
            with contextlib.closing(sqlite3.connect(db)) as conn:
                polled = "SELECT count(*) FROM feeds WHERE last_attempt IS NOT NULL"
                return conn.execute(polled).fetchone()[0] == 1

        screen = term.screen
        wait_until(collector_started, 60, f"the collector's first poll; screen: {screen[-300:]!r}")
        if ending == "q":
            os.write(term.master, b"q")
            assert term.proc.wait(30) == 0
        else:
            term.proc.kill()  # no chance to clean up: the collector sees its stdin close
            term.proc.wait(10)
        wait_until(lambda: not _alive(collector[0]), 30, "the collector to exit")
    lock = CollectorLock(db)
    assert lock.acquire(), "the collector lock outlived the dashboard"
    lock.release()
