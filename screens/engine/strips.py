"""A Strip makes each of its seven caches on first use, not in `Strip.__init__`.

Replaces `textual.strip.Strip.__init__` and puts a lazy descriptor over its seven cache
slots (`_divide_cache`, `_crop_cache`, ...), process-wide (textual 8.2.8).
Why: strips are made for every crop and division of every line drawn, and most never
touch a cache; making seven FIFOCaches each was about a tenth of a busy server's CPU
(py-spy) and most of an idle strip's memory. A slot's own descriptor still holds the
cache once it is made.
Saves: see the README's performance section, row `strip_caches` (`bench/step_cost.py
--off strip_caches`, `bench/fanout.py --off strip_caches`).
Guarded by: tests/test_engine.py::test_strips_draw_the_same_with_lazy_caches and
test_strip_caches_are_made_on_first_use_and_then_kept.
"""

from __future__ import annotations

from typing import Any

from textual.cache import FIFOCache
from textual.strip import Strip

LEANS_ON = ("textual.strip:Strip.__init__", "textual.strip:Strip")
"""What this piece replaces or reads, fingerprinted by tests/test_engine_fingerprints.py."""

CACHES = {
    "_divide_cache": 4,
    "_crop_cache": 16,
    "_style_cache": 16,
    "_filter_cache": 4,
    "_line_length_cache": 4,
    "_crop_extend_cache": 4,
    "_offsets_cache": 4,
}
"""Each cache slot of a Strip and its size, as `Strip.__init__` makes them."""

_ORIGINAL_INIT = Strip.__init__
_SLOTS = {name: Strip.__dict__[name] for name in CACHES}


class LazyCache:
    """A Strip cache slot that makes its FIFOCache when first read."""

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


def _strip_init(self: Strip, segments: Any, cell_length: int | None = None) -> None:
    """Strip.__init__ without the seven caches (made on first use by `LazyCache`)."""
    self._segments = list(segments)
    self._cell_length = cell_length
    self._render_cache = None
    self._link_ids = None
    self._cell_count = None


def install(on: bool) -> None:
    """Lazy caches in place (or Textual's own back)."""
    for name, size in CACHES.items():
        setattr(Strip, name, LazyCache(_SLOTS[name], size) if on else _SLOTS[name])
    Strip.__init__ = _strip_init if on else _ORIGINAL_INIT  # type: ignore[method-assign]
