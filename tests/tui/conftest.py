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


class Opener:
    """Stands in for the web browser: records every URL the app asks to open."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def __call__(self, url: str) -> None:
        self.urls.append(url)


def make_app(
    config: Config, *, status: CollectorStatus | None = None, tick: float | None = None
) -> CrisisApp:
    return CrisisApp(config, status=status, now=fixed_now, tz=LOCAL_TZ, opener=Opener(), tick=tick)


def opened(app: CrisisApp) -> list[str]:
    """The URLs `app` has asked to open, as the `Opener` from `make_app` recorded them."""
    assert isinstance(app.opener, Opener)
    return app.opener.urls


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
    assert isinstance(app, CrisisApp)
    await wait_for(pilot, lambda: app.loaded > 0)
    await wait_for(pilot, lambda: all(p.data is not None for p in app.grid.panels))


async def zoomed(pilot: Pilot, code: str | None = None) -> None:
    """Zoom (into `code`, or by pressing enter) and wait for the country screen."""
    from crisiswatch.tui.country_screen import CountryScreen

    if code is None:
        await pilot.press("enter")
    else:
        app = pilot.app
        assert isinstance(app, CrisisApp)
        app.zoom(code)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, CountryScreen))
    await pilot.pause()


__all__ = ["CollectorStatus", "Opener", "loaded", "make_app", "opened", "wait_for", "zoomed"]
