"""Polls on threads: what the forum hands out about them, and their results as text bars."""
