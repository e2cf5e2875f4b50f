"""Server-side SVG chart geometry for the dashboard: stacked horizontal bars, no JavaScript.

Only numbers and colours are computed here; labels are inserted by the (autoescaping) template.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from spinscope.store.stats import StatRow
from spinscope.techniques.labels import TECHNIQUE_NAMES
from spinscope.web.render import COLOURS, UNKNOWN_COLOUR

LABEL_W = 220
BAR_W = 560
BAR_H = 18
GAP = 6


@dataclass
class Pivot:
    """Groups × techniques span counts, groups ordered by total (or by name for months)."""

    techniques: list[str]
    groups: list[str]
    cells: dict[str, dict[str, int]]
    totals: dict[str, int]
    documents: dict[str, dict[str, int]] = field(default_factory=dict)
    #: The same counts with each distinct story once (``story_stats``); empty when not given.
    story_cells: dict[str, dict[str, int]] = field(default_factory=dict)
    story_totals: dict[str, int] = field(default_factory=dict)
    #: Documents per group, when every group of the corpus is listed (by outlet).
    group_documents: dict[str, int] = field(default_factory=dict)


def pivot(
    rows: list[StatRow],
    by: str,
    top: int = 30,
    per_story: list[StatRow] | None = None,
    group_documents: dict[str, int] | None = None,
) -> Pivot:
    """Pivot ``rows``; ``per_story``: the once-per-story rows shown beside the raw counts;
    ``group_documents``: documents per group, every group listed (one without technique spans
    as a row of zeros), most spans first, then most documents."""
    cells: dict[str, dict[str, int]] = {}
    docs: dict[str, dict[str, int]] = {}
    for r in rows:
        cells.setdefault(r.group, {})[r.technique] = r.spans
        docs.setdefault(r.group, {})[r.technique] = r.documents
    for g in group_documents or {}:
        cells.setdefault(g, {})
    totals = {g: sum(v.values()) for g, v in cells.items()}
    n_docs = group_documents or {}
    story_cells: dict[str, dict[str, int]] = {}
    if per_story is not None:
        story_cells = {g: {} for g in cells}
        for r in per_story:
            story_cells.setdefault(r.group, {})[r.technique] = r.spans
    story_totals = {g: sum(v.values()) for g, v in story_cells.items()}
    if by == "month":
        groups = sorted(cells)[-top:]
    else:
        groups = sorted(cells, key=lambda g: (-totals[g], -n_docs.get(g, 0), g))[:top]
    present = {r.technique for r in rows}
    techniques = [t for t in TECHNIQUE_NAMES if t in present] + sorted(
        present - set(TECHNIQUE_NAMES)
    )
    return Pivot(techniques, groups, cells, totals, docs, story_cells, story_totals, dict(n_docs))


def bars(p: Pivot) -> dict[str, Any]:
    """Geometry of a stacked bar chart for ``p``."""
    peak = max((p.totals[g] for g in p.groups), default=0) or 1
    out = []
    for row, g in enumerate(p.groups):
        x = float(LABEL_W)
        parts = []
        for t in p.techniques:
            n = p.cells[g].get(t, 0)
            if not n:
                continue
            w = BAR_W * n / peak
            parts.append(
                {
                    "x": round(x, 2),
                    "w": round(w, 2),
                    "n": n,
                    "technique": t,
                    "colour": COLOURS.get(t, UNKNOWN_COLOUR),
                }
            )
            x += w
        out.append(
            {
                "label": g if len(g) <= 32 else g[:31] + "…",
                "full": g,
                "y": row * (BAR_H + GAP),
                "total": p.totals[g],
                "story_total": p.story_totals.get(g),
                "end": round(x, 2),
                "parts": parts,
            }
        )
    return {
        "bars": out,
        "width": LABEL_W + BAR_W + 60,
        "height": max(1, len(out)) * (BAR_H + GAP),
        "bar_h": BAR_H,
        "label_w": LABEL_W,
    }
