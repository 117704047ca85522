"""SVG snapshots at 120x40 with a fixed clock and the fixture DB, so layout changes show in review.

Update with `pytest tests/tui/test_snapshots.py --snapshot-update` and look at the
report before committing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from crisiswatch.config import Config
from crisiswatch.tui.country_screen import CountryScreen
from crisiswatch.tui.item_screen import ItemScreen
from crisiswatch.tui.paged_table import PagedTable
from tests.tui.conftest import loaded, make_app, wait_for, zoomed
from tests.tui.fixture_db import build_db

SIZE = (120, 40)


@pytest.fixture
def snap_config(tmp_path: Path) -> Config:
    return build_db(tmp_path / "snap.db")


async def settle(pilot: Pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()


async def open_country(pilot: Pilot) -> None:
    await loaded(pilot)
    await zoomed(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CountryScreen)
    table = screen.query_one(PagedTable)
    await wait_for(pilot, lambda: table.row_count > 0 and screen.data is not None)
    await settle(pilot)


def test_main_screen(snap_compare, snap_config: Config) -> None:
    async def run_before(pilot: Pilot) -> None:
        await loaded(pilot)
        await settle(pilot)

    assert snap_compare(make_app(snap_config), terminal_size=SIZE, run_before=run_before)


def test_country_screen(snap_compare, snap_config: Config) -> None:
    assert snap_compare(make_app(snap_config), terminal_size=SIZE, run_before=open_country)


def test_item_detail(snap_compare, snap_config: Config) -> None:
    async def run_before(pilot: Pilot) -> None:
        await open_country(pilot)
        await pilot.press("enter")
        assert isinstance(pilot.app.screen, ItemScreen)
        await settle(pilot)

    assert snap_compare(make_app(snap_config), terminal_size=SIZE, run_before=run_before)


def test_help_screen(snap_compare, snap_config: Config) -> None:
    async def run_before(pilot: Pilot) -> None:
        await loaded(pilot)
        await pilot.press("question_mark")
        await settle(pilot)

    assert snap_compare(make_app(snap_config), terminal_size=SIZE, run_before=run_before)
