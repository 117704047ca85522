"""Config loading: the schema contract, the lookup order and one-line errors."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from crisiswatch.config import PACKAGED_CONFIG, ConfigError, find_config, load_config

GOOD = """
[collector]
interval = 300

[storage]
path = "data/cw.db"

[watch]
countries = ["irn", "ISR", "IRN"]

[alerts]
level = 3
bell = true

[actors]
UKR = ["Bankova"]

[[feeds]]
name = "One"
url = "https://example.org/rss"
tags = ["world"]

[[feeds]]
url = "http://example.net/atom.xml"
interval = 120
enabled = false
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_good_config_round_trip(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, GOOD))
    assert [f.url for f in config.feeds] == [
        "https://example.org/rss",
        "http://example.net/atom.xml",
    ]
    first, second = config.feeds
    assert (first.name, first.interval, first.enabled, first.tags) == ("One", 300, True, ("world",))
    assert (second.name, second.interval, second.enabled) == ("example.net", 120, False)
    assert config.watch == ("IRN", "ISR")
    assert config.alert_level == 3 and config.bell is True
    assert config.db_path == tmp_path / "data" / "cw.db"
    assert config.extra_aliases == {"UKR": ["Bankova"]}


def test_db_flag_overrides_storage_path(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, GOOD), db=tmp_path / "other.db")
    assert config.db_path == tmp_path / "other.db"


def test_packaged_default_is_valid_and_rich() -> None:
    config = load_config(PACKAGED_CONFIG)
    assert len(config.feeds) >= 15
    assert len({f.url for f in config.feeds}) == len(config.feeds)
    assert all(f.url.startswith("https://") for f in config.feeds)
    assert config.watch and 0 <= config.alert_level <= 5


def test_top_level_config_is_the_packaged_one() -> None:
    top = Path(__file__).resolve().parents[2] / "config.toml"
    assert top.read_bytes() == PACKAGED_CONFIG.read_bytes()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[[feeds]]\nurl = 'https://a.org/x'\nintervall = 5\n", ":3: unknown key 'intervall'"),
        ("[[feeds]]\nurl = 'https://a.org/x'\nintervall = 5\n", "did you mean 'interval'"),
        ("[alert]\nlevel = 3\n", "unknown key 'alert' in the top level; did you mean 'alerts'"),
        ("[alerts]\nlevle = 3\n[[feeds]]\nurl='https://a.org'\n", ":2: unknown key 'levle'"),
        ("[[feeds]]\nurl = 'https://a.org/x'\ninterval = 'ten'\n", ":3: 'feeds.interval' must be"),
        ("[[feeds]]\nurl = 'https://a.org/x'\nenabled = 1\n", ":3: 'feeds.enabled' must be true"),
        ("[[feeds]]\nurl = 'ftp://a.org/x'\n", ":2: feed #1 url 'ftp://a.org/x' is not an http(s)"),
        ("[[feeds]]\nurl = 'not a url'\n", "is not an http(s) address"),
        ("[[feeds]]\nname = 'x'\n", ":1: feed #1 has no 'url'"),
        (
            "[[feeds]]\nurl = 'https://a.org/x'\n\n[[feeds]]\nurl = 'https://a.org/x'\n",
            ":5: feed #2 repeats the url of feed #1",
        ),
        ("[watch]\ncountries = []\n", "no enabled feeds"),
        (
            "[alerts]\nlevel = 9\n[[feeds]]\nurl='https://a.org'\n",
            ":2: 'alerts.level' must be between 0",
        ),
        ("[watch]\ncountries = ['Iran']\n[[feeds]]\nurl='https://a.org'\n", "not an ISO 3166-1"),
        ("feeds = 3\n", "'feeds' must be an array of tables"),
        ("[collector]\ninterval = 5\n[[feeds]]\nurl='https://a.org'\n", "below 30 seconds"),
        ("this is = = not toml", "not valid TOML"),
    ],
)
def test_bad_configs_give_one_line_errors(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(str(path))
    assert expected in message


def test_missing_file_names_it(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.toml")


def test_lookup_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    explicit = write(tmp_path, GOOD)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("CRISISWATCH_CONFIG", raising=False)
    assert find_config(None) == tmp_path / "config.toml"  # ./config.toml
    env_file = tmp_path / "env.toml"
    monkeypatch.setenv("CRISISWATCH_CONFIG", str(env_file))
    assert find_config(None) == env_file  # the environment beats ./config.toml
    assert find_config(explicit) == explicit  # --config beats everything
    monkeypatch.delenv("CRISISWATCH_CONFIG")
    explicit.unlink()
    user = tmp_path / "xdg" / "crisiswatch" / "config.toml"
    user.parent.mkdir(parents=True)
    user.write_text(GOOD)
    assert find_config(None) == user
    user.unlink()
    assert find_config(None) == PACKAGED_CONFIG


FEED = "[[feeds]]\nurl = 'https://a.org/x'\n"


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("max_body_mb = inf", "'collector.max_body_mb' must be between 0.1 and 1024 MiB, not inf"),
        ("max_body_mb = nan", "'collector.max_body_mb' must be between 0.1 and 1024 MiB, not nan"),
        ("max_body_mb = 0", "'collector.max_body_mb' must be between 0.1 and 1024 MiB, not 0"),
        ("max_body_mb = 1e6", "'collector.max_body_mb' must be between 0.1 and 1024 MiB"),
        ("timeout = nan", "'collector.timeout' must be between 1 and 600 seconds, not nan"),
        ("timeout = -inf", "'collector.timeout' must be between 1 and 600 seconds, not -inf"),
        ("timeout = 86400", "'collector.timeout' must be between 1 and 600 seconds, not 86400"),
        ("parse_timeout = nan", "'collector.parse_timeout' must be between 1 and 600 seconds"),
        ("parse_timeout = inf", "'collector.parse_timeout' must be between 1 and 600 seconds"),
        ("parse_timeout = -1", "'collector.parse_timeout' must be between 1 and 600 seconds"),
        ("concurrency = 0", "'collector.concurrency' must be between 1 and 1000, not 0"),
        ("concurrency = 10_000_000", "'collector.concurrency' must be between 1 and 1000"),
        ("per_host = 100000", "'collector.per_host' must be between 1 and 1000, not 100000"),
        ("interval = 9223372036854775807", "'collector.interval' must be between 30 and 604800"),
        ("interval = 29", "not 29: below 30 seconds is impolite to feed servers"),
    ],
)
def test_collector_numbers_must_be_finite_and_in_range(
    tmp_path: Path, setting: str, expected: str
) -> None:
    path = write(tmp_path, f"[collector]\n{setting}\n{FEED}")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert message.startswith(f"{path}:2: ") and "\n" not in message
    assert expected in message


@pytest.mark.parametrize("value", ["9223372036854775807", "1000000000000", "604801", "-5"])
def test_feed_interval_must_be_in_range(tmp_path: Path, value: str) -> None:
    path = write(tmp_path, f"{FEED}\n[[feeds]]\nurl = 'https://b.org/x'\ninterval = {value}\n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value) == (
        f"{path}:6: 'feeds.interval' must be between 30 and 604800 seconds, not {value}"
        + (": below 30 seconds is impolite to feed servers" if value == "-5" else "")
    )


def test_numbers_at_their_bounds_are_accepted(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "[collector]\ninterval = 604800\nconcurrency = 1000\nper_host = 1\ntimeout = 600\n"
        "max_body_mb = 0.1\nparse_timeout = 1.0\n[alerts]\nlevel = 0\n"
        f"{FEED}interval = 30\n",
    )
    config = load_config(path)
    collector = config.collector
    assert (collector.interval, collector.concurrency, collector.per_host) == (604800, 1000, 1)
    assert (collector.timeout, collector.parse_timeout) == (600, 1.0)
    assert collector.max_bytes == int(0.1 * 1024 * 1024)
    assert config.feeds[0].interval == 30 and config.alert_level == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[alerts]\nlevel = true\n", "'alerts.level' must be an integer 0-5, not true"),
        ("[alerts]\nlevel = 3.5\n", "'alerts.level' must be an integer 0-5, not 3.5"),
        ("[alerts]\nbell = 'loud'\n", "'alerts.bell' must be true or false, not \"loud\""),
        ("[collector]\ntimeout = 'soon'\n", "'collector.timeout' must be a number 1-600 seconds"),
        ("[collector]\ninterval = 600.0\n", "an integer 30-604800 seconds, not 600.0"),
        ("[collector]\nconcurrency = [4]\n", "'collector.concurrency' must be an integer 1-1000"),
        ("[storage]\npath = 42\n", "'storage.path' must be a string, not 42"),
        ("[watch]\ncountries = 'IRN'\n", 'must be a list of country codes, not "IRN"'),
        ("[collector]\ntimeout = 2026-01-01\n", "must be a number 1-600 seconds, not a date"),
        ("[storage]\npath = {a = 1}\n", "'storage.path' must be a string, not a table"),
    ],
)
def test_wrong_types_name_the_expected_type_plainly(
    tmp_path: Path, text: str, expected: str
) -> None:
    """Not the key's description ("must be alert on items at or above...")."""
    path = write(tmp_path, text + FEED)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert message.startswith(f"{path}:2: ") and "\n" not in message
    assert expected in message, message


def test_a_long_or_multiline_string_value_stays_on_one_short_line(tmp_path: Path) -> None:
    path = write(tmp_path, f'[alerts]\nlevel = "{"x" * 300}\\nsecond line"\n{FEED}')
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert "\n" not in message and len(message) < len(str(path)) + 120, message


def test_a_utf8_bom_is_accepted(tmp_path: Path) -> None:
    """Notepad saves UTF-8 with a byte order mark; it is not part of the TOML."""
    plain = load_config(write(tmp_path, GOOD))
    path = tmp_path / "bom.toml"
    path.write_bytes("\ufeff".encode() + textwrap.dedent(GOOD).encode())
    config = load_config(path)
    assert config.feeds == plain.feeds and config.watch == plain.watch
    assert config.collector == plain.collector and config.db_path == plain.db_path


def test_line_numbers_are_right_after_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b"\xef\xbb\xbf[alerts]\nlevle = 3\n" + FEED.encode())
    with pytest.raises(ConfigError, match=r":2: unknown key 'levle'"):
        load_config(path)


def test_huge_integers_are_refused_without_overflow(tmp_path: Path) -> None:
    """tomllib reads integers of any size: float(10**500) overflows, str(10**5000) refuses."""
    path = write(tmp_path, f"[collector]\ntimeout = 1{'0' * 500}\n{FEED}")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value) == (
        f"{path}:2: 'collector.timeout' must be between 1 and 600 seconds, "
        "not 10000000000000000000... (501 digits)"
    )
    path = write(tmp_path, f"[collector]\nconcurrency = 1{'0' * 5000}\n{FEED}")
    with pytest.raises(ConfigError, match="not valid TOML: a number has more than 4300 digits"):
        load_config(path)
