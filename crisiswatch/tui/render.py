"""Rich `Text` builders shared by the widgets: feed text always enters as plain data.

Nothing here parses markup. Titles, summaries and feed names are appended to
`Text` objects as strings, so `[bold]`, `[@click=...]` or a stray `[/]` in a
headline is shown exactly as written and can never style, link or crash.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from rich.text import Text

from crisiswatch.models import LEVEL_NAMES as _NAMES
from crisiswatch.models import Evidence
from crisiswatch.queries import StoredItem
from crisiswatch.styles import evidence_style, level_style
from crisiswatch.tui.data import time_ago

LEVEL_NAMES = dict(enumerate(_NAMES))


def badge_style(level: int) -> str:
    """Reverse video badge so the level reads from across the room."""
    return f"bold black on {level_style(level)}"


class Cell(Text):
    """A table cell that shows plain text but sorts by a value of its own."""

    def __init__(self, text: str, style: str = "", sort: Any = None) -> None:
        super().__init__(text, style=style, no_wrap=True, overflow="ellipsis")
        self.sort_key = text if sort is None else sort


def headline(item: StoredItem, now: datetime, *, source_width: int = 12) -> Text:
    """One panel line: level, age, source, title, all as plain text."""
    line = Text(no_wrap=True, overflow="ellipsis", end="")
    line.append(f"{item.level} ", style=f"bold {level_style(item.level)}")
    line.append(f"{time_ago(item.published, now):>3} ", style="dim")
    if source_width:
        source = item.feed[:source_width]
        line.append(f"{source:<{source_width}} ", style="italic dim")
    line.append(item.title, style=level_style(item.level) if item.level >= 3 else "")
    return line


def highlighted(text: str, evidence: Iterable[Evidence], field: str) -> Text:
    """The field's text with the classifier's evidence phrases marked where they matched."""
    out = Text(text)
    # The review's words first, so a word that is also the rules' evidence keeps their style.
    for ev in sorted(evidence, key=lambda ev: ev.kind != "review"):
        if ev.field != field:
            continue
        start, end = ev.start, ev.end
        if not (0 <= start < end <= len(text)) or (ev.text and text[start:end] != ev.text):
            found = text.find(ev.text) if ev.text else -1
            if found < 0:
                continue
            start, end = found, found + len(ev.text)
        out.stylize(evidence_style(ev), start, end)
    return out
