"""How often Python's cycle collector runs while a seed is read and loaded.

Reading and loading make and drop millions of small objects (each pass over a kind decodes its
entries again) and keep few. The collector, run after every 700 allocations by default, cost
about a tenth of a load at 10^5 statistics; run after every 10,000 it still frees the cycles a
load leaves, for about 10 MB more at the peak (docs/PERFORMANCE.md, "Fewer passes, fewer
collections"). Turned off, those cycles held 70 MB more at 10^5, and would grow with the seed."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

THRESHOLDS = (10_000, 10, 10)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """The collector at THRESHOLDS inside the block; as it was, after."""
    before = gc.get_threshold()
    gc.set_threshold(*THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)
