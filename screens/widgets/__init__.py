"""Reusable widgets for the forum's screens."""
