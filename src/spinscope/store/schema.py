"""Relational schema of the corpus store (SQLAlchemy Core).

The full document JSON is kept (without its text, stored once in ``documents.text``) so a stored
document round-trips exactly; the normalised tables beside it exist for search and statistics.
Integer surrogate keys (``seq``) keep joins cheap; the public identity is the content hash ``id``.
The migrations in ``migrations/versions`` must produce exactly this schema (a test checks it).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

outlets = Table(
    "outlets",
    metadata,
    Column("seq", Integer, primary_key=True),
    Column("name", String(300), nullable=False, unique=True),
)

documents = Table(
    "documents",
    metadata,
    Column("seq", Integer, primary_key=True),
    Column("id", String(64), nullable=False, unique=True),
    Column("title", Text),
    Column("published", String(64)),
    Column("month", String(7), index=True),
    Column("outlet_seq", Integer, ForeignKey("outlets.seq"), index=True),
    Column("source_path", Text),
    Column("source_url", Text),
    Column("source_kind", String(32)),
    Column("text", Text, nullable=False),
    Column("doc_json", Text, nullable=False),
    Column("added_at", String(32), nullable=False),
)

authors = Table(
    "authors",
    metadata,
    Column("seq", Integer, primary_key=True),
    Column("name", String(300), nullable=False, unique=True),
)

document_authors = Table(
    "document_authors",
    metadata,
    Column("document_seq", Integer, ForeignKey("documents.seq"), primary_key=True),
    Column("author_seq", Integer, ForeignKey("authors.seq"), primary_key=True, index=True),
    Column("position", Integer, nullable=False),
)

regions = Table(
    "regions",
    metadata,
    Column("seq", Integer, primary_key=True),
    Column("document_seq", Integer, ForeignKey("documents.seq"), nullable=False, index=True),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("label", String(32), nullable=False),
)

speakers = Table(
    "speakers",
    metadata,
    Column("seq", Integer, primary_key=True),
    Column("name", String(300), nullable=False),
    Column("type", String(32), nullable=False),
    # Corpus identity (migration 0004, see speakers.py): the normalised name, and a person's
    # surname (for surname-only mentions); one speaker per (key, type).
    Column("key", String(300)),
    Column("surname", String(300), index=True),
    UniqueConstraint("name", "type", name="uq_speakers_name_type"),
    Index("ix_speakers_key_type", "key", "type", unique=True),
)

attributions = Table(
    "attributions",
    metadata,
    Column("seq", Integer, primary_key=True),
    Column("document_seq", Integer, ForeignKey("documents.seq"), nullable=False, index=True),
    Column("attribution_id", String(64), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("content_start", Integer, nullable=False),
    Column("content_end", Integer, nullable=False),
    Column("cue_start", Integer),
    Column("cue_end", Integer),
    Column("cue_text", Text),
    Column("source_start", Integer),
    Column("source_end", Integer),
    Column("speaker_seq", Integer, ForeignKey("speakers.seq"), index=True),
    Column("role", Text),
    Column("venue", Text),
    # The speaker's name as written here (cleaned), its own key, and how it was linked:
    # name | document (surname → full name in this article) | corpus | surname (migration 0004).
    Column("speaker_name", String(300)),
    Column("speaker_key", String(300), index=True),
    Column("resolved", String(16)),
    # A statement in pieces (migration 0008): the ``seq`` of the row whose statement this one
    # goes on with (the document's ``continues``, filled for stored documents by the upgrade);
    # NULL for a statement of its own. A plain integer, no declared foreign key (see 0008).
    Column("continues_seq", Integer),
)

techniques = Table(
    "techniques",
    metadata,
    Column("seq", Integer, primary_key=True),
    Column("document_seq", Integer, ForeignKey("documents.seq"), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("technique", String(64), nullable=False, index=True),
    Column("confidence", Float),
    Column("voice_kind", String(32)),
    Column("attribution_seq", Integer, ForeignKey("attributions.seq"), index=True),
    Index("ix_techniques_document_technique", "document_seq", "technique"),
)

#: Technique counts per (dimension, group, technique), kept up to date in the transaction that
#: adds a document, so dashboard queries read a few hundred rows instead of aggregating every
#: span (migration 0002; the aggregate over ``techniques`` stays the reference, see stats.py).
stat_counts = Table(
    "stat_counts",
    metadata,
    Column("dimension", String(16), primary_key=True),
    Column("grp", String(300), primary_key=True),
    Column("technique", String(64), primary_key=True),
    Column("spans", Integer, nullable=False),
    Column("documents", Integer, nullable=False),
)

#: Near-duplicate index (migration 0003, see duplicates.py): one MinHash signature per document
#: (NUM_PERM little-endian uint32) and one row per LSH band bucket the document falls in.
minhashes = Table(
    "minhashes",
    metadata,
    Column("document_seq", Integer, ForeignKey("documents.seq"), primary_key=True),
    Column("signature", LargeBinary, nullable=False),
)

minhash_bands = Table(
    "minhash_bands",
    metadata,
    Column("key", BigInteger, primary_key=True, autoincrement=False),
    Column(
        "document_seq",
        Integer,
        ForeignKey("documents.seq"),
        primary_key=True,
        autoincrement=False,
        index=True,
    ),
)

#: Review (migration 0006, see review.py): a reviewer's corrections of a document's model
#: layers, append-only (the latest correction of an item wins; nothing is updated or deleted),
#: and the documents each reviewer marked reviewed. The document's own layers never change.
corrections = Table(
    "corrections",
    metadata,
    Column("seq", Integer, primary_key=True),
    Column("document_seq", Integer, ForeignKey("documents.seq"), nullable=False, index=True),
    Column("reviewer", String(80), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("layer", String(16), nullable=False),
    Column("action", String(16), nullable=False),
    Column("item_key", String(200), nullable=False),
    Column("original", Text),
    Column("value", Text),
)

reviews = Table(
    "reviews",
    metadata,
    Column("document_seq", Integer, ForeignKey("documents.seq"), primary_key=True),
    Column("reviewer", String(80), primary_key=True),
    Column("reviewed_at", String(32), nullable=False),
)

#: Watch terms (migration 0007, see web/watch.py): the corpus's own list of terms, marked in
#: every article view as the ``watch`` layer; ``key`` is the term case-folded (one row per term).
watch_terms = Table(
    "watch_terms",
    metadata,
    Column("seq", Integer, primary_key=True),
    Column("term", String(200), nullable=False),
    Column("key", String(200), nullable=False, unique=True),
    Column("added_at", String(32), nullable=False),
)
