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
from spinscope.store.store import Store

STATS_BY = ("outlet", "author", "speaker", "technique", "month")
UNKNOWN = "(unknown)"
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
        select(g, tech.c.technique, spans, ndocs)
        .select_from(src)
        .group_by(group, tech.c.technique)
        .order_by(group, tech.c.technique)
    )


def stats(store: Store, by: str) -> list[StatRow]:
    """Rows ordered by group then technique."""
    q = _query(by)
    with store.engine.connect() as conn:
        return [
            StatRow(str(r.grp), str(r.technique), int(r.spans), int(r.documents))
            for r in conn.execute(q)
        ]


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
