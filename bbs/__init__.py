"""bbs: a terminal forum for micro-communities, over SSH or run locally."""

__version__ = "0.1.0"
