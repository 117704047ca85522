"""The grid of country panels: sized to the terminal, navigable with arrows and h/j/k."""

from __future__ import annotations

import math
from datetime import datetime
from typing import ClassVar

from textual import events
from textual.binding import Binding
from textual.containers import ScrollableContainer

from crisiswatch.tui.country_panel import CountryPanel
from crisiswatch.tui.data import PanelData

MIN_PANEL_WIDTH = 30
MIN_PANEL_HEIGHT = 8


class PanelGrid(ScrollableContainer, can_focus=False):
    """Panels are reconciled by country code, so a refresh never moves focus or scroll."""

    BINDINGS: ClassVar = [
        Binding("left,h", "move(-1, 0)", "left", show=False),
        Binding("right", "move(1, 0)", "right", show=False),
        Binding("up,k", "move(0, -1)", "up", show=False),
        Binding("down,j", "move(0, 1)", "down", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="grid")
        self.columns = 4
        self.row_height = 12

    @property
    def panels(self) -> list[CountryPanel]:
        return list(self.query_children(CountryPanel))

    @property
    def headline_rows(self) -> int:
        """How many headlines fit a panel now (border, top line and a note take 4)."""
        return max(3, self.row_height - 4)

    def show(self, panels: list[PanelData], now: datetime) -> None:
        wanted = [p.code for p in panels]
        existing = {p.code: p for p in self.panels}
        focused = self.screen.focused if self.is_attached else None
        for code, panel in existing.items():
            if code not in wanted:
                if panel is focused:
                    self._focus_neighbour(panel)
                panel.remove()
        new = [CountryPanel(code) for code in wanted if code not in existing]
        if new:
            self.mount_all(new)
        order = {code: i for i, code in enumerate(wanted)}
        current = [p for p in self.panels if p.code in order]
        if [p.code for p in current] != sorted((p.code for p in current), key=lambda c: order[c]):
            self.sort_children(key=lambda w: order.get(getattr(w, "code", ""), 0))
        by_code = {p.code: p for p in [*existing.values(), *new]}
        for data in panels:
            by_code[data.code].show(data, now)  # a panel still mounting draws it on mount
        self._layout_grid()
        if self.screen.focused is None and self.panels and self.app.screen is self.screen:
            self.panels[0].focus()

    def tick(self, now: datetime) -> None:
        for panel in self.panels:
            panel.render_headlines(now)

    def _focus_neighbour(self, leaving: CountryPanel) -> None:
        panels = self.panels
        i = panels.index(leaving)
        rest = panels[:i] + panels[i + 1 :]
        if rest:
            rest[min(i, len(rest) - 1)].focus()

    def on_resize(self, event: events.Resize) -> None:
        self._layout_grid()

    def _layout_grid(self) -> None:
        width, height = self.size.width, self.size.height
        if not width:
            return
        count = max(1, len(self.panels))
        self.columns = max(1, min(count, width // MIN_PANEL_WIDTH))
        rows = math.ceil(count / self.columns)
        self.row_height = max(MIN_PANEL_HEIGHT, height // rows if rows else height)
        self.styles.grid_size_columns = self.columns
        self.styles.grid_rows = str(self.row_height)

    def action_move(self, dx: int, dy: int) -> None:
        panels = self.panels
        if not panels:
            return
        focused = self.screen.focused
        i = panels.index(focused) if focused in panels else 0
        target = i + dx + dy * self.columns
        if (
            dy > 0
            and target >= len(panels)
            and i // self.columns < (len(panels) - 1) // self.columns
        ):
            target = len(panels) - 1  # into a short last row: its last panel
        if dx and target // self.columns != i // self.columns:
            return  # left/right stop at the row's edge
        if 0 <= target < len(panels):
            panels[target].focus()
