"""The dashboard's read model: plain snapshots built from the store in worker threads.

Nothing here touches Textual. Every function takes a `Store` that belongs to
the calling thread (see `Reader`) and returns frozen records the widgets can
render without further I/O, so the event loop never waits on SQLite.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from crisiswatch.index import WINDOW, IndexReading, hourly_weights, reading
from crisiswatch.models import FeedHealth, from_iso, to_iso
from crisiswatch.queries import Cursor, StoredItem
from crisiswatch.store import Store
from crisiswatch.tui.names import country_name

WATCHLIST_KEY = "dashboard.watchlist"
SOURCE_WINDOW = timedelta(days=7)  # a feed that covered a country this recently is "its source"
AUTO_COUNTRIES = 12
TOAST_WINDOW = timedelta(hours=6)  # older reports reach the panels without a toast
PAGE = 100


class Reader:
    """One read-only store connection per thread (SQLite connections are per-thread).

    Connections are never closed from another thread: a worker may still be in
    the middle of a query. Each one closes when its thread ends and the
    thread-local is dropped.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._local = threading.local()

    def store(self) -> Store:
        store: Store | None = getattr(self._local, "store", None)
        if store is None:
            store = Store(self.path, readonly=True)  # raises StoreError while the DB is empty
            self._local.store = store
        return store


# -- records ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FeedSummary:
    ok: int = 0
    failing: int = 0
    waiting: int = 0  # configured but never polled yet
    last_poll: datetime | None = None
    items_last_hour: int = 0


@dataclass(frozen=True, slots=True)
class PanelData:
    code: str
    name: str
    reading: IndexReading
    spark: list[float]
    headlines: list[StoredItem]
    sources: int  # feeds that covered the country in the last 7 days
    failing: int  # ... of which are failing now

    @property
    def coverage_problem(self) -> str | None:
        """Why the panel may look calm when it is not: say it instead of staying silent."""
        if self.sources == 0:
            return "no source in 7 days"
        if self.failing >= self.sources:
            if self.sources == 1:
                return "its only source is failing"
            return f"all {self.sources} sources failing"
        return None


@dataclass(frozen=True, slots=True)
class Overview:
    countries: tuple[str, ...]
    watched: tuple[str, ...]  # explicit watchlist (empty: showing the most active)
    panels: list[PanelData]
    feeds: FeedSummary
    alerts: list[StoredItem]
    max_rowid: int
    problem: str | None = None


@dataclass(frozen=True, slots=True)
class CountryData:
    panel: PanelData
    week: list[float]
    co_actors: list[tuple[str, str, int]]  # code, name, count
    sources: list[FeedHealth] = field(default_factory=list)


# -- queries ---------------------------------------------------------------------------


def summarize_feeds(health: Sequence[FeedHealth], items_last_hour: int) -> FeedSummary:
    ok = failing = waiting = 0
    last: str | None = None
    for feed in health:
        if not feed.enabled:
            continue
        if feed.consecutive_errors:
            failing += 1
        elif feed.last_status is None:
            waiting += 1
        else:
            ok += 1
        if feed.last_attempt and (last is None or feed.last_attempt > last):
            last = feed.last_attempt
    return FeedSummary(ok, failing, waiting, from_iso(last) if last else None, items_last_hour)


def load_feeds(store: Store, now: datetime) -> FeedSummary:
    return summarize_feeds(store.feed_health(), store.items_seen_since(now - timedelta(hours=1)))


def watchlist(store: Store, configured: Sequence[str]) -> tuple[str, ...]:
    """The saved watchlist, unless the config file's list changed since it was saved."""
    saved = store.get_setting(WATCHLIST_KEY)
    if isinstance(saved, dict) and saved.get("config") == list(configured):
        return tuple(str(c) for c in saved.get("countries", []))
    return tuple(configured)


def save_watchlist(path: Path, configured: Sequence[str], countries: Sequence[str]) -> None:
    """Keep the edited list in the DB beside the config list it was derived from."""
    with Store(path) as store:
        store.set_setting(WATCHLIST_KEY, {"config": list(configured), "countries": list(countries)})


def load_panel(
    store: Store,
    code: str,
    now: datetime,
    *,
    min_level: int = 0,
    headlines: int = 12,
    sources: list[FeedHealth] | None = None,
) -> PanelData:
    current = store.source_levels(code, now - WINDOW)
    previous = store.source_levels(code, now - 2 * WINDOW, now - WINDOW)
    spark = hourly_weights(store.hourly_counts(code, now - WINDOW), now)
    items = (
        store.latest_items(country=code, min_level=min_level, limit=headlines) if headlines else []
    )
    if sources is None:
        sources = store.country_sources(code, now - SOURCE_WINDOW)
    failing = sum(1 for s in sources if s.consecutive_errors)
    return PanelData(
        code=code,
        name=country_name(code),
        reading=reading(current, previous),
        spark=spark,
        headlines=items,
        sources=len(sources),
        failing=failing,
    )


def load_alerts(
    store: Store, countries: Sequence[str], alert_level: int, now: datetime, limit: int = 20
) -> list[StoredItem]:
    """Recent items at or above the alert level in these countries, newest first, no repeats."""
    found: dict[int, StoredItem] = {}
    for code in countries:
        for item in store.latest_items(
            country=code, min_level=alert_level, since=now - WINDOW, limit=limit
        ):
            found[item.rowid] = item
    return sorted(found.values(), key=lambda it: (it.published, it.rowid), reverse=True)[:limit]


def load_overview(
    store: Store,
    watched: Sequence[str],
    now: datetime,
    *,
    auto: Sequence[str] = (),
    min_level: int = 0,
    alert_level: int = 4,
    headlines: int = 12,
) -> Overview:
    """Everything the main screen shows; `auto` reuses the last most-active list."""
    max_rowid = store.max_rowid()  # first: rows after it are picked up by the next refresh
    watched = tuple(watched)
    countries = watched or tuple(auto) or store.active_countries(now - WINDOW, AUTO_COUNTRIES)
    health = store.feed_health()
    panels = [
        load_panel(store, code, now, min_level=min_level, headlines=headlines) for code in countries
    ]
    return Overview(
        countries=tuple(countries),
        watched=watched,
        panels=panels,
        feeds=summarize_feeds(health, store.items_seen_since(now - timedelta(hours=1))),
        alerts=load_alerts(store, watched or countries, alert_level, now),
        max_rowid=max_rowid,
    )


def new_alerts(
    store: Store, after_rowid: int, countries: Sequence[str], alert_level: int, now: datetime
) -> list[StoredItem]:
    """Items written since a rowid that deserve a toast: watched, at the alert level, and
    recent. A feed's backlog (first poll, or back after an outage) is stored as new rows,
    but a days-old report is not breaking news: it goes to the panels without a toast."""
    wanted = set(countries)
    recent = to_iso(now - TOAST_WINDOW)
    fresh = store.new_items_since(after_rowid, limit=500)
    return [
        it
        for it in fresh
        if it.level >= alert_level and it.published >= recent and wanted.intersection(it.actors)
    ]


def load_country(store: Store, code: str, now: datetime, *, min_level: int = 0) -> CountryData:
    sources = store.country_sources(code, now - SOURCE_WINDOW)
    panel = load_panel(store, code, now, min_level=min_level, headlines=0, sources=sources)
    week = hourly_weights(store.hourly_counts(code, now - timedelta(days=7)), now, hours=24 * 7)
    co = [
        (other, country_name(other), count)
        for other, count in store.co_actors(code, min_level=2, since=now - timedelta(days=30))
    ]
    return CountryData(panel=panel, week=week, co_actors=co, sources=sources)


def country_page(
    store: Store,
    code: str,
    *,
    min_level: int = 0,
    since: datetime | None = None,
    before: Cursor | None = None,
    limit: int = PAGE,
) -> list[StoredItem]:
    return store.latest_items(
        country=code, min_level=min_level, since=since, before=before, limit=limit
    )


def cursor_of(items: Sequence[StoredItem]) -> Cursor | None:
    """The keyset cursor after the last item of a page."""
    return (items[-1].published, items[-1].rowid) if items else None


@functools.lru_cache(maxsize=4096)
def _moment(published: str) -> datetime:
    """Stored times are parsed again on every redraw of their age: once is enough."""
    return from_iso(published)


def time_ago(published: str | datetime, now: datetime) -> str:
    """Compact age for narrow columns: 42s, 3m, 5h, 2d."""
    moment = _moment(published) if isinstance(published, str) else published
    seconds = max(0, int((now - moment).total_seconds()))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m"
    if seconds < 86400:
        return f"{seconds // 3600}h"
    return f"{seconds // 86400}d"
