"""When to poll a feed next: its interval when healthy, capped backoff when not.

Kept apart from the pipeline so the politeness rules can be read and tested alone.
"""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta

MAX_BACKOFF = 6 * 3600  # an ailing feed is retried at least every six hours: never parked
MAX_RETRY_AFTER = 24 * 3600  # a server's Retry-After is honoured up to a day
MIN_INTERVAL = 30  # polling a feed more often than this is impolite; config refuses it
MAX_INTERVAL = 7 * 24 * 3600  # config refuses longer; a timedelta of 10**12 s overflows
MIN_DELAY = MIN_INTERVAL


def next_poll(
    now: datetime,
    interval: int,
    *,
    errors: int = 0,
    retry_after: float | None = None,
    rng: random.Random | None = None,
) -> datetime:
    """The next poll time after a poll that left `errors` consecutive failures.

    Healthy feeds keep their interval. Failing feeds back off exponentially from
    the interval with +-20% jitter (so a flapping host is not hit in lockstep),
    capped at MAX_BACKOFF. A Retry-After from the server wins when it is later.
    The interval is clamped to MAX_INTERVAL so no value can overflow the date.
    """
    uniform = rng.uniform if rng is not None else random.uniform
    interval = min(interval, MAX_INTERVAL)
    if errors <= 0:
        delay = float(interval)
    else:
        base = max(interval, 60) * 2 ** min(errors - 1, 12)
        delay = min(base, MAX_BACKOFF) * uniform(0.8, 1.2)
        delay = min(delay, MAX_BACKOFF)
    if retry_after is not None and not math.isnan(retry_after):
        delay = max(delay, min(retry_after, MAX_RETRY_AFTER))
    return now + timedelta(seconds=max(delay, MIN_DELAY if errors else 1))
