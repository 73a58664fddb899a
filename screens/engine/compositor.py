"""A frame asks only the widgets whose visible part is in the update for their lines.

Replaces `textual._compositor.Compositor._get_renders`, process-wide (textual 8.2.8).
Why: Textual tests each widget's clip (its container's box, for most the whole screen)
against the part of the screen being updated, so every frame asked every widget on the
screen for all its lines: a reply that changed the post tree also redrew the post body,
the title bar and the key bar, only for the frame to throw those lines away. A widget
none of whose visible part is in the crop cannot add anything to the update.
Saves: see the README's performance section, row `renders_in_crop` (`bench/fanout.py
--off renders_in_crop`, `bench/step_cost.py --off renders_in_crop`).
Guarded by: tests/test_ui_thread.py::test_live_replies_and_keys_leave_the_terminal_as_a_full_
redraw_would (the body is not asked for its lines; what the frames add up to is the screen).
"""

from __future__ import annotations

from collections.abc import Iterator

from textual._compositor import Compositor
from textual.geometry import Region
from textual.strip import Strip

LEANS_ON = (
    "textual._compositor:Compositor._get_renders",
    "textual._compositor:Compositor.visible_widgets",
    "textual._compositor:Compositor.render_update",
    "textual._compositor:Compositor._render_chops",
)
"""What this piece replaces or reads, fingerprinted by tests/test_engine_fingerprints.py."""

_ORIGINAL = Compositor._get_renders


def _renders_in_crop(
    self: Compositor, crop: Region | None = None
) -> Iterator[tuple[Region, Region, list[Strip]]]:
    """Compositor._get_renders, asking only the widgets whose visible part is in `crop`."""
    if not crop:
        yield from _ORIGINAL(self, crop)
        return
    overlaps = crop.overlaps
    for widget, (region, clip) in list(self.visible_widgets.items()):
        visible = region.intersection(clip)
        if not overlaps(visible):
            continue
        if clip.contains_region(region):
            yield region, clip, widget.render_lines(Region(0, 0, region.width, region.height))
        else:
            x, y, width, height = visible
            yield (
                region,
                clip,
                widget.render_lines(Region(x - region.x, y - region.y, width, height)),
            )


def install(on: bool) -> None:
    """Renders in the crop in place (or Textual's own back)."""
    Compositor._get_renders = _renders_in_crop if on else _ORIGINAL  # type: ignore[method-assign]
