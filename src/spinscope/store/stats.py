"""Technique frequency per outlet, author, speaker, technique or month, and its CSV form.

Each row counts technique spans (and the distinct documents they occur in) for one group and one
technique; a speaker's spans are those whose voice is an attribution to that speaker.

Beside these raw counts, :func:`story_stats` counts each distinct story once: a wire story
republished by 20 outlets is one near-duplicate cluster (see ``duplicates.py``), and only its
earliest-ingested document counts (``Store.later_copies``), so its spans count once and not 20
times. By outlet (or author), the story is credited to that earliest copy's outlet (author).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Select, func, literal, select

from spinscope.store import schema as t
from spinscope.store.duplicates import DEFAULT_THRESHOLD
from spinscope.store.store import UNKNOWN, Store

STATS_BY = ("outlet", "author", "speaker", "technique", "month")
CSV_FIELDS = ("group", "technique", "spans", "documents")
#: Columns (and JSON keys) added beside the raw counts: spans and documents (= distinct stories)
#: with each near-duplicate cluster counted once.
STORY_FIELDS = ("story_spans", "stories")


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


def story_stats(
    store: Store,
    by: str,
    rows: Iterable[StatRow] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> list[StatRow]:
    """``rows`` (default: all of :func:`stats`) with each distinct story counted once: the spans
    of later copies in near-duplicate clusters are taken away, so ``spans`` counts the spans of
    one document per story and ``documents`` the distinct stories. Rows left with no story are
    dropped. Reads only the later copies' spans, so it costs little beside the raw counts."""
    raw = stats(store, by) if rows is None else list(rows)
    copies = sorted(store.later_copies(threshold))
    if not copies or not raw:
        return raw
    minus: dict[tuple[str, str], tuple[int, int]] = {}
    q = _query(by)
    with store.engine.connect() as conn:
        for i in range(0, len(copies), 500):
            chunk = q.where(t.techniques.c.document_seq.in_(copies[i : i + 500]))
            for c in conn.execute(chunk):
                key = (str(c.grp), str(c.technique))
                spans, docs = minus.get(key, (0, 0))
                minus[key] = (spans + int(c.spans), docs + int(c.documents))
    out = []
    for r in raw:
        spans, docs = minus.get((r.group, r.technique), (0, 0))
        if r.documents > docs:
            out.append(StatRow(r.group, r.technique, r.spans - spans, r.documents - docs))
    return out


def with_stories(rows: Iterable[StatRow], per_story: Iterable[StatRow]) -> list[dict[str, Any]]:
    """Row dicts with the once-per-story counts beside the raw ones (``story_spans``,
    ``stories``; 0 where only later copies of stories have the technique)."""
    story = {(r.group, r.technique): r for r in per_story}
    out = []
    for r in rows:
        s = story.get((r.group, r.technique))
        out.append(
            {**r.to_dict(), "story_spans": s.spans if s else 0, "stories": s.documents if s else 0}
        )
    return out


def to_csv(rows: Iterable[StatRow], per_story: Iterable[StatRow] | None = None) -> str:
    """CSV with a header; cells that a spreadsheet would run as a formula are defused. With
    ``per_story`` (:func:`story_stats`), the columns ``story_spans`` and ``stories`` follow."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    if per_story is None:
        w.writerow(CSV_FIELDS)
        for r in rows:
            w.writerow([_cell(r.group), r.technique, r.spans, r.documents])
        return buf.getvalue()
    w.writerow(CSV_FIELDS + STORY_FIELDS)
    for d in with_stories(rows, per_story):
        w.writerow([_cell(d["group"]), *(d[k] for k in CSV_FIELDS[1:] + STORY_FIELDS)])
    return buf.getvalue()


def _cell(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


#: Dashboard views in order of preference, after "outlet": the first with two known groups.
DEFAULT_VIEWS = ("month", "speaker")


def outlet_documents(store: Store) -> dict[str, int]:
    """Documents per outlet, every outlet of the corpus (those without technique spans too;
    documents naming none under ``UNKNOWN``)."""
    docs = t.documents
    group = func.coalesce(t.outlets.c.name, literal(UNKNOWN))
    q = (
        select(group.label("grp"), func.count().label("n"))
        .select_from(docs.outerjoin(t.outlets, t.outlets.c.seq == docs.c.outlet_seq))
        .group_by(group)
    )
    with store.engine.connect() as conn:
        return {str(r.grp): int(r.n) for r in conn.execute(q)}


def default_view(store: Store) -> str:
    """The dashboard's opening view for this corpus: technique frequency by outlet when any
    stored document names its outlet (whether or not it has technique spans), else by month
    with two known months, else by speaker with two speakers, else by technique (never one
    "(unknown)" bar)."""
    sc = t.stat_counts
    with store.engine.connect() as conn:
        named = conn.execute(
            select(t.documents.c.seq).where(t.documents.c.outlet_seq.is_not(None)).limit(1)
        ).first()
        if named is not None:
            return "outlet"
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


# -- reviewed articles with corrected labels (issue 25) -------------------------------------


@dataclass
class CorrectedStats:
    """Statistics over reviewed documents only, from their corrected labels."""

    #: rows of every group, as :func:`stats`
    rows: list[StatRow]
    #: the same with each distinct story once (:func:`story_stats`), among reviewed documents
    per_story: list[StatRow]
    #: reviewed documents, and distinct stories among them
    documents: int
    stories: int
    #: reviewed documents per outlet (those without spans too; as :func:`outlet_documents`)
    outlet_documents: dict[str, int]


def corrected_stats(store: Store, by: str, reviewer: str | None = None) -> CorrectedStats:
    """Technique spans per group over the reviewed documents (``reviewer``'s, or anyone's with
    each document's latest review), counting the corrected labels: rejected spans out,
    relabelled and resized ones as corrected, added ones in, a speaker's spans those inside
    statements the reviewer left them or gave them (see :mod:`spinscope.store.review`).
    Each distinct story counts once in ``per_story``: the earliest-stored reviewed copy."""
    from spinscope.store.review import corrected_corpus
    from spinscope.store.speakers import corrected_speakers_of

    if by not in STATS_BY:
        raise ValueError(f"unknown statistic {by!r}; choose one of {', '.join(STATS_BY)}")
    layers = list(corrected_corpus(store, reviewer))
    seqs = [int(doc["seq"]) for doc in layers]
    docs, da = t.documents, t.document_authors
    meta: dict[int, tuple[str, str]] = {}
    authors: dict[int, list[str]] = {}
    with store.engine.connect() as conn:
        for i in range(0, len(seqs), 500):
            chunk = seqs[i : i + 500]
            for r in conn.execute(
                select(docs.c.seq, t.outlets.c.name, docs.c.month)
                .select_from(docs.outerjoin(t.outlets, t.outlets.c.seq == docs.c.outlet_seq))
                .where(docs.c.seq.in_(chunk))
            ):
                meta[int(r[0])] = (str(r[1] or UNKNOWN), str(r[2] or UNKNOWN))
            for seq, author in conn.execute(
                select(da.c.document_seq, t.authors.c.name)
                .join(t.authors, t.authors.c.seq == da.c.author_seq)
                .where(da.c.document_seq.in_(chunk))
                .order_by(da.c.document_seq, da.c.position)
            ):
                authors.setdefault(int(seq), []).append(str(author))
        speakers = corrected_speakers_of(conn, layers) if by == "speaker" else {}
    story_of = store.story_of()
    first: dict[int, int] = {}
    for seq in seqs:  # in stored order: the first reviewed copy stands for its story
        first.setdefault(story_of.get(seq, seq), seq)
    stands = set(first.values())
    counts: dict[tuple[str, str], list[int]] = {}
    docs_of: dict[tuple[str, str], set[int]] = {}
    story_docs: dict[tuple[str, str], set[int]] = {}
    outlets: dict[str, int] = {}
    for doc in layers:
        seq = int(doc["seq"])
        outlet, month = meta.get(seq, (UNKNOWN, UNKNOWN))
        outlets[outlet] = outlets.get(outlet, 0) + 1
        for tech in doc["techniques"]:
            name = str(tech["technique"])
            if by == "technique":
                groups = [name]
            elif by == "outlet":
                groups = [outlet]
            elif by == "month":
                groups = [month]
            elif by == "author":
                groups = list(dict.fromkeys(authors.get(seq, [])))
            else:
                hit = speakers.get((seq, tech["attribution"])) if tech["attribution"] else None
                groups = [hit[1]] if hit else []
            for g in groups:
                key = (g, name)
                c = counts.setdefault(key, [0, 0])
                c[0] += 1
                docs_of.setdefault(key, set()).add(seq)
                if seq in stands:
                    c[1] += 1
                    story_docs.setdefault(key, set()).add(seq)
    rows = sorted(
        (StatRow(g, tq, c[0], len(docs_of[(g, tq)])) for (g, tq), c in counts.items()),
        key=lambda r: (r.group, r.technique),
    )
    per_story = [
        StatRow(r.group, r.technique, counts[(r.group, r.technique)][1], len(s))
        for r in rows
        if (s := story_docs.get((r.group, r.technique)))
    ]
    return CorrectedStats(rows, per_story, len(layers), len(stands), outlets)


def top_rows(rows: list[StatRow], by: str, top: int) -> tuple[list[StatRow], int]:
    """The rows of the ``top`` groups with the most spans (latest months for ``month``), and
    the number of groups: :func:`top_stats` for rows already counted."""
    totals: dict[str, int] = {}
    for r in rows:
        totals[r.group] = totals.get(r.group, 0) + r.spans
    if by == "month":
        groups = sorted(totals, reverse=True)[:top]
    else:
        groups = sorted(totals, key=lambda g: (-totals[g], g))[:top]
    keep = set(groups)
    return [r for r in rows if r.group in keep], len(totals)
