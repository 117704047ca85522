"""Input the CLI must refuse or show as written: bad numbers, misplaced flags, feed names.

Real subprocesses (in a pseudo-terminal where the output depends on one), real
files, a real HTTP server on 127.0.0.1.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from crisiswatch.cli.collect_cmd import demo_feeds
from crisiswatch.config import PACKAGED_CONFIG, load_config
from tests.core.test_cli import run, story_feed, write_config
from tests.feedserver import FeedServer

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\r")


def one_line_exit_2(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


# -- numbers in config.toml ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("section", "setting", "needle"),
    [
        (
            "[collector]",
            "max_body_mb = inf",
            "'collector.max_body_mb' must be between 0.1 and 1024",
        ),
        (
            "[collector]",
            "max_body_mb = nan",
            "'collector.max_body_mb' must be between 0.1 and 1024",
        ),
        ("[collector]", "timeout = nan", "'collector.timeout' must be between 1 and 600 seconds"),
        (
            "[collector]",
            "parse_timeout = inf",
            "'collector.parse_timeout' must be between 1 and 600",
        ),
        ("[collector]", "parse_timeout = 0", "'collector.parse_timeout' must be between 1 and 600"),
        ("[[feeds]]", "interval = 9223372036854775807", "'feeds.interval' must be between 30 and"),
        ("[[feeds]]", "interval = 1000000000000", "'feeds.interval' must be between 30 and 604800"),
    ],
)
def test_bad_numbers_are_one_line_exit_2(
    tmp_path: Path, feed_server: FeedServer, section: str, setting: str, needle: str
) -> None:
    """These once crashed with OverflowError/ValueError, or failed every feed at each poll."""
    url = feed_server.static("/stories.xml", story_feed())  # a good feed: the numbers fail
    if section == "[[feeds]]":
        text = f"[[feeds]]\nurl = '{url}'\n{setting}\n"
    else:
        text = f"{section}\n{setting}\n\n[[feeds]]\nurl = '{url}'\n"
    config = tmp_path / "config.toml"
    config.write_text(text)
    db = tmp_path / "x.db"
    line = one_line_exit_2(run("collect", "--once", "--config", str(config), "--db", str(db)))
    assert line.startswith(f"crisiswatch: error: {config}:")
    assert needle in line, line
    assert f"not {setting.split(' = ')[1]}" in line  # the value that was refused
    assert not db.exists() and feed_server.requests == []  # refused before any work


def test_config_with_a_bom_loads_from_the_command_line(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_bytes(b"\xef\xbb\xbf[[feeds]]\nurl = 'https://a.example/rss'\nintervall = 60\n")
    line = one_line_exit_2(
        run("collect", "--once", "--config", str(config), "--db", str(tmp_path / "x.db"))
    )
    assert f"{config}:3: unknown key 'intervall'" in line  # read as TOML, lines still right


# -- dashboard-only flags before a command ---------------------------------------------------


@pytest.mark.parametrize(
    ("args", "flag", "command"),
    [
        (("--demo", "--no-collect", "export"), "--demo", "export"),
        (("--no-collect", "export"), "--no-collect", "export"),
        (("--demo", "feeds"), "--demo", "feeds"),
        (("--demo", "collect", "--once"), "--demo", "collect"),
        (("--no-collect", "collect", "--once"), "--no-collect", "collect"),
    ],
)
def test_dashboard_flags_with_a_command_are_a_usage_error(
    tmp_path: Path, feed_server: FeedServer, args: tuple[str, ...], flag: str, command: str
) -> None:
    """`crisiswatch --demo export --db real.db` once exported the real DB and said nothing."""
    config = write_config(tmp_path, feed_server.static("/x.xml", story_feed()))
    db = tmp_path / "real.db"
    result = run(*args, "--config", str(config), "--db", str(db), cwd=tmp_path)
    line = one_line_exit_2(result)
    assert f"{flag} only applies to the dashboard" in line, line
    assert f"not to the '{command}' command" in line, line
    assert result.stdout == ""
    assert not db.exists() and feed_server.requests == []


def test_the_groups_db_option_still_reaches_the_command(tmp_path: Path) -> None:
    db = tmp_path / "real.db"
    line = one_line_exit_2(run("--db", str(db), "export", cwd=tmp_path))
    assert f"{db}: no such database" in line  # export looked at this --db, not elsewhere


# -- feed names on the progress bar ----------------------------------------------------------


def run_in_terminal(args: list[str], cwd: Path, timeout: float = 60) -> tuple[int, str]:
    """Run crisiswatch with a pseudo-terminal as stdout and stderr; its exit code and output."""
    from tests.core.terminal import terminal

    with terminal(args, cols=200, color=True, cwd=cwd) as term:
        code = term.proc.wait(timeout)
        assert term.reader is not None
        term.reader.join(10)  # the rest of the output, up to the terminal's close
        screen = bytes(term.screen)
    return code, ANSI.sub("", screen.decode("utf-8", "replace"))


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
@pytest.mark.parametrize("name", ["Kyiv Post [/opinion]", "Reuters [world]", "[bold]Loud[/bold]"])
def test_feed_names_show_literally_on_the_progress_bar(
    tmp_path: Path, feed_server: FeedServer, name: str
) -> None:
    """A name with brackets once crashed `collect` (MarkupError) or lost its brackets."""
    url = feed_server.static("/stories.xml", story_feed())
    config = tmp_path / "config.toml"
    config.write_text(f'[[feeds]]\nname = "{name}"\nurl = "{url}"\n')
    db = tmp_path / "cw.db"
    code, output = run_in_terminal(
        ["collect", "--once", "--config", str(config), "--db", str(db)], tmp_path
    )
    assert code == 0, output
    assert "Traceback" not in output and "MarkupError" not in output
    assert "polling" in output, output  # the progress bar was drawn: this is the path tested
    assert name in output, output  # drawn as written, brackets and all
    assert "1 feeds: 1 ok" in output


# -- the demo's temporary database -----------------------------------------------------------


def demo_dirs(folder: Path) -> list[Path]:
    return sorted(folder.glob("crisiswatch-demo-*"))


def demo_env(tmp_path: Path) -> dict[str, str]:
    temp = tmp_path / "tmp"
    temp.mkdir(exist_ok=True)
    return {
        **os.environ,
        "CRISISWATCH_CONFIG": "",
        "NO_COLOR": "1",
        "TMPDIR": str(temp),
        "XDG_CONFIG_HOME": str(tmp_path / "xdg"),  # the packaged config, not the user's
    }


def temporary_db(stderr: str, temp: Path) -> Path:
    match = re.search(r"demo database: (.+) \(temporary\)", stderr)
    assert match, stderr
    db = Path(match.group(1))
    assert db.parent.parent == temp, db  # the check below looks in the right place
    return db


def test_demo_once_removes_its_temporary_database(tmp_path: Path) -> None:
    env = demo_env(tmp_path)
    temp = Path(env["TMPDIR"])
    result = subprocess.run(
        [sys.executable, "-m", "crisiswatch", "collect", "--demo", "--once"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "10 feeds: 10 ok" in result.stdout
    temporary_db(result.stderr, temp)
    assert demo_dirs(temp) == []


def test_demo_removes_its_temporary_database_on_ctrl_c(tmp_path: Path) -> None:
    env = demo_env(tmp_path)
    temp = Path(env["TMPDIR"])
    proc = subprocess.Popen(
        [sys.executable, "-m", "crisiswatch", "collect", "--demo"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    try:
        assert proc.stderr is not None
        db = temporary_db(proc.stderr.readline(), temp)
        running = proc.stderr.readline()  # blocks until the collector is running
        assert running.startswith("collecting 10 feeds"), running
        assert demo_dirs(temp) == [db.parent]
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert "stopped cleanly" in err
    assert demo_dirs(temp) == []


def test_demo_folder_goes_when_the_run_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    config = load_config(PACKAGED_CONFIG, require_feeds=False)
    with (
        pytest.raises(RuntimeError, match="boom"),
        demo_feeds(config, db_given=False) as (demo, feeds),
    ):
        assert demo.db_path.parent.parent == tmp_path and feeds
        demo.db_path.write_bytes(b"")
        raise RuntimeError("boom")
    assert demo_dirs(tmp_path) == []
