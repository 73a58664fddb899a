"""Inputs that never blink: an idle session must cost nothing."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input, TextArea


class QuietInput(Input):
    """An `Input` with its cursor blink off."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cursor_blink = False


class QuietTextArea(TextArea):
    """A `TextArea` with its cursor blink off."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cursor_blink = False
