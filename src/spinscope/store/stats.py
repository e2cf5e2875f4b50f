"""Technique frequency per outlet, author, speaker, technique or month, and its CSV form.

Each row counts technique spans (and the distinct documents they occur in) for one group and one
technique; a speaker's spans are those whose voice is an attribution to that speaker.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Select, func, literal, select

from spinscope.store import schema as t
from spinscope.store.store import UNKNOWN, Store

STATS_BY = ("outlet", "author", "speaker", "technique", "month")
CSV_FIELDS = ("group", "technique", "spans", "documents")


@dataclass(frozen=True)
class StatRow:
    group: str
    technique: str
    spans: int
    documents: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _query(by: str) -> Select[Any]:
    tech = t.techniques
    docs = t.documents
    spans = func.count().label("spans")
    ndocs = func.count(tech.c.document_seq.distinct()).label("documents")
    if by == "technique":
        group: Any = tech.c.technique
        src: Any = tech
    elif by == "outlet":
        group = func.coalesce(t.outlets.c.name, literal(UNKNOWN))
        src = tech.join(docs, docs.c.seq == tech.c.document_seq).outerjoin(
            t.outlets, t.outlets.c.seq == docs.c.outlet_seq
        )
    elif by == "month":
        group = func.coalesce(docs.c.month, literal(UNKNOWN))
        src = tech.join(docs, docs.c.seq == tech.c.document_seq)
    elif by == "author":
        group = t.authors.c.name
        src = tech.join(
            t.document_authors, t.document_authors.c.document_seq == tech.c.document_seq
        ).join(t.authors, t.authors.c.seq == t.document_authors.c.author_seq)
    elif by == "speaker":
        group = t.speakers.c.name
        src = tech.join(t.attributions, t.attributions.c.seq == tech.c.attribution_seq).join(
            t.speakers, t.speakers.c.seq == t.attributions.c.speaker_seq
        )
    else:
        raise ValueError(f"unknown statistic {by!r}; choose one of {', '.join(STATS_BY)}")
    g = group.label("grp")
    return (
        select(g, tech.c.technique, spans, ndocs).select_from(src).group_by(group, tech.c.technique)
    )


def stats(store: Store, by: str) -> list[StatRow]:
    """Rows ordered by group then technique, read from the pre-aggregated ``stat_counts``."""
    if by not in STATS_BY:
        raise ValueError(f"unknown statistic {by!r}; choose one of {', '.join(STATS_BY)}")
    sc = t.stat_counts
    q = select(sc.c.grp, sc.c.technique, sc.c.spans, sc.c.documents).where(sc.c.dimension == by)
    with store.engine.connect() as conn:
        rows = [
            StatRow(str(r.grp), str(r.technique), int(r.spans), int(r.documents))
            for r in conn.execute(q)
        ]
    # Sorted here, not in SQL: database collations disagree on punctuation and case.
    return sorted(rows, key=lambda r: (r.group, r.technique))


def top_stats(store: Store, by: str, top: int = 30) -> tuple[list[StatRow], int]:
    """Rows of the ``top`` groups with the most spans (latest months for ``month``), and the
    number of groups in all: what a dashboard shows, without reading every speaker's rows."""
    if by not in STATS_BY:
        raise ValueError(f"unknown statistic {by!r}; choose one of {', '.join(STATS_BY)}")
    sc = t.stat_counts
    dim = sc.c.dimension == by
    total = func.sum(sc.c.spans)
    order = [sc.c.grp.desc()] if by == "month" else [total.desc(), sc.c.grp]
    with store.engine.connect() as conn:
        n_groups = int(
            conn.execute(select(func.count(sc.c.grp.distinct())).where(dim)).scalar_one()
        )
        groups = list(
            conn.execute(
                select(sc.c.grp).where(dim).group_by(sc.c.grp).order_by(*order).limit(top)
            ).scalars()
        )
        if not groups:
            return [], n_groups
        rows = [
            StatRow(str(r.grp), str(r.technique), int(r.spans), int(r.documents))
            for r in conn.execute(
                select(sc.c.grp, sc.c.technique, sc.c.spans, sc.c.documents).where(
                    dim, sc.c.grp.in_(groups)
                )
            )
        ]
    return sorted(rows, key=lambda r: (r.group, r.technique)), n_groups


def stats_from_spans(store: Store, by: str) -> list[StatRow]:
    """The same rows aggregated from every technique span (the reference; slower)."""
    q = _query(by)
    with store.engine.connect() as conn:
        rows = [
            StatRow(str(r.grp), str(r.technique), int(r.spans), int(r.documents))
            for r in conn.execute(q)
        ]
    # Sorted here, not in SQL: database collations disagree on punctuation and case.
    return sorted(rows, key=lambda r: (r.group, r.technique))


def to_csv(rows: Iterable[StatRow]) -> str:
    """CSV with a header; cells that a spreadsheet would run as a formula are defused."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_FIELDS)
    for r in rows:
        w.writerow([_cell(r.group), r.technique, r.spans, r.documents])
    return buf.getvalue()


def _cell(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


#: Dashboard views in order of preference; the first with two known groups is the default.
DEFAULT_VIEWS = ("outlet", "month", "speaker")


def default_view(store: Store) -> str:
    """The dashboard's opening view for this corpus: by outlet when the corpus has two or more
    known outlets, else by month with two known months, else by speaker with two speakers, else
    by technique (never one "(unknown)" bar)."""
    sc = t.stat_counts
    with store.engine.connect() as conn:
        for by in DEFAULT_VIEWS:
            known = conn.execute(
                select(sc.c.grp)
                .where(sc.c.dimension == by, sc.c.grp != UNKNOWN)
                .group_by(sc.c.grp)
                .limit(2)
            ).all()
            if len(known) >= 2:
                return by
    return "technique"
