"""The corpus store: add analysed documents (idempotently), fetch, search and count them.

A document's identity is its content hash (``Document.id``): adding the same text twice adds
nothing, wherever it came from. All SQL is built with SQLAlchemy (bound parameters only), since
article text, titles and search queries are untrusted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

import numpy as np
from sqlalchemy import Connection, Engine, and_, func, literal_column, select, text
from sqlalchemy.dialects import postgresql, sqlite

from spinscope.document import Document
from spinscope.store import duplicates as dup
from spinscope.store import schema as t
from spinscope.store.engine import WRITE, make_engine, migrate
from spinscope.store.speakers import SpeakerLinker, recount, resolve_in_document

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


class Store:
    """Access to one database; safe to share between threads (one engine, pooled connections)."""

    def __init__(self, url: str, *, auto_migrate: bool = True, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine: Engine = make_engine(url, **engine_kwargs)
        self.dialect = self.engine.dialect.name
        self._stories: tuple[tuple[Any, ...], dict[int, int]] | None = None
        if auto_migrate:
            migrate(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing --------------------------------------------------------------------------

    def add(self, doc: Document) -> bool:
        """Store one document; False if a document with the same content hash is present."""
        return self.add_many([doc])[0]

    def add_many(self, docs: Iterable[Document]) -> list[bool]:
        """Store documents in one transaction; per document, whether it was new."""
        docs = list(docs)
        if not docs:
            return []
        out: list[bool] = []
        # CPU work before taking the write lock: near-duplicate signatures of the bodies.
        sigs = {d.id: dup.document_signature(d) for d in docs}
        with self.engine.execution_options(**WRITE).begin() as conn:
            present = set(
                conn.execute(
                    select(t.documents.c.id).where(t.documents.c.id.in_({d.id for d in docs}))
                ).scalars()
            )
            index: tuple[list[dict[str, Any]], list[dict[str, Any]]] = ([], [])
            for doc in docs:
                if doc.id in present:
                    out.append(False)
                    continue
                added = self._insert(conn, doc, sigs.get(doc.id), index)
                present.add(doc.id)
                out.append(added)
            if index[0]:
                conn.execute(t.minhashes.insert(), index[0])
                conn.execute(t.minhash_bands.insert(), index[1])
        return out

    def _insert_ignore(self, table: Any) -> Any:
        ins = postgresql.insert if self.dialect == "postgresql" else sqlite.insert
        return ins(table)

    def _get_or_create(self, conn: Connection, table: Any, **values: Any) -> int:
        where = and_(*(table.c[k] == v for k, v in values.items()))
        seq = conn.execute(select(table.c.seq).where(where)).scalar()
        if seq is not None:
            return int(seq)
        conn.execute(self._insert_ignore(table).values(**values).on_conflict_do_nothing())
        return int(conn.execute(select(table.c.seq).where(where)).scalar_one())

    def _insert(
        self,
        conn: Connection,
        doc: Document,
        sig: np.ndarray | None = None,
        index: tuple[list[dict[str, Any]], list[dict[str, Any]]] | None = None,
    ) -> bool:
        d = doc.to_dict()
        d.pop("text")
        outlet = outlet_of(doc)
        outlet_seq = self._get_or_create(conn, t.outlets, name=outlet) if outlet else None
        row = {
            "id": doc.id,
            "title": doc.title,
            "published": doc.published,
            "month": month_of(doc.published),
            "outlet_seq": outlet_seq,
            "source_path": doc.source.path,
            "source_url": doc.source.url,
            "source_kind": doc.source.kind,
            "text": doc.text,
            "doc_json": json.dumps(d, ensure_ascii=False),
            "added_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }
        stmt = (
            self._insert_ignore(t.documents)
            .values(**row)
            .on_conflict_do_nothing(index_elements=["id"])
            .returning(t.documents.c.seq)
        )
        seq = conn.execute(stmt).scalar()
        if seq is None:  # a concurrent writer stored the same text first
            return False
        if self.dialect == "sqlite":
            conn.execute(
                text("INSERT INTO documents_fts(rowid, title, text) VALUES (:seq, :title, :text)"),
                {"seq": seq, "title": doc.title or "", "text": doc.text},
            )
        if sig is not None and index is not None:  # written once per transaction (add_many)
            index[0].append({"document_seq": seq, "signature": dup.to_bytes(sig)})
            index[1].extend(
                {"key": k, "document_seq": seq} for k in dict.fromkeys(dup.band_keys(sig))
            )
        seen_authors: set[int] = set()
        author_rows = []
        for pos, name in enumerate(doc.authors):
            a = self._get_or_create(conn, t.authors, name=name[:300])
            if a not in seen_authors:
                seen_authors.add(a)
                author_rows.append({"document_seq": seq, "author_seq": a, "position": pos})
        if author_rows:
            conn.execute(t.document_authors.insert(), author_rows)
        if doc.regions:
            conn.execute(
                t.regions.insert(),
                [
                    {"document_seq": seq, "start": r.start, "end": r.end, "label": r.label}
                    for r in doc.regions
                ],
            )
        att_seq, speaker_of, linker = self._insert_attributions(
            conn, seq, d.get("attributions") or []
        )
        techs = d.get("techniques") or []
        if techs:
            rows = []
            for tech in techs:
                voice = tech.get("voice") or {}
                rows.append(
                    {
                        "document_seq": seq,
                        "start": tech["start"],
                        "end": tech["end"],
                        "technique": tech["technique"],
                        "confidence": tech.get("confidence"),
                        "voice_kind": voice.get("kind"),
                        "attribution_seq": att_seq.get(voice.get("attribution") or ""),
                    }
                )
            conn.execute(t.techniques.insert(), rows)
            self._count(conn, doc, techs, speaker_of)
        linker.settle()
        recount(conn, linker.touched)
        return True

    def _count(
        self,
        conn: Connection,
        doc: Document,
        techs: list[dict[str, Any]],
        speaker_of: dict[str, str],
    ) -> None:
        """Add this document's technique counts to ``stat_counts`` (same groups as stats.py);
        ``speaker_of``: attribution id → corpus speaker name."""
        groups: dict[str, list[str]] = {
            "outlet": [outlet_of(doc) or UNKNOWN],
            "month": [month_of(doc.published) or UNKNOWN],
            "author": list(dict.fromkeys(a[:300] for a in doc.authors)),
        }
        spans: dict[tuple[str, str, str], int] = {}
        for tech in techs:
            name = tech["technique"]
            keys = [("technique", name)] + [(dim, g) for dim, gs in groups.items() for g in gs]
            voice = tech.get("voice") or {}
            speaker = speaker_of.get(str(voice.get("attribution")))
            if speaker:
                keys.append(("speaker", speaker))
            for dim, g in keys:
                spans[(dim, g, name)] = spans.get((dim, g, name), 0) + 1
        if not spans:
            return
        stmt = self._insert_ignore(t.stat_counts)
        stmt = stmt.on_conflict_do_update(
            index_elements=["dimension", "grp", "technique"],
            set_={
                "spans": t.stat_counts.c.spans + stmt.excluded.spans,
                "documents": t.stat_counts.c.documents + stmt.excluded.documents,
            },
        )
        conn.execute(
            stmt,
            [
                {"dimension": k[0], "grp": k[1], "technique": k[2], "spans": n, "documents": 1}
                for k, n in sorted(spans.items())
            ],
        )

    def _insert_attributions(
        self, conn: Connection, doc_seq: int, atts: list[dict[str, Any]]
    ) -> tuple[dict[str, int], dict[str, str], SpeakerLinker]:
        """Insert attribution rows linked to corpus speakers; map attribution id → row seq (for
        technique voice links) and → speaker name (for the statistics)."""
        out: dict[str, int] = {}
        speaker_of: dict[str, str] = {}
        linker = SpeakerLinker(conn)
        mentions = resolve_in_document([a.get("speaker") for a in atts])
        names: dict[int, str] = {}
        for a, mention in zip(atts, mentions, strict=True):
            speaker = a.get("speaker") or {}
            speaker_seq = resolved = None
            if mention is not None:
                speaker_seq, resolved = linker.link(mention)
            cue = a.get("cue") or {}
            source = a.get("source") or {}
            aid = str(a.get("id") or f"a{len(out) + 1}")
            seq = conn.execute(
                t.attributions.insert()
                .values(
                    document_seq=doc_seq,
                    attribution_id=aid,
                    kind=a.get("kind") or "unknown",
                    content_start=a["content"]["start"],
                    content_end=a["content"]["end"],
                    cue_start=cue.get("start"),
                    cue_end=cue.get("end"),
                    cue_text=cue.get("text"),
                    source_start=source.get("start"),
                    source_end=source.get("end"),
                    speaker_seq=speaker_seq,
                    role=speaker.get("role"),
                    venue=a.get("venue"),
                    speaker_name=mention.variant if mention else None,
                    speaker_key=mention.key.key if mention else None,
                    resolved=resolved,
                )
                .returning(t.attributions.c.seq)
            ).scalar_one()
            out[aid] = int(seq)
            if speaker_seq is not None:
                if speaker_seq not in names:
                    names[speaker_seq] = linker.name_of(speaker_seq)
                speaker_of[aid] = names[speaker_seq]
        return out, speaker_of, linker

    # -- reading --------------------------------------------------------------------------

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

    # -- near-duplicates ------------------------------------------------------------------

    @staticmethod
    def _check_threshold(threshold: float) -> None:
        if not dup.INDEX_THRESHOLD <= threshold <= 1.0:
            raise ValueError(
                f"threshold {threshold:g} is outside {dup.INDEX_THRESHOLD:g}..1 (the index is"
                f" built to find documents at least {dup.INDEX_THRESHOLD:g} similar)"
            )

    def _signatures(self, conn: Connection, seqs: Iterable[int]) -> dict[int, np.ndarray]:
        out: dict[int, np.ndarray] = {}
        ids = sorted(set(seqs))
        for i in range(0, len(ids), 500):
            q = select(t.minhashes.c.document_seq, t.minhashes.c.signature).where(
                t.minhashes.c.document_seq.in_(ids[i : i + 500])
            )
            for seq, data in conn.execute(q):
                out[int(seq)] = dup.from_bytes(bytes(data))
        return out

    def _refs(self, conn: Connection, seqs: Iterable[int]) -> dict[int, dict[str, Any]]:
        """Identity of documents as listed in duplicate clusters (JSON-ready)."""
        docs = t.documents
        out: dict[int, dict[str, Any]] = {}
        ids = sorted(set(seqs))
        for i in range(0, len(ids), 500):
            q = (
                select(
                    docs.c.seq,
                    docs.c.id,
                    docs.c.title,
                    docs.c.source_path,
                    docs.c.source_url,
                    docs.c.published,
                    t.outlets.c.name.label("outlet"),
                )
                .select_from(docs.outerjoin(t.outlets, docs.c.outlet_seq == t.outlets.c.seq))
                .where(docs.c.seq.in_(ids[i : i + 500]))
            )
            for r in conn.execute(q):
                out[int(r.seq)] = {
                    "id": r.id,
                    "title": r.title,
                    "source": {"path": r.source_path, "url": r.source_url},
                    "outlet": r.outlet,
                    "published": r.published,
                }
        return out

    def similar(
        self, doc_id: str, threshold: float = dup.DEFAULT_THRESHOLD
    ) -> list[dict[str, Any]]:
        """Stored near-duplicates of one document, most similar first:
        ``[{"similarity": s, "id": …, "title": …, "source": …, "outlet": …, "published": …}]``."""
        self._check_threshold(threshold)
        mb = t.minhash_bands
        other = mb.alias("other")
        with self.engine.connect() as conn:
            seq = conn.execute(select(t.documents.c.seq).where(t.documents.c.id == doc_id)).scalar()
            if seq is None:
                return []
            cands = list(
                conn.execute(
                    select(other.c.document_seq)
                    .distinct()
                    .select_from(mb.join(other, mb.c.key == other.c.key))
                    .where(mb.c.document_seq == seq, other.c.document_seq != seq)
                ).scalars()
            )
            if not cands:
                return []
            sigs = self._signatures(conn, [seq, *cands])
            hits = list(dup.verified(((seq, c) for c in cands), sigs, threshold))
            refs = self._refs(conn, [b for _a, b, _s in hits])
        hits.sort(key=lambda h: (-h[2], h[1]))
        return [{"similarity": round(s, 3), **refs[b]} for _a, b, s in hits if b in refs]

    def story_count(self, threshold: float = dup.DEFAULT_THRESHOLD) -> int:
        """Documents counted once per near-duplicate cluster (a republished story is one)."""
        n, copies = self._stories_at(threshold)
        return n - len(copies)

    def later_copies(self, threshold: float = dup.DEFAULT_THRESHOLD) -> frozenset[int]:
        """Row numbers (``documents.seq``) of the documents that do not stand for their story:
        every member of a near-duplicate cluster but its earliest-ingested one (the lowest
        ``seq``: deterministic, and unchanged as more copies arrive). Counting the other
        documents counts each distinct story once."""
        return frozenset(self._stories_at(threshold)[1])

    def story_of(self, threshold: float = dup.DEFAULT_THRESHOLD) -> dict[int, int]:
        """``documents.seq`` of each later copy → the seq of the copy that stands for its story
        (the earliest ingested member of its near-duplicate cluster)."""
        return self._stories_at(threshold)[1]

    def _stories_at(self, threshold: float) -> tuple[int, dict[int, int]]:
        """(stored documents, later copy → its story's first copy). Clustering reads every
        shared bucket (about 2 s at 100,000 documents), so the answer is kept until the stored
        documents change."""
        with self.engine.connect() as conn:
            state = tuple(conn.execute(select(func.count(), func.max(t.documents.c.seq))).one()) + (
                threshold,
            )
        cached = self._stories
        if cached is not None and cached[0] == state:
            return int(state[0]), cached[1]
        first = {seq: c.seqs[0] for c in self._clusters(threshold) for seq in c.seqs[1:]}
        self._stories = (state, first)
        return int(state[0]), first

    def duplicate_clusters(self, threshold: float = dup.DEFAULT_THRESHOLD) -> list[dict[str, Any]]:
        """Clusters of near-duplicate documents, largest first: ``[{"similarity": lowest linked
        pair, "documents": [{"id", "title", "source": {"path", "url"}, "outlet", "published"}]}]``.
        """
        found = self._clusters(threshold)
        with self.engine.connect() as conn:
            refs = self._refs(conn, {s for c in found for s in c.seqs})
        return [
            {
                "similarity": round(c.similarity, 3),
                "documents": [refs[s] for s in c.seqs if s in refs],
            }
            for c in found
        ]

    def _clusters(self, threshold: float) -> list[dup.Cluster]:
        """Near-duplicate clusters (document ``seq`` numbers), largest first."""
        self._check_threshold(threshold)
        mb = t.minhash_bands
        shared = select(mb.c.key).group_by(mb.c.key).having(func.count() > 1)
        pairs: set[tuple[int, int]] = set()
        with self.engine.connect() as conn:
            bucket: list[int] = []
            current: int | None = None
            rows = conn.execute(
                select(mb.c.key, mb.c.document_seq)
                .where(mb.c.key.in_(shared))
                .order_by(mb.c.key, mb.c.document_seq)
            )
            for key, seq in [*rows, (None, None)]:
                if key != current:
                    pairs.update((a, b) for i, a in enumerate(bucket) for b in bucket[i + 1 :])
                    bucket, current = [], key
                if seq is not None:
                    bucket.append(int(seq))
            sigs = self._signatures(conn, {s for p in pairs for s in p})
        return dup.clusters(dup.verified(sorted(pairs), sigs, threshold))

    # -- speakers -------------------------------------------------------------------------

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
        """Speakers with the most statements first; ``q`` filters on any of their names."""
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
                .where(cond)
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
        their voice, and their roles over time (first and last date each was seen)."""
        sp, at, docs, tech = t.speakers, t.attributions, t.documents, t.techniques
        with self.engine.connect() as conn:
            head = conn.execute(
                select(sp.c.seq, sp.c.name, sp.c.type).where(sp.c.seq == speaker_id)
            ).first()
            if head is None:
                return None
            mine = at.c.speaker_seq == speaker_id
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
                    func.substr(
                        docs.c.text, at.c.content_start + 1, at.c.content_end - at.c.content_start
                    ),
                )
                .select_from(at.join(docs, docs.c.seq == at.c.document_seq))
                .where(mine)
            ).all()
        story_of = self.story_of()
        stories = {story_of.get(int(d), int(d)) for d, _ in said}
        once = {(story_of.get(int(d), int(d)), " ".join(str(c).split())) for d, c in said}
        with self.engine.connect() as conn:
            content = func.substr(
                docs.c.text, at.c.content_start + 1, at.c.content_end - at.c.content_start
            )
            rows = conn.execute(
                select(
                    at.c.seq,
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
            spans: dict[int, list[dict[str, Any]]] = {}
            if rows:
                for r in conn.execute(
                    select(
                        tech.c.attribution_seq,
                        tech.c.technique,
                        tech.c.confidence,
                        func.substr(docs.c.text, tech.c.start + 1, tech.c.end - tech.c.start),
                    )
                    .select_from(tech.join(docs, docs.c.seq == tech.c.document_seq))
                    .where(tech.c.attribution_seq.in_([r.seq for r in rows]))
                    .order_by(tech.c.attribution_seq, tech.c.start)
                ):
                    spans.setdefault(int(r[0]), []).append(
                        {"technique": r[1], "confidence": r[2], "text": _short(str(r[3]), 200)}
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
                    .where(mine)
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
                    "text": _short(str(r.content or ""), 500),
                    "techniques": spans.get(int(r.seq), []),
                }
                for r in rows
            ],
        }


def _short(s: str, width: int) -> str:
    s = " ".join(s.split())
    return s if len(s) <= width else s[: width - 1] + "…"
