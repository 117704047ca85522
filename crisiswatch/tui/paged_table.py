"""An item table that holds one page at a time and asks for the next near the bottom."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey

from crisiswatch.queries import StoredItem
from crisiswatch.tui.data import time_ago
from crisiswatch.tui.render import Cell, level_style

COLUMNS = {"level": 5, "published": 11, "ago": 4, "source": 12, "countries": 9, "title": 40}
PREFETCH_ROWS = 20  # ask for the next page this many rows before the end


class PagedTable(DataTable[Text]):
    """Rows are keyed by item id; cells are `Cell` (plain `Text`), never markup."""

    BINDINGS: ClassVar = [
        Binding("home", "scroll_top", "first", show=False),
        Binding("end", "scroll_bottom", "last", show=False),
    ]

    class NeedMore(Message):
        def __init__(self, table: PagedTable) -> None:
            super().__init__()
            self.table = table

    def __init__(
        self,
        *,
        id: str,
        sortable: bool = True,
        initial: tuple[Iterable[StoredItem], datetime, int] | None = None,
        width_hint: int = 0,
    ) -> None:
        """`initial`: a first page (items, now, page size) shown from the first paint.

        `width_hint` is the width the table is expected to get: with it the rows
        are added before the first layout, so the cells render once; if the
        guess was wrong, the first resize corrects the title column.
        """
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.initial = initial
        self.width_hint = width_hint
        self.items: dict[str, StoredItem] = {}
        self.exhausted = False
        self.fetching = False
        self.sortable = sortable
        self.sort_column: str | None = "published" if sortable else None
        self.sort_reverse = True

    def on_mount(self) -> None:
        for key, width in COLUMNS.items():
            self.add_column(Text(key), key=key, width=width)
        self._fit_title(self.width_hint)
        if self.width_hint:
            self._add_initial()

    def on_resize(self) -> None:
        self._fit_title()
        self._add_initial()

    def _add_initial(self) -> None:
        """Rows go in once the title column has its width: the cells render only once."""
        if self.initial is not None:
            items, now, page_size = self.initial
            self.initial = None
            self.add_items(items, now, page_size=page_size)

    def _fit_title(self, table_width: int = 0) -> None:
        """The title takes whatever width the fixed columns leave."""
        table_width = table_width or self.size.width
        if "title" not in self.columns or not table_width:
            return
        fixed = sum(w + 2 * self.cell_padding for k, w in COLUMNS.items() if k != "title")
        width = max(20, table_width - fixed - 2 * self.cell_padding - 1)
        column = self.columns[ColumnKey("title")]
        if column.width != width:
            column.width = width
            column.auto_width = False
            self._require_update_dimensions = True
            self.refresh()

    def clear_items(self) -> None:
        self.clear()
        self.items.clear()
        self.exhausted = False
        self.fetching = False

    def _row(self, item: StoredItem, now: datetime) -> list[Text]:
        return [
            Cell(str(item.level), f"bold {level_style(item.level)}", sort=item.level),
            Cell(item.published[5:16].replace("T", " "), "", sort=(item.published, item.rowid)),
            Cell(time_ago(item.published, now), "dim", sort=(item.published, item.rowid)),
            Cell(item.feed, "italic", sort=item.feed.casefold()),
            Cell(" ".join(item.actors), "bold", sort=" ".join(item.actors)),
            Cell(item.title, level_style(item.level) if item.level >= 3 else "", sort=item.title),
        ]

    def add_items(self, items: Iterable[StoredItem], now: datetime, *, page_size: int) -> int:
        """Append a page; a short page means there is nothing more to fetch."""
        added = 0
        count = 0
        for item in items:
            count += 1
            if item.id in self.items:
                continue
            self.items[item.id] = item
            self.add_row(*self._row(item, now), key=item.id)
            added += 1
        self.exhausted = count < page_size
        self.fetching = False
        return added

    def merge_new(self, items: Iterable[StoredItem], now: datetime) -> int:
        """Insert live rows without moving the reader: same row selected, same rows in view."""
        fresh = [it for it in items if it.id not in self.items]
        if not fresh:
            return 0
        keep = self.highlighted_key()
        was_top = self.scroll_y == 0
        for item in fresh:
            self.items[item.id] = item
            self.add_row(*self._row(item, now), key=item.id)
        self._resort()
        if keep is not None:
            row = self.get_row_index(keep)
            self.move_cursor(row=row, animate=False, scroll=False)
        if not was_top:
            above = sum(1 for it in fresh if self.get_row_index(it.id) <= self.cursor_row)
            self.scroll_to(y=self.scroll_y + above, animate=False, immediate=True)
        return len(fresh)

    def highlighted_key(self) -> str | None:
        if not self.row_count:
            return None
        row_key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        return row_key.value

    def highlighted_item(self) -> StoredItem | None:
        key = self.highlighted_key()
        return self.items.get(key) if key else None

    def _resort(self) -> None:
        if self.sort_column is None:
            return
        self.sort(self.sort_column, key=lambda cell: cell.sort_key, reverse=self.sort_reverse)

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        """Click a column header to sort the loaded rows; click again to reverse."""
        event.stop()
        if not self.sortable:
            return
        column = str(event.column_key.value)
        if column == self.sort_column:
            self.sort_reverse = not self.sort_reverse
        else:
            self.sort_column, self.sort_reverse = column, column in ("level", "published", "ago")
        keep = self.highlighted_key()
        self._resort()
        if keep is not None:
            self.move_cursor(row=self.get_row_index(keep), animate=False)

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if new >= self.max_scroll_y - 2:
            self._ask_for_more()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row >= self.row_count - PREFETCH_ROWS:
            self._ask_for_more()

    def _ask_for_more(self) -> None:
        if self.exhausted or self.fetching or not self.row_count:
            return
        self.fetching = True
        self.post_message(self.NeedMore(self))
