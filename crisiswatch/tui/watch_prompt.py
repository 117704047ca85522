"""Ask which country to add to the watchlist, with names suggested as you type."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Static

from crisiswatch.tui.names import all_countries, find_country


class WatchPrompt(ModalScreen[str | None]):
    BINDINGS: ClassVar = [Binding("escape", "dismiss(None)", "cancel")]

    def compose(self) -> ComposeResult:
        names = [f"{name} ({code})" for code, name in all_countries()]
        with Vertical(id="watch-box"):
            yield Static(Text("Add a country to the watchlist (name or ISO3 code)", style="bold"))
            yield Input(
                placeholder="e.g. Sudan or SDN",
                suggester=SuggestFromList(names, case_sensitive=False),
                id="watch-input",
            )
            yield Static("", id="watch-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        code = find_country(event.value)
        if code is None:
            self.query_one("#watch-error", Static).update(
                Text(f"no country matches {event.value!r}", style="red")
            )
            return
        self.dismiss(code)
