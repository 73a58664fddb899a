"""A table of rows drawn as ready-made lines: the lists people walk through (communities, threads).

Textual's DataTable renders every cell through Rich on every change of state (focus,
cursor, a new screen): 26 ms to draw 24 rows on the 2-core server, where a widget
that hands back lines it made once takes 1.4 ms. Every Enter and Escape of every
session draws a table, so the forum's tables are this one: each row becomes one
line when the rows or the width change, and drawing is picking lines and a style.
Only what the forum's lists need: a header, rows with keys, a row cursor, zebra
stripes, keys and clicks that highlight and select.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.console import Console
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from screens.engine.lines import DirectLines
from screens.widgets.lines import styled_line

Cell = Text | str
Row = tuple[str, Sequence[Cell]]
"""A row's key and its cells."""


@dataclass(frozen=True)
class _Row:
    key: str
    cells: tuple[Text, ...]


def _text(cell: Cell) -> Text:
    return cell if isinstance(cell, Text) else Text(cell)


class RowTable(DirectLines, ScrollView, can_focus=True):
    """Rows under a header; the cursor is a row; Enter (or a click on the cursor row) selects it."""

    DEFAULT_CSS = """
    RowTable {
        background: $surface; color: $foreground; height: auto; max-height: 100%;
        overflow-x: hidden;
        &:focus { background-tint: $foreground 5%; }
        & > .row-table--header { text-style: bold; background: $panel; color: $foreground; }
        & > .row-table--even { background: $surface-lighten-1 50%; }
        &:dark > .row-table--even { background: $surface-darken-1 40%; }
        & > .row-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .row-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        &:ansi > .row-table--header { background: ansi_bright_blue; color: ansi_default; }
    }
    """
    COMPONENT_CLASSES = {
        "row-table--header",
        "row-table--even",
        "row-table--cursor",
    }
    BINDINGS = [
        Binding("enter", "select", "Open", show=False, priority=True),
        Binding("up", "cursor(-1)", "Up", show=False, priority=True),
        Binding("down", "cursor(1)", "Down", show=False, priority=True),
        Binding("pageup", "page(-1)", "Page up", show=False, priority=True),
        Binding("pagedown", "page(1)", "Page down", show=False, priority=True),
        Binding("home", "cursor_to(0)", "First", show=False, priority=True),
        Binding("end", "cursor_to(-1)", "Last", show=False, priority=True),
    ]

    class RowHighlighted(Message):
        """The cursor came to another row (or to the first row of a new list)."""

        def __init__(self, table: RowTable, key: str, index: int) -> None:
            super().__init__()
            self.table, self.key, self.index = table, key, index

        @property
        def control(self) -> RowTable:
            return self.table

    class RowSelected(Message):
        """Enter on a row, or a click on the row the cursor is on."""

        def __init__(self, table: RowTable, key: str, index: int) -> None:
            super().__init__()
            self.table, self.key, self.index = table, key, index

        @property
        def control(self) -> RowTable:
            return self.table

    def __init__(self, *columns: str, id: str | None = None) -> None:
        super().__init__(id=id)
        self.columns: tuple[str, ...] = columns
        self._rows: list[_Row] = []
        self._index: dict[str, int] = {}
        self.cursor_row = 0
        self._highlighted: str | None = None
        self._widths: list[int] = [cell_len(c) for c in columns]
        self._lines: dict[tuple[int, str], Strip] = {}
        """Finished lines by (row, state): made once per rows, width and styles."""
        self._plain: dict[int, Strip] = {}

    # the rows -----------------------------------------------------------------------
    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def keys(self) -> list[str]:
        return [row.key for row in self._rows]

    @property
    def cursor_key(self) -> str | None:
        """The key of the row the cursor is on (None when there are no rows)."""
        if 0 <= self.cursor_row < len(self._rows):
            return self._rows[self.cursor_row].key
        return None

    def cells(self, key: str) -> tuple[Text, ...]:
        return self._rows[self._index[key]].cells

    def column(self, index: int) -> list[str]:
        """One column as plain text, top to bottom."""
        return [row.cells[index].plain for row in self._rows]

    def refill(self, rows: Sequence[Row]) -> bool:
        """Show `rows`; the cursor stays on the row with the same key if there is one.

        Rows that did not change are not drawn again (a screen coming back reloads its
        table, and usually one count has changed, or nothing). Returns whether the
        highlighted row changed (RowHighlighted was posted then).
        """
        new = [_Row(key, tuple(_text(c) for c in cells)) for key, cells in rows]
        old, self._rows = self._rows, new
        widths = [cell_len(c) for c in self.columns]
        for row in new:
            for n, cell in enumerate(row.cells):
                widths[n] = max(widths[n], cell.cell_len)
        same_keys = [row.key for row in old] == [row.key for row in new]
        if same_keys and widths == self._widths:
            for index, (before, after) in enumerate(zip(old, new, strict=True)):
                if before.cells != after.cells:
                    self._lines.pop((index, "cursor"), None)
                    self._lines.pop((index, "even" if index % 2 else "odd"), None)
                    self._refresh_row(index)
            return self._note_highlight()
        kept = old[self.cursor_row].key if 0 <= self.cursor_row < len(old) else None
        self._index = {row.key: n for n, row in enumerate(new)}
        self._widths = widths
        if kept in self._index:
            self.cursor_row = self._index[kept]
        else:
            self.cursor_row = min(max(self.cursor_row, 0), max(len(new) - 1, 0))
        self._forget_lines()
        self._size_changed()
        return self._note_highlight()

    def clear(self) -> None:
        self.refill([])

    def move_cursor(self, index: int) -> None:
        """Put the cursor on row `index` (clamped) and bring it into view."""
        if not self._rows:
            return
        index = min(max(index, 0), len(self._rows) - 1)
        if index != self.cursor_row:
            previous, self.cursor_row = self.cursor_row, index
            self._refresh_row(previous)
            self._refresh_row(index)
        self._scroll_to_cursor()
        self._note_highlight()

    def _note_highlight(self) -> bool:
        key = self.cursor_key
        if key is None or key == self._highlighted:
            self._highlighted = key
            return False
        self._highlighted = key
        self.post_message(self.RowHighlighted(self, key, self.cursor_row))
        return True

    # keys and clicks --------------------------------------------------------------
    def action_cursor(self, step: int) -> None:
        self.move_cursor(self.cursor_row + step)

    def action_cursor_to(self, index: int) -> None:
        self.move_cursor(index if index >= 0 else len(self._rows) - 1)

    def action_page(self, direction: int) -> None:
        self.move_cursor(self.cursor_row + direction * max(1, self._row_area()))

    def action_select(self) -> None:
        key = self.cursor_key
        if key is not None:
            self.post_message(self.RowSelected(self, key, self.cursor_row))

    def on_click(self, event: events.Click) -> None:
        if event.y < 1:  # the header
            return
        index = event.y - 1 + self.scroll_offset.y
        if 0 <= index < len(self._rows):
            event.stop()
            if index == self.cursor_row:
                self.action_select()
            else:
                self.move_cursor(index)

    # drawing ------------------------------------------------------------------------
    def _row_area(self) -> int:
        return self.scrollable_content_region.height - 1

    def _size_changed(self) -> None:
        width = sum(self._widths) + 2 * len(self._widths)
        self.virtual_size = Size(width, len(self._rows) + 1)
        self.refresh()

    def _scroll_to_cursor(self) -> None:
        area = self._row_area()
        top = self.scroll_offset.y
        if area <= 0:
            return
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif self.cursor_row >= top + area:
            self.scroll_to(y=self.cursor_row - area + 1, animate=False, immediate=True)

    def _refresh_row(self, index: int) -> None:
        y = index + 1 - self.scroll_offset.y
        if 1 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    def _forget_lines(self) -> None:
        self._lines.clear()
        self._plain.clear()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._forget_lines()  # focus, theme: other colours for the same rows

    def on_resize(self) -> None:
        self._forget_lines()

    def _line_text(self, cells: Sequence[Text]) -> Text:
        line = Text(no_wrap=True, overflow="crop", end="")
        for cell, width in zip(cells, self._widths, strict=False):
            line.append(" ")
            line.append_text(cell)
            line.append(" " * (width - cell.cell_len + 1))
        return line

    def _strip(self, text: Text, style: Style) -> Strip:
        console: Console = self.app.console
        width = self.content_width()
        return styled_line(text.render(console, end=""), style).crop_extend(0, width, style)

    def render_line(self, y: int) -> Strip:
        width = self.content_width()
        if y == 0:
            header = self._plain.get(-1)
            if header is None:
                style = self.get_component_rich_style("row-table--header")
                header = self._strip(self._line_text([Text(c) for c in self.columns]), style)
                self._plain[-1] = header
            return header
        index = y - 1 + self.scroll_offset.y
        if index >= len(self._rows):
            blank = self._plain.get(-2)
            if blank is None:
                blank = self._plain[-2] = Strip.blank(width, self.rich_style)
            return blank
        state = "cursor" if index == self.cursor_row else ("even" if index % 2 else "odd")
        line = self._lines.get((index, state))
        if line is None:
            style = (
                self.get_component_rich_style(f"row-table--{state}")
                if state != "odd"
                else self.rich_style
            )
            line = self._strip(self._line_text(self._rows[index].cells), style)
            self._lines[(index, state)] = line
        return line

    @property
    def text(self) -> str:
        """The table as plain text, header first (for reading it back)."""
        lines = [self._line_text([Text(c) for c in self.columns]).plain.rstrip()]
        lines += [self._line_text(row.cells).plain.rstrip() for row in self._rows]
        return "\n".join(lines)
