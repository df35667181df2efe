"""The ceiling of the HTTP stack here: bare Starlette answering every GET with bytes it read once.

Run by bench/compare.py as `uvicorn bench.bare:app` with BARE_BODY naming a file that holds the
exact body the API sends for the benchmark's repeated URL, so both send the same bytes.
"""

from __future__ import annotations

import os
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

BODY = Path(os.environ["BARE_BODY"]).read_bytes()


async def serve(request: Request) -> Response:
    return Response(BODY, media_type="application/json")


app = Starlette(routes=[Route("/{path:path}", serve)])
