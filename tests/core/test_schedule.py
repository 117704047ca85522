"""Politeness rules: interval when healthy, capped jittered backoff, Retry-After."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from crisiswatch.models import utcnow
from crisiswatch.schedule import MAX_BACKOFF, MAX_INTERVAL, MAX_RETRY_AFTER, next_poll


def delay(**kwargs) -> float:
    now = utcnow()
    return (next_poll(now, 600, rng=random.Random(1), **kwargs) - now).total_seconds()


def test_healthy_feed_keeps_its_interval() -> None:
    assert delay() == 600


def test_backoff_grows_and_is_capped() -> None:
    delays = [delay(errors=n) for n in range(1, 12)]
    assert delays[0] < delays[1] < delays[2]
    assert max(delays) <= MAX_BACKOFF
    assert delays[-1] >= MAX_BACKOFF * 0.8  # still retried, never parked forever


def test_backoff_has_jitter() -> None:
    now = utcnow()
    spread = {next_poll(now, 600, errors=2, rng=random.Random(seed)) for seed in range(20)}
    assert len(spread) > 10
    assert all(timedelta(seconds=960) <= t - now <= timedelta(seconds=1440) for t in spread)


def test_retry_after_wins_when_later_and_is_bounded() -> None:
    assert delay(errors=1, retry_after=5000) == 5000
    assert delay(errors=1, retry_after=10**9) == MAX_RETRY_AFTER
    assert delay(errors=1, retry_after=1) >= 480  # never earlier than the backoff


@pytest.mark.parametrize("interval", [MAX_INTERVAL + 1, 10**12, 2**63 - 1, 10**400])
def test_a_huge_interval_is_clamped_not_an_overflow(interval: int) -> None:
    """The config refuses these; a caller that skips it must still get a date, not a crash."""
    now = utcnow()
    assert next_poll(now, interval) - now == timedelta(seconds=MAX_INTERVAL)
    failing = next_poll(now, interval, errors=3, rng=random.Random(1)) - now
    assert failing <= timedelta(seconds=MAX_BACKOFF)


def test_a_nan_retry_after_is_ignored() -> None:
    assert delay(retry_after=float("nan")) == 600
    assert delay(retry_after=float("inf")) == MAX_RETRY_AFTER
