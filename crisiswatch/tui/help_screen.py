"""The keys, and what the escalation index means."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from crisiswatch.index import FORMULA
from crisiswatch.tui.key_bar import KeyBar
from crisiswatch.tui.render import LEVEL_NAMES, badge_style

KEYS = (
    ("arrows, h j k", "move between country panels"),
    ("enter / double click", "zoom the focused country; on an item, open its detail"),
    ("escape", "back"),
    ("/", "full-text search over all stored items"),
    ("l", "minimum level filter (also in a country's table)"),
    ("t", "time window of a country's table (24 h, 7 d, 30 d, all)"),
    ("p", "pause / resume live updates (the collector keeps collecting)"),
    ("r", "poll all feeds now"),
    ("a / d", "add / remove the focused country on the watchlist (saved)"),
    ("f", "feed health: which feeds fail and why"),
    ("o", "open the item's link in a browser (http/https only)"),
    ("click a column title", "sort the loaded rows by it; again to reverse"),
    ("?", "this help"),
    ("ctrl+p", "command palette: themes, countries, every action"),
    ("q", "quit"),
)


def help_text() -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold cyan", no_wrap=True)
    grid.add_column()
    grid.add_row(Text("Keys", style="bold underline"), "")
    for key, what in KEYS:
        grid.add_row(key, what)
    grid.add_row("", "")
    grid.add_row(Text("Escalation index", style="bold underline"), "")
    grid.add_row("", Text(FORMULA))
    grid.add_row("", "")
    grid.add_row(Text("Levels", style="bold underline"), "")
    for level, name in LEVEL_NAMES.items():
        grid.add_row(Text(f" {level} ", style=badge_style(level)), name)
    grid.add_row("", "")
    grid.add_row(
        Text("Badge", style="bold underline"),
        Text(
            "the index, its trend arrow, and '?' when the value rests on a single source. "
            "'⚠' under a panel means its sources are failing or silent: "
            "no news there is not good news."
        ),
    )
    return grid


class HelpScreen(Screen[None]):
    BINDINGS: ClassVar = [
        Binding("escape,question_mark,q", "app.pop_screen", "back"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(Text(" crisiswatch — help", style="bold"), id="help-title")
            yield Static(help_text(), id="help-body")
        yield KeyBar()
