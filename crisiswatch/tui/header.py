"""The one-line status header: clocks, live/paused, feed health, last poll, item rate."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo

from rich.text import Text
from textual.widget import Widget

from crisiswatch.tui.data import FeedSummary
from crisiswatch.tui.status import CollectorStatus


def _ago(then: datetime | None, now: datetime) -> str:
    if then is None:
        return "never"
    seconds = max(0, int((now - then).total_seconds()))
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m ago"
    return f"{seconds // 60}:{seconds % 60:02d} ago"


class StatusHeader(Widget):
    """Segments are dropped right to left when the terminal is too narrow."""

    DEFAULT_CSS = """
    StatusHeader { height: 1; background: $panel; }
    """

    def __init__(self, now: Callable[[], datetime], tz: tzinfo | None, status: CollectorStatus):
        super().__init__()
        self._now = now
        self._tz = tz
        self.status = status
        self.feeds = FeedSummary()
        self.paused = False
        self.pending = 0  # new rows seen while paused
        self.min_level = 0
        self.loaded = False

    def update_state(
        self,
        *,
        feeds: FeedSummary | None = None,
        paused: bool | None = None,
        pending: int | None = None,
        min_level: int | None = None,
    ) -> None:
        if feeds is not None:
            self.feeds = feeds
            self.loaded = True
        if paused is not None:
            self.paused = paused
        if pending is not None:
            self.pending = pending
        if min_level is not None:
            self.min_level = min_level
        self.refresh()

    def segments(self) -> list[Text]:
        now = self._now()
        local = now.astimezone(self._tz) if self._tz else now.astimezone()
        parts = [
            Text(" crisiswatch", style="bold"),
            Text(f"{now:%H:%M} UTC"),
        ]
        if self.paused:
            label = " PAUSED " + (f"+{self.pending} new " if self.pending else "")
            parts.append(Text(label, style="bold black on yellow"))
        else:
            parts.append(Text(" LIVE ", style="bold black on green3"))
        f = self.feeds
        feeds = Text("feeds ")
        feeds.append(f"{f.ok} ok", style="green3")
        if f.failing:
            feeds.append(" / ")
            feeds.append(f"{f.failing} failing", style="bold red1")
        if f.waiting:
            feeds.append(f" / {f.waiting} waiting", style="dim")
        if not self.loaded:
            feeds = Text("loading…", style="dim")
        parts.append(feeds)
        st = self.status
        if st.polling:
            parts.append(Text(f"polling {st.done}/{st.due}", style="cyan"))
        else:
            parts.append(Text(f"last poll {_ago(st.last_done or f.last_poll, now)}"))
        parts.append(Text(f"+{f.items_last_hour} items/h"))
        if self.min_level:
            parts.append(Text(f"level ≥ {self.min_level}", style="bold yellow3"))
        if st.error:  # e.g. disk full: what is shown is kept, new items are not
            parts.insert(3, Text(f"NOT STORING: {st.error}", style="bold white on red3"))
        if not st.collecting:
            parts.append(Text(st.mode, style="italic dim"))
        parts.insert(2, Text(f"{local:%H:%M} local", style="dim"))
        return parts

    def render(self) -> Text:
        parts = self.segments()
        width = self.size.width or 120
        # Drop the least important segments until the line fits.
        for drop in ("local", "items/h", "last poll"):
            if len(Text("   ").join(parts)) <= width:
                break
            parts = [p for p in parts if drop not in p.plain]
        line = Text("   ").join(parts)
        line.no_wrap = True
        line.overflow = "ellipsis"
        return line
