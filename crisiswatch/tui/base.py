"""The dashboard's screens: they reach the app's reader and actions typed, and repaint less."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget

if TYPE_CHECKING:
    from crisiswatch.tui.app import CrisisApp


class DashScreen(Screen[None]):
    # Textual repaints the whole screen when the focus moves; here only the two
    # widgets whose :focus style changed repaint themselves. On a busy machine a
    # full repaint per arrow key was the largest share of the UI's own work.
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    @property
    def dash(self) -> CrisisApp:
        return cast("CrisisApp", self.app)
