"""Post bodies as HTML: the TUI's Markdown (markdown-it-py), with nothing in it live.

The same parser and extensions as the TUI's post bodies (CommonMark, tables,
strikethrough, no linkify), with HTML in the source turned off, so `<script>` is
shown as the text it is. A link is its text followed by its address, as in the
terminal: never an `<a href>` to an address someone typed (no `javascript:`, no
`data:`), and an image is its description and address, never fetched. Headings in
a post become bold paragraphs, so the page's own headings stay in order.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from markupsafe import Markup

from bbs.text import clean

_PARSER = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(
    ["strikethrough", "table"]
)

BODIES_KEPT = 4096
Rule = Any  # markdown-it's renderer rules: (self, tokens, idx, options, env) -> str


def _rule(name: str):  # noqa: ANN202 - a decorator registering a renderer rule
    def register(function: Rule) -> Rule:
        _PARSER.add_render_rule(name, function)
        return function

    return register


@_rule("link_close")
def _link_close(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    opening = _opening_link(tokens, idx)
    if opening is None or opening.markup == "autolink":
        return "</span>"  # the text is the address already
    address = escapeHtml(str(opening.attrs.get("href", "")))
    return f'</span> <span class="address">({address})</span>'


def _opening_link(tokens: Sequence[Token], idx: int) -> Token | None:
    depth = 0
    for token in reversed(tokens[:idx]):
        if token.type == "link_close":
            depth += 1
        elif token.type == "link_open":
            if depth == 0:
                return token
            depth -= 1
    return None


@_rule("image")
def _image(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    token = tokens[idx]
    alt = escapeHtml(self.renderInlineAsText(token.children or [], options, env))
    address = escapeHtml(str(token.attrs.get("src", "")))
    label = f"image: {alt}" if alt else "image"
    return f'<span class="image">[{label}]</span> <span class="address">({address})</span>'


@_rule("fence")
def _fence(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    return f"<pre><code>{escapeHtml(tokens[idx].content)}</code></pre>\n"  # no class from input


def _cell(tag: str) -> Rule:
    """A table cell, its alignment as a class (the page's policy allows no inline style)."""

    def render(
        self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        style = str(tokens[idx].attrs.get("style", ""))
        align = style.removeprefix("text-align:")
        return f'<{tag} class="align-{align}">' if align in _ALIGNMENTS else f"<{tag}>"

    return render


_ALIGNMENTS = ("left", "center", "right")


_PARSER.add_render_rule("th_open", _cell("th"))
_PARSER.add_render_rule("td_open", _cell("td"))


def _fixed(name: str, html: str) -> None:
    """A rule that always writes the same HTML (a token's own markup is never copied)."""
    _PARSER.add_render_rule(name, lambda self, tokens, idx, options, env: html)


_fixed("link_open", '<span class="link">')
_fixed("heading_open", '<p class="body-heading"><strong>')
_fixed("heading_close", "</strong></p>\n")
# A wide table scrolls in its own box (which the keyboard can reach), not the page.
_fixed("table_open", '<div class="table" tabindex="0" role="region" aria-label="Table">\n<table>\n')
_fixed("table_close", "</table>\n</div>\n")


@lru_cache(maxsize=BODIES_KEPT)
def post_html(source: str) -> Markup:
    """A post's body (cleaned again: the store is never trusted) as safe HTML.

    Kept for the process, by text: Markdown costs ~0.5 ms a post, and a new reply
    makes its thread's page anew, all but one of its posts as they were.
    """
    return Markup(_PARSER.render(clean(source or "")))
