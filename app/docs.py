"""The documentation pages, served from this app (no CDN) under a strict Content-Security-Policy.

Swagger UI and ReDoc come from the assets the fastapi-offline package ships. Their pages get a
policy that allows only this origin's scripts plus the hash of Swagger UI's one inline start-up
script; every other response gets `default-src 'none'`.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from starlette.responses import HTMLResponse
from starlette.staticfiles import StaticFiles

ASSETS = "/docs-assets"
API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
# Every response carries these (a page may set its own policy): the conventions middleware adds
# them, and what leaves before it (the server's own refusals, CORS preflights) sets them itself.
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": API_POLICY,
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
# A chart is an SVG document with its own inline styles and no script; the explorer embeds it
# (an <object> on its own origin), so it may be framed by the same origin only.
CHART_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "frame-ancestors 'self'; base-uri 'none'; form-action 'none'",
    "X-Frame-Options": "SAMEORIGIN",
}
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


def _policy(html: str) -> str:
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in _INLINE_SCRIPT.findall(html)
    )
    return (
        f"default-src 'none'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    )


def _page(html: str) -> HTMLResponse:
    return HTMLResponse(html, headers={"Content-Security-Policy": _policy(html)})


def install_docs(app: FastAPI) -> None:
    static = Path(fastapi_offline.__file__).parent / "static"
    app.mount(ASSETS, StaticFiles(directory=static), name="docs-assets")
    swagger = get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="korus-facts API",
        swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
        swagger_css_url=f"{ASSETS}/swagger-ui.css",
        swagger_favicon_url=f"{ASSETS}/favicon.png",
    ).body
    redoc = get_redoc_html(
        openapi_url="/openapi.json",
        title="korus-facts API",
        redoc_js_url=f"{ASSETS}/redoc.standalone.js",
        redoc_favicon_url=f"{ASSETS}/favicon.png",
        with_google_fonts=False,
    ).body
    swagger_html, redoc_html = bytes(swagger).decode(), bytes(redoc).decode()

    @app.get("/docs", include_in_schema=False, response_class=HTMLResponse)
    def swagger_ui() -> HTMLResponse:
        return _page(swagger_html)

    @app.get("/redoc", include_in_schema=False, response_class=HTMLResponse)
    def redoc_page() -> HTMLResponse:
        return _page(redoc_html)
