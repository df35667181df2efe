"""Route threads: where a plain `def` route runs. One pool of `THREADS` threads per event loop,
handed each call by asyncio's own executor hop. Starlette's hop (anyio's `to_thread`: a capacity
limiter, run-scoped variables and a cancel scope per call) cost a tenth of a served search's
time on one core (docs/PERFORMANCE.md, "Route threads without anyio's hop").

What stays the same: the route sees the request's context variables, its exceptions reach the
caller, and a request whose task is cancelled still waits for its thread to finish, as with
anyio, so that nothing it holds (a database connection) outlives the request."""

from __future__ import annotations

import asyncio
import contextvars
import functools
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any
from weakref import WeakKeyDictionary

_POOLS: WeakKeyDictionary[asyncio.AbstractEventLoop, ThreadPoolExecutor] = WeakKeyDictionary()


@contextmanager
def route_threads(count: int) -> Iterator[None]:
    """The running loop's route threads, for as long as the app serves on it."""
    loop = asyncio.get_running_loop()
    pool = ThreadPoolExecutor(count, thread_name_prefix="route")
    _POOLS[loop] = pool
    try:
        yield
    finally:
        if _POOLS.get(loop) is pool:
            del _POOLS[loop]
        pool.shutdown(wait=False)


def in_route_thread(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """`endpoint` (a plain function) as a coroutine function with the same signature, which
    FastAPI awaits on the loop instead of sending it through Starlette's own thread hop."""

    @functools.wraps(endpoint)
    async def run(**kwargs: Any) -> Any:
        loop = asyncio.get_running_loop()
        call = functools.partial(contextvars.copy_context().run, endpoint, **kwargs)
        done = loop.run_in_executor(_POOLS.get(loop), call)  # none: the loop's default pool
        try:
            return await asyncio.shield(done)
        except asyncio.CancelledError:
            # as anyio does: the thread ends its work before the request's task ends
            await asyncio.wait([done])
            raise

    return run
