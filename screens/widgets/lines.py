"""Finished lines for the widgets that draw their own: every segment carries a style."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, cast

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.dom import NoScreen
from textual.geometry import Region
from textual.strip import Strip

if TYPE_CHECKING:
    from textual.widget import Widget


def styled_line(segments: Iterable[Segment], style: Style, width: int | None = None) -> Strip:
    """A line with `style` under each segment's own.

    Rich leaves plain text without a style (None), and `Strip.apply_style` skips a null
    style, but Textual's line filters (monochrome for NO_COLOR) need one on every segment.
    """
    under = style.__add__
    return Strip(
        [
            Segment(text, under(own), None) if not control else Segment(text, own, control)
            for text, own, control in segments
        ],
        width,
    )


def repaint_now(widget: Widget, regions: tuple[Region, ...] = ()) -> bool:
    """Hand a plain repaint straight to the screen; False: it must go Textual's way.

    Textual's way, the widget posts itself a Prompt, on its Idle it posts the screen an
    Update, and on the screen's Idle the frame timer starts: for each widget a key
    changes, three messages and two more turns of the loop, each turn behind every
    other session's work on a busy server, and a widget repainted while a frame is
    being drawn (a scroll bar, after its list grew) gets a frame of its own. Here the
    widget goes straight into the screen's dirty set, as the screen's Update handler
    would put it, and the frame timer is started as the screen's Idle handler would.
    """
    if (
        not widget.is_mounted
        or widget._closing
        or widget._repaint_required  # already on its way the usual way
        or widget._layout_required
        or widget._scroll_required
        or widget._refresh_styles_required
    ):
        return False
    try:
        screen = widget.screen
    except NoScreen:  # not on a screen yet
        return False
    widget._layout_cache.clear()
    widget._set_dirty(*regions)
    widget.clear_cached_dimensions()
    widget._rich_style_cache.clear()
    if widget.display and screen in screen._compositor:
        screen._dirty_widgets.add(widget)
        if screen.is_current and not widget.app._batch_count:
            screen._update_timer.resume()  # what the screen's Idle handler would do
        else:
            screen.check_idle()
    return True


class DirectLines:
    """Put first among a line widget's bases: its lines go to the screen without StylesCache.

    Textual passes every line of a widget through its StylesCache (padding, borders,
    background, filters) whenever a frame touches the widget, and a frame touches every
    widget that overlaps what changed. The widgets that draw their own lines (post tree,
    tables, post body, text pages) hand back finished lines that live as long as what
    they show, so here each is padded to the widget's width and filtered once, kept by
    identity, and handed back as it is on every later frame. Borders other than a bottom
    rule, top or bottom padding and opacity go the usual way.
    """

    _finished: dict[int, tuple[Strip, Strip]]
    _direct: tuple[int, bool, tuple[object, ...], object, Style] | None = None
    """(left padding, bottom rule, filters, background, style), or None: work it out again."""
    _line_width = -1
    """The width of a content line, while a frame takes lines (-1: ask Textual)."""

    def _prepare_lines(self) -> None:
        """Called before a frame takes lines (to redraw them if their colours changed)."""

    def refresh(
        self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False
    ) -> Widget:
        """Widget.refresh, but a plain repaint is handed to the screen at once (`repaint_now`)."""
        widget = cast("Widget", self)
        if layout or recompose or not repaint or not repaint_now(widget, regions):
            return super().refresh(  # type: ignore[misc, no-any-return]
                *regions, repaint=repaint, layout=layout, recompose=recompose
            )
        return widget

    def notify_style_update(self) -> None:
        self._direct = None
        super().notify_style_update()  # type: ignore[misc]

    def content_width(self) -> int:
        """The width of a line from render_line (asked of Textual once per frame)."""
        if self._line_width >= 0:
            return self._line_width
        return cast("Widget", self).scrollable_content_region.width

    def _plan_direct(self) -> tuple[int, bool, tuple[object, ...], object, Style] | None:
        widget = cast("Widget", self)
        styles = widget.styles
        top, _right, bottom, left = styles.padding
        if (
            top
            or bottom
            or any(edge[0] for edge in (styles.border_top, styles.border_left, styles.border_right))
            or any(edge[0] for edge in styles.outline)
            or styles.opacity < 1
            or widget.BLANK
        ):
            return None
        filters = tuple(widget.get_line_filters())
        return (
            left,
            bool(styles.border_bottom[0]),
            filters,
            widget.background_colors[1],
            (widget.rich_style),
        )

    def render_lines(self, crop: Region) -> list[Strip]:
        self._prepare_lines()
        widget = cast("Widget", self)
        direct = self._direct
        if direct is None:
            direct = self._direct = self._plan_direct() or (-1, False, (), None, Style())
        left, border_bottom, filters, background, style = direct
        if left < 0:  # borders, top or bottom padding, opacity: Textual's way
            return super().render_lines(crop)  # type: ignore[misc]
        width, height = widget.outer_size  # not region: that asks the compositor each time
        content_height = height - border_bottom
        try:
            finished = self._finished
        except AttributeError:
            finished = self._finished = {}
        if len(finished) > 4 * max(height, 8):
            finished.clear()  # lines no longer shown (kept from being reused by id)
        self._line_width = widget.scrollable_content_region.width
        lines: list[Strip] = []
        try:
            for y in crop.line_range:
                if y >= content_height:  # the bottom rule, drawn (and cached) by Textual
                    rule = Region(0, y, width, 1)
                    lines.extend(widget._styles_cache.render_widget(widget, rule))
                    continue
                line = widget.render_line(y)
                known = finished.get(id(line))
                if known is None or known[0] is not line:
                    done = line
                    if left:
                        done = Strip.join([Strip.blank(left, style), done])
                    if done.cell_length < width:
                        done = done.extend_cell_length(width, style)
                    for line_filter in filters:
                        done = done.apply_filter(line_filter, background)  # type: ignore[arg-type]
                    known = finished[id(line)] = (line, done)
                lines.append(known[1])
        finally:
            self._line_width = -1
        if crop.x or crop.width != width:
            lines = [line.crop(crop.x, crop.x + crop.width) for line in lines]
        return lines


class BlankBackground:
    """Put before Screen in an opaque screen's bases: its own lines are its background.

    A screen draws itself under its widgets, and Textual draws all of it again (24
    lines through StylesCache) each time the screen is shown, though its widgets
    cover nearly all of it. Here it is one blank line in the screen's colours, made
    once per width and style.
    """

    _blank_for: tuple[int, Style] | None = None
    _blank_line: Strip | None = None

    def render_lines(self, crop: Region) -> list[Strip]:
        widget = cast("Widget", self)
        if widget.styles.background.a < 1:  # something shows through: Textual's way
            return super().render_lines(crop)  # type: ignore[misc]
        style = widget.rich_style
        if self._blank_line is None or self._blank_for != (crop.width, style):
            line = Strip.blank(crop.width, style)
            background = widget.background_colors[1]
            for line_filter in widget.get_line_filters():
                line = line.apply_filter(line_filter, background)
            self._blank_for, self._blank_line = (crop.width, style), line
        return [self._blank_line] * crop.height


class LineWidget(DirectLines):
    """Put before Widget: a widget of one line of text, drawn once per text, width and style.

    For the lines every screen has (title, keys, a heading): Textual's Static renders
    its text through Content and StylesCache again whenever its screen changes, and a
    docked line is in every frame's crop, whatever changed.
    """

    _line: Strip | None = None
    _blank_line: Strip | None = None

    def line_text(self) -> Text:
        """The line's text (called once each time the line is drawn anew)."""
        raise NotImplementedError

    def redraw(self) -> None:
        """The text changed: draw the line again (on the next frame)."""
        self._line = None
        cast("Widget", self).refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()  # type: ignore[misc]
        self._line = self._blank_line = None  # other colours

    def render_line(self, y: int) -> Strip:
        widget = cast("Widget", self)
        width = self.content_width()
        if y > 0:
            if self._blank_line is None or self._blank_line.cell_length != width:
                self._blank_line = Strip.blank(width, widget.rich_style)
            return self._blank_line
        if self._line is None or self._line.cell_length != width:
            style = widget.rich_style
            text = self.line_text()
            segments = text.render(widget.app.console, end="")
            self._line = styled_line(segments, style).crop_extend(0, width, style)
        return self._line
