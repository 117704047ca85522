"""A screen that knows its app is the dashboard, so screens reach its reader and actions typed."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.screen import Screen

if TYPE_CHECKING:
    from crisiswatch.tui.app import CrisisApp


class DashScreen(Screen[None]):
    @property
    def dash(self) -> CrisisApp:
        return cast("CrisisApp", self.app)
