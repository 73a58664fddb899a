"""Economies for many apps in one process (the SSH server): shared CSS, lazy caches."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from textual._compositor import Compositor
from textual._on import OnNoWidget
from textual.cache import FIFOCache, LRUCache
from textual.css.match import match
from textual.css.stylesheet import Stylesheet
from textual.geometry import Region
from textual.message import Message
from textual.message_pump import MessagePump
from textual.scrollbar import ScrollBar
from textual.strip import Strip

from screens.widgets.lines import repaint_now

_SHARED_RULES: LRUCache[tuple[object, ...], list[Any]] = LRUCache(1024)


def _shared_parse_rules(
    self: Stylesheet,
    css: str,
    read_from: Any,
    is_default_rules: bool = False,
    tie_breaker: int = 0,
    scope: str = "",
) -> list[Any]:
    """Stylesheet._parse_rules with one cache for the process, keyed also on the CSS variables.

    Textual caches parsed rules per Stylesheet, so every app (one per session) parsed every
    widget's CSS again (~15% of an app start). Rule sets are only read once parsed.
    """
    variables = self._variables
    cached = getattr(self, "_bbs_variables_key", None)
    if cached is None or cached[0] is not variables:
        cached = (variables, tuple(sorted(variables.items())))
        self._bbs_variables_key = cached  # type: ignore[attr-defined]
    key = (css, read_from, is_default_rules, tie_breaker, scope, cached[1])
    rules = _SHARED_RULES.get(key)
    if rules is None:
        rules = _ORIGINAL_PARSE_RULES(self, css, read_from, is_default_rules, tie_breaker, scope)
        _SHARED_RULES[key] = rules
    return rules


_ORIGINAL_PARSE_RULES = Stylesheet._parse_rules


class _LazyCache:
    """A Strip cache slot that makes its FIFOCache on first use, not in `Strip.__init__`.

    Textual gives every Strip seven FIFOCaches up front; strips are made for every crop
    and division of every line drawn, and most never touch a cache. Making them was
    about a tenth of a busy server's CPU (py-spy) and most of an idle strip's memory.
    The slot's own descriptor still holds the cache once made.
    """

    def __init__(self, slot: Any, size: int) -> None:
        self.slot = slot
        self.size = size

    def __get__(self, strip: Strip | None, owner: type | None = None) -> Any:
        if strip is None:
            return self
        try:
            return self.slot.__get__(strip, owner)
        except AttributeError:
            cache: FIFOCache[Any, Any] = FIFOCache(self.size)
            self.slot.__set__(strip, cache)
            return cache

    def __set__(self, strip: Strip, value: Any) -> None:
        self.slot.__set__(strip, value)


_STRIP_CACHES = {
    "_divide_cache": 4,
    "_crop_cache": 16,
    "_style_cache": 16,
    "_filter_cache": 4,
    "_line_length_cache": 4,
    "_crop_extend_cache": 4,
    "_offsets_cache": 4,
}
_ORIGINAL_STRIP_INIT = Strip.__init__
_STRIP_SLOTS = {name: Strip.__dict__[name] for name in _STRIP_CACHES}


def _strip_init(self: Strip, segments: Any, cell_length: int | None = None) -> None:
    """Strip.__init__ without the seven caches (made on first use by `_LazyCache`)."""
    self._segments = list(segments)
    self._cell_length = cell_length
    self._render_cache = None
    self._link_ids = None
    self._cell_count = None


def _lazy_strip_caches(on: bool) -> None:
    for name, size in _STRIP_CACHES.items():
        setattr(Strip, name, _LazyCache(_STRIP_SLOTS[name], size) if on else _STRIP_SLOTS[name])
    Strip.__init__ = _strip_init if on else _ORIGINAL_STRIP_INIT  # type: ignore[method-assign]


_Plan = tuple[tuple[type, tuple[tuple[Any, Any], ...], Any], ...]
_PLANS: dict[tuple[type, type, str], _Plan] = {}


def _plan(node_class: type, message_class: type, method_name: str) -> _Plan:
    """Which handlers a node of `node_class` has for `message_class`, class by class (MRO)."""
    message_mro = [t for t in message_class.__mro__ if issubclass(t, Message)]
    steps = []
    for cls in node_class.__mro__:
        decorated_handlers = cls.__dict__.get("_decorated_handlers") or {}
        decorated = tuple(
            (method, selectors)
            for message_type in message_mro
            for method, selectors in decorated_handlers.get(message_type, [])
        )
        named = cls.__dict__.get(f"_{method_name}") or cls.__dict__.get(method_name)
        if named is not None and getattr(named, "_textual_on", None):
            named = None
        if decorated or named is not None:
            steps.append((cls, decorated, named))
    return tuple(steps)


def _planned_dispatch_methods(self: MessagePump, method_name: str, message: Message) -> Any:
    """MessagePump._get_dispatch_methods from a plan made once per (node class, message class).

    Textual walks the node's whole MRO (twenty classes for a widget) looking up handlers
    for every message every node handles: a few percent of a busy server's CPU, for the
    same answer each time. Selectors of @on handlers are still matched per message.
    """
    key = (self.__class__, message.__class__, method_name)
    plan = _PLANS.get(key)
    if plan is None:
        plan = _PLANS[key] = _plan(self.__class__, message.__class__, method_name)
    dispatched: set[Any] = set()
    for cls, decorated, named in plan:
        if message._no_default_action:
            break
        for method, selectors in decorated:
            if method in dispatched:
                continue
            if not selectors or message._sender and _selected(message, selectors):
                yield cls, method.__get__(self, cls)
                dispatched.add(method)
        if named is not None:
            yield cls, named.__get__(self, cls)


def _selected(message: Message, selectors: dict[str, Any]) -> bool:
    from textual.widget import Widget

    for attribute, selector in selectors.items():
        node = getattr(message, attribute)
        if node is None:
            return False
        if not isinstance(node, Widget):
            raise OnNoWidget(
                f"on decorator can't match against {attribute!r} as it is not a widget."
            )
        if not match(selector, node):
            return False
    return True


_ORIGINAL_DISPATCH = MessagePump._get_dispatch_methods

_SCROLLBAR_LINES: LRUCache[tuple[object, ...], list[Strip]] = LRUCache(512)


def _shared_scrollbar_lines(self: ScrollBar, crop: Region) -> list[Strip]:
    """ScrollBar.render_lines, from one cache for the process, keyed on all it draws from.

    A scroll bar redraws whenever its list grows or scrolls: every live reply to a thread
    redrew each reader's (0.3-1 ms through Textual's style cache, a fifth of a reader's
    share of a reply). Bars of the same size, place and colours are the same lines.
    """
    parent = self.parent
    if parent is None:
        return _ORIGINAL_SCROLLBAR_LINES(self, crop)
    styles = parent.styles
    app = self.app
    key = (
        crop,
        self.vertical,
        self.size,
        self.window_size,
        self.window_virtual_size,
        self.position,
        self.thickness,
        self.grabbed is not None,
        self.mouse_over,
        styles.scrollbar_background,
        styles.scrollbar_color,
        styles.scrollbar_background_hover,
        styles.scrollbar_color_hover,
        styles.scrollbar_background_active,
        styles.scrollbar_color_active,
        parent.background_colors,
        self.screen.styles.scrollbar_color.a == 0,
        app.current_theme.name,
        tuple(_filter_key(line_filter) for line_filter in app._filters),
    )
    lines = _SCROLLBAR_LINES.get(key)
    if lines is None:
        lines = _SCROLLBAR_LINES[key] = _ORIGINAL_SCROLLBAR_LINES(self, crop)
    return lines


_ORIGINAL_SCROLLBAR_LINES = ScrollBar.render_lines


def _direct_scrollbar_refresh(
    self: ScrollBar,
    *regions: Region,
    repaint: bool = True,
    layout: bool = False,
    recompose: bool = False,
) -> ScrollBar:
    """ScrollBar.refresh, but a plain repaint joins the frame being prepared (`repaint_now`).

    A list that grows repaints its scroll bar from the same handler that repaints the
    list; Textual's way the bar's repaint arrived by message after the list's frame was
    drawn, and drew a second frame of its own: every live reply cost each reader two.
    """
    if layout or recompose or not repaint or not repaint_now(self, regions):
        return _ORIGINAL_SCROLLBAR_REFRESH(
            self, *regions, repaint=repaint, layout=layout, recompose=recompose
        )
    return self


_ORIGINAL_SCROLLBAR_REFRESH = ScrollBar.refresh


def _renders_in_crop(
    self: Compositor, crop: Region | None = None
) -> Iterator[tuple[Region, Region, list[Strip]]]:
    """Compositor._get_renders, asking only the widgets whose visible part is in `crop`.

    Textual tests each widget's clip (its container's box, for most the whole screen)
    against the part of the screen being updated, so every frame asked every widget on
    the screen for all its lines: a reply that changed the post tree also redrew the
    post body, title bar and key bar, only for the frame to throw those lines away.
    A widget none of whose visible part is in `crop` can't add anything to the update.
    """
    if not crop:
        yield from _ORIGINAL_GET_RENDERS(self, crop)
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


_ORIGINAL_GET_RENDERS = Compositor._get_renders


def _filter_key(line_filter: Any) -> tuple[object, ...]:
    """What a line filter does, not which app's instance it is (each app makes its own)."""
    return (
        type(line_filter),
        line_filter.enabled,
        getattr(line_filter, "_terminal_theme", None),
        getattr(line_filter, "dim_factor", None),
    )


def apply_process_economies() -> None:
    """Process-wide economies for many apps in one process (idempotent).

    Parse each piece of CSS once per process, not once per app; give strips their
    caches only when they use them; find a message's handlers once per class; draw a
    scroll bar once per size, place and colours, in the frame of the list it scrolls;
    draw in a frame only the widgets it updates.
    """
    Stylesheet._parse_rules = _shared_parse_rules  # type: ignore[method-assign]
    _lazy_strip_caches(True)
    MessagePump._get_dispatch_methods = _planned_dispatch_methods  # type: ignore[method-assign]
    ScrollBar.render_lines = _shared_scrollbar_lines  # type: ignore[method-assign]
    ScrollBar.refresh = _direct_scrollbar_refresh  # type: ignore[method-assign]
    Compositor._get_renders = _renders_in_crop  # type: ignore[method-assign]


def undo_process_economies() -> None:
    """Back to Textual's own behaviour (for a bench's before/after)."""
    Stylesheet._parse_rules = _ORIGINAL_PARSE_RULES  # type: ignore[method-assign]
    _lazy_strip_caches(False)
    MessagePump._get_dispatch_methods = _ORIGINAL_DISPATCH  # type: ignore[method-assign]
    ScrollBar.render_lines = _ORIGINAL_SCROLLBAR_LINES  # type: ignore[method-assign]
    ScrollBar.refresh = _ORIGINAL_SCROLLBAR_REFRESH  # type: ignore[method-assign]
    Compositor._get_renders = _ORIGINAL_GET_RENDERS  # type: ignore[method-assign]
