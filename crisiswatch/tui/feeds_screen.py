"""Every feed's health, so a silent feed is seen as failing, not as calm."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from crisiswatch.models import FeedHealth
from crisiswatch.tui.base import DashScreen
from crisiswatch.tui.key_bar import KeyBar


def _state(h: FeedHealth) -> Text:
    if not h.enabled:
        return Text("gone" if h.error else "disabled", style="dim")
    if h.consecutive_errors:
        return Text(f"failing ×{h.consecutive_errors}", style="bold red1")
    if h.last_status is None:
        return Text("not polled yet", style="yellow3")
    return Text("ok", style="green3")


class FeedsScreen(DashScreen):
    BINDINGS: ClassVar = [Binding("escape", "app.pop_screen", "back")]

    def __init__(self) -> None:
        super().__init__()
        # Kept, not queried: the worker may answer after a closing app took them away.
        self._title = Static(Text(" Feeds", style="bold"), id="feeds-title")
        self._table: DataTable[Text] = DataTable(id="feeds", cursor_type="row", zebra_stripes=True)
        for key in ("feed", "state", "last ok", "last try", "items", "problem"):
            self._table.add_column(Text(key), key=key)

    def compose(self) -> ComposeResult:
        yield self._title
        yield self._table
        yield KeyBar()

    def on_mount(self) -> None:
        # Only a worker starts here: the app may be closing before this screen mounts.
        self.load()

    def data_changed(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="feeds", exit_on_error=False)
    def load(self) -> None:
        health = self.dash.reader.store().feed_health()
        self.app.call_from_thread(self._show, health)

    def _show(self, health: list[FeedHealth]) -> None:
        table = self._table
        keep = table.cursor_row
        table.clear()
        failing = 0
        for h in health:
            failing += bool(h.consecutive_errors)
            problem = h.error or h.warning or ""
            table.add_row(
                Text(h.name),
                _state(h),
                Text((h.last_ok or "never").replace("T", " ")),
                Text((h.last_attempt or "never").replace("T", " ")),
                Text(str(h.items_total)),
                Text(problem, style="red1" if h.error else "yellow3"),
                key=h.url,
            )
        table.move_cursor(row=min(keep, max(0, table.row_count - 1)), animate=False)
        summary = Text.assemble((" Feeds", "bold"), f"  {len(health)} configured, ")
        summary.append(f"{failing} failing", style="bold red1" if failing else "green3")
        self._title.update(summary)
