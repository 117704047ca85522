"""Bad input from people: configs, command-line values, search text, classify --jsonl.

Extends tests/core/test_config.py and test_cli.py with the cases they do not
cover; every one must end in a single line naming the culprit and exit code
2, never a traceback. Search text is fuzzed with hypothesis, because a search
box receives anything.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crisiswatch.models import Classification, Item, utcnow
from crisiswatch.queries import fts_query
from crisiswatch.store import Store
from tests.hardening.farm import ROOT

GOOD_FEED = "[[feeds]]\nurl = 'https://a.example/rss'\n"


def run(*args: str, stdin: bytes | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    env = {**os.environ, "CRISISWATCH_CONFIG": "", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "crisiswatch", *args],
        input=stdin,
        capture_output=True,
        timeout=timeout,
        cwd=ROOT,
        env=env,
    )


def one_line_exit_2(result: subprocess.CompletedProcess) -> str:
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 2, (result.returncode, err)
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


# -- config files --------------------------------------------------------------------------

CONFIGS = [
    # (file content, what the one line must say, and the line number it must name)
    (b"[collector]\ntimout = 5\n" + GOOD_FEED.encode(), "unknown key 'timout'", ":2:"),
    (b"[collector]\ntimout = 5\n" + GOOD_FEED.encode(), "did you mean 'timeout'", ":2:"),
    (b"[collector]\nconcurrency = 'many'\n" + GOOD_FEED.encode(), "'collector.concurrency'", ":2:"),
    (b"[collector]\ntimeout = 0\n" + GOOD_FEED.encode(), "'collector.timeout' must be", ":2:"),
    (b"[collector]\nper_host = -3\n" + GOOD_FEED.encode(), "'collector.per_host' must be", ":2:"),
    (b"[storage]\npath = 42\n" + GOOD_FEED.encode(), "'storage.path' must be", ":2:"),
    (b"[alerts]\nbell = 'loud'\n" + GOOD_FEED.encode(), "'alerts.bell' must be", ":2:"),
    (b"[alerts]\nlevel = true\n" + GOOD_FEED.encode(), "'alerts.level' must be", ":2:"),
    (b"[watch]\ncountries = 'IRN'\n" + GOOD_FEED.encode(), "'watch.countries' must be", ":2:"),
    (b"[watch]\ncountries = ['XYZ']\n" + GOOD_FEED.encode(), "unknown country code 'XYZ'", ":2:"),
    (b"watch = 5\n" + GOOD_FEED.encode(), "'watch' must be a table", ":1:"),
    (GOOD_FEED.encode() + b"tags = 'news'\n", "'feeds.tags' must be", ":3:"),
    (GOOD_FEED.encode() + b"tags = [1, 2]\n", "'feeds.tags' must be a list of strings", ":3:"),
    (GOOD_FEED.encode() + b"name = 7\n", "'feeds.name' must be", ":3:"),
    (GOOD_FEED.encode() + b"interval = 5\n", "below 30 seconds", ":3:"),
    (b"[[feeds]]\nurl = 'https://exa mple.org/rss'\n", "is not an http(s) address", ":2:"),
    (b"[[feeds]]\nurl = 'https://example.org:99999/rss'\n", "is not an http(s) address", ":2:"),
    (b"[[feeds]]\nurl = 'javascript:alert(1)'\n", "is not an http(s) address", ":2:"),
    (b"[[feeds]]\nurl = 'https://'\n", "is not an http(s) address", ":2:"),
    (b"[[feeds]]\nurl = ''\n", "is not an http(s) address", ":2:"),
    (
        b"[[feeds]]\nurl = 'https://a.example/rss'\n\n[[feeds]]\nurl = ' https://a.example/rss'\n",
        "repeats the url of feed #1",
        ":5:",
    ),
    (GOOD_FEED.encode() + b"enabled = false\n", "no enabled feeds", ""),
    (b"", "no enabled feeds", ""),
    (b"# only a comment\n", "no enabled feeds", ""),
    (
        b"[[feeds]]\nurl = 'https://a.example/rss'\nurl = 'https://b.example'\n",
        "not valid TOML",
        "",
    ),
    (b'[[feeds]]\nurl = "unterminated\n', "not valid TOML", ""),
    (b"\xff\xfe[\x00f\x00", "cannot read the config file", ""),
    (b"[[feeds]]\nurl = 'https://a.example/\xe9'\n", "cannot read the config file", ""),
    (b"\x00\x01\x02binary", "not valid TOML", ""),
    (b"[actors]\nZZZ = ['x']\n" + GOOD_FEED.encode(), "'ZZZ' is not a known ISO", ":2:"),
    (b"[actors]\nUKR = 'Kyiv'\n" + GOOD_FEED.encode(), "must be a list of aliases", ":2:"),
]


@pytest.mark.parametrize(("content", "needle", "line"), CONFIGS)
def test_config_problem_is_one_line_naming_file_and_place(
    tmp_path: Path, content: bytes, needle: str, line: str
) -> None:
    config = tmp_path / "config.toml"
    config.write_bytes(content)
    message = one_line_exit_2(
        run("collect", "--once", "--config", str(config), "--db", str(tmp_path / "x.db"))
    )
    assert str(config) in message and needle in message, message
    assert line in message, message


@pytest.mark.parametrize("command", ["collect", "feeds", "export", "reclassify"])
def test_every_command_reports_a_broken_config_the_same_way(tmp_path: Path, command: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[collector]\ntimout = 5\n" + GOOD_FEED)
    message = one_line_exit_2(run(command, "--config", str(config), "--db", str(tmp_path / "x.db")))
    assert f"{config}:2: unknown key 'timout'" in message


def test_config_that_is_a_directory(tmp_path: Path) -> None:
    message = one_line_exit_2(run("feeds", "--config", str(tmp_path)))
    assert str(tmp_path) in message


def test_config_from_environment_that_does_not_exist(tmp_path: Path) -> None:
    env = {**os.environ, "CRISISWATCH_CONFIG": str(tmp_path / "gone.toml")}
    result = subprocess.run(
        [sys.executable, "-m", "crisiswatch", "feeds"], capture_output=True, env=env, cwd=ROOT
    )
    message = one_line_exit_2(result)
    assert "gone.toml" in message and "not found" in message


# -- command-line values --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("export", "--min-level", "-1"), "--min-level"),
        (("export", "--min-level", "three"), "--min-level"),
        (("export", "--min-level", "2.5"), "--min-level"),
        (("export", "--since", "2026-13-45"), "is not an ISO date"),
        (("export", "--since", ""), "is not an ISO date"),
        (("export", "--since", "tomorrow; DROP TABLE items"), "is not an ISO date"),
        (("export", "--country", "U1A"), "not an ISO 3166-1 alpha-3"),
        (("export", "--country", ""), "not an ISO 3166-1 alpha-3"),
        (("export", "--format"), "--format"),
        (("collect", "--once", "surplus"), "unexpected extra argument"),
        (("feeds", "--json=yes"), "--json"),
        (("classify",), "either a headline TEXT or --jsonl"),
        (("classify", "headline", "--jsonl"), "either a headline TEXT or --jsonl"),
    ],
)
def test_bad_values_are_one_line_exit_2(tmp_path: Path, args: tuple[str, ...], needle: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(GOOD_FEED)
    message = one_line_exit_2(run(*args, "--config", str(config), "--db", str(tmp_path / "x.db")))
    assert needle in message, message


def test_db_that_is_a_directory(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(GOOD_FEED)
    message = one_line_exit_2(run("export", "--config", str(config), "--db", str(tmp_path)))
    assert str(tmp_path) in message


def test_db_that_is_not_a_database(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(GOOD_FEED)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is a text file, not SQLite\n" * 200)
    for command in ("export", "feeds", "collect"):
        message = one_line_exit_2(run(command, "--config", str(config), "--db", str(junk)))
        assert str(junk) in message and "not a crisiswatch database" in message, message


# -- search input ---------------------------------------------------------------------------

STORIES = [
    "Troops gather near the border",
    "NEAR(talks ceasefire) is not an operator here",
    'Minister says "no comment" on strikes',
    "Rebels (allegedly) seize airport",
    "Prices rise 5* in Kharkiv: markets react",
    "AND OR NOT: protesters spell it out",
]


@pytest.fixture(scope="module")
def search_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    from crisiswatch.config import FeedConfig

    store = Store(tmp_path_factory.mktemp("search") / "search.db")
    store.sync_feeds([FeedConfig("https://s.example/rss", "s", 600)])
    (feed,) = store.due_feeds(utcnow())
    pairs = [
        (Item(feed.url, f"g{n}", title, "", f"https://s.example/{n}", utcnow()), Classification())
        for n, title in enumerate(STORIES)
    ]
    store.add_items(feed.id, pairs, seen=utcnow())
    return store


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("near", {0, 1}),
        ("NEAR", {0, 1}),
        ("NEAR(talks", {1}),
        ('"no comment', {2}),
        ('no comment"', {2}),
        ("(allegedly)", {3}),
        ("5*", {4}),
        ("AND OR NOT", {5}),
        ("NOT", {1, 5}),
        ("title:border", set()),  # a column filter is just two words here
        ("border)", {0}),
        ("kharkiv:", {4}),
    ],
)
def test_search_syntax_is_plain_text(search_store: Store, query: str, expected: set[int]) -> None:
    found = {STORIES.index(item.title) for item in search_store.search(query)}
    assert found == expected


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        '"',
        '""',
        "(",
        ")",
        "*",
        "^",
        "-",
        "+",
        ":",
        "{}",
        "NEAR(",
        "a NEAR/3 b",
        "'",
        "\x00",
        "\u202e",
        "🙂",
        "a" * 5000,
    ],
)
def test_search_never_raises(search_store: Store, query: str) -> None:
    assert isinstance(search_store.search(query), list)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
def test_any_typed_text_is_a_valid_search(search_store: Store, text: str) -> None:
    query = fts_query(text)
    assert query is None or query.count('"') % 2 == 0
    search_store.search(text)  # must not raise


# -- classify --jsonl -----------------------------------------------------------------------


def classify_jsonl(data: bytes) -> list[dict[str, object]]:
    result = run("classify", "--jsonl", stdin=data)
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_classify_jsonl_turns_each_bad_line_into_an_error_and_goes_on() -> None:
    good = b'{"id": 1, "title": "Russian missiles strike Kharkiv"}\n'
    bad = [
        b'{"id": 2, "title": "unterminated\n',  # broken JSON
        b"not json at all\n",
        b"[1, 2, 3]\n",  # JSON, but not an object
        b'{"id": 3, "title": 42}\n',  # wrong type
        b'{"id": 4}\n',  # no title
        b"[" * 100_000 + b"]" * 100_000 + b"\n",  # nesting deep enough to break a parser
        b'{"id": 5, "title": "' + b"x" * (2 << 20) + b'"}\n',  # a line over the size limit
    ]
    data = good + b"".join(line + good for line in bad)
    rows = classify_jsonl(data)
    assert len(rows) == 2 * len(bad) + 1, [str(r)[:80] for r in rows]
    for n, row in enumerate(rows):
        if n % 2 == 0:
            actors = row.get("actors")
            assert isinstance(actors, list), row
            assert row.get("id") == 1 and "UKR" in actors and "error" not in row, row
        else:
            assert set(row) <= {"error", "id"} and row["error"], row


def test_classify_jsonl_non_utf8_lines_do_not_stop_the_stream() -> None:
    """One output line per input line, in order: a line that is not UTF-8 gets an error
    object (with its id when readable) and never ends the run."""
    good = b'{"id": 1, "title": "Ceasefire talks in Doha"}\n'
    latin1 = '{"id": 2, "title": "Café strike in São Paulo"}\n'.encode("latin-1")
    rows = classify_jsonl(
        good + latin1 + b'{"id": 3, "title": "\xff\xfe\x00"}\n' + b"\xff" * 5000 + b"\n" + good
    )
    assert [row.get("id") for row in rows] == [1, 2, 3, None, 1]
    assert "error" not in rows[0] and "error" not in rows[4]
    for bad in rows[1:4]:
        assert "not UTF-8" in str(bad["error"]), bad


def test_classify_jsonl_output_is_terminal_safe() -> None:
    line = json.dumps({"id": "\x1b]52;c;evil\x07", "title": "Strike \x1b[2J in Gaza \u202e"})
    rows = classify_jsonl(line.encode() + b"\n")
    assert len(rows) == 1 and "error" not in rows[0]
    evidence = rows[0]["evidence"]
    assert isinstance(evidence, list), rows[0]
    for ev in evidence:
        assert "\x1b" not in json.dumps(ev, ensure_ascii=False)
