"""Refilling a DataTable after a reload without rebuilding what did not change.

Screens reload when they come back into view (after reading a thread, its community's
unread counts change). Clearing and refilling a table re-renders every cell and lays
the screen out again; usually only a count or two differ, or nothing at all.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.widgets import DataTable

Row = tuple[str, Sequence[object]]
"""A row's key and its cells."""


def refill(table: DataTable[object], rows: Sequence[Row]) -> bool:
    """Make the table show `rows`: changed cells are updated in place; other rows rebuild it.

    The cursor stays on the row with the same key when there is one (else the same index).
    Returns whether the table was rebuilt (its cursor then moved, and said so).
    """
    keys = [key for key, _ in rows]
    current = [row.key.value for row in table.ordered_rows]
    if keys == current:
        columns = list(table.columns)
        for key, cells in rows:
            old = table.get_row(key)
            for column, (before, after) in zip(columns, zip(old, cells, strict=True), strict=True):
                if before != after:
                    table.update_cell(key, column, after, update_width=True)
        return False
    kept = current[table.cursor_row] if 0 <= table.cursor_row < len(current) else None
    index = table.cursor_row
    table.clear()
    for key, cells in rows:
        table.add_row(*cells, key=key)
    if kept in keys:
        table.move_cursor(row=keys.index(kept))
    elif rows:
        table.move_cursor(row=min(max(index, 0), len(rows) - 1))
    return True
