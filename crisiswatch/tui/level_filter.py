"""Pick the minimum level shown in panels and tables."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from crisiswatch.tui.render import LEVEL_NAMES, badge_style


class LevelFilter(ModalScreen[int | None]):
    """A small chooser; digits pick directly, Escape keeps the current filter."""

    BINDINGS: ClassVar = [
        Binding("escape", "dismiss(None)", "cancel"),
        *(Binding(str(n), f"pick({n})", show=False) for n in range(6)),
    ]

    def __init__(self, current: int) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        options = []
        for level, name in LEVEL_NAMES.items():
            label = Text.assemble((f" {level} ", badge_style(level)), f"  and above: {name}")
            if level == 0:
                label = Text.assemble((" 0 ", badge_style(0)), "  everything")
            options.append(Option(label, id=str(level)))
        with Vertical(id="level-box"):
            yield Static(Text("Show items at level ≥", style="bold"))
            levels = OptionList(*options, id="levels")
            # set while composing: the app may close before this screen mounts
            levels.highlighted = self.current
            yield levels

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0))

    def action_pick(self, level: int) -> None:
        self.dismiss(level)
