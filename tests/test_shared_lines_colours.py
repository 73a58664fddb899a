"""Lines shared by every session of the process keep to each terminal's colours.

A Strip keeps the escape codes it was first sent with (`Strip.render` caches them), so a
line drawn once for a truecolor terminal and handed to a 256-colour or monochrome one
would send it codes it cannot show. The process-wide caches key on the colour system.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from screens.engine import colour_codes, process
from screens.widgets.body import body_lines, head_lines

STYLE = Style(color="#e0e0e0", bgcolor="#242f38")


@pytest.fixture(autouse=True)
def engine() -> Iterator[None]:
    """The engine as every app of the process has it (the factory installs it)."""
    process.install()
    yield
    colour_codes.install()


def console(system: str | None) -> Console:
    return Console(file=io.StringIO(), width=60, color_system=system)  # type: ignore[arg-type]


def sent(lines: list, to: Console) -> str:
    return "".join(line.render(to) for line in lines)


def test_a_body_drawn_for_truecolor_reaches_a_256_colour_terminal_in_its_own_codes() -> None:
    truecolor, eight_bit = console("truecolor"), console("256")
    text = "A **seed swap** on Saturday, `bring labels`."
    assert "38;2;" in sent(body_lines(text, 40, STYLE, truecolor), truecolor)
    eight = sent(body_lines(text, 40, STYLE, eight_bit), eight_bit)
    assert "38;2;" not in eight and "48;2;" not in eight
    assert "38;5;" in eight or "48;5;" in eight  # its colours, in its own codes


def test_a_post_header_is_drawn_once_per_colour_system() -> None:
    truecolor, eight_bit = console("truecolor"), console("256")
    meta = Text.assemble(("fern", "bold #ff8800"), " 2 hours ago")
    assert "38;2;" in sent(head_lines(meta, 40, STYLE, truecolor), truecolor)
    assert "38;2;" not in sent(head_lines(meta, 40, STYLE, eight_bit), eight_bit)


def test_without_the_engine_fix_textual_sends_the_first_terminals_codes_to_all() -> None:
    """Why screens.engine.colour_codes exists: Textual keeps one style's codes on the style."""
    colour_codes.install(False)
    truecolor, eight_bit = console("truecolor"), console("256")
    style = Style(color="#123456", bgcolor="#654321", bold=True)
    line = [Strip([Segment("x", style)])]
    assert "38;2;" in sent(line, truecolor)
    assert "38;2;" in sent([Strip([Segment("x", style)])], eight_bit)  # the leak
    colour_codes.install()
    assert "38;2;" not in sent([Strip([Segment("x", style)])], eight_bit)
