"""The escalation index: one number per country that says how bad it is right now.

How it is computed (this text is also shown on the dashboard's help screen):

For each feed (an independent source), take the highest level (0-5) it gave
to any item about the country in the last 24 hours. Then

    index = max(corroborated, uncorroborated - 1)

where `corroborated` is the highest level reported by at least two different
feeds (each at that level or above), and `uncorroborated` is the highest level
any single feed reported. A single alarming headline therefore counts one
level lower until a second source confirms it. No items in the window gives 0.

The trend compares the index with the same formula over the previous 24 hours
(24-48 h ago): up, down or level.

The sparkline shows the escalation weight per hour: the sum of the levels of
that hour's items, so routine (level 0) news adds nothing and a burst of
level-4 reports stands out.

Everything here is pure (no I/O, no clock): callers pass the numbers in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

WINDOW = timedelta(hours=24)

FORMULA = (
    "index = max(corroborated, uncorroborated - 1), over the last 24 h\n"
    "  corroborated:   the highest level reported by at least two different feeds\n"
    "  uncorroborated: the highest level reported by any single feed\n"
    "A lone alarming report counts one level lower until a second source confirms it.\n"
    "No items about the country in 24 h gives 0.\n"
    "Trend: the same index over the previous 24 h (24-48 h ago): ▲ higher, ▼ lower, ─ same.\n"
    "Sparkline: escalation weight per hour = the sum of the levels of that hour's items."
)

UP, DOWN, LEVEL = "▲", "▼", "─"


@dataclass(frozen=True, slots=True)
class IndexReading:
    """The index now, the index one window earlier, and how many sources spoke."""

    value: int
    previous: int
    sources: int
    corroborated: bool  # True when the value is backed by two or more feeds

    @property
    def trend(self) -> int:
        return (self.value > self.previous) - (self.value < self.previous)

    @property
    def arrow(self) -> str:
        return {1: UP, -1: DOWN}.get(self.trend, LEVEL)


def escalation_index(levels_by_source: Mapping[int, int] | Iterable[int]) -> int:
    """The index over one window, from each source's highest level in it."""
    values = (
        levels_by_source.values() if isinstance(levels_by_source, Mapping) else levels_by_source
    )
    ranked = sorted((max(0, min(5, int(v))) for v in values), reverse=True)
    if not ranked:
        return 0
    uncorroborated = ranked[0] - 1
    corroborated = ranked[1] if len(ranked) > 1 else 0
    return max(corroborated, uncorroborated, 0)


def reading(current: Mapping[int, int], previous: Mapping[int, int]) -> IndexReading:
    """Both windows at once, so the trend is always computed the same way."""
    value = escalation_index(current)
    ranked = sorted(current.values(), reverse=True)
    backed = len(ranked) > 1 and ranked[1] >= value
    return IndexReading(
        value=value,
        previous=escalation_index(previous),
        sources=len(current),
        corroborated=backed,
    )


def hourly_weights(
    rows: Iterable[tuple[str, int, int]], now: datetime, hours: int = 24
) -> list[float]:
    """Escalation weight per hour, oldest first, one slot per hour up to `now`.

    `rows` are (hour 'YYYY-MM-DDTHH', level, count) as the store's
    `hourly_counts` returns them; hours with no items are 0.
    """
    end = now.replace(minute=0, second=0, microsecond=0)
    slots = {
        (end - timedelta(hours=offset)).strftime("%Y-%m-%dT%H"): hours - 1 - offset
        for offset in range(hours)
    }
    series = [0.0] * hours
    for hour, level, count in rows:
        slot = slots.get(hour)
        if slot is not None:
            series[slot] += float(level) * float(count)
    return series
