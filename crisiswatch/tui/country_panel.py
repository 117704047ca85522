"""One country at a glance: index badge, trend, 24 h sparkline, latest headlines."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Sparkline, Static

from crisiswatch.tui.data import PanelData
from crisiswatch.tui.render import badge_style, headline


class CountryPanel(Widget, can_focus=True):
    """Focusable; Enter or a double click zooms into the country."""

    BINDINGS: ClassVar = [
        Binding("enter", "zoom", "zoom"),
        Binding("a", "watch", "watch"),
        Binding("d", "unwatch", "unwatch"),
    ]

    class Zoom(Message):
        def __init__(self, code: str) -> None:
            super().__init__()
            self.code = code

    def __init__(self, code: str) -> None:
        super().__init__(id=f"panel-{code}", classes="level-0")
        self.code = code
        self.data: PanelData | None = None
        self._now: datetime | None = None
        self._ready = False  # children composed: until then `show` only stores the data
        self._drawn: PanelData | None = None
        self._badge: Text | None = None
        self._titles: tuple[str, int] | None = None
        self._problem: str | None = ""  # "" until drawn once
        self.border_title = Text(code)
        # Kept, not queried: an app that closes as the panel mounts (quitting during
        # start-up) may already have taken the children out of the DOM.
        self._badge_box = Static(Text(" … "), classes="badge")
        self._spark = Sparkline([0.0] * 24, classes="spark")
        self._headlines = Static(Text("loading…", style="dim"), classes="headlines")
        self._note = Static("", classes="note")

    def compose(self) -> ComposeResult:
        with Horizontal(classes="panel-top"):
            yield self._badge_box
            yield self._spark
            yield Static(Text(" 24h", style="dim"), classes="span")
        yield self._headlines
        yield self._note

    def on_mount(self) -> None:
        self._ready = True
        if self.data is not None and self._now is not None:
            self.show(self.data, self._now)

    def show(self, panel: PanelData, now: datetime) -> None:
        """Redraw from a loaded snapshot; focus and position in the grid are untouched."""
        if self._drawn is not None and self._drawn == panel:
            return  # nothing new: no repaint (ages move on the grid's slower tick)
        self.data, self._now = panel, now
        if not self._ready:
            return
        self._drawn = panel
        r = panel.reading
        if self._titles != (panel.name, r.sources):
            self._titles = (panel.name, r.sources)
            self.border_title = Text.assemble((panel.code, "bold"), " ", panel.name)
            self.border_subtitle = Text(f"{r.sources} src/24h", style="dim")
        wanted = f"level-{r.value}"
        if not self.has_class(wanted):  # restyling is costly: only when the level moved
            self.remove_class(*(f"level-{n}" for n in range(6)))
            self.add_class(wanted)
        badge = Text.assemble((f" {r.value} ", badge_style(r.value)), " ", r.arrow)
        if not r.corroborated and r.value:
            badge.append("?", style="dim")  # not yet confirmed by a second source
        if badge != self._badge:
            # The badge is sized by its text: a layout only when its width changes.
            width_changed = self._badge is None or badge.cell_len != self._badge.cell_len
            self._badge = badge
            self._badge_box.update(badge, layout=width_changed)
        spark = self._spark
        if list(spark.data or []) != panel.spark:
            spark.data = panel.spark
        self.render_headlines(now)
        problem = panel.coverage_problem
        if problem != self._problem:
            self._problem = problem
            note = self._note
            note.update(Text(f"⚠ {problem}", style="bold yellow3") if problem else "", layout=False)
            if note.display != (problem is not None):
                note.display = problem is not None  # this one is a layout

    def render_headlines(self, now: datetime) -> None:
        """Only the time-ago column changes as the clock runs: no I/O needed."""
        if self.data is None or not self._ready:
            return
        box = self._headlines
        if not self.data.headlines:
            box.update(Text("no items", style="dim"), layout=False)
            return
        width = self.size.width or 30
        source_width = 10 if width >= 44 else 0
        shown = self.data.headlines[: box.size.height or None]  # only what fits is built
        lines = [headline(it, now, source_width=source_width) for it in shown]
        text = Text("\n").join(lines)
        text.no_wrap = True
        text.overflow = "ellipsis"
        box.update(text, layout=False)  # fixed height: no relayout for new text

    def on_resize(self, event: events.Resize) -> None:
        if self._now is not None:
            self.render_headlines(self._now)  # as many lines as now fit

    def action_zoom(self) -> None:
        self.post_message(self.Zoom(self.code))

    def action_watch(self) -> None:
        self.app.watch_country(self.code)  # type: ignore[attr-defined]

    def action_unwatch(self) -> None:
        self.app.unwatch_country(self.code)  # type: ignore[attr-defined]

    def on_click(self, event: events.Click) -> None:
        self.focus()
        if event.chain >= 2:
            self.action_zoom()
