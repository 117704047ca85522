"""The alerts strip: recent items at or above the alert level in watched countries."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from crisiswatch.queries import StoredItem
from crisiswatch.tui.render import badge_style, level_style


class AlertsStrip(Widget):
    """Newest first, on at most two lines; older alerts fall off the end."""

    DEFAULT_CSS = """
    AlertsStrip { height: auto; max-height: 2; background: $panel; }
    """

    def __init__(self, alert_level: int) -> None:
        super().__init__(id="alerts")
        self.alert_level = alert_level
        self.items: list[StoredItem] = []
        self._lines = 1

    def show(self, items: list[StoredItem]) -> None:
        if [i.rowid for i in items] != [i.rowid for i in self.items]:
            self.items = items
            # Its height (one line or two) is all a layout could change: the
            # whole screen is laid out again only when that changes.
            lines = 1 if self.render().cell_len <= (self.size.width or 120) else 2
            self.refresh(layout=lines != self._lines)
            self._lines = lines

    def render(self) -> Text:
        line = Text(no_wrap=False, overflow="ellipsis")
        line.append(" ALERTS ", style="bold black on red1" if self.items else "bold reverse")
        if not self.items:
            line.append(f"  nothing at level {self.alert_level}+ in the last 24 h", style="dim")
            return line
        for item in self.items:
            line.append("  ")
            line.append(f"{item.published[11:16]} ", style="dim")
            line.append(" ".join(item.actors[:3]), style="bold")
            line.append(" ")
            line.append(f" {item.level} ", style=badge_style(item.level))
            line.append(" ")
            line.append(item.title, style=level_style(item.level))
            line.append(f" — {item.feed}", style="italic dim")
        return line
