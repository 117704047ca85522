"""Full-text search over every stored item, a page at a time."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.timer import Timer
from textual.widgets import DataTable, Input, Static

from crisiswatch.queries import StoredItem
from crisiswatch.tui.base import DashScreen
from crisiswatch.tui.item_screen import ItemScreen
from crisiswatch.tui.key_bar import KeyBar
from crisiswatch.tui.paged_table import PagedTable

PAGE = 100
DEBOUNCE = 0.25  # seconds of quiet typing before a query runs


class SearchScreen(DashScreen):
    BINDINGS: ClassVar = [
        Binding("escape", "app.pop_screen", "back"),
        Binding("o", "open_link", "open link"),
    ]

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self.initial = query
        self.query_text = ""
        self._debounce: Timer | None = None
        # Kept, not queried: a search may answer after a closing app took them away.
        self._status = Static(
            Text("type words; every word must match", style="dim"), id="search-status"
        )
        self._results = PagedTable(id="results", sortable=False)
        self._results.fetching = bool(query)  # its first page is on its way

    def compose(self) -> ComposeResult:
        yield Input(value=self.initial, placeholder="search all stored items", id="query")
        yield self._status
        yield self._results
        yield KeyBar()

    AUTO_FOCUS = "#query"

    def on_mount(self) -> None:
        # Only a worker starts here: the app may be closing before this screen mounts.
        if self.initial:
            self.query_text = self.initial
            self.fetch(self.initial, 0)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.value == self.query_text:
            return  # e.g. the initial value: already searched
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(DEBOUNCE, lambda: self.start(event.value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        if event.value != self.query_text:
            self.start(event.value)
        self._results.focus()

    def start(self, text: str) -> None:
        self.query_text = text
        self._results.clear_items()
        self._results.fetching = True
        self.fetch(text, 0)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def fetch(self, text: str, offset: int) -> None:
        items = self.dash.reader.store().search(text, limit=PAGE, offset=offset)
        self.app.call_from_thread(self._show, text, offset, items)

    def _show(self, text: str, offset: int, items: list[StoredItem]) -> None:
        if text != self.query_text:
            return  # an older query answered late
        table = self._results
        table.add_items(items, self.dash.now(), page_size=PAGE)
        shown = table.row_count
        more = "" if table.exhausted else "+ (more load as you scroll)"
        noun = "result" if shown == 1 and not more else "results"
        label = f"{shown}{more} {noun} for " if text.strip() else "type words; "
        status = Text(label, style="dim")
        if text.strip():
            status.append(text, style="bold")  # what they typed, shown literally
        self._status.update(status)

    def on_paged_table_need_more(self, event: PagedTable.NeedMore) -> None:
        self.fetch(self.query_text, event.table.row_count)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        item = self._results.items.get(str(event.row_key.value))
        if item is not None:
            self.app.push_screen(ItemScreen(item))

    def action_open_link(self) -> None:
        item = self._results.highlighted_item()
        if item is not None:
            self.dash.open_link(item.url)
