"""Screens a session opens again and again are made once and shown again, not rebuilt.

Building a screen (compose, mount, styling every widget, the first layout) was most
of what an Enter or Escape cost the server: opening the same thread again took 75 ms
of CPU as a new screen and 33 ms as the same screen shown again. The directory, a
community and a thread are each made once per session (installed, so Textual keeps
them when they are closed) and `reset` to what is asked for next time.
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from textual.app import App
from textual.screen import Screen

S = TypeVar("S", bound="Reusable")


class Reusable:
    """Mixed into a Screen: `open(app, ...)` shows the session's one instance, reset to `...`."""

    REUSE: ClassVar[bool] = True

    def reset(self, *args: Any, **kwargs: Any) -> None:
        """Show what `__init__(*args, **kwargs)` would show (the screen is not on the stack)."""
        raise NotImplementedError

    @classmethod
    def open(cls: type[S], app: App[Any], *args: Any, **kwargs: Any) -> S:
        """Push the session's instance of this screen, or a new one if that one is in use."""
        name = f"reused:{cls.__name__}"
        if not app.is_screen_installed(name):
            screen = cls(*args, **kwargs)
            app.install_screen(screen, name)  # type: ignore[arg-type]
        else:
            screen = app.get_screen(name)  # type: ignore[assignment]
            if screen in app.screen_stack:  # e.g. a thread opened from a thread's profile
                screen = cls(*args, **kwargs)
            else:
                screen.reset(*args, **kwargs)
        assert isinstance(screen, Screen)
        app.push_screen(screen)
        return screen
