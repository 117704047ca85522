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
