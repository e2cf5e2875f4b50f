"""Watch terms per corpus (issue 26): a settings page and a JSON API over the ``watch_terms``
table (migration 0007), and the terms every article view marks as the ``watch`` layer.

The list belongs to the corpus (its database), not to any document: changing it changes what
every article view marks, with no re-analysis (matching is :func:`spinscope.watch.find_terms`,
done when a page is rendered). Writes are POST (the form) and PUT (the API), so the app's
cross-origin guard refuses them from another site. SQL is SQLAlchemy Core only.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import delete, insert, select
from starlette.concurrency import run_in_threadpool

from spinscope.store import Store
from spinscope.store.engine import WRITE
from spinscope.store.schema import watch_terms as table
from spinscope.watch import MAX_TERM_CHARS, MAX_TERMS, WatchTermsError, parse_terms

router = APIRouter(tags=["watch"])

#: Longest text the settings form accepts (every term at its longest, one a line).
MAX_FORM_CHARS = 200_000


def corpus_terms(store: Store) -> tuple[str, ...]:
    """The corpus's watch terms, in the order they were listed."""
    with store.engine.connect() as conn:
        rows = conn.execute(select(table.c.term).order_by(table.c.seq)).scalars().all()
    return tuple(str(t) for t in rows)


def set_terms(store: Store, terms: tuple[str, ...]) -> None:
    """Replace the corpus's watch terms with ``terms`` (already parsed: no duplicates)."""
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    with store.engine.execution_options(**WRITE).begin() as conn:
        conn.execute(delete(table))
        if terms:
            conn.execute(
                insert(table),
                [{"term": t, "key": t.casefold()[:200], "added_at": now} for t in terms],
            )


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


class TermsBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    terms: Annotated[
        list[Annotated[str, Field(max_length=MAX_TERM_CHARS)]], Field(max_length=MAX_TERMS)
    ]


def _page(request: Request, text: str, saved: int | None, error: str | None) -> HTMLResponse:
    from spinscope.web.render import environment

    html = (
        environment()
        .get_template("watch.html")
        .render(standalone=False, text=text, saved=saved, error=error, max_chars=MAX_FORM_CHARS)
    )
    return HTMLResponse(html, status_code=422 if error else 200)


@router.get("/settings/watch", response_class=HTMLResponse, include_in_schema=False)
async def watch_settings(request: Request, saved: int | None = None) -> HTMLResponse:
    terms = await run_in_threadpool(corpus_terms, _store(request))
    return _page(request, "\n".join(_line(t) for t in terms), saved, None)


@router.post("/settings/watch", include_in_schema=False, response_model=None)
async def save_watch_settings(
    request: Request,
    terms: Annotated[str, Form(max_length=MAX_FORM_CHARS)] = "",
) -> HTMLResponse | RedirectResponse:
    try:
        parsed = parse_terms(terms.splitlines(), "watch terms line")
    except WatchTermsError as e:
        return _page(request, terms, None, str(e))
    await run_in_threadpool(set_terms, _store(request), parsed)
    return RedirectResponse(f"/settings/watch?saved={len(parsed)}", status_code=303)


@router.get("/api/watch-terms")
async def api_watch_terms(request: Request) -> dict[str, list[str]]:
    """The corpus's watch terms."""
    return {"terms": list(await run_in_threadpool(corpus_terms, _store(request)))}


@router.put("/api/watch-terms", response_model=None)
async def api_set_watch_terms(
    request: Request, body: TermsBody
) -> dict[str, list[str]] | JSONResponse:
    """Replace the corpus's watch terms (blank entries and duplicates are dropped)."""
    try:
        parsed = parse_terms([_line(t) for t in body.terms], "terms")
    except WatchTermsError as e:
        return JSONResponse({"error": str(e)}, status_code=422)
    await run_in_threadpool(set_terms, _store(request), parsed)
    return {"terms": list(parsed)}


def _line(term: str) -> str:
    """A term as one line of a list: one that starts with '#' is written escaped."""
    term = " ".join(term.split())
    return "\\" + term if term.startswith("#") else term
