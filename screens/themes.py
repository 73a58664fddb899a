"""The forum's themes: Textual's own plus a high-contrast one, cycled with a key."""

from __future__ import annotations

from textual.app import App
from textual.theme import Theme

HIGH_CONTRAST = Theme(
    name="bbs-high-contrast",
    primary="#ffff00",
    secondary="#00ffff",
    accent="#ff00ff",
    warning="#ffaf00",
    error="#ff5f5f",
    success="#00ff00",
    foreground="#ffffff",
    background="#000000",
    surface="#000000",
    panel="#1c1c1c",
    boost="#303030",
    dark=True,
    luminosity_spread=0.0,
    text_alpha=1.0,
    variables={
        "block-cursor-background": "#ffff00",
        "block-cursor-foreground": "#000000",
        "block-cursor-text-style": "bold",
        "footer-key-foreground": "#ffff00",
        "border": "#ffffff",
    },
)

THEME_CYCLE = ("textual-dark", "textual-light", "bbs-high-contrast", "nord", "gruvbox")


def register_themes(app: App[object]) -> None:
    """Make the forum's own themes available to `app.theme`."""
    app.register_theme(HIGH_CONTRAST)
