from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from crisiswatch.config import Config
from crisiswatch.tui.app import CrisisApp
from crisiswatch.tui.status import CollectorStatus
from tests.tui.fixture_db import LOCAL_TZ, build_db, fixed_now


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return build_db(tmp_path / "dash.db")


def make_app(config: Config, **kwargs: object) -> CrisisApp:
    opened: list[str] = []
    options: dict[str, object] = {
        "now": fixed_now,
        "tz": LOCAL_TZ,
        "opener": opened.append,
        "tick": None,
    }
    options.update(kwargs)
    app = CrisisApp(config, **options)  # type: ignore[arg-type]
    app.opened = opened  # type: ignore[attr-defined]
    return app


async def wait_for(pilot: Pilot, condition: Callable[[], object], timeout: float = 5.0) -> None:
    """Let the app run until `condition` holds; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {condition}")
        await pilot.pause(0.02)
    await pilot.pause()


async def loaded(pilot: Pilot) -> None:
    app = pilot.app
    await wait_for(pilot, lambda: app.loaded > 0)  # type: ignore[attr-defined]
    await wait_for(pilot, lambda: all(p.data is not None for p in app.grid.panels))  # type: ignore[attr-defined]


async def zoomed(pilot: Pilot, code: str | None = None) -> None:
    """Zoom (into `code`, or by pressing enter) and wait for the country screen."""
    from crisiswatch.tui.country_screen import CountryScreen

    if code is None:
        await pilot.press("enter")
    else:
        pilot.app.zoom(code)  # type: ignore[attr-defined]
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, CountryScreen))
    await pilot.pause()


__all__ = ["CollectorStatus", "loaded", "make_app", "wait_for", "zoomed"]
