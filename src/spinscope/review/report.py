"""``spinscope review report``: how right the model was on the reviewed articles.

The unit of everything here is one reviewer's review of one article (:class:`Reviewed`): the
article's text and :func:`spinscope.store.review.review_state` of that reviewer, whose items carry
the model's value, the corrected one and a status. From them:

- **a shown highlight is right** when the reviewer confirmed it, resized it (the technique was
  right, the edges moved) or left it as it was in an article they marked reviewed; it is wrong when
  they rejected it or changed its technique. A highlight hidden at the default view is judged only
  where the reviewer acted on it (the slider reveals it).
- **the reviewer's final spans** are the corrected technique layer: every shown highlight not
  rejected (relabelled and resized as corrected), every hidden one the reviewer acted on and did not
  reject, and every span they added (:func:`final_spans`).
- **missed at a threshold**: a final span no model span of its technique at or above that
  confidence overlaps.
- **statements**: a model statement is right unless rejected ("not a statement"); its speaker is
  right when the reviewer kept it (confirmed, or changed to the same name). Statements the model
  showed without a speaker are counted apart.
- **PTC scores**: the model's shown spans scored against the final spans with the project's PTC
  scorer (:func:`spinscope.techniques.ptc.score_si` / ``score_tc`` / ``score_flc``); ``review
  export --format ptc`` writes exactly these gold labels and predictions, so ``spinscope ptc score``
  on the export prints the same precision.

With ``reviewer=None`` each article counts once, with its latest review (the reviewer whose "mark
reviewed" is the most recent); two or more reviewers on the same articles give the agreement
table (Cohen's κ per decision, Krippendorff's α for spans: :mod:`.metrics`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING, Any

from spinscope.review.metrics import kappa, span_alpha, wilson
from spinscope.techniques.ptc import Gold, score_flc, score_si, score_tc

if TYPE_CHECKING:
    from spinscope.store import Store

#: thresholds of the "missed" table (candidate confidences; the view keeps none below 0.1)
THRESHOLDS: tuple[float, ...] = tuple(round(0.1 * k, 1) for k in range(1, 10))
#: statuses of a model highlight that keep its technique
KEPT = ("model", "confirmed", "resized")
#: bins of the reliability table (equal width over [0, 1])
BINS = 10


@dataclass(frozen=True)
class Reviewed:
    """One reviewer's review of one article: its text and ``review_state`` (contract JSON)."""

    doc_id: str
    reviewer: str
    text: str
    state: dict[str, Any]


# -- one review -------------------------------------------------------------------------------


def _acted(item: dict[str, Any]) -> bool:
    return item.get("status", "model") != "model"


def judged(item: dict[str, Any]) -> bool:
    """A model highlight the reviewer judged: shown at the default view, or acted on."""
    return item.get("model") is not None and (bool(item.get("shown")) or _acted(item))


def right(item: dict[str, Any]) -> bool:
    """A judged model highlight is right: confirmed, resized or left as it was."""
    return item.get("status", "model") in KEPT


def final_spans(state: dict[str, Any]) -> list[tuple[int, int, str]]:
    """The reviewer's corrected technique spans ``(start, end, technique)``, sorted."""
    out = set()
    for item in state.get("techniques", []):
        cur = item.get("current")
        if cur is None or item.get("status") == "rejected":
            continue
        if item.get("model") is None or judged(item):
            out.add((int(cur["start"]), int(cur["end"]), str(cur["technique"])))
    return sorted(out)


def shown_spans(state: dict[str, Any]) -> list[tuple[int, int, str, float | None]]:
    """The model's highlights shown at the default view ``(start, end, technique, confidence)``."""
    out = []
    for item in state.get("techniques", []):
        m = item.get("model")
        if m is not None and item.get("shown"):
            out.append(
                (int(m["start"]), int(m["end"]), str(m["technique"]), float(m["confidence"]))
            )
    return sorted(out)


def technique_label(item: dict[str, Any]) -> str:
    """A model highlight's outcome for agreement: its final technique, or "none" (rejected, or
    hidden and never acted on)."""
    cur = item.get("current")
    if cur is None or item.get("status") == "rejected" or not judged(item):
        return "none"
    return str(cur["technique"])


def _name(s: Any) -> str:
    return " ".join(str(s).split()).casefold() if s else ""


def effective_speaker(item: dict[str, Any]) -> str | None:
    """The statement's speaker after review: the reviewer's where they changed it."""
    if item.get("status") == "speaker" and item.get("current_speaker"):
        return str(item["current_speaker"])
    return item.get("current_speaker") or item.get("speaker")


def model_statements(state: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for a in state.get("attributions", []) if a.get("status") != "added"]


def final_statements(state: dict[str, Any]) -> list[dict[str, Any]]:
    """Statements after review: the model's not rejected, and the added ones."""
    return [a for a in state.get("attributions", []) if a.get("status") != "rejected"]


# -- PTC (shared with the export) ---------------------------------------------------------------


def ptc_gold(reviews: Iterable[Reviewed]) -> list[Gold]:
    """The final spans as PTC gold (article id = document id)."""
    return [Gold(r.doc_id, t, a, b) for r in reviews for a, b, t in final_spans(r.state)]


def ptc_pred(reviews: Iterable[Reviewed]) -> list[Gold]:
    """The model's shown highlights as PTC predictions."""
    return [Gold(r.doc_id, t, a, b) for r in reviews for a, b, t, _ in shown_spans(r.state)]


def _score(s: Any) -> dict[str, float]:
    return {"precision": s.precision, "recall": s.recall, "f1": s.f1, "printed": str(s)}


# -- the report ---------------------------------------------------------------------------------


def _overlap(a0: int, a1: int, b0: int, b1: int) -> bool:
    return a0 < b1 and b0 < a1


def missed(reviews: Sequence[Reviewed], threshold: float | None) -> dict[str, Any]:
    """Share of final spans no model highlight of the same technique overlaps, the model's
    highlights being those at or above ``threshold`` (``None``: those shown by default)."""
    k = n = 0
    for r in reviews:
        model = []
        for item in r.state.get("techniques", []):
            m = item.get("model")
            if m is None:
                continue
            c = m.get("confidence")
            on = bool(item.get("shown")) if threshold is None or c is None else c >= threshold
            if on:
                model.append((int(m["start"]), int(m["end"]), str(m["technique"])))
        for a, b, t in final_spans(r.state):
            n += 1
            if not any(t == mt and _overlap(a, b, ma, mb) for ma, mb, mt in model):
                k += 1
    return wilson(k, n)


def techniques_part(reviews: Sequence[Reviewed]) -> dict[str, Any]:
    by: dict[str, list[int]] = {}
    verdicts: dict[str, int] = {}
    added = 0
    for r in reviews:
        for item in r.state.get("techniques", []):
            if item.get("model") is None:
                added += item.get("status") == "added"
                continue
            if not item.get("shown"):
                continue
            k = by.setdefault(str(item["model"]["technique"]), [0, 0])
            k[0] += right(item)
            k[1] += 1
            status = str(item.get("status", "model"))
            verdicts[status] = verdicts.get(status, 0) + 1
    return {
        "shown": sum(v[1] for v in by.values()),
        "precision": wilson(sum(v[0] for v in by.values()), sum(v[1] for v in by.values())),
        "by_technique": {t: wilson(*by[t]) for t in sorted(by)},
        "verdicts": dict(sorted(verdicts.items())),
        "added": added,
        "final_spans": sum(len(final_spans(r.state)) for r in reviews),
    }


def reliability(reviews: Sequence[Reviewed], bins: int = BINS) -> list[dict[str, Any]]:
    """Judged highlights by confidence bin: mean confidence against the share the reviewer kept."""
    rows: list[list[float]] = [[0.0, 0, 0] for _ in range(bins)]
    for r in reviews:
        for item in r.state.get("techniques", []):
            if not judged(item) or item["model"].get("confidence") is None:
                continue
            c = float(item["model"]["confidence"])
            b = min(bins - 1, max(0, int(c * bins)))
            rows[b][0] += c
            rows[b][1] += 1
            rows[b][2] += right(item)
    return [
        {
            "lo": round(b / bins, 3),
            "hi": round((b + 1) / bins, 3),
            "count": int(n),
            "confidence": s / n if n else None,
            "confirmed": wilson(int(k), int(n)),
        }
        for b, (s, n, k) in enumerate(rows)
    ]


def attributions_part(reviews: Sequence[Reviewed]) -> dict[str, Any]:
    st_k = st_n = sp_k = sp_n = no_speaker = added = final = 0
    for r in reviews:
        for a in model_statements(r.state):
            st_n += 1
            if a.get("status") == "rejected":
                continue
            st_k += 1
            if not a.get("speaker"):
                no_speaker += 1
                continue
            sp_n += 1
            sp_k += _name(effective_speaker(a)) == _name(a["speaker"])
        added += sum(a.get("status") == "added" for a in r.state.get("attributions", []))
        final += len(final_statements(r.state))
    return {
        "statement_precision": wilson(st_k, st_n),
        "speaker_precision": wilson(sp_k, sp_n),
        "statements_missed": wilson(added, final),
        "no_speaker_shown": no_speaker,
    }


def agreement(a: Sequence[Reviewed], b: Sequence[Reviewed]) -> dict[str, Any]:
    """Two reviewers on the same articles (``a[i]`` and ``b[i]`` review the same document).

    κ per decision: each model highlight either judged (its final technique or "none"); each
    model statement ("statement" / "not a statement"); each model statement both kept (its final
    speaker, "" for none). α: their final span layers, one unit per character.
    """
    tech_a: list[str] = []
    tech_b: list[str] = []
    st_a: list[str] = []
    st_b: list[str] = []
    sp_a: list[str] = []
    sp_b: list[str] = []
    docs = []
    for x, y in zip(a, b, strict=True):
        if x.doc_id != y.doc_id:
            raise ValueError("agreement needs the two reviews of the same documents")
        ix = {i["key"]: i for i in x.state.get("techniques", []) if i.get("model") is not None}
        iy = {i["key"]: i for i in y.state.get("techniques", []) if i.get("model") is not None}
        for key in sorted(set(ix) & set(iy)):
            if judged(ix[key]) or judged(iy[key]):
                tech_a.append(technique_label(ix[key]))
                tech_b.append(technique_label(iy[key]))
        ax = {s["key"]: s for s in model_statements(x.state)}
        ay = {s["key"]: s for s in model_statements(y.state)}
        for key in sorted(set(ax) & set(ay)):
            kx, ky = ax[key].get("status") != "rejected", ay[key].get("status") != "rejected"
            st_a.append("statement" if kx else "not a statement")
            st_b.append("statement" if ky else "not a statement")
            if kx and ky:
                sp_a.append(_name(effective_speaker(ax[key])))
                sp_b.append(_name(effective_speaker(ay[key])))
        docs.append((len(x.text), [final_spans(x.state), final_spans(y.state)]))
    return {
        "reviewers": [a[0].reviewer, b[0].reviewer] if a else [],
        "documents": len(docs),
        "techniques": kappa(tech_a, tech_b),
        "statements": kappa(st_a, st_b),
        "speakers": kappa(sp_a, sp_b),
        "spans_alpha": span_alpha(docs),
    }


def compute(
    reviews: Sequence[Reviewed],
    by_reviewer: dict[str, dict[str, Reviewed]] | None = None,
    default_confidence: float | None = None,
    reviewer: str | None = None,
) -> dict[str, Any]:
    """The report of ``reviews`` (one per article); ``by_reviewer``: every reviewer's reviews
    by document, for the agreement table (pairs of reviewers with articles in common)."""
    gold, pred = ptc_gold(reviews), ptc_pred(reviews)
    pairs = []
    names = sorted(by_reviewer or {})
    for ra, rb in combinations(names, 2):
        if reviewer is not None and reviewer not in (ra, rb):
            continue
        assert by_reviewer is not None
        common = sorted(set(by_reviewer[ra]) & set(by_reviewer[rb]))
        if common:
            pairs.append(
                agreement(
                    [by_reviewer[ra][d] for d in common], [by_reviewer[rb][d] for d in common]
                )
            )
    return {
        "reviewer": reviewer,
        "labels": "corrected",
        "documents": len(reviews),
        "reviewers": sorted({r.reviewer for r in reviews}),
        "default_confidence": default_confidence,
        "techniques": techniques_part(reviews),
        "missed": {
            "default": missed(reviews, None),
            "by_threshold": [{"min_confidence": t, **missed(reviews, t)} for t in THRESHOLDS],
        },
        "ptc": {
            "si": _score(score_si(gold, pred)),
            "tc": _score(score_tc(gold, pred)),
            "flc": _score(score_flc(gold, pred)),
            "gold_spans": len(gold),
            "predicted_spans": len(pred),
        },
        "attributions": attributions_part(reviews),
        "reliability": reliability(reviews),
        "agreement": pairs,
    }


# -- from the store -----------------------------------------------------------------------------


def collect(
    store: Store, reviewer: str | None = None
) -> tuple[list[Reviewed], dict[str, dict[str, Reviewed]]]:
    """The reviews the report counts (one per article: ``reviewer``'s, else the one of the
    reviewer who marked it reviewed last) and every reviewer's reviews by document (those who
    marked it reviewed). Raises ``InputError`` when no article is reviewed."""
    from spinscope.errors import InputError
    from spinscope.store import review as rv

    ids = list(rv.reviewed_documents(store, reviewer))
    if not ids:
        who = f" by {reviewer!r}" if reviewer else ""
        raise InputError("database", f"no reviewed articles{who} (mark articles reviewed first)")
    counted: list[Reviewed] = []
    every: dict[str, dict[str, Reviewed]] = {}
    for doc_id in ids:
        doc = store.get(doc_id)
        if doc is None:
            continue
        for name in rv.reviewers(store, doc_id):
            state = rv.review_state(store, doc_id, name)
            if state.get("reviewed"):
                every.setdefault(name, {})[doc_id] = Reviewed(doc_id, name, doc.text, state)
        state = rv.review_state(store, doc_id, reviewer)
        counted_by = state.get("reviewer")
        if counted_by is not None and state.get("reviewed"):
            counted.append(Reviewed(doc_id, str(counted_by), doc.text, state))
    return counted, every


def build_report(store: Store, reviewer: str | None = None) -> dict[str, Any]:
    """The report over the reviewed articles of ``store`` (``reviewer``'s, else each article's
    latest review). Plain JSON data: the CLI prints it as tables, the web page renders it."""
    from spinscope.store.review import default_confidence

    reviews, every = collect(store, reviewer)
    return compute(reviews, every, default_confidence(), reviewer)
