"""A zoomed country: its items (paged, sortable, filterable), who it clashes with, its timeline."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, OptionList, Sparkline, Static
from textual.widgets.option_list import Option

from crisiswatch.queries import StoredItem
from crisiswatch.store import Store
from crisiswatch.tui.base import DashScreen
from crisiswatch.tui.data import PAGE, CountryData, country_page, cursor_of, load_country
from crisiswatch.tui.item_screen import ItemScreen
from crisiswatch.tui.key_bar import KeyBar
from crisiswatch.tui.level_filter import LevelFilter
from crisiswatch.tui.names import country_name
from crisiswatch.tui.paged_table import PagedTable
from crisiswatch.tui.render import badge_style

WINDOWS: tuple[tuple[str, timedelta | None], ...] = (
    ("24 h", timedelta(hours=24)),
    ("7 d", timedelta(days=7)),
    ("30 d", timedelta(days=30)),
    ("all time", None),
)
SIDE = 34  # the side column's width (#side in styles.tcss); the item table gets the rest
DEFAULT_WINDOW = 1  # 7 d: a day is often too little to read a trend


def first_page(store: Store, code: str, now: datetime, *, min_level: int) -> list[StoredItem]:
    """What a freshly opened country screen shows; the app prefetches it before zooming."""
    span = WINDOWS[DEFAULT_WINDOW][1]
    return country_page(store, code, min_level=min_level, since=now - span if span else None)


class CountryScreen(DashScreen):
    BINDINGS: ClassVar = [
        Binding("escape", "app.pop_screen", "back"),
        Binding("l", "level", "level"),
        Binding("t", "window", "window"),
        Binding("a", "watch", "watch"),
        Binding("d", "unwatch", "unwatch"),
        Binding("o", "open_link", "open link"),
    ]

    def __init__(
        self,
        code: str,
        *,
        min_level: int = 0,
        prefetched: tuple[CountryData, list[StoredItem]] | None = None,
    ) -> None:
        super().__init__()
        self.code = code
        self.min_level = min_level
        self.window = DEFAULT_WINDOW
        self.data: CountryData | None = None
        self.generation = 0  # bumps on every filter change; stale pages are dropped
        # A prefetched first page builds the screen already filled: filling it after
        # mounting cost a second layout and a second full paint (the title, the
        # co-actor list and the sources all change height).
        data, items = prefetched if prefetched is not None else (None, None)
        if data is not None:
            self.data = data
            self.generation += 1
        first = (items, self.dash.now(), PAGE) if items is not None else None
        # The children are kept, not queried: a worker may answer, or the screen
        # mount, after a closing app has already taken them out of the DOM.
        self._title_box = Static(
            self._title(len(items or ()), items is None or len(items) >= PAGE), id="country-title"
        )
        self._table = PagedTable(id="items", initial=first, width_hint=self.app.size.width - SIDE)
        self._table.fetching = first is None  # the first page is on its way
        self._co_actors = OptionList(*self._co_actor_options(data), id="co-actors")
        # Built with options, an OptionList highlights the first; this one shows
        # no highlight until it has the focus, as when filled later.
        self._co_actors.highlighted = None
        self._spark_day = Sparkline(data.panel.spark if data else [0.0] * 24, id="spark-day")
        self._spark_week = Sparkline(data.week if data else [0.0] * 168, id="spark-week")
        self._sources_box = Static(self._sources(data) if data else "", id="sources")

    def compose(self) -> ComposeResult:
        yield self._title_box
        with Horizontal(id="country-body"):
            yield self._table
            with Vertical(id="side"):
                yield Static(Text("In conflict with", style="bold underline"))
                yield self._co_actors
                yield Static(Text("Timeline", style="bold underline"), classes="side-head")
                yield Static(Text("last 24 h", style="dim"))
                yield self._spark_day
                yield Static(Text("last 7 days", style="dim"))
                yield self._spark_week
                yield self._sources_box
        yield KeyBar()

    AUTO_FOCUS = "#items"

    def on_mount(self) -> None:
        # Only workers start here: the app may be closing (a screen opened just
        # before quitting).
        if self.data is None:
            self._load_first()

    @property
    def since(self) -> datetime | None:
        span = WINDOWS[self.window][1]
        return self.dash.now() - span if span else None

    def reload(self) -> None:
        """Filters changed: start the table again from the newest page."""
        self.generation += 1
        self._table.clear_items()
        self._table.fetching = True
        self._load_first()

    def _load_first(self) -> None:
        self.load_meta()
        self.load_page(self.generation, None)

    def data_changed(self) -> None:
        """New rows somewhere: refresh the summary and merge new items at the top."""
        self.load_meta()
        self.load_new(self.generation)

    @work(thread=True, exclusive=True, group="country-meta", exit_on_error=False)
    def load_meta(self) -> None:
        store = self.dash.reader.store()
        data = load_country(store, self.code, self.dash.now(), min_level=self.min_level)
        self.app.call_from_thread(self._show_meta, data)

    @work(thread=True, exclusive=True, group="country-page", exit_on_error=False)
    def load_page(self, generation: int, before: tuple[str, int] | None) -> None:
        store = self.dash.reader.store()
        items = country_page(
            store, self.code, min_level=self.min_level, since=self.since, before=before
        )
        self.app.call_from_thread(self._show_page, generation, items)

    @work(thread=True, exclusive=True, group="country-new", exit_on_error=False)
    def load_new(self, generation: int) -> None:
        store = self.dash.reader.store()
        items = country_page(store, self.code, min_level=self.min_level, since=self.since)
        self.app.call_from_thread(self._merge, generation, items)

    def _show_page(self, generation: int, items: list[StoredItem]) -> None:
        if generation != self.generation:
            return
        self._table.add_items(items, self.dash.now(), page_size=PAGE)
        self._update_title()

    def _merge(self, generation: int, items: list[StoredItem]) -> None:
        if generation == self.generation:
            self._table.merge_new(items, self.dash.now())
            self._update_title()

    def _show_meta(self, data: CountryData) -> None:
        self.data = data
        self._spark_day.data = data.panel.spark
        self._spark_week.data = data.week
        co = self._co_actors
        keep = co.highlighted
        co.clear_options()
        co.add_options(self._co_actor_options(data))
        if data.co_actors and keep is not None:
            co.highlighted = min(keep, co.option_count - 1)
        self._sources_box.update(self._sources(data))
        self._update_title()

    @staticmethod
    def _co_actor_options(data: CountryData | None) -> list[Option]:
        if data is None:
            return []
        if not data.co_actors:
            return [Option(Text("none in 30 days", style="dim"), disabled=True)]
        return [
            Option(Text.assemble((code, "bold"), f" {name}  ", (f"×{count}", "dim")), id=code)
            for code, name, count in data.co_actors
        ]

    @staticmethod
    def _sources(data: CountryData) -> Text:
        sources = Text("\nSources (7 d)\n", style="bold")
        for h in data.sources:
            mark = ("✗ ", "red1") if h.consecutive_errors else ("✓ ", "green3")
            sources.append(*mark)
            sources.append(h.name + "\n")
        problem = data.panel.coverage_problem
        if problem:
            sources.append(f"⚠ {problem}\n", style="bold yellow3")
        return sources

    def _update_title(self) -> None:
        self._title_box.update(self._title(self._table.row_count, not self._table.exhausted))

    def _title(self, rows: int, more: bool) -> Text:
        title = Text.assemble(" ", (self.code, "bold"), " ", (country_name(self.code), "bold"))
        if self.data is not None:
            r = self.data.panel.reading
            title.append("   index ")
            title.append(f" {r.value} ", style=badge_style(r.value))
            title.append(f" {r.arrow} (previous 24 h: {r.previous}, {r.sources} sources)")
        title.append(f"\n level ≥ {self.min_level} · {WINDOWS[self.window][0]} · ", style="dim")
        title.append(f"{rows}{'+' if more else ''} items", style="dim")
        return title

    # -- actions ---------------------------------------------------------------------

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        item = self._table.items.get(str(event.row_key.value))
        if item is not None:
            self.app.push_screen(ItemScreen(item))

    def on_paged_table_need_more(self, event: PagedTable.NeedMore) -> None:
        table = event.table
        last = list(table.items.values())
        # The keyset cursor follows the query's order (newest first), whatever the sort.
        oldest = min(last, key=lambda it: (it.published, it.rowid)) if last else None
        self.load_page(self.generation, cursor_of([oldest]) if oldest else None)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.dash.zoom(event.option.id, self.min_level)

    def action_level(self) -> None:
        def chosen(level: int | None) -> None:
            if level is not None and level != self.min_level:
                self.min_level = level
                self.reload()

        self.app.push_screen(LevelFilter(self.min_level), chosen)

    def action_window(self) -> None:
        self.window = (self.window + 1) % len(WINDOWS)
        self.reload()

    def action_watch(self) -> None:
        self.dash.watch_country(self.code)

    def action_unwatch(self) -> None:
        self.dash.unwatch_country(self.code)

    def action_open_link(self) -> None:
        item = self._table.highlighted_item()
        if item is not None:
            self.dash.open_link(item.url)
