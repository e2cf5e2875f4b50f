"""Stored documents: what a listing row holds, the helpers that group and excerpt documents,
and reading them back (membership, count, one document, search).

All SQL is built with SQLAlchemy (bound parameters only): titles and queries are untrusted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Connection, Engine, func, literal_column, select, text

from spinscope.document import Document
from spinscope.store import schema as t

_MONTH = re.compile(r"^\s*(\d{4})-(\d{2})")
_WORD = re.compile(r"\w+", re.UNICODE)
SNIPPET_CHARS = 160
#: Group name for documents without an outlet or a parseable date (as in the statistics).
UNKNOWN = "(unknown)"


@dataclass(frozen=True)
class DocumentSummary:
    """One row of a document listing or search result."""

    id: str
    title: str | None
    outlet: str | None
    published: str | None
    authors: list[str]
    url: str | None
    n_techniques: int
    n_attributions: int
    snippet: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "outlet": self.outlet,
            "published": self.published,
            "authors": list(self.authors),
            "url": self.url,
            "techniques": self.n_techniques,
            "attributions": self.n_attributions,
            "snippet": self.snippet,
        }


@dataclass
class SearchResult:
    total: int
    items: list[DocumentSummary] = field(default_factory=list)


def month_of(published: str | None) -> str | None:
    """``YYYY-MM`` from an ISO-like date, for the per-month statistics."""
    if not published:
        return None
    m = _MONTH.match(published)
    if not m or not 1 <= int(m.group(2)) <= 12:
        return None
    return f"{m.group(1)}-{m.group(2)}"


def domain_of(url: str | None) -> str | None:
    """The site of an http(s) URL, without ``www.``: ``https://www.rt.com/news/1`` → ``rt.com``."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host or "." not in host:
        return None
    host = host.rstrip(".").lower()
    return host[4:] if host.startswith("www.") else host


def outlet_of(doc: Document) -> str | None:
    """The outlet to group a document under: its own (site name, JSONL field, ``--outlet``),
    else its URL's domain; None when neither is known."""
    name = " ".join((doc.outlet or "").split())
    return (name or domain_of(doc.source.url) or "")[:300] or None


def query_terms(q: str) -> list[str]:
    """Words of a user query; anything else (quotes, operators) is dropped, never interpreted."""
    return _WORD.findall(q)[:32]


def snippet(text_: str, terms: Sequence[str], width: int = SNIPPET_CHARS) -> str:
    """A plain-text excerpt around the first query term (escaping is the renderer's job)."""
    pos = -1
    low = text_.lower()
    for term in terms:
        found = low.find(term.lower())
        if found >= 0 and (pos < 0 or found < pos):
            pos = found
    start = max(0, pos - width // 3) if pos >= 0 else 0
    out = " ".join(text_[start : start + width].split())
    return ("…" if start > 0 else "") + out + ("…" if start + width < len(text_) else "")


class Documents:
    """Reading documents from one database (``Store.contains/count/get/search``)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name

    def contains(self, doc_id: str) -> bool:
        with self.engine.connect() as conn:
            q = select(t.documents.c.seq).where(t.documents.c.id == doc_id)
            return conn.execute(q).scalar() is not None

    def count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(t.documents)).scalar_one())

    def get(self, doc_id: str) -> Document | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(t.documents.c.text, t.documents.c.doc_json).where(t.documents.c.id == doc_id)
            ).first()
        if row is None:
            return None
        d = json.loads(row.doc_json)
        d["text"] = row.text
        return Document.from_dict(d)

    def search(self, q: str | None = None, limit: int = 50, offset: int = 0) -> SearchResult:
        """Documents matching all words of ``q`` (best first), or all documents (newest first)."""
        limit = max(0, min(limit, 500))
        offset = max(0, offset)
        terms = query_terms(q or "")
        docs = t.documents
        with self.engine.connect() as conn:
            if not terms:
                total = conn.execute(select(func.count()).select_from(docs)).scalar_one()
                seqs = list(
                    conn.execute(
                        select(docs.c.seq).order_by(docs.c.seq.desc()).limit(limit).offset(offset)
                    ).scalars()
                )
            elif self.dialect == "sqlite":
                match = " ".join('"' + w.replace('"', "") + '"' for w in terms)
                total = conn.execute(
                    text("SELECT count(*) FROM documents_fts WHERE documents_fts MATCH :m"),
                    {"m": match},
                ).scalar_one()
                seqs = list(
                    conn.execute(
                        text(
                            "SELECT rowid FROM documents_fts WHERE documents_fts MATCH :m "
                            "ORDER BY bm25(documents_fts, 4.0, 1.0) LIMIT :l OFFSET :o"
                        ),
                        {"m": match, "l": limit, "o": offset},
                    ).scalars()
                )
            else:
                tsq = func.plainto_tsquery("english", " ".join(terms))
                tsv: Any = literal_column("documents.tsv")
                cond = tsv.op("@@")(tsq)
                total = conn.execute(
                    select(func.count()).select_from(docs).where(cond)
                ).scalar_one()
                seqs = list(
                    conn.execute(
                        select(docs.c.seq)
                        .where(cond)
                        .order_by(func.ts_rank(tsv, tsq).desc(), docs.c.seq.desc())
                        .limit(limit)
                        .offset(offset)
                    ).scalars()
                )
            items = self._summaries(conn, seqs, terms)
        return SearchResult(total=int(total), items=items)

    def _summaries(
        self, conn: Connection, seqs: list[int], terms: Sequence[str]
    ) -> list[DocumentSummary]:
        if not seqs:
            return []
        docs = t.documents
        # snippets come from the article body (a page's menus and cookie notice come first)
        body = (
            select(t.regions.c.document_seq, func.min(t.regions.c.start).label("start"))
            .where(t.regions.c.document_seq.in_(seqs), t.regions.c.label == "body")
            .group_by(t.regions.c.document_seq)
            .subquery()
        )
        rows = {
            r.seq: r
            for r in conn.execute(
                select(
                    docs.c.seq,
                    docs.c.id,
                    docs.c.title,
                    docs.c.published,
                    docs.c.source_url,
                    func.substr(docs.c.text, func.coalesce(body.c.start, 0) + 1, 4000).label(
                        "head"
                    ),
                    t.outlets.c.name.label("outlet"),
                )
                .select_from(
                    docs.outerjoin(t.outlets, docs.c.outlet_seq == t.outlets.c.seq).outerjoin(
                        body, body.c.document_seq == docs.c.seq
                    )
                )
                .where(docs.c.seq.in_(seqs))
            )
        }
        authors: dict[int, list[str]] = {}
        for r in conn.execute(
            select(t.document_authors.c.document_seq, t.authors.c.name)
            .join(t.authors, t.authors.c.seq == t.document_authors.c.author_seq)
            .where(t.document_authors.c.document_seq.in_(seqs))
            .order_by(t.document_authors.c.document_seq, t.document_authors.c.position)
        ):
            authors.setdefault(r.document_seq, []).append(r.name)
        n_tech = self._counts(conn, t.techniques, seqs)
        n_att = self._counts(conn, t.attributions, seqs)
        out = []
        for s in seqs:
            d = rows[s]
            out.append(
                DocumentSummary(
                    id=d.id,
                    title=d.title,
                    outlet=d.outlet,
                    published=d.published,
                    authors=authors.get(s, []),
                    url=d.source_url,
                    n_techniques=n_tech.get(s, 0),
                    n_attributions=n_att.get(s, 0),
                    snippet=snippet(d.head, terms),
                )
            )
        return out

    @staticmethod
    def _counts(conn: Connection, table: Any, seqs: list[int]) -> dict[int, int]:
        q = (
            select(table.c.document_seq, func.count())
            .where(table.c.document_seq.in_(seqs))
            .group_by(table.c.document_seq)
        )
        return {int(a): int(b) for a, b in conn.execute(q)}
