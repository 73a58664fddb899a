"""Rich's Markdown for people's text, parsed with one MarkdownIt parser for the process.

Replaces `rich.markdown.Markdown.__init__` (rich 15.0.0), which makes a new MarkdownIt
(and its rules) for every document, by one that sets the same attributes from a parser
made once; everything else (the rendering) is Rich's own.
Why: making the parser was ~1 ms of each post body drawn, and a thread draws one per
post a person moves to (bodies are then cached by text, width and style).
Saves: see the README's performance section, row `markdown_parser`
(`bench/engine_ab.py --pieces markdown_parser`: the path to a thread and Down/Up, which
draw post bodies).
Guarded by: tests/test_engine.py::test_post_bodies_draw_as_rich_markdown_does.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from rich.markdown import Markdown

from screens.engine.switches import on

LEANS_ON = (
    "rich.markdown:Markdown.__init__",
    "rich.markdown:Markdown.__rich_console__",
)
"""What this piece replaces or reads, fingerprinted by tests/test_engine_fingerprints.py."""

_PARSER = MarkdownIt().enable("strikethrough").enable("table")


class SharedParserMarkdown(Markdown):
    """`Markdown(source, code_theme=..., hyperlinks=...)`, parsed with the process's parser."""

    def __init__(self, markup: str, code_theme: str, hyperlinks: bool) -> None:
        self.markup = markup
        self.parsed = _PARSER.parse(markup)
        self.code_theme = code_theme
        self.justify = None
        self.style = "none"
        self.hyperlinks = hyperlinks
        self.inline_code_lexer = None
        self.inline_code_theme = code_theme


def markdown(source: str, code_theme: str, hyperlinks: bool = False) -> Markdown:
    """A Rich Markdown document of `source` (parsed with the shared parser when it is on)."""
    if on("markdown_parser"):
        return SharedParserMarkdown(source, code_theme, hyperlinks)
    return Markdown(source, code_theme=code_theme, hyperlinks=hyperlinks)
