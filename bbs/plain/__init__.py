"""Plain mode: the forum line by line over SSH, for screen readers, TERM=dumb and scripts."""
