"""Serving the forum over SSH: host key, auth, limits, one Textual app per session."""
