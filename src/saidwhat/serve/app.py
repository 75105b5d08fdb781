"""The FastAPI application: the HTTP API under ``/api`` and the pages (one HTML shell, local JS
and CSS) for ``/``, ``/overview``, ``/try``, ``/article/…`` and ``/speaker/…``.

Security: every query is parameterised (the store's SQL never interpolates a request value;
full-text queries are rebuilt from words, so no FTS syntax leaks in); request bodies are capped
(``413``); unexpected errors answer a coded message, never a stack trace; every response carries
a Content-Security-Policy that allows only this server as a source, so no CDN can sneak in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from saidwhat import __version__
from saidwhat.records import Article
from saidwhat.serve import models
from saidwhat.serve.data import SEARCH_CACHE, NotFound, Reader, article_view
from saidwhat.store.search import Filters

log = logging.getLogger("saidwhat.serve")

MAX_TEXT_CHARS = 100_000
"""Longest text ``POST /api/extract`` accepts (characters)."""
MAX_BODY_BYTES = 512 * 1024
"""Largest request body the server reads at all (bytes); larger ones get ``413``."""
MAX_QUERY_CHARS = 500
MAX_ID_CHARS = 2000
MAX_PAGE = 100
MAX_OFFSET = 1000

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
_SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]
_STATIC = {
    "app.js": "text/javascript; charset=utf-8",
    "app.css": "text/css; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}

Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description="page size")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="results to skip")]
Id = Annotated[str, PathParam(min_length=1, max_length=MAX_ID_CHARS)]

Extractor = Callable[[str, dict[str, str | None]], Article]


def engine_extractor(text: str, metadata: dict[str, str | None]) -> Article:
    """The saidwhat engine on pasted text (the default extractor of ``POST /api/extract``)."""
    import saidwhat

    return saidwhat.extract(text, id="pasted", **{k: v for k, v in metadata.items() if v})


def _error(status: int, code: str, message: str) -> JSONResponse:
    body = models.ErrorResponse(error=models.ErrorBody(code=code, message=message))
    return JSONResponse(body.model_dump(), status_code=status)


class BodyLimit:
    """ASGI middleware: refuse request bodies over ``limit`` bytes with ``413`` (by the declared
    length; a body without one is read here up to the limit), and add the security headers."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.extend(_SECURITY_HEADERS)
                message["headers"] = headers
            await send(message)

        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > self.limit
            except ValueError:
                too_big = True
            if too_big:
                await self._refuse(scope, receive, send_with_headers)
                return
        if declared is not None or scope.get("method") in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send_with_headers)
            return
        # No declared length (chunked): read the body here, up to the limit, then replay it.
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._refuse(scope, receive, send_with_headers)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send_with_headers)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = _error(
            413, "E413", f"request body larger than {self.limit} bytes; send a shorter text"
        )
        await response(scope, receive, send)


def _asset_version() -> str:
    digest = hashlib.sha256()
    for name in sorted(_STATIC):
        digest.update(_asset(name))
    return digest.hexdigest()[:12]


def _asset(name: str) -> bytes:
    return resources.files("saidwhat.serve").joinpath("static", name).read_bytes()


def create_app(
    db: str | Path,
    *,
    extractor: Extractor | None = None,
    max_text_chars: int = MAX_TEXT_CHARS,
    max_body_bytes: int = MAX_BODY_BYTES,
    warm_engine: bool = False,
    search_cache: int = SEARCH_CACHE,
) -> FastAPI:
    """The application serving the store at ``db`` (opened read-only; must exist).

    ``extractor`` replaces the engine for ``POST /api/extract`` (tests); ``warm_engine`` loads the
    engine's model in the background at start, so the first "Try it" is quick;
    ``search_cache`` is how many search results to remember (0: none).
    """
    reader = Reader(db, search_cache=search_cache)
    extract = extractor or engine_extractor
    engine_lock = threading.Lock()
    version = _asset_version()
    shell = (
        _asset("index.html").decode().replace("{{v}}", version).replace("{{version}}", __version__)
    )
    assets = {name: _asset(name) for name in _STATIC}

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if warm_engine and extractor is None:
            threading.Thread(target=_warm, args=(engine_lock,), daemon=True).start()
        yield
        reader.close()

    app = FastAPI(
        title="saidwhat",
        version=__version__,
        summary="Who said what: quotations, speakers and articles of a saidwhat store.",
        description=(
            "Read-only API over a saidwhat store, plus `POST /api/extract` to run the engine on "
            "pasted text. Dates are ISO `YYYY-MM-DD`; offsets are string (code point) indices "
            "into the article text. Errors other than validation errors (422) have the shape "
            '`{"error": {"code", "message"}}`.'
        ),
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.reader = reader
    app.add_middleware(BodyLimit, limit=max_body_bytes)
    not_found: dict[int | str, dict[str, Any]] = {
        404: {"model": models.ErrorResponse, "description": "not in the store"}
    }

    # -- errors --------------------------------------------------------------------------------
    @app.exception_handler(NotFound)
    async def _not_found(_: Request, exc: NotFound) -> JSONResponse:
        return _error(404, "E404", str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _error(exc.status_code, f"E{exc.status_code}", str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": e.get("type")}
            for e in exc.errors()
        ]
        return JSONResponse({"detail": errors}, status_code=422)

    @app.exception_handler(Exception)
    async def _crash(_: Request, exc: Exception) -> JSONResponse:
        log.error("internal error: %s: %s", type(exc).__name__, exc)
        return _error(500, "E500", "internal error (details are in the server log)")

    # -- API -----------------------------------------------------------------------------------

    @app.get("/api/health", response_model=models.Health, tags=["meta"])
    async def health() -> models.Health:
        """Whether the store can be read, and how many articles it holds."""
        articles = await reader.call(reader.articles)
        return models.Health(status="ok", store=reader.path.name, articles=articles)

    @app.get("/api/quotations", response_model=models.QuotationPage, tags=["quotations"])
    async def quotations(
        q: Annotated[
            str | None,
            Query(
                max_length=MAX_QUERY_CHARS,
                description='words that must all occur; "double quotes" for a phrase; word* for '
                "a prefix",
            ),
        ] = None,
        speaker: Annotated[
            str | None,
            Query(max_length=MAX_QUERY_CHARS, description="speaker name or alias (every word)"),
        ] = None,
        speaker_id: Annotated[
            str | None, Query(max_length=MAX_ID_CHARS, description="exact speaker id")
        ] = None,
        outlet: Annotated[
            str | None, Query(max_length=MAX_QUERY_CHARS, description="outlet (exact)")
        ] = None,
        kind: Annotated[models.Kind | None, Query(description="kind of quotation")] = None,
        date_from: Annotated[dt.date | None, Query(description="published on or after")] = None,
        date_to: Annotated[dt.date | None, Query(description="published on or before")] = None,
        phrase: Annotated[bool, Query(description="the whole text is one phrase")] = False,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> Response:
        """Search quotations: full text (ranked) and filters; without text, newest first."""
        # The body is the JSON of models.QuotationPage, built without the model (see
        # Reader.search); response_model above keeps it in the OpenAPI schema.
        filters = Filters(
            speaker=speaker.strip() if speaker else None,
            date_from=date_from,
            date_to=date_to,
            outlet=outlet or None,
            kind=kind,
            speaker_id=speaker_id or None,
        )
        body = await reader.call(
            reader.search, q.strip() if q else None, filters, phrase, limit, offset
        )
        return Response(body, media_type="application/json")

    @app.get(
        "/api/quotations/{quotation_id:path}",
        response_model=models.Quotation,
        responses=not_found,
        tags=["quotations"],
    )
    async def quotation(quotation_id: Id) -> models.Quotation:
        """One corpus-level quotation with every article that reports it."""
        return await reader.call(reader.quotation, quotation_id)

    @app.get("/api/speakers", response_model=models.SpeakerPage, tags=["speakers"])
    async def speakers(
        q: Annotated[
            str | None,
            Query(max_length=MAX_QUERY_CHARS, description="name or alias words; empty: all"),
        ] = None,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> models.SpeakerPage:
        """Speakers, most quoted first."""
        return await reader.call(reader.speakers, q.strip() if q else None, limit, offset)

    @app.get(
        "/api/speakers/{speaker_id:path}",
        response_model=models.SpeakerDetail,
        responses=not_found,
        tags=["speakers"],
    )
    async def speaker(speaker_id: Id) -> models.SpeakerDetail:
        """One speaker: aliases, counts, quotations per month, the outlets that quote them.
        Their quotations: ``GET /api/quotations?speaker_id=…``."""
        return await reader.call(reader.speaker, speaker_id)

    @app.get(
        "/api/articles/{article_id:path}",
        response_model=models.ArticleView,
        responses=not_found,
        tags=["articles"],
    )
    async def article(
        article_id: Id,
        version: Annotated[
            int | None, Query(ge=1, le=2**31 - 1, description="default: the latest")
        ] = None,
    ) -> models.ArticleView:
        """One article: its text, its quotations with offsets, captions."""
        return await reader.call(reader.article, article_id, version)

    @app.get("/api/outlets", response_model=list[models.OutletCount], tags=["stats"])
    async def outlets() -> list[models.OutletCount]:
        """Every outlet with its number of quotation mentions, most first."""
        return await reader.call(reader.outlets)

    @app.get("/api/stats", response_model=models.Stats, tags=["stats"])
    async def stats(
        top: Annotated[int, Query(ge=1, le=100, description="top speakers")] = 10,
    ) -> models.Stats:
        """Totals, quotations per outlet and month, unattributed share, top speakers."""
        return await reader.call(reader.stats, top)

    @app.post(
        "/api/extract",
        response_model=models.ArticleView,
        tags=["extract"],
        responses={
            400: {"model": models.ErrorResponse, "description": "body is not JSON text"},
            413: {"model": models.ErrorResponse, "description": "text or body too large"},
        },
    )
    def extract_text(body: models.ExtractRequest) -> Response:
        """Run the engine on pasted text; nothing is stored. Texts over the size limit get 413."""
        if len(body.text) > max_text_chars:
            return _error(
                413, "E413", f"text has {len(body.text)} characters; the limit is {max_text_chars}"
            )
        metadata = {"published": body.published, "outlet": body.outlet, "title": body.title}
        with engine_lock:
            article = extract(body.text, metadata)
        return JSONResponse(article_view(article).model_dump(mode="json"))

    # -- pages ---------------------------------------------------------------------------------
    def page() -> HTMLResponse:
        return HTMLResponse(shell, headers={"cache-control": "no-cache"})

    for route in ("/", "/overview", "/try", "/article/{rest:path}", "/speaker/{rest:path}"):
        app.add_api_route(route, page, methods=["GET"], include_in_schema=False)

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> Response:
        if name not in assets:
            return _error(404, "E404", "no such file")
        return Response(
            assets[name],
            media_type=_STATIC[name],
            headers={"cache-control": "public, max-age=86400, immutable"},
        )

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(assets["favicon.svg"], media_type=_STATIC["favicon.svg"])

    return app


def _warm(lock: threading.Lock) -> None:
    """Load the engine's model (quietly; a failure shows on the first extract instead)."""
    try:
        with lock:
            engine_extractor("“Ready,” she said.", {})
    except Exception as exc:  # pragma: no cover - depends on the installed model
        log.warning("engine warm-up failed: %s", exc)
