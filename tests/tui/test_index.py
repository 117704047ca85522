"""The escalation index formula: corroboration, the minus-one rule, trend, sparkline slots."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crisiswatch.index import DOWN, LEVEL, UP, escalation_index, hourly_weights, reading


@pytest.mark.parametrize(
    ("levels", "expected"),
    [
        ({}, 0),
        ({1: 0}, 0),
        ({1: 3}, 2),  # one source: one level lower
        ({1: 4, 2: 4}, 4),  # corroborated
        ({1: 5, 2: 4}, 4),  # both reported 4 or above
        ({1: 5, 2: 1}, 4),  # the lone 5 still counts as 4
        ({1: 5, 2: 5, 3: 0}, 5),
        ({1: 2, 2: 1, 3: 1}, 1),
        ({1: 9, 2: -3}, 4),  # out-of-range levels are clamped
    ],
)
def test_index(levels: dict[int, int], expected: int) -> None:
    assert escalation_index(levels) == expected


def test_index_accepts_plain_levels() -> None:
    assert escalation_index([3, 3, 1]) == 3


def test_reading_trend_and_corroboration() -> None:
    up = reading({1: 4, 2: 4}, {1: 2})
    assert (up.value, up.previous, up.trend, up.arrow, up.corroborated) == (4, 1, 1, UP, True)
    down = reading({1: 3}, {1: 4, 2: 4})
    assert (down.value, down.trend, down.arrow, down.corroborated) == (2, -1, DOWN, False)
    same = reading({}, {})
    assert (same.value, same.arrow, same.sources) == (0, LEVEL, 0)


def test_hourly_weights_places_hours_oldest_first() -> None:
    now = datetime(2026, 3, 1, 12, 41, tzinfo=UTC)
    rows = [
        ("2026-03-01T12", 4, 2),  # this hour: last slot
        ("2026-03-01T12", 0, 9),  # level 0 weighs nothing
        ("2026-02-28T13", 1, 3),  # 23 h ago: first slot
        ("2026-02-28T12", 5, 1),  # 24 h ago: outside
    ]
    series = hourly_weights(rows, now)
    assert len(series) == 24
    assert series[-1] == 8.0
    assert series[0] == 3.0
    assert sum(series) == 11.0
