"""Atom feeds (RFC 4287) of a community or a board, one entry per thread, newest activity first.

An entry is a thread: its title, its opening post as HTML (inert, as on the pages),
and when it last had a reply, so a feed reader shows it again when the talk goes on.
Written with feedgen; text is stripped of what XML cannot hold.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from feedgen.feed import FeedGenerator

from bbs.models import Post, ThreadSummary
from bbs.web.markup import post_html

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class FeedThread:
    """A thread with its opening post (None when it is hidden)."""

    thread: ThreadSummary
    opening: Post | None
    url: str


def xml_text(text: str) -> str:
    """`text` with the characters XML 1.0 forbids removed (U+FFFE, U+FFFF, controls)."""
    return _NOT_XML.sub("", text)


def _time(at: float) -> datetime:
    return datetime.fromtimestamp(at, UTC)


def atom(
    *, feed_url: str, page_url: str, title: str, subtitle: str, entries: Sequence[FeedThread]
) -> bytes:
    """The feed as Atom XML bytes."""
    feed = FeedGenerator()
    feed.id(feed_url)
    feed.title(xml_text(title))
    feed.subtitle(xml_text(subtitle) or xml_text(title))
    feed.link(href=feed_url, rel="self")
    feed.link(href=page_url, rel="alternate")
    feed.language("en")
    feed.generator("bbs web reader")
    newest = max((e.thread.last_post_at for e in entries), default=0.0)
    feed.updated(_time(newest))
    for item in entries:
        _entry(feed, item)
    return feed.atom_str(pretty=True)


def _entry(feed: FeedGenerator, item: FeedThread) -> None:
    thread = item.thread
    entry = feed.add_entry(order="append")
    entry.id(item.url)
    entry.title(xml_text(thread.title))
    entry.link(href=item.url, rel="alternate")
    entry.author(name=xml_text(thread.author))
    entry.published(_time(thread.created))
    entry.updated(_time(thread.last_post_at))
    opening = item.opening
    body = post_html(opening.body) if opening and opening.body else "<p>(hidden)</p>"
    replies = max(0, thread.posts - 1)
    note = f"<p>{replies} {'reply' if replies == 1 else 'replies'} so far.</p>"
    entry.content(xml_text(str(body) + note), type="html")
