"""The server's start-up: the garbage collector held back while the app is imported.

Importing FastAPI, SQLAlchemy and the app makes ~150,000 tracked objects; the collector walking
them again and again while they are made was a quarter of the time to a first response
(docs/PERFORMANCE.md). `app.main` pauses it before its imports and, once `app` exists, freezes
what was imported (it lives as long as the process) out of every later collection and resumes.
"""

from __future__ import annotations

import gc


def pause_collector() -> None:
    gc.disable()


def resume_collector() -> None:
    gc.freeze()
    gc.enable()
