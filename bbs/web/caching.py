"""Validators and rendered pages, so a page costs little under load.

A page's validator is a hash of its *basis*: what the forum says cheaply about the
things the page shows (the community's row, its `community_version`, a thread's
summary). Anything committed to a community (a post, an edit, a hide, a move)
changes its version, so every page of that community gets a new ETag; nothing is
rendered to find that out. Rendered pages are kept by (URL, ETag), so a visitor
without a validator is served the same bytes until something changes.

ETags are weak (`W/`: the same page, byte for byte only while it stays cached) and
carry a nonce of this process, since a community's version counts per connection.
`Last-Modified` is when this process first served that version; a page replaced
within the same second is never answered 304 by date alone (If-None-Match is exact).
"""

from __future__ import annotations

import hashlib
import math
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


@dataclass(frozen=True)
class Rendered:
    """A finished response body."""

    body: bytes
    media_type: str
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Seen:
    """When this process first served a version of a page."""

    etag: str
    first: float
    shared_second: bool  # another version of the page first served in the same second


class LRU(Generic[K, V]):
    """A small thread-safe least-recently-used map (pages are rendered in worker threads)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: K, value: V) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


class PageCache:
    """The validators and rendered pages of one web process."""

    def __init__(self, pages: int, clock: Callable[[], float] = time.time) -> None:
        self.nonce = secrets.token_hex(6)
        self.clock = clock
        self._pages: LRU[tuple[str, str], Rendered] = LRU(pages)
        self._seen: LRU[str, Seen] = LRU(max(1024, pages * 8))

    def etag(self, url: str, basis: object) -> str:
        """The weak ETag of `url` when the forum describes its content as `basis`."""
        digest = hashlib.blake2b(f"{self.nonce}\0{url}\0{basis!r}".encode(), digest_size=12)
        return f'W/"{digest.hexdigest()}"'

    def seen(self, url: str, etag: str) -> Seen:
        """When this version of `url` was first served (now, if it is new)."""
        found = self._seen.get(url)
        if found is not None and found.etag == etag:
            return found
        now = self.clock()
        shared = found is not None and math.floor(found.first) == math.floor(now)
        entry = Seen(etag, now, shared)
        self._seen.put(url, entry)
        return entry

    def page(self, url: str, etag: str) -> Rendered | None:
        return self._pages.get((url, etag))

    def keep(self, url: str, etag: str, rendered: Rendered) -> None:
        self._pages.put((url, etag), rendered)


def http_date(at: float) -> str:
    """An HTTP date (RFC 9110 5.6.7), to the second."""
    return format_datetime(datetime.fromtimestamp(math.floor(at), UTC), usegmt=True)


def not_modified(request_headers: Mapping[str, str], seen: Seen) -> bool:
    """RFC 9110 13.2.2: If-None-Match decides when given; else If-Modified-Since."""
    match = request_headers.get("if-none-match")
    if match is not None:
        return _weak_match(match, seen.etag)
    since = request_headers.get("if-modified-since")
    if since is None or seen.shared_second:
        return False
    try:
        client = parsedate_to_datetime(since).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return False
    return math.floor(seen.first) <= client


def _weak_match(header: str, etag: str) -> bool:
    """Weak comparison of each listed tag (`*` is not honoured: a page is always rebuilt)."""
    ours = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == ours for tag in header.split(","))
