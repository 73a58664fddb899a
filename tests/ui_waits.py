"""An app for a handle ("guest" for a guest): what the chat and poll screen tests start from
(their waits are tests/ui_helpers.py's)."""

from __future__ import annotations

from bbs.forum import Forum
from screens.app import BBSApp
from tests.conftest import who
from tests.ui_helpers import app_for as app_of


def app_for(forum: Forum, handle: str) -> BBSApp:
    """The app as `handle` (or "guest") would see it, on its own session."""
    return app_of(forum, forum.guest() if handle == "guest" else who(forum, handle))
