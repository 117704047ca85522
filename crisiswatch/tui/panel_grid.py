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
PANELS_PER_FRAME = 4  # panels redrawn per screen update


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
        self._laid_out: tuple[int, int] | None = None
        self._queue: dict[CountryPanel, PanelData | None] = {}  # None: only the ages moved
        self._now: datetime | None = None
        self._draining = False

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
            self._queue[by_code[data.code]] = data  # newer data replaces a pending one
        self._now = now
        self._layout_grid()
        if self.screen.focused is None and self.panels and self.app.screen is self.screen:
            self.panels[0].focus()
        self._drain()

    def tick(self, now: datetime) -> None:
        """The clock moved: redraw the headlines' ages."""
        self._now = now
        for panel in self.panels:
            self._queue.setdefault(panel, None)
        self._drain()

    def _drain(self) -> None:
        """Redraw a few panels now and the rest after the following screen updates.

        Twelve panels redrawn and painted in one go held the event loop for tens
        of milliseconds on a busy machine; a row per frame keeps every turn of
        the loop short, so keys are answered while a refresh is being drawn.
        """
        self._draining = False
        for panel in list(self._queue)[:PANELS_PER_FRAME]:
            data = self._queue.pop(panel)
            if not panel.is_attached or self._now is None:
                continue
            if data is None:
                panel.render_headlines(self._now)
            else:
                panel.show(data, self._now)  # a panel still mounting draws it on mount
        if self._queue and not self._draining:
            self._draining = True
            self.call_after_refresh(self._drain)

    @property
    def settled(self) -> bool:
        """Every panel shows the latest data handed to the grid."""
        return not self._queue

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
        row_height = max(MIN_PANEL_HEIGHT, height // rows if rows else height)
        if (self.columns, row_height) == self._laid_out:
            return  # setting the same grid styles again would still cost a layout
        self._laid_out = (self.columns, row_height)
        self.row_height = row_height
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
            # At once, not on a later turn as Widget.focus() does: "right, enter"
            # typed quickly must zoom the panel the arrow moved to.
            self.screen.set_focus(panels[target])
