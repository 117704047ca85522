"""Command palette entries for countries: zoom into any country, or watch it."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from crisiswatch.tui.names import all_countries, country_name

if TYPE_CHECKING:
    from crisiswatch.tui.app import CrisisApp


class CountryCommands(Provider):
    """Every known country, found by name or code."""

    @property
    def dash(self) -> CrisisApp:
        return cast("CrisisApp", self.app)

    async def discover(self) -> Hits:
        for code in self.dash.countries:
            yield DiscoveryHit(
                f"Zoom: {country_name(code)} ({code})",
                partial(self.dash.zoom, code),
                help="open the country's items, conflicts and timeline",
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for code, name in all_countries():
            for verb, action, help_text in (
                ("Zoom", self.dash.zoom, "open the country's items, conflicts and timeline"),
                ("Watch", self.dash.watch_country, "add it to the watchlist (saved)"),
            ):
                label = f"{verb}: {name} ({code})"
                score = matcher.match(label)
                if score > 0:
                    yield Hit(
                        score, matcher.highlight(label), partial(action, code), help=help_text
                    )
