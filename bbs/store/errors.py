"""What a store raises that its callers handle, whatever the database behind it."""

from __future__ import annotations


class StoreError(Exception):
    """Something the store could not do (the backend's own error is the cause)."""


class Duplicate(StoreError):
    """A row that must be unique is there already: a handle taken, a key on file."""
