"""A one-line key bar: what Textual's Footer shows, drawn as one widget instead of dozens.

Textual's Footer mounts a widget per key, which costs tens of milliseconds on
every screen push; opening a country or an item must stay under 200 ms. Keys
are still clickable: a click runs the key as if it had been pressed.
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget


class KeyBar(Widget):
    DEFAULT_CSS = """
    KeyBar { dock: bottom; height: 1; background: $panel; }
    """

    def __init__(self) -> None:
        super().__init__()
        self._keys: list[tuple[Binding, bool]] = []
        self._spans: list[tuple[int, int, str]] = []  # start, end, key

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.call_after_refresh(self._bindings_changed, self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        seen: set[str] = set()
        keys: list[tuple[Binding, bool]] = []
        palette: tuple[Binding, bool] | None = None
        for _node, binding, enabled, _tooltip in screen.active_bindings.values():
            if binding.key == self.app.COMMAND_PALETTE_BINDING:
                palette = (binding, enabled)
                continue
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            keys.append((binding, enabled))
        if palette is not None and self.app.ENABLE_COMMAND_PALETTE:
            keys.append(palette)
        if keys != self._keys:
            self._keys = keys
            self.refresh()

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        self._spans = []
        for binding, enabled in self._keys:
            start = len(text)
            text.append(f" {self.app.get_key_display(binding)}", style="bold orange1")
            text.append(
                f" {binding.description or binding.action} ", style="" if enabled else "dim"
            )
            self._spans.append((start, len(text), binding.key))
        return text

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                self.app.simulate_key(key.split(",")[0])
                return
