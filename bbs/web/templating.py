"""The Jinja2 environment of the web reader: autoescape always on, every value cleaned.

Every `{{ value }}` is cleaned by `bbs.text.clean` (the store is never trusted:
controls and bidi overrides go) and then escaped. Only `Markup` made here (post
bodies from `bbs.web.markup`, times) reaches the page as HTML.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from bbs.text import clean
from bbs.web.markup import post_html


def _finalize(value: Any) -> Any:
    """Clean what a template prints, unless it is HTML we made."""
    if value is None:
        return ""
    if isinstance(value, Markup) or not isinstance(value, str):
        return value
    return clean(value)


def when(at: float | None) -> Markup:
    """A moment as a `<time>` in UTC: absolute, so a cached page never goes stale."""
    if not at:
        return Markup("never")
    moment = datetime.fromtimestamp(at, UTC)
    # Only digits and month names: nothing to escape.
    label = f"{moment.day} {moment:%b %Y, %H:%M} UTC"
    return Markup(f'<time datetime="{moment:%Y-%m-%dT%H:%M:%SZ}">{label}</time>')


def local_when(at: float, tz: str) -> Markup:
    """A meetup's time in its own time zone, named, with the instant in `datetime`."""
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        zone, tz = ZoneInfo("UTC"), "UTC"
    local = datetime.fromtimestamp(at, zone)
    label = f"{local:%A} {local.day} {local:%B %Y, %H:%M} ({tz})"
    instant = datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return Markup('<time datetime="{}">{}</time>').format(instant, clean(label))


def plural(count: int, word: str, many: str = "") -> str:
    """'1 post', '2 posts' (or the given plural)."""
    return f"{count:,} {word if count == 1 else (many or word + 's')}"


def paragraphs(text: str) -> Markup:
    """Plain text from the hub (descriptions, rules) as paragraphs, line breaks kept."""
    blocks = [b.strip() for b in clean(text or "").split("\n\n") if b.strip()]
    return Markup("\n").join(
        Markup("<p>{}</p>").format(Markup("<br>\n").join(escape(line) for line in b.split("\n")))
        for b in blocks
    )


def environment() -> Environment:
    """The templates of `bbs.web`, with the filters the pages use."""
    env = Environment(
        loader=PackageLoader("bbs.web", "templates"),
        autoescape=True,
        finalize=_finalize,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        when=when, local_when=local_when, plural=plural, markdown=post_html, paragraphs=paragraphs
    )
    return env
