"""A post's body as Markdown whose links never run app actions."""

from __future__ import annotations

from textual.widgets import Markdown

from bbs.text import clean


class PostBody(Markdown):
    """Markdown for text from people: cleaned again, links only shown, never followed."""

    def __init__(self, body: str = "", **kwargs: object) -> None:
        super().__init__(clean(body), open_links=False, **kwargs)  # type: ignore[arg-type]

    def show(self, body: str) -> None:
        """Replace the document with another (cleaned) body."""
        self.update(clean(body))

    def on_markdown_link_clicked(self, event: Markdown.LinkClicked) -> None:
        """Links in posts are inert: say where they point, do nothing else."""
        event.stop()
        event.prevent_default()
        self.notify(f"Link: {clean(event.href, multiline=False)}", markup=False, timeout=4)
