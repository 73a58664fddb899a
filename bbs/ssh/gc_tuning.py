"""Garbage-collector settings for a server process that holds many Textual apps at once."""

from __future__ import annotations

import gc

# Each session's app holds ~30,000 objects, and every frame allocates more (Textual's
# strips carry seven small caches each), so the default thresholds (700, 10, 10) ran a
# full collection about every 1.5 s under load, and a full collection walks every
# object of every session: with 30 people, 26 pauses of ~0.4 s in 40 s (10.7 s of GC).
# Considering the oldest generation ten times less often cut that to 3 pauses (2.5 s).
THRESHOLDS = (700, 10, 100)


def tune_gc() -> None:
    """Collect the oldest generation less often; freeze what was loaded so far (modules, classes).

    Call once the process has imported and opened what it serves with, before sessions come.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
