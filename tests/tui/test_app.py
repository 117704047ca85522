"""Pilot tests: every key, zoom and back, search, filters, pause, watchlist, live rows."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from textual.command import Command, CommandList
from textual.content import Content
from textual.geometry import Region
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Input, Static

from crisiswatch.config import Config
from crisiswatch.index import FORMULA
from crisiswatch.store import Store
from crisiswatch.tui import app as tui_app
from crisiswatch.tui.app import CrisisApp
from crisiswatch.tui.country_panel import CountryPanel
from crisiswatch.tui.country_screen import CountryScreen, first_page
from crisiswatch.tui.data import WATCHLIST_KEY, load_country
from crisiswatch.tui.feeds_screen import FeedsScreen
from crisiswatch.tui.header import StatusHeader
from crisiswatch.tui.help_screen import HelpScreen
from crisiswatch.tui.item_screen import ItemScreen
from crisiswatch.tui.level_filter import LevelFilter
from crisiswatch.tui.paged_table import PagedTable
from crisiswatch.tui.render import LEVEL_NAMES
from crisiswatch.tui.search_screen import SearchScreen
from crisiswatch.tui.status import CollectorStatus
from crisiswatch.tui.watch_prompt import WatchPrompt
from tests.tui.conftest import loaded, make_app, opened, wait_for, zoomed
from tests.tui.fixture_db import BROKEN, HOSTILE, WATCH, add_live_item, build_db

S = TypeVar("S", bound=Screen[Any])


def plain(widget: Widget) -> str:
    rendered = widget.render()
    return rendered.plain if hasattr(rendered, "plain") else str(rendered)


def on_screen(widget: Widget) -> str:
    """The widget's text as it is drawn, laid out at its current size."""
    strips = widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))
    return "\n".join(strip.text for strip in strips)


def palette_choice(app: CrisisApp) -> str | None:
    """The command palette entry Enter would run now, as plain text."""
    lists = app.screen.query(CommandList)
    option = lists.first().highlighted_option if lists else None
    return str(option.hit.text) if isinstance(option, Command) else None


def headlines(panel: CountryPanel) -> str:
    return plain(panel.query_one(".headlines", Static))


def country_screen(app: CrisisApp) -> CountryScreen:
    """The app's current screen, which must be a country screen."""
    screen = app.screen
    assert isinstance(screen, CountryScreen), screen
    return screen


def rendered_content(widget: Static) -> Content:
    """What a Static draws: Textual turns its text (Rich or not) into Content."""
    rendered = widget.render()
    assert isinstance(rendered, Content), rendered
    return rendered


def focused_code(app: CrisisApp) -> str | None:
    focused = app.screen.focused
    return focused.code if isinstance(focused, CountryPanel) else None


async def test_main_screen_shows_watched_countries_and_health(config: Config) -> None:
    app = make_app(config)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        assert [p.code for p in app.grid.panels] == list(WATCH)
        iran = app.grid.panels[0]
        assert iran.data is not None and iran.data.reading.value == 4  # two feeds said 4
        assert "Missiles strike near Isfahan" in headlines(iran)
        header = plain(app.query_one(StatusHeader))
        assert "3 ok" in header and "1 failing" in header and "LIVE" in header
        sudan = app.query_one("#panel-SDN", CountryPanel)
        assert "only source is failing" in plain(sudan.query_one(".note", Static))
        assert app.screen.focused is iran


async def test_arrows_and_vim_keys_move_between_panels(config: Config) -> None:
    app = make_app(config)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        assert app.grid.columns == 4
        await pilot.press("right")
        assert focused_code(app) == "ISR"
        await pilot.press("down")
        assert focused_code(app) == "SDN"  # into the short second row of a 4-column grid
        await pilot.press("k")
        assert focused_code(app) == "IRN"
        await pilot.press("l")  # `l` is the level filter, not "right"
        assert isinstance(app.screen, LevelFilter)
        await pilot.press("escape", "right", "right", "right")
        assert focused_code(app) == "TWN"
        await pilot.press("right")
        assert focused_code(app) == "TWN"  # edges stop, never wrap
        await pilot.press("h", "j")
        assert focused_code(app) == "SDN"
        await pilot.press("left", "up", "up")
        assert focused_code(app) == "IRN"


async def test_zoom_and_back_keeps_focus(config: Config) -> None:
    app = make_app(config)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("right", "right")
        await zoomed(pilot)
        assert isinstance(app.screen, CountryScreen) and app.screen.code == "UKR"
        table = app.screen.query_one(PagedTable)
        await wait_for(pilot, lambda: table.row_count == 3)
        await wait_for(pilot, lambda: country_screen(app).data is not None)
        data = country_screen(app).data
        assert data is not None
        co = data.co_actors
        assert co and co[0][0] == "RUS"
        await pilot.press("escape")
        assert not isinstance(app.screen, CountryScreen)
        assert focused_code(app) == "UKR"


async def test_quitting_during_start_up_is_clean(config: Config) -> None:
    """Panels get their data as they mount; the app may close before they finish."""
    for _ in range(30):  # the panels' mount failed within a few tries before its fix
        app = make_app(config)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause(0.002)
        assert app.return_code in (0, None)


@pytest.mark.parametrize("prefetched", [True, False])
async def test_quitting_as_a_country_screen_opens_is_clean(
    config: Config, prefetched: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The screen's mount may run after the app has begun to take its children away."""
    if not prefetched:
        monkeypatch.setattr(tui_app, "first_page", lambda *a, **k: 1 / 0)
    for _ in range(20):  # a few of twenty lose the race when it exists
        app = make_app(config)
        async with app.run_test(size=(120, 40)) as pilot:
            app.zoom("UKR")
            deadline = time.monotonic() + 5
            while not isinstance(app.screen, CountryScreen) and time.monotonic() < deadline:
                await pilot.pause(0.001)
            assert isinstance(app.screen, CountryScreen)
        assert app.return_code in (0, None)


@pytest.mark.parametrize(
    ("action", "screen"),
    [
        ("action_level", LevelFilter),
        ("action_feeds", FeedsScreen),
        ("action_search", SearchScreen),
        ("action_help", HelpScreen),
    ],
)
async def test_quitting_as_any_screen_opens_is_clean(
    config: Config, action: str, screen: type
) -> None:
    """The same race for the screens a key opens: the app closes as the screen mounts."""
    for _ in range(10):  # the level filter lost every time before its fix
        app = make_app(config)
        async with app.run_test(size=(120, 40)):
            getattr(app, action)()
            assert isinstance(app.screen, screen)
        assert app.return_code in (0, None)


async def opened_bare(pilot: Pilot, open_screen: Callable[[], object], kind: type[S]) -> S:
    """Open a screen with its key's action, then take all its children away."""
    open_screen()
    screen = pilot.app.screen
    assert isinstance(screen, kind)
    await pilot.pause()
    await screen.remove_children()
    return screen


async def test_screens_take_late_answers_after_their_children_are_gone(config: Config) -> None:
    """A worker may answer while a closing app is taking a screen's children away.

    The children are removed here by hand, then each screen's answer handlers run:
    they must draw into the widgets they keep, never look them up.
    """
    app = make_app(config)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        store = app.reader.store()
        now = app.now()
        await zoomed(pilot, "UKR")
        country = app.screen
        assert isinstance(country, CountryScreen)
        await wait_for(pilot, lambda: country.data is not None)
        await country.remove_children()
        country._show_meta(load_country(store, "UKR", now))
        country._show_page(country.generation, first_page(store, "UKR", now, min_level=0))
        country._merge(country.generation, [])
        app.pop_screen()

        feeds = await opened_bare(pilot, app.action_feeds, FeedsScreen)
        feeds._show(store.feed_health())
        app.pop_screen()

        search = await opened_bare(pilot, app.action_search, SearchScreen)
        search.query_text = "missiles"
        search._show("missiles", 0, store.search("missiles", limit=10))
        assert search._results.row_count > 0
    assert app.return_code in (0, None)


async def test_double_click_zooms(config: Config) -> None:
    app = make_app(config)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.click("#panel-TWN")
        assert focused_code(app) == "TWN"
        await pilot.double_click("#panel-TWN")
        await wait_for(pilot, lambda: isinstance(app.screen, CountryScreen))
        assert isinstance(app.screen, CountryScreen) and app.screen.code == "TWN"


async def test_country_filters_paging_and_item_detail(tmp_path: Path) -> None:
    config = build_db(tmp_path / "big.db", extra_ukraine=250)
    app = make_app(config)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await zoomed(pilot, "UKR")
        screen = app.screen
        assert isinstance(screen, CountryScreen)
        table = screen.query_one(PagedTable)
        await wait_for(pilot, lambda: table.row_count == 100)  # one page, not everything
        await pilot.press("end")  # to the bottom: the next page loads
        await wait_for(pilot, lambda: table.row_count == 200)
        await pilot.press("end")
        await wait_for(pilot, lambda: table.row_count == 253 and table.exhausted)
        await pilot.press("l")
        assert isinstance(app.screen, LevelFilter)
        await pilot.press("2")
        await wait_for(pilot, lambda: table.row_count > 0 and not table.fetching)
        assert all(item.level >= 2 for item in table.items.values())
        await pilot.press("t")  # 7 d -> 30 d
        await pilot.press("t", "t")  # all time, then 24 h
        await wait_for(pilot, lambda: not table.fetching)
        assert screen.window == 0
        assert {it.id for it in table.items.values()} and all(
            it.level >= 2 for it in table.items.values()
        )
        await pilot.press("home", "enter")
        assert isinstance(app.screen, ItemScreen)
        await pilot.press("o")
        await wait_for(pilot, lambda: opened(app))
        assert opened(app)[0].startswith("https://news.example/")
        await pilot.press("escape", "escape")
        assert not isinstance(app.screen, (ItemScreen, CountryScreen))


async def test_sorting_by_column_keeps_selection(config: Config) -> None:
    app = make_app(config)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await zoomed(pilot, "IRN")
        table = app.screen.query_one(PagedTable)
        await wait_for(pilot, lambda: table.row_count >= 4)
        await pilot.press("down")
        chosen = table.highlighted_key()
        table.post_message(
            DataTable.HeaderSelected(
                table, table.ordered_columns[0].key, 0, label=table.ordered_columns[0].label
            )
        )
        await pilot.pause()
        levels = [table.items[str(row.key.value)].level for row in table.ordered_rows]
        assert levels == sorted(levels, reverse=True)
        assert table.highlighted_key() == chosen


async def test_item_detail_highlights_evidence(config: Config) -> None:
    app = make_app(config)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await zoomed(pilot, "IRN")
        table = app.screen.query_one(PagedTable)
        await wait_for(pilot, lambda: table.row_count >= 3)
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, ItemScreen)
        title = rendered_content(screen.query_one("#item-title", Static))
        assert title.plain == "Missiles strike near Isfahan air base"
        assert any(span.end - span.start == len("Missiles strike") for span in title.spans)
        await pilot.click("#open-link")
        await wait_for(pilot, lambda: opened(app))


async def test_search_finds_opens_and_survives_odd_input(config: Config) -> None:
    app = make_app(config)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("slash")
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        for key in '"(*) OR NEAR':
            await pilot.press(key if key != " " else "space")
        await pilot.press("enter")
        results = screen.query_one(PagedTable)
        await wait_for(pilot, lambda: not results.fetching)
        screen.query_one(Input).focus()
        screen.query_one(Input).value = ""
        await pilot.press(*"missiles")
        await pilot.press("enter")
        await wait_for(pilot, lambda: results.row_count == 2)
        assert plain(screen.query_one("#search-status", Static)) == "2 results for missiles"
        await pilot.press("o")
        await wait_for(pilot, lambda: opened(app))
        await pilot.press("enter")
        assert isinstance(app.screen, ItemScreen)
        await pilot.press("escape", "escape")
        assert not isinstance(app.screen, (ItemScreen, SearchScreen))


async def test_search_counts_one_result_in_the_singular(config: Config) -> None:
    app = make_app(config)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("slash", *"grain", "enter")
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        results = screen.query_one(PagedTable)
        await wait_for(pilot, lambda: results.row_count == 1 and not results.fetching)
        assert plain(screen.query_one("#search-status", Static)) == "1 result for grain"


async def test_level_filter_on_the_main_screen(config: Config) -> None:
    app = make_app(config)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        before = app.loaded
        await pilot.press("l")
        assert isinstance(app.screen, LevelFilter)
        await pilot.press("down", "down", "down", "enter")  # level 3
        await wait_for(pilot, lambda: app.loaded > before)
        assert app.min_level == 3
        for panel in app.grid.panels:
            assert panel.data is not None
            assert all(item.level >= 3 for item in panel.data.headlines)
        assert "level ≥ 3" in plain(app.query_one(StatusHeader))
        await pilot.press("l", "escape")  # escape keeps the filter
        assert app.min_level == 3


async def test_live_rows_from_another_writer_appear_and_toast(config: Config) -> None:
    app = make_app(config, tick=0.2)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        title = f"Fresh strike on Tabriz {HOSTILE}"
        add_live_item(config.db_path, "live-1", title, level=5, actors=("IRN",))
        iran = app.query_one("#panel-IRN", CountryPanel)
        await wait_for(pilot, lambda: "Fresh strike on Tabriz" in headlines(iran), timeout=2.0)
        await wait_for(pilot, lambda: any(title in n.message for n in app._notifications))
        assert HOSTILE in plain(app.query_one("#alerts"))  # the alerts strip, literally
        assert app.is_running
        assert app.screen.focused is iran  # nothing stole focus


async def test_a_late_backlog_reaches_the_panels_without_a_toast(config: Config) -> None:
    """A report published two days ago but stored now is history, not breaking news."""
    app = make_app(config, tick=0.2)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        add_live_item(
            config.db_path,
            "late-1",
            "Old strike on Tabriz",
            level=5,
            actors=("IRN",),
            minutes_ago=60 * 48,
        )
        add_live_item(config.db_path, "live-2", "New strike on Tabriz", level=4, actors=("IRN",))
        await wait_for(pilot, lambda: any("New strike" in n.message for n in app._notifications))
        assert not any("Old strike" in n.message or "more" in n.message for n in app._notifications)


async def test_pause_holds_the_view_until_resumed(config: Config) -> None:
    app = make_app(config, tick=0.2)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("p")
        assert app.paused and "PAUSED" in plain(app.query_one(StatusHeader))
        add_live_item(config.db_path, "live-2", "Held while paused", level=1, actors=("ISR",))
        israel = app.query_one("#panel-ISR", CountryPanel)
        header = app.query_one(StatusHeader)
        await wait_for(pilot, lambda: header.pending > 0)
        assert "Held while paused" not in headlines(israel)
        assert "+1 new" in plain(header)
        await pilot.press("p")
        await wait_for(pilot, lambda: "Held while paused" in headlines(israel))
        assert "LIVE" in plain(header)


async def test_live_rows_merge_into_an_open_country_table(config: Config) -> None:
    app = make_app(config, tick=0.2)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await zoomed(pilot, "IRN")
        table = app.screen.query_one(PagedTable)
        await wait_for(pilot, lambda: table.row_count >= 4)
        await pilot.press("down", "down")
        chosen = table.highlighted_key()
        count = table.row_count
        add_live_item(config.db_path, "live-3", "New report from Iran", level=2, actors=("IRN",))
        await wait_for(pilot, lambda: table.row_count == count + 1)
        assert table.highlighted_key() == chosen  # selection stays on the same item
        assert table.has_focus


async def test_poll_key(config: Config) -> None:
    calls: list[int] = []
    status = CollectorStatus(mode="collecting", poll_now=lambda: calls.append(1))
    app = make_app(config, status=status)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("r")
        assert calls == [1]
    readonly = make_app(config)
    async with readonly.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("r")
        assert any("not polling" in n.message for n in readonly._notifications)


async def test_a_collector_that_cannot_store_says_so_in_the_header(config: Config) -> None:
    """Disk full must not look like a quiet news day: the header names the problem."""
    status = CollectorStatus(mode="collecting", poll_now=lambda: None)
    app = make_app(config, status=status)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        assert "NOT STORING" not in app.header.render().plain
        full = "s.db: the disk is full; free some space"
        status.report({"poll_done": "1 feeds", "store_error": full})
        line = app.header.render().plain
        assert "NOT STORING: s.db: the disk is full" in line
        assert all(p.data is not None for p in app.grid.panels)  # what it has stays shown
        status.report({"poll_done": "1 feeds", "store_error": None})
        assert "NOT STORING" not in app.header.render().plain


async def test_watchlist_edits_are_saved(config: Config) -> None:
    app = make_app(config)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("right")  # Israel
        count = app.loaded
        await pilot.press("d")
        await wait_for(pilot, lambda: app.loaded > count and "ISR" not in app.countries)
        assert focused_code(app) is not None  # focus moved to a neighbour, not lost
        await zoomed(pilot, "CHN")
        count = app.loaded
        await pilot.press("a")
        await wait_for(pilot, lambda: app.loaded > count and "CHN" in app.countries)
        await pilot.press("a")  # already watched: ask which country to add
        assert isinstance(app.screen, WatchPrompt)
        await pilot.press(*"Sudan")
        await pilot.press("enter")  # ambiguous? no: exactly one name starts with "Sudan"
        await pilot.pause()
        await pilot.press("escape")
        await app.workers.wait_for_complete()
    with Store(config.db_path, readonly=True) as store:
        saved = store.get_setting(WATCHLIST_KEY)
    assert saved["config"] == list(WATCH)
    assert "ISR" not in saved["countries"] and "CHN" in saved["countries"]
    again = make_app(config)  # the edit survives a restart
    async with again.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        assert "CHN" in again.countries and "ISR" not in again.countries


async def test_feeds_help_and_quit(config: Config) -> None:
    app = make_app(config)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("f")
        assert isinstance(app.screen, FeedsScreen)
        table = app.screen.query_one("#feeds", DataTable)
        await wait_for(pilot, lambda: table.row_count == 4)
        assert "Broken Feed" in str(table.get_row_at(0)[0])  # failing feeds come first
        assert "failing" in str(table.get_row_at(0)[1])
        await pilot.press("escape", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        body = app.screen.query_one("#help-body", Static)
        await wait_for(pilot, lambda: body.size.height > 0)
        shown = on_screen(body)
        for needle in (
            "full-text search over all stored items",  # a key's row
            "command palette: themes, countries, every action",
            "Escalation index",
            FORMULA.splitlines()[2].strip(),  # the escalation formula itself
            "no news there is not good news",
        ):
            assert needle in shown, (needle, shown)
        assert all(name in shown for name in LEVEL_NAMES.values()), shown
        await pilot.press("escape")
        await pilot.press("q")
    assert app.return_code == 0


async def test_command_palette_zooms_a_country(config: Config) -> None:
    app = make_app(config)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"Zoom: Taiwan")
        await wait_for(pilot, lambda: palette_choice(app) == "Zoom: Taiwan (TWN)")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CountryScreen))
        assert country_screen(app).code == "TWN"


async def test_untrusted_titles_show_literally_and_clicks_do_nothing(config: Config) -> None:
    app = make_app(config)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        iran = app.query_one("#panel-IRN", CountryPanel)
        israel = app.query_one("#panel-ISR", CountryPanel)
        assert HOSTILE in headlines(iran)
        assert BROKEN in headlines(israel)
        lines = plain(iran.query_one(".headlines", Static)).splitlines()
        row = next(i for i, line in enumerate(lines) if HOSTILE[:6] in line)
        for x in range(6, 28, 3):  # click all over the hostile line
            await pilot.click("#panel-IRN .headlines", offset=(x, row))
        assert app.is_running and app.return_code is None
        await zoomed(pilot, "IRN")
        table = app.screen.query_one(PagedTable)
        await wait_for(pilot, lambda: table.row_count >= 4)
        key = next(k for k, it in table.items.items() if it.title == HOSTILE)
        table.move_cursor(row=table.get_row_index(key))
        await pilot.press("enter")
        title = rendered_content(app.screen.query_one("#item-title", Static))
        assert title.plain == HOSTILE
        await pilot.click("#item-title", offset=(20, 0))
        assert app.is_running


async def test_small_and_large_terminals(config: Config) -> None:
    small = make_app(config)
    async with small.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        assert small.grid.columns == 2
        assert small.grid.panels[0].region.height >= 8  # readable, the grid scrolls
        await pilot.press("down", "down")
        assert focused_code(small) == "SDN"
        focused = small.screen.focused
        assert focused is not None
        assert focused.region.bottom <= 24
    large = make_app(config)
    async with large.run_test(size=(200, 60)) as pilot:
        await loaded(pilot)
        assert large.grid.columns == 5  # all five panels side by side
        assert large.grid.panels[0].region.height > 40


async def test_keys_typed_quickly_act_on_the_panel_the_arrow_moved_to(config: Config) -> None:
    """Arrow then enter in one burst: Textual's focus() lands a turn after the enter."""
    from textual import events

    app = make_app(config)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        assert focused_code(app) == "IRN"
        driver = app._driver
        assert driver is not None
        for key, char in (("right", None), ("enter", "\r")):
            driver.send_message(events.Key(key, char))  # as one read from the terminal
        await wait_for(pilot, lambda: isinstance(app.screen, CountryScreen))
        assert country_screen(app).code == "ISR"
