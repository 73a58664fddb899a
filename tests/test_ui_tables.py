"""The forum's tables: rows refilled in place, the cursor on the same row, keys and clicks."""

from __future__ import annotations

from textual.app import App, ComposeResult

from screens.widgets.row_table import RowTable
from tests.ui_helpers import idle


class TableApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, str]] = []

    def compose(self) -> ComposeResult:
        yield RowTable("Name", "Count")

    def on_mount(self) -> None:
        self.query_one(RowTable).focus()

    def on_row_table_row_highlighted(self, event: RowTable.RowHighlighted) -> None:
        self.seen.append(("highlighted", event.key))

    def on_row_table_row_selected(self, event: RowTable.RowSelected) -> None:
        self.seen.append(("selected", event.key))


def rows(*counts: int) -> list[tuple[str, tuple[str, str]]]:
    return [(f"k{n}", (f"row {n}", str(count))) for n, count in enumerate(counts)]


async def test_same_rows_update_in_place_and_keep_the_cursor() -> None:
    app = TableApp()
    async with app.run_test() as pilot:
        table = app.query_one(RowTable)
        assert table.refill(rows(1, 2, 3)) is True  # the first row is highlighted
        table.move_cursor(2)
        await idle(pilot)
        assert table.refill(rows(1, 5, 3)) is False
        await idle(pilot)  # every message of the refill handled: no highlight of its own
        assert table.column(1) == ["1", "5", "3"]
        assert table.cursor_row == 2 and table.cursor_key == "k2"
        assert app.seen == [("highlighted", "k0"), ("highlighted", "k2")]


async def test_different_rows_follow_the_cursor_row() -> None:
    app = TableApp()
    async with app.run_test() as pilot:
        table = app.query_one(RowTable)
        table.refill(rows(1, 2, 3))
        table.move_cursor(1)
        await idle(pilot)
        changed = [("new", ("a new row", "9")), *rows(1, 2, 3)]
        assert table.refill(changed) is False  # still on k1: nothing new is highlighted
        assert table.keys == ["new", "k0", "k1", "k2"]
        assert table.cursor_row == 2 and table.cursor_key == "k1"
        assert table.refill(rows(4)) is True and table.cursor_key == "k0"  # k1 is gone
        assert table.refill([]) is False and table.row_count == 0 and table.cursor_key is None


async def test_keys_move_and_select_and_the_columns_fit_the_widest_cell() -> None:
    app = TableApp()
    async with app.run_test(size=(40, 6)) as pilot:
        table = app.query_one(RowTable)
        table.refill([(f"k{n}", (f"row {n}", str(n * 1000))) for n in range(10)])
        await idle(pilot)
        await pilot.press("down", "down", "enter")
        assert app.seen[-1] == ("selected", "k2")
        await pilot.press("end")
        assert table.cursor_key == "k9" and table.scroll_offset.y > 0  # scrolled into view
        await pilot.press("home", "pagedown")
        assert table.cursor_row == 5  # a page is the rows shown under the header (6 - 1)
        assert table.text.splitlines()[0] == " Name   Count"
        assert table.text.splitlines()[10] == " row 9  9000"


async def test_a_click_highlights_a_row_and_a_second_click_selects_it() -> None:
    app = TableApp()
    async with app.run_test(size=(40, 8)) as pilot:
        table = app.query_one(RowTable)
        table.refill(rows(1, 2, 3))
        await idle(pilot)
        await pilot.click(RowTable, offset=(2, 2))  # the header is line 0: this is k1
        assert table.cursor_key == "k1" and ("selected", "k1") not in app.seen
        await pilot.click(RowTable, offset=(2, 2))
        assert app.seen[-1] == ("selected", "k1")
        await pilot.click(RowTable, offset=(2, 0))  # the header selects nothing
        assert app.seen[-1] == ("selected", "k1") and table.cursor_key == "k1"


async def test_a_refill_with_the_same_rows_draws_nothing_and_a_changed_row_only_itself() -> None:
    app = TableApp()
    async with app.run_test() as pilot:
        table = app.query_one(RowTable)
        table.refill(rows(1, 2, 3))
        await idle(pilot)
        for y in range(4):  # the header and three rows, drawn
            table.render_line(y)
        lines = dict(table._lines)
        assert len(lines) == 3
        refreshed: list[object] = []
        table.refresh = lambda *regions, **kw: refreshed.append(regions) or table  # type: ignore[method-assign]
        assert table.refill(rows(1, 2, 3)) is False
        assert refreshed == [] and table._lines == lines
        table.refill(rows(1, 7, 3))
        assert len(refreshed) == 1 and table.column(1) == ["1", "7", "3"]
        assert all(index != 1 for index, _ in table._lines)  # only row 1 is to be drawn again
