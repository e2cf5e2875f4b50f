"""FastAPI app over the store and the analyzers.

The pipeline is injectable (tests pass a light one); by default the full pipeline is built on the
first analysis, not at start-up, so the corpus can be browsed without loading models. Analyses
run one at a time on a dedicated worker thread (analyzers are not promised to be thread-safe, and
they are CPU-bound) behind a bounded queue: a request waits at most ``analysis_timeout`` seconds
for its turn and a full queue answers at once, both as 503 with ``Retry-After``; article text
is capped (``max_text_chars``, 413), so no single request can hold the analyser for long.
Reading the corpus never waits for an analysis. Uploaded and posted inputs are read on worker
threads too (two at a time; an HTML page takes seconds to extract), never on the event loop:
one whose text, without markup, is far over the cap gets its 413 before any parsing.
Errors reach clients as one-line JSON (``{"error": ...}``) or a small HTML page, never a traceback.

Only loopback ``Host`` names (and those the server was started for) are answered, which defeats
DNS rebinding; cross-site state-changing requests are refused (see :mod:`spinscope.web.limits`).

An article may also be given by URL (``{"url": ...}`` or the form's address field): the server
fetches it with :mod:`spinscope.ingest.url`, within that module's time limit and this app's body
limit, and — unless started with ``allow_private_urls`` — only from public addresses, checked
and pinned hop by hop (:mod:`spinscope.ingest.addresses`), so the app cannot be used to reach
the machine it runs on or its network.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import anyio
import anyio.to_thread
from fastapi import FastAPI, Query, Request
from fastapi import Path as FastAPIPath
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from spinscope.document import INPUT_HASH, Document, Source
from spinscope.errors import InputError
from spinscope.ingest.url import is_url, load_url
from spinscope.store import DEFAULT_URL, STATS_BY, Store, stats, to_csv
from spinscope.store.duplicates import DEFAULT_THRESHOLD as DUP_THRESHOLD
from spinscope.store.duplicates import INDEX_THRESHOLD as DUP_INDEX_THRESHOLD
from spinscope.store.speakers import corrected_speaker, corrected_speakers, unresolved_statements
from spinscope.store.stats import (
    corrected_stats,
    default_view,
    outlet_documents,
    story_stats,
    top_rows,
    top_stats,
    with_stories,
)
from spinscope.web import charts
from spinscope.web.limits import (
    LOOPBACK_HOSTS,
    SECURITY_HEADERS,
    BodySizeLimit,
    CrossOriginGuard,
    SecurityHeaders,
)
from spinscope.web.render import (
    default_min_confidence,
    environment,
    render_article,
    reveal_floor,
)
from spinscope.web.review import router as review_router
from spinscope.web.watch import corpus_terms
from spinscope.web.watch import router as watch_router

log = logging.getLogger("spinscope.web")

#: Largest request body accepted: room for a heavy HTML page (the command line takes 10 MiB).
MAX_REQUEST_BYTES = 4 * 1024 * 1024 + 64 * 1024
#: Longest article text analysed in the web app. News articles are ~5-100 k characters; the
#: analysis takes time in proportion (~4 k characters/s on 2 cores: 618 k characters took 153 s)
#: and the analyser serves one request at a time, so the cap bounds everyone's wait to ~1 min.
MAX_TEXT_CHARS = 200_000
#: Uploads parsed at once (each on a worker thread, off the event loop).
PARSE_SLOTS = 2
#: An input is refused before parsing when, stripped of markup, it is still this many times
#: longer than the text cap (the markup-free length is within a few per cent of the text's).
PRECHECK_SLACK = 1.5
#: Seconds a request waits for the analyser before a 503; analyses waiting at most.
ANALYSIS_TIMEOUT = 120.0
MAX_PENDING = 8
#: Largest list offset (SQLite integers are 64-bit; no corpus holds a billion documents).
MAX_OFFSET = 1_000_000_000
#: Largest row id asked for (SQLite and PostgreSQL bigint: 2**63 - 1; beyond it the database
#: raises instead of finding nothing).
MAX_ID = 2**63 - 1
MAX_QUERY_CHARS = 500
#: ``?reviewed=only``: reviewed articles only, with the reviewers' corrected labels (issue 25).
REVIEWED = Query(
    None,
    pattern="^only$",
    description="'only': count reviewed articles only, with their corrected labels",
)
#: Longest URL accepted (as the command line: ``spinscope.ingest.url.is_url``).
MAX_URL_CHARS = 8192
DASHBOARD_GROUPS = 30
#: The site icon, also served at /static/favicon.svg.
FAVICON = Path(__file__).resolve().parent / "static" / "favicon.svg"

PipelineLike = Callable[[Document], Document]
#: ``(stored document, floor) -> document with technique spans down to floor`` (not stored)
Revealer = Callable[[Document, float], Document]
T = TypeVar("T")


class AnalysisService:
    """Analyse (once per content hash) and store; shared by the API and the HTML form.

    One worker thread runs the pipeline; at most ``max_pending`` analyses are queued or running
    (more: 503 at once), and a caller waits at most ``timeout`` seconds for its analysis to
    start (then 503, and the queued analysis is dropped). A started analysis runs to the end;
    the text cap bounds how long that takes.
    """

    def __init__(
        self,
        store: Store,
        pipeline: PipelineLike | None,
        *,
        timeout: float = ANALYSIS_TIMEOUT,
        max_pending: int = MAX_PENDING,
        revealer: Revealer | None = None,
    ) -> None:
        self.store = store
        self._pipeline = pipeline
        self.timeout = timeout
        self.max_pending = max_pending
        self._slots = threading.BoundedSemaphore(max_pending)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="spinscope-analysis")
        self._revealer = revealer

    def _get_pipeline(self) -> PipelineLike:
        """The injected pipeline, or the default one (built once, on the analysis thread)."""
        if self._pipeline is None:
            from spinscope.pipeline import get_pipeline

            self._pipeline = get_pipeline()
        return self._pipeline

    def _run(self, doc: Document) -> tuple[Document, bool]:
        stored = self.store.get(doc.id)
        if stored is not None:
            return stored, False
        analysed = self._get_pipeline()(doc)
        return analysed, self.store.add(analysed)

    def _get_revealer(self) -> Revealer:
        """Techniques and voice again, down to a lower confidence (built on first use)."""
        if self._revealer is None:
            from spinscope.pipeline import get_pipeline

            def reveal(doc: Document, floor: float) -> Document:
                copy = Document.from_dict(doc.to_dict())
                return get_pipeline(("techniques", "evidence", "voice"), min_confidence=floor)(copy)

            self._revealer = reveal
        return self._revealer

    async def analyze(self, doc: Document) -> tuple[Document, bool]:
        """The stored analysis of ``doc``, running the pipeline only if it is new."""
        stored = await run_in_threadpool(self.store.get, doc.id)
        if stored is not None:
            return stored, False
        return await self._submit(lambda: self._run(doc))

    async def reveal(self, doc: Document, floor: float) -> Document:
        """``doc``'s technique spans down to confidence ``floor``, with their voice: analysed
        again in the analysis queue, not stored (the store keeps the default view)."""
        return await self._submit(lambda: self._get_revealer()(doc, floor))

    async def _submit(self, work: Callable[[], T]) -> T:
        """Run ``work`` on the analysis thread, within the queue's limits (503 when full)."""
        if not self._slots.acquire(blocking=False):
            raise HTTPException(
                503,
                f"the analyser is busy ({self.max_pending} articles queued); try again shortly",
                headers={"Retry-After": "30"},
            )
        loop = asyncio.get_running_loop()
        started: asyncio.Future[None] = loop.create_future()

        def mark_started() -> None:
            if not started.done():
                started.set_result(None)

        def job() -> T:
            loop.call_soon_threadsafe(mark_started)
            return work()

        future = self._executor.submit(job)
        future.add_done_callback(lambda _: self._slots.release())
        try:  # the timeout bounds the wait for a turn; a started analysis is bounded by the cap
            await asyncio.wait_for(asyncio.shield(started), self.timeout)
        except TimeoutError:
            if future.cancel():
                raise HTTPException(
                    503,
                    f"the analyser is busy (no turn within {self.timeout:g} s); try again shortly",
                    headers={"Retry-After": "30"},
                ) from None
        return await asyncio.wrap_future(future)

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


def _check_text(value: str, field: str, limit: int) -> None:
    """400 for text that is not valid Unicode, 413 for text longer than the web app analyses."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as e:
        raise InputError(
            "<request>",
            f"'{field}' contains an unpaired surrogate (U+{ord(value[e.start]):04X} at character "
            f"{e.start}); send valid Unicode text",
        ) from None
    if len(value) > limit:
        if field != "text":  # metadata: a bad field, not an article too long to analyse
            raise InputError("<request>", f"'{field}' is too long ({len(value):,} > {limit:,})")
        raise HTTPException(413, _too_long(len(value), limit))


def _too_long(n: int, limit: int, what: str = "FILE") -> str:
    return (
        f"article too long for the web app ({n:,} characters; limit {limit:,}); "
        f"analyse it with the command line: spinscope analyze {what}"
    )


def _url_to_fetch(value: object) -> str:
    """The request's ``url`` if it is one http(s) address; InputError naming it otherwise."""
    if not isinstance(value, str):
        raise InputError("<request>", "'url' must be a string")
    url = value.strip()
    _check_text(url, "url", MAX_URL_CHARS)
    if not is_url(url) or not url.isprintable():
        shown = url[:200] if url.isprintable() else ascii(url[:200])
        raise InputError(shown, "not an http:// or https:// address (one line, no spaces)")
    return url


def _load(data: bytes, name: str) -> Document:
    """Bytes → Document via ingest; a text body is always content, never a path to open."""
    from spinscope.ingest import load

    doc = load(data, name=name)
    doc.source = Source(path=None, url=doc.source.url, kind=doc.source.kind)
    if doc.source.kind != "text":  # text derived from markup: the input itself names the doc
        doc.meta.setdefault(INPUT_HASH, hashlib.sha256(data).hexdigest())
    return doc


def _precheck(data: bytes, limit: int) -> None:
    """413 before parsing for an input whose text cannot fit the web app's cap: more than
    :data:`PRECHECK_SLACK` times ``limit`` characters even without its markup (the page text is
    within a few per cent of that; pages near the cap are parsed and measured exactly)."""
    if len(data) <= limit:
        return
    from spinscope.ingest.markup import text_upper_bound

    n = text_upper_bound(data.decode("utf-8", "replace"))
    if n > limit * PRECHECK_SLACK:
        raise HTTPException(413, _too_long(n, limit).replace(f"({n:,}", f"(about {n:,}", 1))


def _apply_meta(doc: Document, body: dict[str, Any]) -> None:
    for key in ("title", "published", "outlet"):
        value = body.get(key)
        if value is not None:
            if not isinstance(value, str):
                raise InputError("<request>", f"'{key}' must be a string")
            _check_text(value, key, MAX_QUERY_CHARS)
            setattr(doc, key, value)
    if body.get("url") is not None:
        if not isinstance(body["url"], str):
            raise InputError("<request>", "'url' must be a string")
        _check_text(body["url"], "url", 8192)
        doc.source.url = body["url"]
    if body.get("authors") is not None:
        authors = body["authors"]
        if not isinstance(authors, list) or not all(isinstance(a, str) for a in authors):
            raise InputError("<request>", "'authors' must be a list of strings")
        for a in authors:
            _check_text(a, "authors", MAX_QUERY_CHARS)
        doc.authors = list(authors)


def _error(
    request: Request, status: int, message: str, headers: Mapping[str, str] | None = None
) -> Response:
    if request.url.path.startswith("/api/") or "text/html" not in request.headers.get("accept", ""):
        return JSONResponse({"error": message}, status_code=status, headers=headers)
    html = (
        environment()
        .get_template("error.html")
        .render(status=status, message=message, standalone=False)
    )
    return HTMLResponse(html, status_code=status, headers=headers)


def create_app(
    db_url: str = DEFAULT_URL,
    *,
    pipeline: PipelineLike | None = None,
    store: Store | None = None,
    max_request_bytes: int = MAX_REQUEST_BYTES,
    max_text_chars: int = MAX_TEXT_CHARS,
    analysis_timeout: float = ANALYSIS_TIMEOUT,
    max_pending: int = MAX_PENDING,
    allowed_hosts: Sequence[str] = LOOPBACK_HOSTS,
    allow_private_urls: bool = False,
    revealer: Revealer | None = None,
) -> FastAPI:
    """The web app over the store at ``db_url`` (or an open ``store``).

    ``pipeline``: a ``Document -> Document`` callable (e.g. ``Pipeline.build([...])``); None
    means ``spinscope.pipeline.get_pipeline()``, built on first use. ``allowed_hosts``: the
    ``Host`` names answered (default: loopback only); the server adds the one it binds.
    ``allow_private_urls``: fetch article URLs on loopback, private and other internal
    addresses too (default: public addresses only; see :mod:`spinscope.ingest.addresses`).
    ``revealer``: runs techniques and voice again down to a lower confidence, for an article
    page asked for spans below the default view (None: the default analyzers, on first use).
    """
    store = store if store is not None else Store(db_url)
    service = AnalysisService(
        store, pipeline, timeout=analysis_timeout, max_pending=max_pending, revealer=revealer
    )
    env = environment()
    app = FastAPI(
        title="spinscope",
        summary="Persuasion techniques, attributions and voice in news articles.",
        version="1",
        docs_url=None,  # Swagger UI would load from a CDN; the app must work offline
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.store = store
    app.state.service = service
    app.state.allow_private_urls = allow_private_urls
    # Outermost last: security headers on every answer, the Host check before anything else.
    app.add_middleware(BodySizeLimit, max_bytes=max_request_bytes)
    app.add_middleware(CrossOriginGuard)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts))
    app.add_middleware(SecurityHeaders)
    app.router.add_event_handler("shutdown", service.close)
    app.mount("/static", StaticFiles(packages=[("spinscope.web", "static")]), name="static")

    def page(name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        return HTMLResponse(
            env.get_template(name).render(standalone=False, **ctx), status_code=status
        )

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException) -> Response:
        return _error(request, exc.status_code, str(exc.detail), exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        parts = []
        for e in exc.errors()[:3]:
            loc = ".".join(str(x) for x in e.get("loc", ()) if x != "body")
            parts.append(f"{loc}: {e.get('msg', 'invalid')}" if loc else str(e.get("msg")))
        return _error(request, 422, "invalid request: " + "; ".join(parts))

    @app.exception_handler(InputError)
    async def _bad_input(request: Request, exc: InputError) -> Response:
        return _error(request, 400, str(exc))

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        # this handler runs outside the app's middleware: add the security headers here
        return _error(request, 500, "internal server error", dict(SECURITY_HEADERS))

    parse_slots: list[anyio.CapacityLimiter] = []  # made on first use, inside the event loop

    async def _parsed(data: bytes, name: str, meta: dict[str, Any]) -> Document:
        """The Document of an uploaded or posted input: size-checked and parsed on a worker
        thread (an HTML page takes seconds), at most :data:`PARSE_SLOTS` at a time, so the
        server keeps answering everyone else meanwhile."""

        def work() -> Document:
            _precheck(data, max_text_chars)  # 413 before any parsing when it cannot fit
            doc = _load(data, name)
            _apply_meta(doc, meta)
            return _capped(doc)

        if not parse_slots:
            parse_slots.append(anyio.CapacityLimiter(PARSE_SLOTS))
        return await anyio.to_thread.run_sync(work, limiter=parse_slots[0])

    def _capped(doc: Document, what: str = "FILE") -> Document:
        if len(doc.text) > max_text_chars:
            raise HTTPException(413, _too_long(len(doc.text), max_text_chars, what))
        return doc

    async def _fetched(value: object) -> Document:
        """The article at a URL, fetched within the limits (blocking I/O: off the event loop)."""
        url = _url_to_fetch(value)
        return await run_in_threadpool(
            load_url, url, public_only=not allow_private_urls, max_bytes=max_request_bytes
        )

    async def _document_from_request(request: Request) -> tuple[Document, dict[str, Any]]:
        ctype = request.headers.get("content-type", "")
        if ctype.startswith("application/json"):
            try:
                body = await request.json()
            except ValueError:
                raise InputError("<request>", "body is not valid JSON") from None
            except RecursionError:
                raise InputError("<request>", "body is JSON nested too deeply") from None
            if isinstance(body, dict) and body.get("text") is None and "url" in body:
                doc = await _fetched(body["url"])
                _apply_meta(doc, {k: v for k, v in body.items() if k != "url"})
                return _capped(doc, "URL"), body
            if not isinstance(body, dict) or not isinstance(body.get("text"), str):
                raise InputError(
                    "<request>", 'expected a JSON object {"text": "..."} or {"url": "..."}'
                )
            _check_text(body["text"], "text", max_text_chars)
            if not body["text"].strip():
                raise InputError("<request>", "'text' is empty")
            return await _parsed(body["text"].encode("utf-8"), "<text>", body), body
        if ctype.startswith("multipart/form-data") or ctype.startswith(
            "application/x-www-form-urlencoded"
        ):
            form = await request.form()
            upload = form.get("file")
            text = form.get("text")
            url = form.get("url")
            given_url = isinstance(url, str) and bool(url.strip())
            # with text or a file, the address is where they came from: recorded, not fetched
            meta = {"url": url.strip()} if isinstance(url, str) and given_url else {}
            if isinstance(upload, UploadFile) and upload.filename:
                data = await upload.read()
                return await _parsed(data, upload.filename[:200], meta), meta
            if isinstance(text, str) and text.strip():
                # a form sends a textarea's line ends as CRLF (HTML's form encoding), whatever
                # the text pasted into it had: the textarea's own text has LF, so the same
                # article pasted here and ingested from its file is one document
                text = text.replace("\r\n", "\n")
                _check_text(text, "text", max_text_chars)
                return await _parsed(text.encode("utf-8"), "<text>", meta), meta
            if given_url:
                return _capped(await _fetched(url), "URL"), meta
            raise InputError("<request>", "give article text, a file or a URL")
        raise HTTPException(
            415, 'send JSON {"text": ...} or {"url": ...}, or a multipart file upload'
        )

    @app.post("/api/analyze", status_code=201, tags=["api"])
    async def api_analyze(request: Request) -> JSONResponse:
        """Analyse text (JSON ``{"text": ...}``), a page the server fetches (JSON
        ``{"url": "https://..."}``) or an uploaded file; store it; return its JSON.

        With ``text``, ``url`` is only recorded as the source. Fetching follows at most 5
        redirects within 20 s and the request size limit, and reaches public addresses only
        unless the server was started with ``--allow-private-urls``; a refused or failed fetch
        is a 400 naming the URL. Idempotent by content hash: 201 when new, 200 when the same
        text was already stored.
        """
        doc, _ = await _document_from_request(request)
        result, added = await service.analyze(doc)
        return JSONResponse(result.to_dict(), status_code=201 if added else 200)

    @app.get("/api/documents/{doc_id}", tags=["api"])
    def api_document(doc_id: str) -> JSONResponse:
        doc = store.get(doc_id)
        if doc is None:
            raise HTTPException(404, f"no document with id {doc_id[:64]!r}")
        return JSONResponse(doc.to_dict())

    @app.get("/api/documents", tags=["api"])
    def api_documents(
        q: str = Query("", max_length=MAX_QUERY_CHARS),
        limit: int = Query(50, ge=1, le=500),
        offset: int = Query(0, ge=0, le=MAX_OFFSET),
    ) -> dict[str, Any]:
        """List documents, or full-text search them with ``q`` (all words must match)."""
        result = store.search(q, limit=limit, offset=offset)
        return {"total": result.total, "items": [i.to_dict() for i in result.items]}

    @app.get("/api/stats", tags=["api"], response_model=None)
    def api_stats(
        by: str = Query("technique", pattern="^(" + "|".join(STATS_BY) + ")$"),
        format: str = Query("json", pattern="^(json|csv)$"),
        reviewed: str | None = REVIEWED,
    ) -> Response | dict[str, Any]:
        """Technique spans per outlet | author | speaker | technique | month (JSON or CSV).

        Each row has the raw counts (``spans``, ``documents``) and, beside them, the counts
        with each distinct story once (``story_spans``, ``stories``: a near-duplicate cluster,
        e.g. a wire story republished by many outlets, counts as its earliest-ingested copy);
        ``documents`` and ``stories`` at the top count the whole corpus.

        ``reviewed=only``: the reviewed articles only, counting the reviewers' corrected labels
        (rejected spans out, relabelled and resized as corrected, added spans in; speakers as
        corrected). ``labels`` says which are counted (``model`` | ``corrected``), as the CSV's
        ``X-Spinscope-Labels`` header and file name do."""
        if reviewed:
            cs = corrected_stats(store, by)
            rows, per_story = cs.rows, cs.per_story
            n_docs, n_stories, labels = cs.documents, cs.stories, "corrected"
        else:
            rows = stats(store, by)
            per_story = story_stats(store, by, rows)
            n_docs, n_stories, labels = store.count(), store.story_count(), "model"
        if format == "csv":
            name = f"spinscope-{by}-reviewed" if reviewed else f"spinscope-{by}"
            return Response(
                to_csv(rows, per_story),
                media_type="text/csv; charset=utf-8",
                headers={
                    "Content-Disposition": f'attachment; filename="{name}.csv"',
                    "X-Spinscope-Labels": labels,
                },
            )
        return {
            "by": by,
            "labels": labels,
            "documents": n_docs,
            "stories": n_stories,
            "rows": with_stories(rows, per_story),
        }

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index() -> HTMLResponse:
        return page("index.html", n_documents=store.count(), allow_private_urls=allow_private_urls)

    @app.post("/analyze", include_in_schema=False)
    async def analyze_form(request: Request) -> Response:
        doc, _ = await _document_from_request(request)
        result, _added = await service.analyze(doc)
        return RedirectResponse(f"/documents/{result.id}", status_code=303)

    @app.get("/documents", response_class=HTMLResponse, include_in_schema=False)
    def documents_page(
        q: str = Query("", max_length=MAX_QUERY_CHARS),
        offset: int = Query(0, ge=0, le=MAX_OFFSET),
    ) -> HTMLResponse:
        limit = 50
        result = store.search(q, limit=limit, offset=offset)
        return page("documents.html", q=q, result=result, offset=offset, limit=limit)

    @app.get("/documents/{doc_id}", response_class=HTMLResponse, include_in_schema=False)
    async def document_page(
        doc_id: str,
        min_confidence: float | None = Query(None, ge=0.0, le=1.0),
    ) -> HTMLResponse:
        """The article view; its confidence slider starts at ``min_confidence`` (default: the
        model's default view). Below the default, the stored text's techniques are analysed
        again down to ``REVEAL_FLOOR`` (not stored: the corpus keeps the default view), so the
        slider can reveal what the default hides."""
        doc = await run_in_threadpool(store.get, doc_id)
        if doc is None:
            raise HTTPException(404, f"no document with id {doc_id[:64]!r}")
        default = default_min_confidence()
        start = analysed = None
        if min_confidence is not None:
            start = max(round(min_confidence * 40) / 40, reveal_floor())
            if start < default:
                if len(doc.text) > max_text_chars:  # stored from the command line: too long
                    raise HTTPException(
                        413,
                        f"article too long to analyse again in the web app ({len(doc.text):,} "
                        f"characters; limit {max_text_chars:,}); use spinscope analyze "
                        f"--min-confidence {start:g} on its text",
                    )
                analysed = reveal_floor()
                doc = await service.reveal(doc, analysed)
        return HTMLResponse(
            render_article(
                doc,
                standalone=False,
                also=await run_in_threadpool(store.similar, doc.id),
                speaker_ids=await run_in_threadpool(store.speaker_ids, doc),
                start_confidence=start,
                analysed_confidence=analysed,
                watch_terms=await run_in_threadpool(corpus_terms, store),
            )
        )

    @app.get("/api/documents/{doc_id}/similar", tags=["api"])
    def api_similar(
        doc_id: str,
        threshold: float = Query(DUP_THRESHOLD, ge=DUP_INDEX_THRESHOLD, le=1.0),
    ) -> dict[str, Any]:
        """Stored near-duplicates of a document (republished, lightly edited copies), most
        similar first, with their estimated Jaccard similarity of body word 5-grams."""
        if not store.contains(doc_id):
            raise HTTPException(404, f"no document with id {doc_id[:64]!r}")
        return {"id": doc_id, "similar": store.similar(doc_id, threshold)}

    @app.get("/api/duplicates", tags=["api"])
    def api_duplicates(
        threshold: float = Query(DUP_THRESHOLD, ge=DUP_INDEX_THRESHOLD, le=1.0),
    ) -> list[dict[str, Any]]:
        """Clusters of near-duplicate documents, largest first (as ``spinscope duplicates``):
        ``[{"similarity", "documents": [{"id", "title", "source", "outlet", "published"}]}]``."""
        return store.duplicate_clusters(threshold)

    @app.get("/duplicates", response_class=HTMLResponse, include_in_schema=False)
    def duplicates_page(
        threshold: float = Query(DUP_THRESHOLD, ge=DUP_INDEX_THRESHOLD, le=1.0),
    ) -> HTMLResponse:
        """Near-duplicate clusters (as ``/api/duplicates``): size, similarity, and each member
        with its outlet and date, linked to its article view."""
        return page(
            "duplicates.html",
            clusters=store.duplicate_clusters(threshold),
            threshold=threshold,
            default_threshold=DUP_THRESHOLD,
            n_documents=store.count(),
        )

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        """The site icon (SVG) where browsers look for it without a ``<link rel=icon>``."""
        return Response(
            FAVICON.read_bytes(),
            media_type="image/svg+xml",
            headers={"Cache-Control": "public, max-age=86400"},
        )

    @app.get("/dashboard", response_class=HTMLResponse, include_in_schema=False)
    def dashboard(
        by: str | None = Query(None, pattern="^(" + "|".join(STATS_BY) + ")$"),
        reviewed: str | None = REVIEWED,
    ) -> HTMLResponse:
        by = by or default_view(store)
        if reviewed:
            cs = corrected_stats(store, by)
            rows, n_groups = top_rows(cs.rows, by, DASHBOARD_GROUPS)
            keep = {r.group for r in rows}
            per_story = [r for r in cs.per_story if r.group in keep]
            docs = cs.outlet_documents if by == "outlet" else None
            n_documents, stories = cs.documents, cs.stories
        else:
            rows, n_groups = top_stats(store, by, top=DASHBOARD_GROUPS)
            per_story = story_stats(store, by, rows)
            # by outlet, every outlet is listed with its documents, those without spans as zeros
            docs = outlet_documents(store) if by == "outlet" else None
            n_documents, stories = store.count(), store.story_count()
        pv = charts.pivot(
            rows,
            by,
            top=DASHBOARD_GROUPS,
            per_story=per_story,
            group_documents=docs,
        )
        n_groups = max(n_groups, len(docs or ()))
        return page(
            "dashboard.html",
            by=by,
            stats_by=STATS_BY,
            pivot=pv,
            chart=charts.bars(pv),
            n_groups=n_groups,
            n_documents=n_documents,
            stories=stories,
            speaker_ids=store.speaker_ids_by_name(pv.groups) if by == "speaker" else {},
            reviewed=bool(reviewed),
            labels="corrected" if reviewed else "model",
        )

    @app.get("/api/speakers", tags=["api"])
    def api_speakers(
        q: str = Query("", max_length=MAX_QUERY_CHARS),
        limit: int = Query(50, ge=1, le=500),
        offset: int = Query(0, ge=0, le=MAX_OFFSET),
        reviewed: str | None = REVIEWED,
    ) -> dict[str, Any]:
        """Corpus speakers (one per person or body, whatever the name variant), most
        statements first (a quotation in pieces counts once); ``q`` matches any of their names. ``unresolved``: statements whose
        speaker the article does not settle (shown as the mention, never a speaker here).
        ``reviewed=only``: the reviewed articles' statements with their corrected speakers (a
        name typed by a reviewer that no article gives is listed with ``id`` null);
        ``labels`` says which (``model`` | ``corrected``), ``documents`` over how many."""
        if reviewed:
            return corrected_speakers(store, q, limit=limit, offset=offset)
        total, items = store.speakers(q, limit=limit, offset=offset)
        with store.engine.connect() as conn:
            unresolved = unresolved_statements(conn)
        return {
            "total": total,
            "items": items,
            "unresolved": unresolved,
            "documents": store.count(),
            "labels": "model",
        }

    @app.get("/api/speakers/{speaker_id}", tags=["api"])
    def api_speaker(
        speaker_id: int = FastAPIPath(ge=0, le=MAX_ID), reviewed: str | None = REVIEWED
    ) -> dict[str, Any]:
        """One speaker across the corpus: name variants, every statement (newest first, up to
        200; ``statements_total`` counts all), techniques in their voice, roles over time.
        ``reviewed=only``: over the reviewed articles, with the corrected statements and
        speakers (``labels``: ``model`` | ``corrected``)."""
        sp = _speaker(speaker_id, reviewed)
        if sp is None:
            raise HTTPException(404, f"no speaker with id {speaker_id}")
        return sp

    def _speaker(speaker_id: int, reviewed: str | None) -> dict[str, Any] | None:
        if reviewed:
            return corrected_speaker(store, speaker_id)
        sp = store.speaker(speaker_id)
        return None if sp is None else {**sp, "labels": "model"}

    @app.get("/speakers", response_class=HTMLResponse, include_in_schema=False)
    def speakers_page(
        q: str = Query("", max_length=MAX_QUERY_CHARS),
        offset: int = Query(0, ge=0, le=MAX_OFFSET),
        reviewed: str | None = REVIEWED,
    ) -> HTMLResponse:
        limit = 50
        if reviewed:
            found = corrected_speakers(store, q, limit=limit, offset=offset)
            total, items, unresolved = found["total"], found["items"], found["unresolved"]
            n_documents = found["documents"]
        else:
            total, items = store.speakers(q, limit=limit, offset=offset)
            with store.engine.connect() as conn:
                unresolved = unresolved_statements(conn)
            n_documents = None
        return page(
            "speakers.html",
            q=q,
            total=total,
            items=items,
            offset=offset,
            limit=limit,
            unresolved=unresolved,
            reviewed=bool(reviewed),
            n_documents=n_documents,
        )

    @app.get("/speakers/{speaker_id}", response_class=HTMLResponse, include_in_schema=False)
    def speaker_page(
        speaker_id: int = FastAPIPath(ge=0, le=MAX_ID), reviewed: str | None = REVIEWED
    ) -> HTMLResponse:
        sp = _speaker(speaker_id, reviewed)
        if sp is None:
            raise HTTPException(404, f"no speaker with id {speaker_id}")
        return page("speaker.html", sp=sp, reviewed=bool(reviewed))

    app.include_router(review_router)
    app.include_router(watch_router)  # watch terms per corpus: /settings/watch, /api/watch-terms
    return app
