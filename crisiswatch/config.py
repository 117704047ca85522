"""Load and validate config.toml: the only module that reads it.

Every problem becomes one `ConfigError` line naming the file, the line and
the key, with a suggestion, because a traceback helps nobody edit a TOML file.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import platformdirs

from crisiswatch.schedule import MAX_INTERVAL, MIN_INTERVAL

APP = "crisiswatch"
PACKAGED_CONFIG = Path(__file__).parent / "data" / "config.toml"
ISO3 = re.compile(r"^[A-Z]{3}$")
# A host is dot-separated labels (IDN letters allowed) or a bracketed IPv6 address;
# a space or a stray symbol in it would only fail later, at every poll.
_HOST = re.compile(
    r"^(\[[0-9A-Fa-f:.]+\]|[^\W_](?:[\w-]*[^\W_])?(?:\.[^\W_](?:[\w-]*[^\W_])?)*\.?)$"
)


def is_http_url(url: str) -> bool:
    """True for an absolute http(s) URL whose host could resolve; checked at load, not at poll."""
    if any(c.isspace() or ord(c) < 32 for c in url):
        return False
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        return False
    host = parts.netloc.rpartition("@")[2]
    host = host.partition("]")[0] + "]" if host.startswith("[") else host.partition(":")[0]
    return parts.scheme in ("http", "https") and bool(_HOST.match(host))


class ConfigError(Exception):
    """A one-line, user-facing configuration problem (exit code 2)."""


@dataclass(frozen=True, slots=True)
class FeedConfig:
    url: str
    name: str
    interval: int
    enabled: bool = True
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CollectorConfig:
    interval: int = 900
    concurrency: int = 32
    per_host: int = 6
    timeout: float = 30.0
    max_body_mb: float = 15.0
    parse_timeout: float = 20.0

    @property
    def max_bytes(self) -> int:
        return int(self.max_body_mb * 1024 * 1024)


@dataclass(frozen=True, slots=True)
class Config:
    source: Path  # the file this came from
    feeds: tuple[FeedConfig, ...]
    db_path: Path
    collector: CollectorConfig = field(default_factory=CollectorConfig)
    watch: tuple[str, ...] = ()
    alert_level: int = 4
    bell: bool = False
    actors: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def extra_aliases(self) -> dict[str, list[str]]:
        return {code: list(names) for code, names in self.actors.items()}


@dataclass(frozen=True, slots=True)
class _Key:
    """One key of the schema: its TOML type(s), that type in words, and its bounds.

    `kind` is what errors say the value must be ("an integer"), so a type mistake
    reads as what to write instead.
    """

    types: type | tuple[type, ...]
    kind: str  # "an integer", "a number", "true or false", ...
    low: float | None = None  # inclusive bounds, for numbers
    high: float | None = None
    unit: str = ""
    too_low: str = ""  # why values below `low` are refused, when it is not obvious

    @property
    def bounds(self) -> str:
        """' 1-600 seconds', or '' for a key without a range."""
        if self.low is None or self.high is None:
            return ""
        unit = f" {self.unit}" if self.unit else ""
        return f" {_num(self.low)}-{_num(self.high)}{unit}"


# The schema: section -> key -> _Key. Kept as data so the messages and the
# suggestions come from one place. Every number has finite bounds: inf, nan or
# 10**18 would otherwise load fine and then fail every poll, or crash one.
_IMPOLITE = f"below {MIN_INTERVAL} seconds is impolite to feed servers"
_INTERVAL = _Key(int, "an integer", MIN_INTERVAL, MAX_INTERVAL, "seconds", _IMPOLITE)
_FEED_KEYS: dict[str, _Key] = {
    "url": _Key(str, "a string"),  # the feed's http(s) address
    "name": _Key(str, "a string"),  # a short display name
    "interval": _INTERVAL,  # seconds between polls of this feed
    "enabled": _Key(bool, "true or false"),
    "tags": _Key(list, "a list of strings"),
}
_SECTIONS: dict[str, dict[str, _Key]] = {
    "collector": {
        "interval": _INTERVAL,  # default seconds between polls of a feed
        "concurrency": _Key(int, "an integer", 1, 1000),  # requests in flight at once
        "per_host": _Key(int, "an integer", 1, 1000),  # requests in flight per host
        "timeout": _Key((int, float), "a number", 1, 600, "seconds"),  # per request, in total
        "max_body_mb": _Key((int, float), "a number", 0.1, 1024, "MiB"),  # largest body taken
        "parse_timeout": _Key((int, float), "a number", 1, 600, "seconds"),  # per feed parse
    },
    "storage": {"path": _Key(str, "a string")},  # the SQLite file; empty = the user data dir
    "watch": {"countries": _Key(list, "a list of country codes")},  # ISO 3166-1 alpha-3
    "alerts": {
        "level": _Key(int, "an integer", 0, 5),  # alert on items at or above this level
        "bell": _Key(bool, "true or false"),  # ring the terminal bell on alerts
    },
}
_TOP_KEYS = [*_SECTIONS, "feeds", "actors"]


def user_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP)) / "config.toml"


def default_db_path() -> Path:
    return Path(platformdirs.user_data_dir(APP)) / "crisiswatch.db"


def find_config(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Lookup order: --config, $CRISISWATCH_CONFIG, ./config.toml, user dir, packaged."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("CRISISWATCH_CONFIG")
    if env:
        return Path(env)
    for candidate in (Path.cwd() / "config.toml", user_config_path()):
        if candidate.is_file():
            return candidate
    return PACKAGED_CONFIG


def load_config(
    path: str | os.PathLike[str] | None = None,
    *,
    db: str | os.PathLike[str] | None = None,
    require_feeds: bool = True,
) -> Config:
    source = find_config(path)
    try:
        # utf-8-sig: Notepad and some other editors start the file with a BOM.
        raw_text = source.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(
            f"{source}: config file not found; pass --config PATH or create it"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{source}: cannot read the config file ({_reason(exc)})") from None
    try:
        data = tomllib.loads(raw_text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML: {exc}") from None
    except ValueError:  # int() refuses integers of more than 4300 digits
        raise ConfigError(
            f"{source}: not valid TOML: a number has more than 4300 digits; write a sensible value"
        ) from None
    return _Validator(source, raw_text).build(data, db=db, require_feeds=require_feeds)


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc)


def _num(value: float) -> str:
    """A bound as a person writes it: 600, not 600.0."""
    return str(int(value)) if float(value).is_integer() else str(value)


def _shown(value: Any) -> str:
    """A config value spelled as TOML would, on one line and short."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        text = str(value)
        return text if len(text) <= 24 else f"{text[:20]}... ({len(text)} digits)"
    if isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)  # quoted, newlines escaped
        return text if len(text) <= 40 else text[:36] + '..."'
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return f"a {type(value).__name__}"  # TOML dates and times


def _suggest(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.5)
    if close:
        return f"did you mean '{close[0]}'?"
    return "valid keys: " + ", ".join(choices)


class _Validator:
    def __init__(self, source: Path, text: str) -> None:
        self.source = source
        self.lines = text.splitlines()

    # -- locating keys so messages can name a line ---------------------------
    def _header_lines(self, header: str) -> list[int]:
        pattern = re.compile(r"^\s*" + re.escape(header) + r"\s*(#.*)?$")
        return [i for i, line in enumerate(self.lines) if pattern.match(line)]

    def _line_of(self, key: str, section: str | None = None, index: int | None = None) -> int:
        """1-based line of `key` inside a section (or the n-th [[feeds]]), 0 if unknown."""
        start, end = 0, len(self.lines)
        if section is not None:
            header = f"[[{section}]]" if index is not None else f"[{section}]"
            found = self._header_lines(header)
            if index is not None:
                found = found[index : index + 1]
            if found:
                start = found[0]
                end = next(
                    (
                        i
                        for i in range(start + 1, len(self.lines))
                        if self.lines[i].lstrip().startswith("[")
                    ),
                    len(self.lines),
                )
                if key == "":
                    return start + 1
        key_re = re.compile(r"^\s*\"?" + re.escape(key) + r"\"?\s*=")
        for i in range(start, end):
            if key_re.match(self.lines[i]):
                return i + 1
        return start + 1 if section is not None else 0

    def fail(
        self, what: str, key: str, section: str | None = None, index: int | None = None
    ) -> ConfigError:
        line = self._line_of(key, section, index)
        where = f"{self.source}:{line}" if line else str(self.source)
        return ConfigError(f"{where}: {what}")

    # -- validation -----------------------------------------------------------
    def _check_value(
        self,
        value: Any,
        spec: _Key,
        label: str,
        key: str,
        section: str | None,
        index: int | None = None,
    ) -> None:
        """The value's type, then for numbers: finite and within the key's bounds."""
        types = spec.types if isinstance(spec.types, tuple) else (spec.types,)
        ok = isinstance(value, types) and not (isinstance(value, bool) and bool not in types)
        if not ok:
            raise self.fail(
                f"'{label}' must be {spec.kind}{spec.bounds}, not {_shown(value)}",
                key,
                section,
                index,
            )
        if spec.low is None or spec.high is None:
            return
        # nan fails every comparison and the bounds are finite: inf and nan are refused
        # here too, and an integer of any size is compared without float overflow.
        if not spec.low <= value <= spec.high:
            unit = f" {spec.unit}" if spec.unit else ""
            why = f": {spec.too_low}" if spec.too_low and value < spec.low else ""
            raise self.fail(
                f"'{label}' must be between {_num(spec.low)} and {_num(spec.high)}{unit}, "
                f"not {_shown(value)}{why}",
                key,
                section,
                index,
            )

    def _check_keys(
        self, table: Mapping[str, Any], allowed: list[str], label: str, index: int | None = None
    ) -> None:
        for key in table:
            if key not in allowed:
                section = label.strip("[]") if label else None
                raise self.fail(
                    f"unknown key '{key}' in {label or 'the top level'}; {_suggest(key, allowed)}",
                    key,
                    section,
                    index,
                )

    def build(self, data: dict[str, Any], *, db: Any, require_feeds: bool) -> Config:
        self._check_keys(data, _TOP_KEYS, "")
        sections: dict[str, dict[str, Any]] = {}
        for name, schema in _SECTIONS.items():
            table = data.get(name, {})
            if not isinstance(table, dict):
                raise self.fail(f"'{name}' must be a table ([{name}])", name)
            self._check_keys(table, list(schema), f"[{name}]")
            for key, value in table.items():
                self._check_value(value, schema[key], f"{name}.{key}", key, name)
            sections[name] = table

        col = sections["collector"]
        collector = CollectorConfig(**{k: v for k, v in col.items()})

        feeds = self._feeds(data.get("feeds", []), collector.interval, require_feeds)
        watch = self._countries(sections["watch"].get("countries", []))
        level = sections["alerts"].get("level", 4)
        actors = self._actors(data.get("actors", {}))

        storage = sections["storage"].get("path", "")
        if db:
            db_path = Path(db)
        elif storage:
            db_path = Path(os.path.expandvars(os.path.expanduser(storage)))
            if not db_path.is_absolute():
                db_path = self.source.parent / db_path
        else:
            db_path = default_db_path()
        return Config(
            source=self.source,
            feeds=feeds,
            db_path=db_path,
            collector=collector,
            watch=watch,
            alert_level=level,
            bell=sections["alerts"].get("bell", False),
            actors=actors,
        )

    def _feeds(self, raw: Any, interval: int, require: bool) -> tuple[FeedConfig, ...]:
        if not isinstance(raw, list):
            raise self.fail("'feeds' must be an array of tables ([[feeds]])", "feeds")
        feeds: list[FeedConfig] = []
        seen: dict[str, int] = {}
        for i, table in enumerate(raw):
            if not isinstance(table, dict):
                raise self.fail("each 'feeds' entry must be a table ([[feeds]])", "feeds")
            self._check_keys(table, list(_FEED_KEYS), "[[feeds]]", i)
            for key, value in table.items():
                self._check_value(value, _FEED_KEYS[key], f"feeds.{key}", key, "feeds", i)
            if "url" not in table:
                raise self.fail(
                    f"feed #{i + 1} has no 'url'; add url = \"https://...\"", "", "feeds", i
                )
            url = table["url"].strip()
            if not is_http_url(url):
                raise self.fail(
                    f"feed #{i + 1} url {url!r} is not an http(s) address; "
                    "write it as https://host/path",
                    "url",
                    "feeds",
                    i,
                )
            if url in seen:
                raise self.fail(
                    f"feed #{i + 1} repeats the url of feed #{seen[url] + 1}; remove one of them",
                    "url",
                    "feeds",
                    i,
                )
            seen[url] = i
            tags = table.get("tags", [])
            if not all(isinstance(t, str) for t in tags):
                raise self.fail("'feeds.tags' must be a list of strings", "tags", "feeds", i)
            feed_interval = table.get("interval", interval)
            feeds.append(
                FeedConfig(
                    url=url,
                    name=table.get("name") or urlsplit(url).hostname,
                    interval=feed_interval,
                    enabled=table.get("enabled", True),
                    tags=tuple(tags),
                )
            )
        if require and not any(f.enabled for f in feeds):
            raise self.fail(
                "no enabled feeds; add a [[feeds]] table with a url (see the packaged config.toml)",
                "feeds",
            )
        return tuple(feeds)

    def _countries(self, raw: list[Any]) -> tuple[str, ...]:
        known = _known_codes()
        out: list[str] = []
        for code in raw:
            if not isinstance(code, str) or not ISO3.match(code.upper()):
                raise self.fail(
                    f'watch.countries entry {code!r} is not an ISO 3166-1 alpha-3 code like "UKR"',
                    "countries",
                    "watch",
                )
            code = code.upper()
            if known and code not in known:
                hint = _suggest(code, sorted(known)).replace("valid keys", "known codes")
                raise self.fail(
                    f"watch.countries has unknown country code '{code}'; {hint}",
                    "countries",
                    "watch",
                )
            if code not in out:
                out.append(code)
        return tuple(out)

    def _actors(self, raw: Any) -> dict[str, tuple[str, ...]]:
        if not isinstance(raw, dict):
            raise self.fail("'actors' must be a table ([actors])", "actors")
        known = _known_codes()
        out: dict[str, tuple[str, ...]] = {}
        for code, names in raw.items():
            if not ISO3.match(code) or (known and code not in known):
                raise self.fail(
                    f"[actors] key '{code}' is not a known ISO 3166-1 alpha-3 code",
                    code,
                    "actors",
                )
            if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
                raise self.fail(
                    f'[actors] {code} must be a list of aliases, like {code} = ["alias"]',
                    code,
                    "actors",
                )
            out[code] = tuple(names)
        return out


def _known_codes() -> frozenset[str]:
    """The gazetteer's codes, when the classifier data is available."""
    try:
        from crisiswatch.classify.gazetteer import known_codes
    except ImportError:
        return frozenset()
    return known_codes()
