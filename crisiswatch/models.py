"""Plain records that flow through the pipeline: fetch -> parse -> classify -> store -> view.

They are frozen dataclasses so they pickle cheaply across the parse worker
processes and can never be mutated half-way through the pipeline.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple

ISO_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
# The escalation scale's names, as the labelling guide (docs/methodology.md) gives them:
# one list for the CLI, the dashboard and the docs, so they never drift apart.
LEVEL_NAMES = (
    "no conflict signal",
    "verbal friction",
    "coercion short of force",
    "limited use of force",
    "major armed conflict",
    "strategic or WMD",
)


def to_iso(moment: datetime) -> str:
    """Render a datetime as the fixed-width UTC string the store sorts on."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime(ISO_FORMAT)


def from_iso(text: str) -> datetime:
    return datetime.strptime(text, ISO_FORMAT).replace(tzinfo=UTC)


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class Evidence(NamedTuple):
    """One matched phrase and what it stands for, so a level can be explained.

    A named tuple rather than a dataclass: every classified item makes several,
    and a tuple is built in one C call (the classifier's hot path).
    """

    field: str  # "title" or "summary"
    start: int  # character span in that field's text
    end: int
    text: str  # the phrase as it appears in the text
    kind: str  # "actor", "level", "modifier", "deescalation" or "review" (a learned lowering)
    value: str  # ISO3 code for actors, the level ("0".."5") for levels, a modifier name
    note: str = ""  # why it counts, in words

    def to_dict(self) -> dict[str, Any]:
        return self._asdict()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Evidence:
        return cls(**{k: data[k] for k in cls._fields if k in data})


@dataclass(frozen=True, slots=True)
class Classification:
    actors: tuple[str, ...] = ()
    level: int = 0
    deescalation: bool = False
    evidence: tuple[Evidence, ...] = ()
    version: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "actors": list(self.actors),
            "level": self.level,
            "deescalation": self.deescalation,
            "evidence": [e.to_dict() for e in self.evidence],
            "classifier_version": self.version,
        }


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


def content_keys(feed_url: str, link: str | None, title: str, summary: str) -> tuple[str, str]:
    """An item's keys made from what it says: (id for an item without GUID, fingerprint).

    The fingerprint, unique as well, is feed + link + title + summary: it catches a
    feed that invents new GUIDs for the same stories on every fetch, while entries
    that share a title (and a link, or none) but say different things stay apart.
    The date is left out on purpose: churning feeds re-stamp it too, and a feed
    without dates gets a new estimate on every fetch. A GUID never contains a NUL
    (parse.py hashes unprintable ones), so the content id cannot meet a GUID's.
    """
    content = f"{feed_url}\x00{link or ''}\x00{title.casefold()}\x00{summary}"
    return _digest(f"\x00item\x00{content}"), _digest(content)


def item_id(feed_url: str, guid: str | None, link: str | None, title: str, summary: str) -> str:
    """Stable identity: feed + GUID, else what the entry says (`content_keys`)."""
    if guid:
        return _digest(f"{feed_url}\x00{guid}")
    return content_keys(feed_url, link, title, summary)[0]


@dataclass(frozen=True, slots=True)
class Item:
    """A clean, sanitised feed entry: all text is plain and safe to show."""

    feed_url: str
    guid: str | None
    title: str
    summary: str
    url: str | None  # http(s) only, else None
    published: datetime  # UTC
    published_estimated: bool = False  # True when the feed gave no usable date

    @property
    def id(self) -> str:
        return item_id(self.feed_url, self.guid, self.url, self.title, self.summary)

    @property
    def fingerprint(self) -> str:
        """Second identity that survives feeds which rewrite their GUIDs on every fetch."""
        return content_keys(self.feed_url, self.url, self.title, self.summary)[1]


# One item as the store writes it: (id, fingerprint, guid, title, summary, url,
# published, published_estimated, actors, level, deescalation, evidence JSON,
# classifier version). Plain strings and ints, so that a worker's batch of ten
# thousand crosses the process boundary in a few milliseconds, where dataclasses
# cost a Python call per object to unpickle.
ItemRow = tuple[str, str, str | None, str, str, str | None, str, int, str, int, int, str, str]


def item_row(item: Item, label: Classification) -> ItemRow:
    """The store's row for a classified item: ids hashed, times and evidence serialised."""
    return (
        item.id,
        item.fingerprint,
        item.guid,
        item.title,
        item.summary,
        item.url,
        to_iso(item.published),
        int(item.published_estimated),
        " ".join(label.actors),
        label.level,
        int(label.deescalation),
        json.dumps([e.to_dict() for e in label.evidence], ensure_ascii=False),
        label.version,
    )


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """What parsing one document came to: items already classified.

    `items` is the readable form; `rows` carries the same items in store form and
    is what the parse worker sends back (`ParsePool` fills one, not both).
    """

    items: tuple[tuple[Item, Classification], ...] = ()
    title: str = ""
    warning: str | None = None  # a readable note when the feed was malformed but usable
    error: str | None = None  # set when nothing usable came out
    rows: tuple[ItemRow, ...] = ()

    def store_rows(self) -> tuple[ItemRow, ...]:
        return self.rows or tuple(item_row(item, label) for item, label in self.items)


@dataclass(slots=True)
class FeedHealth:
    """The health columns of one feed row, as the views read them."""

    url: str
    name: str
    enabled: bool = True
    last_status: int | None = None
    last_ok: str | None = None
    last_attempt: str | None = None
    consecutive_errors: int = 0
    error: str | None = None
    warning: str | None = None
    next_poll: str | None = None
    items_total: int = 0
    tags: list[str] = field(default_factory=list)
