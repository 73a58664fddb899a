"""The server's process-wide economies change cost, never what is drawn."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from screens.economies import apply_process_economies, undo_process_economies


def _work(strip: Strip) -> list[object]:
    """Every cached Strip operation, as comparable values."""
    bold = Style(bold=True)
    return [
        strip.crop(1, 5).text,
        [s.text for s in strip.divide([2, 4, 9])],
        list(strip.apply_style(bold)),
        list(strip.crop_extend(0, 12, bold)),
        list(strip.adjust_cell_length(3)),
        strip.cell_length,
        strip.render(_console()),
    ]


def _console():  # noqa: ANN202
    from rich.console import Console

    return Console(width=20, color_system="truecolor", force_terminal=True)


@pytest.fixture
def economies() -> Iterator[None]:
    apply_process_economies()
    yield
    apply_process_economies()  # the app applies them; leave the process as the suite expects


def test_strips_draw_the_same_with_lazy_caches(economies: None) -> None:
    segments = [Segment("hello ", Style(color="red")), Segment("world")]
    undo_process_economies()
    plain = _work(Strip(segments))
    apply_process_economies()
    lazy = Strip(segments)
    assert _work(lazy) == plain
    assert _work(lazy) == plain  # second time from the caches


def test_strip_caches_are_made_on_first_use_and_then_kept(economies: None) -> None:
    strip = Strip([Segment("hello world")])
    slot = Strip.__dict__["_crop_cache"].slot
    with pytest.raises(AttributeError):
        slot.__get__(strip, Strip)  # no cache made by __init__
    first = strip.crop(0, 5)
    assert strip.crop(0, 5) is first  # the cache, made on first use, answers the second time
    assert len(slot.__get__(strip, Strip)) == 1
