"""One item in full: where it came from, who is in it, and why it got its level."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Button, Static

from crisiswatch.queries import StoredItem
from crisiswatch.tui.base import DashScreen
from crisiswatch.tui.data import time_ago
from crisiswatch.tui.key_bar import KeyBar
from crisiswatch.tui.names import country_name
from crisiswatch.tui.render import LEVEL_NAMES, badge_style, highlighted, level_style


class ItemScreen(DashScreen):
    """Built from the row already loaded, so opening it costs no query."""

    BINDINGS: ClassVar = [
        Binding("escape", "app.pop_screen", "back"),
        Binding("o", "open_link", "open link"),
    ]

    def __init__(self, item: StoredItem) -> None:
        super().__init__()
        self.item = item

    def compose(self) -> ComposeResult:
        item = self.item
        evidence = item.evidence
        now = self.dash.now()
        with VerticalScroll(id="item"):
            yield Static(highlighted(item.title, evidence, "title"), id="item-title")
            meta = Table.grid(padding=(0, 2))
            meta.add_column(style="bold dim", no_wrap=True)
            meta.add_column()
            level = Text.assemble(
                (f" {item.level} ", badge_style(item.level)),
                " ",
                LEVEL_NAMES.get(item.level, ""),
            )
            if item.deescalation:
                level.append("  (de-escalation)", style="green3")
            meta.add_row("level", level)
            meta.add_row("source", Text(item.feed))
            meta.add_row(
                "published",
                Text(
                    f"{item.published.replace('T', ' ').rstrip('Z')} UTC "
                    f"({time_ago(item.published, now)} ago)"
                ),
            )
            meta.add_row("link", Text(item.url or "none (not an http/https link)"))
            actors = Text()
            for i, code in enumerate(item.actors):
                if i:
                    actors.append(", ")
                actors.append(code, style="bold cyan")
                actors.append(f" {country_name(code)}")
            meta.add_row("actors", actors if item.actors else Text("none found", style="dim"))
            yield Static(meta, id="item-meta")
            yield Static(highlighted(item.summary, evidence, "summary"), id="item-summary")
            yield Static(self._evidence_table(), id="item-evidence")
            if item.url:
                yield Button("open link (o)", id="open-link", variant="primary")
        yield KeyBar()

    def _evidence_table(self) -> Table:
        table = Table(title="Why this level", title_justify="left", expand=True, box=None)
        table.add_column("phrase", no_wrap=True)
        table.add_column("kind", style="dim")
        table.add_column("counts as")
        table.add_column("note", style="dim")
        for ev in self.item.evidence:
            value = Text(ev.value)
            if ev.kind in ("level", "review") and ev.value.isdigit():
                value = Text(f"level {ev.value}", style=level_style(int(ev.value)))
            elif ev.kind == "actor":
                value = Text(f"{ev.value} {country_name(ev.value)}", style="cyan")
            table.add_row(Text(ev.text), Text(ev.kind), value, Text(ev.note))
        if not self.item.evidence:
            table.add_row(Text("no phrase matched", style="dim"), "", "", "")
        return table

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "open-link":
            self.action_open_link()

    def action_open_link(self) -> None:
        self.dash.open_link(self.item.url)
