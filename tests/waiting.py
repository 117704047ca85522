"""Bounded waits on conditions: how every test waits for another process or thread.

A test never sleeps to let something happen; it polls the condition it needs, briefly,
and gives up with a message naming what never came.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

POLL = 0.01  # seconds between looks: short next to any timeout, long enough not to spin


def poll_until(condition: Callable[[], object], timeout: float) -> bool:
    """Look at `condition` until it holds or `timeout` passes; whether it held."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return bool(condition())
        time.sleep(POLL)
    return True


def wait_until(condition: Callable[[], object], timeout: float, what: str) -> None:
    if not poll_until(condition, timeout):
        raise AssertionError(f"timed out after {timeout} s waiting for {what}")


async def wait_until_async(condition: Callable[[], object], timeout: float, what: str) -> None:
    """The same on an event loop, which keeps running while it waits."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(POLL)
