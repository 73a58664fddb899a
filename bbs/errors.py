"""Errors a person can cause: each message is shown to them as it is."""

from __future__ import annotations


class ForumError(Exception):
    """Base for refusals; str(error) is a sentence for the person."""


class NotFound(ForumError):
    """The thing asked for does not exist (or the person may not know it does)."""


class Forbidden(ForumError):
    """The person may not do this."""


class RateLimited(ForumError):
    """Too much too fast; the message says when to try again."""


class TextError(ForumError, ValueError):
    """Text a person gave that we refuse (empty, too long, malformed)."""
