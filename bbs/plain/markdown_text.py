"""Markdown reduced to plain text: paragraphs, lists and quotes kept, links show their address.

The same parser as the TUI's post bodies (markdown-it, CommonMark with tables and
strikethrough). Nothing in the result is markup of any kind: emphasis is dropped,
a link is its text followed by its address in brackets (a `javascript:` address is
just text here too), an image is its description and address, raw HTML stays as the
characters it is. The caller cleans the result again before it is written.
"""

from __future__ import annotations

import textwrap
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

_PARSER = MarkdownIt("commonmark").enable("strikethrough").enable("table")


def inline_text(tokens: list[Token]) -> str:
    """The text of an inline run: emphasis dropped, links and images with their address."""
    out: list[str] = []
    links: list[tuple[str, int]] = []
    for token in tokens:
        kind = token.type
        if kind in ("text", "code_inline", "html_inline"):
            out.append(token.content)
        elif kind in ("softbreak", "hardbreak"):
            out.append("\n" if kind == "hardbreak" else " ")
        elif kind == "link_open":
            links.append((str(token.attrs.get("href", "")), len(out)))
        elif kind == "link_close" and links:
            href, start = links.pop()
            shown = "".join(out[start:]).strip()
            if href and href not in (shown, f"mailto:{shown}"):
                out.append(f" ({href})" if shown else href)
        elif kind == "image":
            alt = inline_text(token.children or []) or "image"
            out.append(f"[image: {alt}] ({token.attrs.get('src', '')})")
    return "".join(out)


def _table_row(tokens: list[Token], start: int) -> tuple[str, int]:
    cells: list[str] = []
    i = start
    while tokens[i].type != "tr_close":
        if tokens[i].type == "inline":
            cells.append(inline_text(tokens[i].children or []))
        i += 1
    return " | ".join(cells), i


class _Block:
    """One paragraph (or code block, table row, rule) with the marks before its lines."""

    def __init__(self, first: str, rest: str, text: str, joined: bool, kind: str) -> None:
        self.first, self.rest, self.text = first, rest, text
        self.joined = joined  # on the next line, not after a blank one (tight lists, tables)
        self.kind = kind

    def lines(self, width: int) -> list[str]:
        rows = self.text.split("\n")
        room = width - len(self.first)
        if width and room > 10 and not self.text.startswith("    "):
            rows = [w for row in rows for w in textwrap.wrap(row, room) or [""]]
        return [(self.first if n == 0 else self.rest) + row for n, row in enumerate(rows)]


def blocks(source: str) -> list[_Block]:
    """The document's blocks in order, each with its list marks and quote marks."""
    tokens = _PARSER.parse(source)
    found: list[_Block] = []
    marks: list[list[str]] = []  # per open list item or quote: [first-line mark, later mark]
    numbers: list[int | None] = []
    lists: list[int] = []
    tight = False
    for n, token in enumerate(tokens):
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            lists.append(n)
            start = int(token.attrs.get("start") or 1)
            numbers.append(None if kind == "bullet_list_open" else start)
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
            numbers.pop()
        elif kind == "list_item_open":
            number = numbers[-1]
            mark = "- " if number is None else f"{number}. "
            if number is not None:
                numbers[-1] = number + 1
            marks.append([mark, " " * len(mark)])
        elif kind == "blockquote_open":
            marks.append(["> ", "> "])
        elif kind in ("list_item_close", "blockquote_close"):
            marks.pop()
        elif kind == "paragraph_open":
            tight = token.hidden
        elif kind == "paragraph_close":
            tight = False
        elif kind in ("inline", "fence", "code_block", "html_block", "tr_open", "hr"):
            text = _block_text(tokens, n)
            if text is None:
                continue
            first = "".join(m[0] for m in marks)
            rest = "".join(m[1] for m in marks)
            if tight and kind == "inline":  # an item of a tight list: no blank line between
                kind = f"item of list {lists[-1] if lists else 0}"
            joined = bool(found) and found[-1].kind == kind and kind != "inline"
            found.append(_Block(first, rest, text, joined, kind))
            for m in marks:  # a list item's mark is said once, on its first line
                m[0] = m[1]
    return found


def _block_text(tokens: list[Token], n: int) -> str | None:
    token = tokens[n]
    kind = token.type
    if kind == "inline":
        if tokens[n - 1].type in ("th_open", "td_open"):
            return None  # a table cell: its row says it
        return inline_text(token.children or [])
    if kind in ("fence", "code_block"):
        return "\n".join("    " + line for line in token.content.rstrip("\n").split("\n"))
    if kind == "html_block":
        return token.content.rstrip("\n")
    if kind == "tr_open":
        return _table_row(tokens, n)[0]
    return "----"


@lru_cache(maxsize=512)
def markdown_to_text(source: str, width: int = 0) -> str:
    """The Markdown `source` as plain text, wrapped to `width` columns (0: not wrapped)."""
    out: list[str] = []
    for block in blocks(source):
        if out:
            out.append("\n" if block.joined else "\n\n")
        out.append("\n".join(block.lines(width)))
    return "".join(out)
