"""Corpus speakers as the web app lists and shows them: speaker ids of a document's
attributions, the speaker listing and one speaker's page (statements, the techniques in their
voice, roles over time). Linking attributions to speakers at insert is
:mod:`spinscope.store.speakers`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Engine, func, select

from spinscope.document import Document
from spinscope.store import schema as t
from spinscope.store.documents import query_terms
from spinscope.store.near_duplicates import NearDuplicates
from spinscope.store.speakers import chain_heads, is_statement, short_text


def _content() -> Any:
    """An attribution row's content text, cut from its document's text in SQL."""
    at, docs = t.attributions, t.documents
    return func.substr(docs.c.text, at.c.content_start + 1, at.c.content_end - at.c.content_start)


class SpeakerPages:
    """Speaker queries on one database (``Store.speakers``, ``Store.speaker``, …); ``near``
    gives the story map that counts a republished statement once."""

    def __init__(self, engine: Engine, near: NearDuplicates) -> None:
        self.engine = engine
        self.near = near

    def speaker_ids(self, doc: Document) -> dict[str, int]:
        """Speaker name as written in ``doc``'s attributions → its corpus speaker id."""
        at = t.attributions
        with self.engine.connect() as conn:
            seq = conn.execute(select(t.documents.c.seq).where(t.documents.c.id == doc.id)).scalar()
            if seq is None:
                return {}
            linked = dict(
                conn.execute(
                    select(at.c.attribution_id, at.c.speaker_seq).where(
                        at.c.document_seq == seq, at.c.speaker_seq.is_not(None)
                    )
                ).all()
            )
        out: dict[str, int] = {}
        for a in doc.layer("attributions"):
            name = (a.attrs.get("speaker") or {}).get("name")
            sid = linked.get(str(a.attrs.get("id")))
            if name and sid is not None:
                out.setdefault(str(name), int(sid))
        return out

    def speaker_ids_by_name(self, names: Iterable[str]) -> dict[str, int]:
        """Corpus speaker name → id (the lowest id where a name has several types)."""
        wanted = sorted(set(names))
        if not wanted:
            return {}
        sp = t.speakers
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(sp.c.name, func.min(sp.c.seq))
                .where(sp.c.name.in_(wanted))
                .group_by(sp.c.name)
            ).all()
        return {str(n): int(s) for n, s in rows}

    def speakers(
        self, q: str | None = None, limit: int = 50, offset: int = 0
    ) -> tuple[int, list[dict[str, Any]]]:
        """Speakers with the most statements first; ``q`` filters on any of their names. A
        statement in pieces counts once (:func:`spinscope.store.speakers.is_statement`)."""
        limit, offset = max(0, min(limit, 500)), max(0, offset)
        sp, at = t.speakers, t.attributions
        cond: Any = sp.c.seq.in_(select(at.c.speaker_seq).where(at.c.speaker_seq.is_not(None)))
        terms = query_terms(q or "")
        for term in terms[:8]:
            pattern = "%" + term.lower().replace("\\", "").replace("%", "").replace("_", "") + "%"
            cond = cond & (
                func.lower(sp.c.name).like(pattern)
                | sp.c.seq.in_(
                    select(at.c.speaker_seq).where(func.lower(at.c.speaker_name).like(pattern))
                )
            )
        n_st = func.count(at.c.seq).label("statements")
        n_docs = func.count(at.c.document_seq.distinct()).label("documents")
        with self.engine.connect() as conn:
            total = conn.execute(select(func.count()).select_from(sp).where(cond)).scalar_one()
            rows = conn.execute(
                select(sp.c.seq, sp.c.name, sp.c.type, n_st, n_docs)
                .select_from(sp.join(at, at.c.speaker_seq == sp.c.seq))
                .where(cond, is_statement(at))
                .group_by(sp.c.seq, sp.c.name, sp.c.type)
                .order_by(n_st.desc(), sp.c.name, sp.c.seq)
                .limit(limit)
                .offset(offset)
            ).all()
        items = [
            {"id": r.seq, "name": r.name, "type": r.type, "statements": r.statements,
             "documents": r.documents}
            for r in rows
        ]  # fmt: skip
        return int(total), items

    def speaker(self, speaker_id: int, limit: int = 200) -> dict[str, Any] | None:
        """One corpus speaker: name variants, statements (newest first), the techniques in
        their voice, and their roles over time (first and last date each was seen).

        A statement in pieces ("“…,” she said. “…”") is one statement: the counts count it once
        and its further pieces are listed under it (``continued``: attribution, cue, text and
        techniques of each piece, in text order); the techniques in their voice count every
        piece's spans."""
        sp, at, docs, tech = t.speakers, t.attributions, t.documents, t.techniques
        with self.engine.connect() as conn:
            head = conn.execute(
                select(sp.c.seq, sp.c.name, sp.c.type).where(sp.c.seq == speaker_id)
            ).first()
            if head is None:
                return None
            every = at.c.speaker_seq == speaker_id  # every row, pieces of statements too
            mine = every & is_statement(at)  # one row per statement
            variants = [
                {"name": n, "mentions": int(k)}
                for n, k in conn.execute(
                    select(at.c.speaker_name, func.count())
                    .where(mine, at.c.speaker_name.is_not(None))
                    .group_by(at.c.speaker_name)
                    .order_by(func.count().desc(), at.c.speaker_name)
                )
            ]
            total, n_docs = conn.execute(
                select(func.count(), func.count(at.c.document_seq.distinct())).where(mine)
            ).one()
            # each distinct story once: the copies of a republished story are one story, and a
            # statement they all repeat is one statement (near-duplicate clusters)
            said = conn.execute(
                select(
                    at.c.document_seq,
                    _content(),
                )
                .select_from(at.join(docs, docs.c.seq == at.c.document_seq))
                .where(mine)
            ).all()
        story_of = self.near.story_of()
        stories = {story_of.get(int(d), int(d)) for d, _ in said}
        once = {(story_of.get(int(d), int(d)), " ".join(str(c).split())) for d, c in said}
        with self.engine.connect() as conn:
            content = _content()
            rows = conn.execute(
                select(
                    at.c.seq,
                    at.c.document_seq,
                    at.c.attribution_id,
                    at.c.kind,
                    at.c.cue_text,
                    at.c.role,
                    at.c.venue,
                    at.c.speaker_name,
                    at.c.resolved,
                    docs.c.id,
                    docs.c.title,
                    docs.c.published,
                    t.outlets.c.name.label("outlet"),
                    func.substr(content, 1, 600).label("content"),
                )
                .select_from(
                    at.join(docs, docs.c.seq == at.c.document_seq).outerjoin(
                        t.outlets, t.outlets.c.seq == docs.c.outlet_seq
                    )
                )
                .where(mine)
                .order_by(docs.c.published.desc(), docs.c.seq.desc(), at.c.content_start)
                .limit(max(0, min(limit, 1000)))
            ).all()
            pieces = self._pieces(conn, every, rows) if rows else {}
            spans: dict[int, list[dict[str, Any]]] = {}
            if rows:
                seqs = [r.seq for r in rows] + [p.seq for ps in pieces.values() for p in ps]
                for r in conn.execute(
                    select(
                        tech.c.attribution_seq,
                        tech.c.technique,
                        tech.c.confidence,
                        func.substr(docs.c.text, tech.c.start + 1, tech.c.end - tech.c.start),
                    )
                    .select_from(tech.join(docs, docs.c.seq == tech.c.document_seq))
                    .where(tech.c.attribution_seq.in_(seqs))
                    .order_by(tech.c.attribution_seq, tech.c.start)
                ):
                    spans.setdefault(int(r[0]), []).append(
                        {"technique": r[1], "confidence": r[2], "text": short_text(str(r[3]), 200)}
                    )
            voiced = [
                {"technique": r.technique, "spans": int(r.spans), "documents": int(r.documents)}
                for r in conn.execute(
                    select(
                        tech.c.technique,
                        func.count().label("spans"),
                        func.count(tech.c.document_seq.distinct()).label("documents"),
                    )
                    .select_from(tech.join(at, at.c.seq == tech.c.attribution_seq))
                    .where(every)
                    .group_by(tech.c.technique)
                    .order_by(func.count().desc(), tech.c.technique)
                )
            ]
            roles = [
                {"role": r.role, "first": r.first, "last": r.last, "statements": int(r.n)}
                for r in conn.execute(
                    select(
                        at.c.role,
                        func.min(docs.c.published).label("first"),
                        func.max(docs.c.published).label("last"),
                        func.count().label("n"),
                    )
                    .select_from(at.join(docs, docs.c.seq == at.c.document_seq))
                    .where(mine, at.c.role.is_not(None))
                    .group_by(at.c.role)
                    .order_by(func.min(docs.c.published), at.c.role)
                )
            ]
        return {
            "id": head.seq,
            "name": head.name,
            "type": head.type,
            "variants": variants,
            "documents": int(n_docs),
            "stories": len(stories),
            "statements_total": int(total),
            "statements_once": len(once),
            "techniques": voiced,
            "roles": roles,
            "statements": [
                {
                    "document": {
                        "id": r.id,
                        "title": r.title,
                        "outlet": r.outlet,
                        "published": r.published,
                    },
                    "attribution": r.attribution_id,
                    "kind": r.kind,
                    "as": r.speaker_name,
                    "linked": r.resolved,
                    "cue": r.cue_text,
                    "role": r.role,
                    "venue": r.venue,
                    "text": short_text(str(r.content or ""), 500),
                    "techniques": spans.get(int(r.seq), []),
                    "continued": [
                        {
                            "attribution": p.attribution_id,
                            "cue": p.cue_text,
                            "text": short_text(str(p.content or ""), 500),
                            "techniques": spans.get(int(p.seq), []),
                        }
                        for p in pieces.get(int(r.seq), [])
                    ],
                }
                for r in rows
            ],
        }

    @staticmethod
    def _pieces(conn: Connection, every: Any, rows: Sequence[Any]) -> dict[int, list[Any]]:
        """The further pieces of the statements in ``rows`` (rows of the speaker, ``every``,
        that continue one of theirs), by the seq of the statement they belong to, in text
        order; a piece of a piece belongs to the first piece's statement."""
        at, docs = t.attributions, t.documents
        content = _content()
        found = conn.execute(
            select(
                at.c.seq,
                at.c.continues_seq,
                at.c.attribution_id,
                at.c.cue_text,
                func.substr(content, 1, 600).label("content"),
            )
            .select_from(at.join(docs, docs.c.seq == at.c.document_seq))
            .where(
                every,
                ~is_statement(at),
                at.c.document_seq.in_(sorted({int(r.document_seq) for r in rows})),
            )
            .order_by(at.c.document_seq, at.c.content_start)
        ).all()
        shown = {int(r.seq) for r in rows}
        heads = chain_heads({int(p.seq): int(p.continues_seq) for p in found})
        out: dict[int, list[Any]] = {}
        for p in found:
            head = heads[int(p.seq)]
            if head in shown:
                out.setdefault(head, []).append(p)
        return out
