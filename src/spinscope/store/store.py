"""The corpus store: add analysed documents (idempotently), fetch, search and count them.

A document's identity is its content hash (``Document.id``): adding the same text twice adds
nothing, wherever it came from. All SQL is built with SQLAlchemy (bound parameters only), since
article text, titles and search queries are untrusted.

:class:`Store` is the facade; each concern lives in its own module: writing in
:mod:`~spinscope.store.writer`, reading and search (and the listing row, grouping and excerpt
helpers) in :mod:`~spinscope.store.documents`, near-duplicate queries in
:mod:`~spinscope.store.near_duplicates`, speaker listings and pages in
:mod:`~spinscope.store.speaker_pages`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Engine

from spinscope.document import Document
from spinscope.store import duplicates as dup
from spinscope.store.documents import (
    SNIPPET_CHARS,
    UNKNOWN,
    Documents,
    DocumentSummary,
    SearchResult,
    domain_of,
    month_of,
    outlet_of,
    query_terms,
    snippet,
)
from spinscope.store.engine import make_engine, migrate
from spinscope.store.near_duplicates import NearDuplicates
from spinscope.store.speaker_pages import SpeakerPages
from spinscope.store.writer import Writer

__all__ = [
    "SNIPPET_CHARS",
    "UNKNOWN",
    "DocumentSummary",
    "SearchResult",
    "Store",
    "domain_of",
    "month_of",
    "outlet_of",
    "query_terms",
    "snippet",
]


class Store:
    """Access to one database; safe to share between threads (one engine, pooled connections)."""

    def __init__(self, url: str, *, auto_migrate: bool = True, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine: Engine = make_engine(url, **engine_kwargs)
        self.dialect = self.engine.dialect.name
        self._writer = Writer(self.engine)
        self._documents = Documents(self.engine)
        self._near = NearDuplicates(self.engine)
        self._speakers = SpeakerPages(self.engine, self._near)
        if auto_migrate:
            migrate(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing (spinscope.store.writer) -------------------------------------------------

    def add(self, doc: Document) -> bool:
        """Store one document; False if a document with the same content hash is present."""
        return self.add_many([doc])[0]

    def add_many(self, docs: Iterable[Document]) -> list[bool]:
        """Store documents in one transaction; per document, whether it was new."""
        return self._writer.add_many(docs)

    # -- reading (spinscope.store.documents) ----------------------------------------------

    def contains(self, doc_id: str) -> bool:
        return self._documents.contains(doc_id)

    def count(self) -> int:
        return self._documents.count()

    def get(self, doc_id: str) -> Document | None:
        return self._documents.get(doc_id)

    def search(self, q: str | None = None, limit: int = 50, offset: int = 0) -> SearchResult:
        """Documents matching all words of ``q`` (best first), or all documents (newest first)."""
        return self._documents.search(q, limit, offset)

    # -- near-duplicates (spinscope.store.near_duplicates) --------------------------------

    def similar(
        self, doc_id: str, threshold: float = dup.DEFAULT_THRESHOLD
    ) -> list[dict[str, Any]]:
        """Stored near-duplicates of one document, most similar first:
        ``[{"similarity": s, "id": …, "title": …, "source": …, "outlet": …, "published": …}]``."""
        return self._near.similar(doc_id, threshold)

    def story_count(self, threshold: float = dup.DEFAULT_THRESHOLD) -> int:
        """Documents counted once per near-duplicate cluster (a republished story is one)."""
        return self._near.story_count(threshold)

    def later_copies(self, threshold: float = dup.DEFAULT_THRESHOLD) -> frozenset[int]:
        """Row numbers (``documents.seq``) of every member of a near-duplicate cluster but its
        earliest-ingested one: counting the other documents counts each story once."""
        return self._near.later_copies(threshold)

    def story_of(self, threshold: float = dup.DEFAULT_THRESHOLD) -> dict[int, int]:
        """``documents.seq`` of each later copy → the seq of the copy that stands for its story
        (the earliest ingested member of its near-duplicate cluster)."""
        return self._near.story_of(threshold)

    def duplicate_clusters(self, threshold: float = dup.DEFAULT_THRESHOLD) -> list[dict[str, Any]]:
        """Clusters of near-duplicate documents, largest first: ``[{"similarity": lowest linked
        pair, "documents": [{"id", "title", "source": {"path", "url"}, "outlet", "published"}]}]``.
        """
        return self._near.duplicate_clusters(threshold)

    # -- speakers (spinscope.store.speaker_pages) -----------------------------------------

    def speaker_ids(self, doc: Document) -> dict[str, int]:
        """Speaker name as written in ``doc``'s attributions → its corpus speaker id."""
        return self._speakers.speaker_ids(doc)

    def speaker_ids_by_name(self, names: Iterable[str]) -> dict[str, int]:
        """Corpus speaker name → id (the lowest id where a name has several types)."""
        return self._speakers.speaker_ids_by_name(names)

    def speakers(
        self, q: str | None = None, limit: int = 50, offset: int = 0
    ) -> tuple[int, list[dict[str, Any]]]:
        """Speakers with the most statements first; ``q`` filters on any of their names."""
        return self._speakers.speakers(q, limit, offset)

    def speaker(self, speaker_id: int, limit: int = 200) -> dict[str, Any] | None:
        """One corpus speaker: name variants, statements (newest first), the techniques in
        their voice, and their roles over time (first and last date each was seen)."""
        return self._speakers.speaker(speaker_id, limit)
