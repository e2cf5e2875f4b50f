"""Review API: a reviewer's corrections of an article's highlights and statements (issue 25).

Every write is a POST, so the app's :class:`~spinscope.web.limits.CrossOriginGuard` refuses it
from another site, as every other write. Inputs are validated twice: here by size and type
(pydantic models, ``extra`` fields refused) and in :mod:`spinscope.store.review` by meaning
(the item exists, the label is one of the 14, the span is a span of this text). Errors are one
line of JSON, ``{"error": ...}``: 404 for an unknown document, 422 for anything invalid.
Nothing here parses or renders article text.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi import Path as FastAPIPath
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from spinscope.errors import InputError
from spinscope.store import Store
from spinscope.store import review as rv

#: Largest character offset accepted (no stored text is longer than this).
MAX_OFFSET = 2**31 - 1

DocId = Annotated[str, FastAPIPath(min_length=1, max_length=64)]
Offset = Annotated[int | None, Field(ge=0, le=MAX_OFFSET, strict=True)]
Reviewer = Annotated[str, Field(min_length=1, max_length=rv.REVIEWER_MAX)]
Key = Annotated[str | None, Field(min_length=1, max_length=rv.KEY_MAX)]

router = APIRouter(tags=["review"])


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TechniqueCorrection(_Body):
    """``confirm`` / ``reject`` an item (``key``), ``relabel`` it (``technique``), ``resize``
    it (``start``, ``end``), or ``add`` a missed span (``start``, ``end``, ``technique``)."""

    reviewer: Reviewer
    action: Literal["confirm", "reject", "relabel", "resize", "add"]
    key: Key = None
    technique: Annotated[str | None, Field(max_length=64)] = None
    start: Offset = None
    end: Offset = None


class AttributionCorrection(_Body):
    """``confirm`` / ``reject`` a statement (``key``), change its ``speaker``, or ``add`` a
    missed one (``content_start``, ``content_end``, ``speaker``; ``source_start``,
    ``source_end`` where the speaker is named in the text)."""

    reviewer: Reviewer
    action: Literal["confirm", "reject", "speaker", "add"]
    key: Key = None
    speaker: Annotated[str | None, Field(max_length=rv.SPEAKER_MAX)] = None
    content_start: Offset = None
    content_end: Offset = None
    source_start: Offset = None
    source_end: Offset = None


class Done(_Body):
    reviewer: Reviewer


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _refused(e: rv.ReviewError) -> HTTPException:
    return HTTPException(e.status, str(e))


def _values(body: BaseModel, names: tuple[str, ...]) -> dict[str, Any]:
    data = body.model_dump()
    return {k: data[k] for k in names if data.get(k) is not None}


def _correct(
    request: Request,
    doc_id: str,
    body: TechniqueCorrection | AttributionCorrection,
    layer: str,
    names: tuple[str, ...],
) -> dict[str, Any]:
    """Record ``body`` as one correction of ``layer`` (its values: the fields ``names`` that
    are set); returns the item as it now stands. ReviewError: its status and message."""
    try:
        return rv.add_correction(
            _store(request),
            doc_id,
            body.reviewer,
            layer,
            body.action,
            body.key,
            _values(body, names),
        )
    except rv.ReviewError as e:
        raise _refused(e) from None


@router.get("/api/documents/{doc_id}/review")
def api_review(
    request: Request,
    doc_id: DocId,
    reviewer: str | None = Query(None, min_length=1, max_length=rv.REVIEWER_MAX),
) -> dict[str, Any]:
    """The article's review by ``reviewer`` (default: its latest reviewer): each technique span
    and statement of the model and each one the reviewer added, with its status (``model`` |
    ``confirmed`` | ``rejected`` | ``relabelled`` | ``resized`` | ``added``; statements:
    ``speaker`` for a changed speaker), the model's value and the current one; the speakers
    the article's statements give, for a pick list."""
    try:
        return rv.review_state(_store(request), doc_id, reviewer)
    except rv.ReviewError as e:
        raise _refused(e) from None


@router.post("/api/documents/{doc_id}/review/techniques", status_code=201)
def api_review_technique(
    request: Request, doc_id: DocId, body: TechniqueCorrection
) -> dict[str, Any]:
    """Record one correction of a technique span; returns the item as it now stands."""
    return _correct(request, doc_id, body, "techniques", ("technique", "start", "end"))


@router.post("/api/documents/{doc_id}/review/attributions", status_code=201)
def api_review_attribution(
    request: Request, doc_id: DocId, body: AttributionCorrection
) -> dict[str, Any]:
    """Record one correction of a statement ("who said what"); returns it as it now stands."""
    return _correct(
        request,
        doc_id,
        body,
        "attributions",
        ("speaker", "content_start", "content_end", "source_start", "source_end"),
    )


@router.post("/api/documents/{doc_id}/review/done")
def api_review_done(request: Request, doc_id: DocId, body: Done) -> dict[str, Any]:
    """Mark the article reviewed by ``reviewer`` (again: the time is updated)."""
    try:
        return rv.mark_reviewed(_store(request), doc_id, body.reviewer)
    except rv.ReviewError as e:
        raise _refused(e) from None


def _report(store: Store, reviewer: str | None) -> dict[str, Any]:
    from spinscope.review.report import build_report  # optional until the report lands

    return build_report(store, reviewer)


@router.get("/api/review/report")
async def api_review_report(
    request: Request,
    reviewer: str | None = Query(None, min_length=1, max_length=rv.REVIEWER_MAX),
) -> JSONResponse:
    """How right the model was on the reviewed articles (as ``spinscope review report``):
    precision of shown highlights per technique, spans it missed, speaker and statement
    precision with 95 % Wilson intervals, reliability of ``confidence``, reviewer agreement.
    404 when no article is reviewed."""
    try:
        report = await run_in_threadpool(_report, _store(request), reviewer)
    except InputError as e:
        raise HTTPException(404, str(e)) from None
    return JSONResponse(report)


@router.get("/review/report", response_class=HTMLResponse, include_in_schema=False)
async def review_report_page(
    request: Request,
    reviewer: str | None = Query(None, min_length=1, max_length=rv.REVIEWER_MAX),
) -> HTMLResponse:
    """The report as a page (template ``review_report.html``); without reviewed articles, the
    page says so."""
    from spinscope.web.render import environment

    try:
        report: dict[str, Any] | None = await run_in_threadpool(_report, _store(request), reviewer)
        message = None
    except InputError as e:
        report, message = None, str(e)
    html = (
        environment()
        .get_template("review_report.html")
        .render(standalone=False, report=report, message=message, reviewer=reviewer)
    )
    return HTMLResponse(html)
