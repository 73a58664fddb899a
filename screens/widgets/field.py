"""A labelled one-line form field: the label on the left, a compact input on the right."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Label


class Field(Horizontal):
    """`Field("To", QuietInput(id="to", compact=True))`: the label says what the input is for."""

    DEFAULT_CSS = """
    Field { height: auto; margin-bottom: 1; }
    Field > Label { width: 13; padding: 0 1; text-style: bold; }
    Field > Input, Field > Select { width: 1fr; }
    """

    def __init__(self, label: str, widget: Widget) -> None:
        super().__init__()
        self.label, self.widget = label, widget

    def compose(self) -> ComposeResult:
        yield Label(self.label)
        yield self.widget
