"""Near-duplicate queries over the stored MinHash index: a document's near-duplicates,
clusters of copies, and each distinct story counted once (the clustering cached until the
stored documents change). The index itself is :mod:`spinscope.store.duplicates`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
from sqlalchemy import Connection, Engine, func, select

from spinscope.store import duplicates as dup
from spinscope.store import schema as t


class NearDuplicates:
    """Near-duplicate queries on one database (``Store.similar``, ``story_count``, …)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._stories: tuple[tuple[Any, ...], dict[int, int]] | None = None

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
