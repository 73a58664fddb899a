"""Reaching the session (forum, person, presence) from any widget of a `BBSApp`."""

from __future__ import annotations

from textual.dom import DOMNode

from bbs.session import Session


def session_of(node: DOMNode) -> Session:
    """The `Session` of the app this widget or screen belongs to."""
    found = getattr(node.app, "session", None)
    if not isinstance(found, Session):
        raise RuntimeError("screens need a BBSApp with a session")
    return found
