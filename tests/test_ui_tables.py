"""Refilling tables after a reload: changed cells in place, the cursor on the same row."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import DataTable

from screens.widgets.tables import refill


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield DataTable(cursor_type="row")


def rows(*counts: int) -> list[tuple[str, tuple[str, str]]]:
    return [(f"k{n}", (f"row {n}", str(count))) for n, count in enumerate(counts)]


async def test_same_rows_update_in_place_and_keep_the_cursor() -> None:
    app = TableApp()
    async with app.run_test() as pilot:
        table = app.query_one(DataTable)
        table.add_columns("Name", "Count")
        assert refill(table, rows(1, 2, 3)) is True
        table.move_cursor(row=2)
        await pilot.pause()
        first_row = table.ordered_rows[0]
        assert refill(table, rows(1, 5, 3)) is False
        await pilot.pause()
        assert table.get_row("k1") == ["row 1", "5"]
        assert table.ordered_rows[0] is first_row  # not rebuilt
        assert table.cursor_row == 2


async def test_different_rows_rebuild_and_follow_the_cursor_row() -> None:
    app = TableApp()
    async with app.run_test() as pilot:
        table = app.query_one(DataTable)
        table.add_columns("Name", "Count")
        refill(table, rows(1, 2, 3))
        table.move_cursor(row=1)
        await pilot.pause()
        changed = [("new", ("a new row", "9")), *rows(1, 2, 3)]
        assert refill(table, changed) is True
        await pilot.pause()
        assert [r.key.value for r in table.ordered_rows] == ["new", "k0", "k1", "k2"]
        assert table.cursor_row == 2  # still on k1
        assert refill(table, []) is True and table.row_count == 0
