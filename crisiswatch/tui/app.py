"""The dashboard app: a grid of country panels that follows the store live.

The event loop never does I/O. A one-second tick starts a thread worker that
asks the store for its highest rowid; only when it moved (or the view's filters
changed, or a minute passed so the 24 h window slid) does the worker load a
fresh snapshot, which the UI then applies in one go: at most one repaint of the
panels per second, whoever wrote the rows.
"""

from __future__ import annotations

import gc
import time
import webbrowser
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from crisiswatch.config import Config
from crisiswatch.models import utcnow
from crisiswatch.queries import StoredItem
from crisiswatch.sanitize import safe_url
from crisiswatch.store import StoreError
from crisiswatch.tui.alerts import AlertsStrip
from crisiswatch.tui.base import DashScreen
from crisiswatch.tui.commands import CountryCommands
from crisiswatch.tui.country_panel import CountryPanel
from crisiswatch.tui.country_screen import CountryScreen, first_page
from crisiswatch.tui.data import (
    CountryData,
    FeedSummary,
    Overview,
    Reader,
    load_country,
    load_feeds,
    load_overview,
    new_alerts,
    save_watchlist,
    watchlist,
)
from crisiswatch.tui.feeds_screen import FeedsScreen
from crisiswatch.tui.header import StatusHeader
from crisiswatch.tui.help_screen import HelpScreen
from crisiswatch.tui.item_screen import ItemScreen
from crisiswatch.tui.key_bar import KeyBar
from crisiswatch.tui.level_filter import LevelFilter
from crisiswatch.tui.names import country_name
from crisiswatch.tui.panel_grid import PanelGrid
from crisiswatch.tui.search_screen import SearchScreen
from crisiswatch.tui.status import CollectorStatus
from crisiswatch.tui.watch_prompt import WatchPrompt

SLIDE_EVERY = 60.0  # seconds: reload even without new rows, as the 24 h window moves
FEEDS_EVERY = 5.0  # seconds between feed-health reads when nothing else changed
GC_YOUNG = 5000  # allocations between young-generation collections (Python's default: 700)


def _settle_memory() -> None:
    """Once the first view is painted: take what exists now out of the cyclic GC's scans.

    Textual, its CSS and the widgets make a large, long-lived heap; a full
    collection walked all of it and held the event loop for 50-70 ms (far
    longer on a busy machine) every few seconds while items streamed in. Frozen,
    those objects are never scanned again, and the young generations are
    collected less often (Textual allocates freely while rendering). No
    collection first: it would cost that pause once more, to free a few hundred
    objects of start-up garbage.
    """
    gc.freeze()
    gc.set_threshold(GC_YOUNG, *gc.get_threshold()[1:])


@dataclass(frozen=True, slots=True)
class Refresh:
    """What one background refresh found, handed to the UI thread in one piece."""

    top: int
    feeds: FeedSummary | None
    overview: Overview | None
    alerts: list[StoredItem]
    problem: str | None = None


class CrisisApp(App[None]):
    CSS_PATH = "styles.tcss"
    TITLE = "crisiswatch"
    COMMANDS: ClassVar = App.COMMANDS | {CountryCommands}
    BINDINGS: ClassVar = [
        Binding("q", "quit", "quit"),
        Binding("slash", "search", "search"),
        Binding("l", "level", "level"),
        Binding("p", "pause", "pause"),
        Binding("r", "poll", "poll"),
        Binding("f", "feeds", "feeds"),
        Binding("question_mark", "help", "help"),
    ]

    def __init__(
        self,
        config: Config,
        *,
        status: CollectorStatus | None = None,
        now: Callable[[], datetime] = utcnow,
        tz: tzinfo | None = None,
        opener: Callable[[str], object] | None = None,
        tick: float | None = 1.0,
    ) -> None:
        super().__init__()
        self.config = config
        self.status = status or CollectorStatus()
        self.now = now
        self.tz = tz
        self.opener = opener or webbrowser.open
        self.tick_seconds = tick
        self.reader = Reader(config.db_path)
        self.min_level = 0
        self.paused = False
        self.watched: tuple[str, ...] | None = None  # None until read from the DB
        self.countries: tuple[str, ...] = ()
        self.seen_rowid = -1  # the rowid the panels reflect (-1: nothing loaded yet)
        self.toast_rowid = -1  # alerts after this rowid have not been toasted
        self.loaded = 0  # overviews applied: tests and the bench wait on it
        self._dirty = True
        self._busy = False
        self._last_overview = 0.0
        self._last_feeds = 0.0

    # -- layout ----------------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        return DashScreen(id="_default")

    def compose(self) -> ComposeResult:
        yield StatusHeader(self.now, self.tz, self.status)
        yield PanelGrid()
        yield AlertsStrip(self.config.alert_level)
        yield KeyBar()

    def on_mount(self) -> None:
        if self.tick_seconds:
            self.set_interval(self.tick_seconds, self.tick)
        self.refresh_data()

    @property
    def header(self) -> StatusHeader:
        return self.query_one(StatusHeader)

    @property
    def grid(self) -> PanelGrid:
        return self.query_one(PanelGrid)

    # -- the live loop -------------------------------------------------------------------

    def tick(self) -> None:
        """Once a second: redraw the clocks and ages, and look for new rows off-thread."""
        if not self.is_running or not self.query(StatusHeader):
            return  # shutting down: the widgets may already be gone
        self.header.refresh()
        now = self.now()
        if not self.paused and self.screen is self.screen_stack[0] and now.second % 10 == 0:
            self.grid.tick(now)  # ages move slowly: every 10 s is enough
        self.refresh_data()

    def refresh_data(self) -> None:
        if self._busy:
            return  # the previous look is still running: never pile up workers
        self._busy = True
        self._refresh(
            force=self._dirty,
            slide=time.monotonic() - self._last_overview > SLIDE_EVERY,
            feeds_due=time.monotonic() - self._last_feeds > FEEDS_EVERY,
        )

    @work(thread=True, group="refresh", exit_on_error=False)
    def _refresh(self, *, force: bool, slide: bool, feeds_due: bool) -> None:
        try:
            result = self._look(force=force, slide=slide, feeds_due=feeds_due)
        except StoreError as exc:
            result = Refresh(self.seen_rowid, None, None, [], problem=str(exc))
        except Exception as exc:
            result = Refresh(self.seen_rowid, None, None, [], problem=f"refresh failed: {exc}")
        self.call_from_thread(self._apply, result)

    def _look(self, *, force: bool, slide: bool, feeds_due: bool) -> Refresh:
        """Runs on a worker thread with that thread's own read-only connection."""
        store = self.reader.store()
        now = self.now()
        top = store.max_rowid()
        changed = top != self.seen_rowid
        overview = None
        feeds = None
        if force or ((changed or slide) and not self.paused):
            watched = (
                self.watched if self.watched is not None else watchlist(store, self.config.watch)
            )
            # Without a watchlist the most active countries are shown; that list is
            # only recomputed each minute, so panels do not come and go every second.
            auto = self.countries if not watched and not slide and not force else ()
            overview = load_overview(
                store,
                watched,
                now,
                auto=auto,
                min_level=self.min_level,
                alert_level=self.config.alert_level,
                headlines=self.grid.headline_rows,
            )
        elif changed or feeds_due:
            feeds = load_feeds(store, now)
        alerts: list[StoredItem] = []
        if self.toast_rowid >= 0 and top > self.toast_rowid:
            targets = self.watched or self.countries
            alerts = new_alerts(store, self.toast_rowid, targets, self.config.alert_level, now)
        return Refresh(top, feeds, overview, alerts)

    def _apply(self, result: Refresh) -> None:
        """On the UI thread: one batch of widget updates per refresh."""
        self._busy = False
        if not self.is_running or not self.query(StatusHeader):
            return
        if result.problem:
            self.header.status.mode = result.problem
            self.header.refresh()
            return
        now = self.now()
        view = result.overview
        if view is not None:
            self._dirty = False
            self._last_overview = self._last_feeds = time.monotonic()
            if self.watched is None:
                self.watched = view.watched
            self.countries = view.countries
            self.seen_rowid = view.max_rowid
            self.grid.show(view.panels, now)
            self.query_one(AlertsStrip).show(view.alerts)
            self.header.update_state(feeds=view.feeds, pending=0)
            self.loaded += 1
            if self.loaded == 1:
                self.call_after_refresh(_settle_memory)
            if self.screen is not self.screen_stack[0]:
                changed = getattr(self.screen, "data_changed", None)
                if changed is not None:
                    changed()
        elif result.feeds is not None:
            self._last_feeds = time.monotonic()
            pending = max(0, result.top - self.seen_rowid) if self.paused else 0
            self.header.update_state(feeds=result.feeds, pending=pending)
        if self.toast_rowid < 0:
            self.toast_rowid = result.top  # history is not news: toast only what arrives later
        else:
            self.toast_rowid = max(self.toast_rowid, result.top)
            self._toast(result.alerts)

    def _toast(self, items: list[StoredItem]) -> None:
        """One small toast per refresh, never a wall of them; focus is never taken.

        The feed's text goes in as plain text (markup=False).
        """
        if not items:
            return
        top = max(items, key=lambda it: (it.level, it.rowid))
        more = f"\n(+{len(items) - 1} more in the alerts strip)" if len(items) > 1 else ""
        self.notify(
            f"{top.title}\n— {top.feed}{more}",
            title=f"Level {top.level} · {' '.join(top.actors[:4])}",
            severity="error" if top.level >= 5 else "warning",
            timeout=8,
            markup=False,
        )
        if self.config.bell:
            self.bell()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failed read shows as one line, never as a crash or a frozen view."""
        if event.state is WorkerState.ERROR:
            if event.worker.group == "refresh":
                self._busy = False
            error = event.worker.error
            message = str(error) if isinstance(error, StoreError) else f"read failed: {error}"
            self.notify(message, severity="error", markup=False)

    # -- actions ---------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keep the footer short on reading screens, where live-view keys mean nothing."""
        reading = isinstance(self.screen, (ItemScreen, HelpScreen, FeedsScreen, SearchScreen))
        return not (reading and action in ("level", "pause", "poll"))

    def on_country_panel_zoom(self, event: CountryPanel.Zoom) -> None:
        self.zoom(event.code)

    def zoom(self, code: str, min_level: int | None = None) -> None:
        """Load the country's first page off-thread, then open it already filled.

        Querying before the screen exists keeps the query from competing with
        the screen's first layout for the GIL, which halves the time to rows.
        """
        self._prefetch_country(code, self.min_level if min_level is None else min_level)

    @work(thread=True, exclusive=True, group="zoom", exit_on_error=False)
    def _prefetch_country(self, code: str, min_level: int) -> None:
        ready: tuple[CountryData, list[StoredItem]] | None
        try:
            store = self.reader.store()
            now = self.now()
            ready = (
                load_country(store, code, now, min_level=min_level),
                first_page(store, code, now, min_level=min_level),
            )
        except Exception:
            ready = None  # the screen loads (and reports) by itself
        self.call_from_thread(self._open_country, code, min_level, ready)

    def _open_country(
        self, code: str, min_level: int, ready: tuple[CountryData, list[StoredItem]] | None
    ) -> None:
        self.push_screen(CountryScreen(code, min_level=min_level, prefetched=ready))

    def action_search(self) -> None:
        if not isinstance(self.screen, SearchScreen):
            self.push_screen(SearchScreen())

    def action_feeds(self) -> None:
        if not isinstance(self.screen, FeedsScreen):
            self.push_screen(FeedsScreen())

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_level(self) -> None:
        def chosen(level: int | None) -> None:
            if level is not None and level != self.min_level:
                self.min_level = level
                self.header.update_state(min_level=level)
                self.request_reload()

        self.push_screen(LevelFilter(self.min_level), chosen)

    def action_pause(self) -> None:
        self.paused = not self.paused
        self.header.update_state(paused=self.paused, pending=0)
        if not self.paused:
            self.request_reload()

    def action_poll(self) -> None:
        if self.status.poll_now is None:
            self.notify(f"not polling here: {self.status.mode}", severity="warning", markup=False)
            return
        self.status.poll_now()
        self.notify("polling all feeds now", timeout=3)

    def request_reload(self) -> None:
        self._dirty = True
        self.refresh_data()

    def watch_country(self, code: str) -> None:
        current = list(self.watched or ())
        if code in current:
            self._prompt_watch()
            return
        current.append(code)
        self._set_watchlist(current, f"watching {country_name(code)} ({code})")

    def unwatch_country(self, code: str) -> None:
        current = list(self.watched or ())
        if code not in current:
            self.notify(f"{country_name(code)} is not on the watchlist", markup=False)
            return
        current.remove(code)
        self._set_watchlist(current, f"{country_name(code)} ({code}) removed from the watchlist")

    def _set_watchlist(self, countries: Iterable[str], message: str) -> None:
        self.watched = tuple(countries)
        self.notify(message, timeout=3, markup=False)
        self._save_watchlist(self.watched)
        self.request_reload()

    @work(thread=True, group="save", exit_on_error=False)
    def _save_watchlist(self, countries: tuple[str, ...]) -> None:
        try:
            save_watchlist(Path(self.config.db_path), self.config.watch, countries)
        except StoreError as exc:
            self.call_from_thread(
                self.notify,
                f"watchlist kept for this session only: {exc}",
                severity="warning",
                markup=False,
            )

    def open_link(self, url: str | None) -> None:
        """Only plain http(s) links ever reach the browser."""
        safe = safe_url(url)
        if safe is None:
            self.notify("this item has no http/https link", severity="warning")
            return
        self._open(safe)

    @work(thread=True, group="browser", exit_on_error=False)
    def _open(self, url: str) -> None:
        self.opener(url)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Search", "Full-text search over all stored items", self.action_search)
        yield SystemCommand("Feeds", "Feed health: which feeds fail and why", self.action_feeds)
        yield SystemCommand(
            "Level filter", "Show only items at or above a level", self.action_level
        )
        yield SystemCommand(
            "Resume" if self.paused else "Pause", "Pause or resume live updates", self.action_pause
        )
        yield SystemCommand("Poll now", "Poll every feed now", self.action_poll)
        yield SystemCommand("Add country", "Add a country to the watchlist", self._prompt_watch)
        yield SystemCommand("Help", "Keys and the escalation index formula", self.action_help)

    def _prompt_watch(self) -> None:
        self.push_screen(WatchPrompt(), self._watch_picked)

    def _watch_picked(self, picked: str | None) -> None:
        if picked:
            self.watch_country(picked)
