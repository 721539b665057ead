"""The Parallax web app: ``create_app(db)`` builds a FastAPI application.

Pages are rendered on the server from autoescaped Jinja2 templates
(``web/templates/``); the few scripts and styles are served from
``web/static/`` and a Content-Security-Policy allows nothing else, so the app
works offline and injected markup could not run even if escaping failed.

Routes: the HTML pages are in ``web/pages.py``, the JSON API (``/api/...``) in
``web/api.py``; ``/docs`` is a local page describing ``/openapi.json``.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from cachetools import LRUCache
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from parallax.model import Report
from parallax.options import Options
from parallax.stage import Stage
from parallax.web.jobs import MAX_PENDING, JobRunner, QueueFull
from parallax.web.rendering import get_environment, render_page
from parallax.web.source import StorySource
from parallax.web.uploads import Limits

HERE = Path(__file__).resolve().parent

# Scripts only from this server; inline styles are allowed (report sections use a few).
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)

Analyser = Callable[[Sequence[Any], Sequence[Stage] | None, Options], Report]


def run_analysis(inputs: Sequence[Any], stages: Sequence[Stage] | None, options: Options) -> Report:
    """The default analyser: ``parallax.analyze`` with the given stages and options."""
    import parallax

    return parallax.analyze(inputs, options, stages=stages)


def default_stages() -> list[Stage]:
    from parallax import pipeline

    return pipeline.default_stages()


class BodyTooLarge(Exception):
    pass


class LimitBody:
    """Refuse request bodies over a size with 413, whether or not they declare a length."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self.refuse(scope, send)
            return
        seen = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await self.refuse(scope, send)

    async def refuse(self, scope: Scope, send: Send) -> None:
        megabytes = self.max_bytes / 1024 / 1024
        message = f"The request is too large: at most {megabytes:.0f} MB may be sent at once."
        if scope.get("path", "").startswith("/api/"):
            body = json.dumps({"detail": message}).encode()
            kind = b"application/json"
        else:
            page = (
                get_environment()
                .get_template("error.html.j2")
                .render(request=None, has_corpus=False, status=413, title="Too large", message=message)
            )
            body, kind = page.encode(), b"text/html; charset=utf-8"
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})


class SecurityHeaders:
    """Add the Content-Security-Policy and friends to every response (plain ASGI: cheap)."""

    HEADERS = (
        (b"content-security-policy", CSP.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
        (b"x-frame-options", b"DENY"),
    )

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.HEADERS if k not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def add_error_pages(app: FastAPI) -> None:
    @app.exception_handler(QueueFull)
    async def queue_full(request: Request, exc: QueueFull) -> Response:
        error = StarletteHTTPException(429, str(exc), headers={"Retry-After": str(exc.retry_after)})
        return await http_error(request, error)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api/") or request.url.path == "/openapi.json":
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        titles = {404: "Not found", 405: "Not allowed", 409: "Not ready", 400: "Bad request", 429: "Busy"}
        page = render_page(
            request,
            "error.html.j2",
            status_code=exc.status_code,
            status=exc.status_code,
            title=titles.get(exc.status_code, "Error"),
            message=str(exc.detail),
        )
        page.headers.update(exc.headers or {})
        return page


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start the analysis queue's worker (when asked); stop it, the job runner and the corpus at the end."""
    worker = None
    if app.state.worker_target:
        from parallax.corpus.worker import QueueWorker

        worker = QueueWorker(app.state.worker_target, scan_seconds=app.state.worker_seconds)
        worker.start()
    app.state.queue_worker = worker
    yield
    if worker is not None:
        worker.stop()
    app.state.jobs.shutdown()
    if app.state.source is not None:
        app.state.source.close()


def add_openapi_report(app: FastAPI) -> None:
    """Describe report responses in /openapi.json with the report's JSON Schema."""
    from parallax.web.api import add_report_schema

    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = add_report_schema(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def open_source(db: str) -> StorySource:
    """The corpus at ``db`` (a SQLite path or PostgreSQL URL) as a story source."""
    from parallax.web.corpus_source import open_store_source

    return open_store_source(db)


def create_app(
    db: str | None = None,
    *,
    source: StorySource | None = None,
    limits: Limits | None = None,
    analyser: Analyser | None = None,
    stages: Callable[[], Sequence[Stage]] | None = None,
    max_jobs: int = MAX_PENDING,
    worker: bool = False,
    worker_seconds: float = 10.0,
) -> FastAPI:
    """The web app over the corpus at ``db`` (or over ``source``; neither: Analyse only).

    ``analyser`` and ``stages`` replace how analyses are run (tests use this to
    run a short pipeline); by default the full ``parallax.analyze`` runs. At most
    ``max_jobs`` analyses wait or run at once; past that, requests get 429.
    With ``worker`` (and ``db``), a background thread analyses the corpus's queued
    stories one at a time, looking for new ones every ``worker_seconds``
    (``parallax.corpus.worker``); pages never wait for it.
    """
    from parallax import __version__
    from parallax.web import api, outlet_pages, pages

    if source is None and db:
        source = open_source(db)
    app = FastAPI(
        title="Parallax",
        version=__version__,
        description="Browse stories in a Parallax corpus and compare how outlets reported them. "
        "Reports follow the JSON Schema served at /api/schema.",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.source = source
    app.state.worker_target = db if worker and db else None
    app.state.worker_seconds = worker_seconds
    app.state.limits = limits or Limits()
    app.state.jobs = JobRunner(max_pending=max_jobs)
    app.state.analyser = analyser or run_analysis
    app.state.stages = stages or default_stages
    app.state.page_cache = LRUCache(maxsize=pages.KEEP_PAGES)
    app.mount("/static", StaticFiles(packages=[("parallax.web", "static")]), name="static")
    app.include_router(pages.router)
    app.include_router(outlet_pages.router)
    app.include_router(api.router)
    add_error_pages(app)
    app.add_middleware(LimitBody, max_bytes=app.state.limits.max_request_bytes)
    app.add_middleware(SecurityHeaders)
    add_openapi_report(app)

    return app
