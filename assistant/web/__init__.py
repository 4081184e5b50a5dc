"""The web chat page: static HTML, CSS and JavaScript served by the app itself (no CDN, no build)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).parent / "static"


def add_web_routes(app: FastAPI) -> None:
    """`/` serves the page; `/static/…` its scripts and styles. Neither is part of the API schema."""

    @app.get("/", include_in_schema=False)
    def chat_page() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", headers={"cache-control": "no-cache"})

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
