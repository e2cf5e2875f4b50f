"""First schema: documents, outlets, authors, regions, speakers, attributions, techniques, search.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

#: Search indexes the title and the first 200k characters (PostgreSQL caps a tsvector at 1 MB).
_PG_TSV = (
    "setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, left(text, 200000)), 'B')"
)


def upgrade() -> None:
    op.create_table(
        "outlets",
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(300), nullable=False, unique=True),
    )
    op.create_table(
        "documents",
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("id", sa.String(64), nullable=False, unique=True),
        sa.Column("title", sa.Text),
        sa.Column("published", sa.String(64)),
        sa.Column("month", sa.String(7)),
        sa.Column("outlet_seq", sa.Integer, sa.ForeignKey("outlets.seq")),
        sa.Column("source_path", sa.Text),
        sa.Column("source_url", sa.Text),
        sa.Column("source_kind", sa.String(32)),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("doc_json", sa.Text, nullable=False),
        sa.Column("added_at", sa.String(32), nullable=False),
    )
    op.create_index("ix_documents_month", "documents", ["month"])
    op.create_index("ix_documents_outlet_seq", "documents", ["outlet_seq"])
    op.create_table(
        "authors",
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(300), nullable=False, unique=True),
    )
    op.create_table(
        "document_authors",
        sa.Column("document_seq", sa.Integer, sa.ForeignKey("documents.seq"), primary_key=True),
        sa.Column("author_seq", sa.Integer, sa.ForeignKey("authors.seq"), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
    )
    op.create_index("ix_document_authors_author_seq", "document_authors", ["author_seq"])
    op.create_table(
        "regions",
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("document_seq", sa.Integer, sa.ForeignKey("documents.seq"), nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("label", sa.String(32), nullable=False),
    )
    op.create_index("ix_regions_document_seq", "regions", ["document_seq"])
    op.create_table(
        "speakers",
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.UniqueConstraint("name", "type", name="uq_speakers_name_type"),
    )
    op.create_table(
        "attributions",
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("document_seq", sa.Integer, sa.ForeignKey("documents.seq"), nullable=False),
        sa.Column("attribution_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("content_start", sa.Integer, nullable=False),
        sa.Column("content_end", sa.Integer, nullable=False),
        sa.Column("cue_start", sa.Integer),
        sa.Column("cue_end", sa.Integer),
        sa.Column("cue_text", sa.Text),
        sa.Column("source_start", sa.Integer),
        sa.Column("source_end", sa.Integer),
        sa.Column("speaker_seq", sa.Integer, sa.ForeignKey("speakers.seq")),
        sa.Column("role", sa.Text),
        sa.Column("venue", sa.Text),
    )
    op.create_index("ix_attributions_document_seq", "attributions", ["document_seq"])
    op.create_index("ix_attributions_speaker_seq", "attributions", ["speaker_seq"])
    op.create_table(
        "techniques",
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("document_seq", sa.Integer, sa.ForeignKey("documents.seq"), nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("technique", sa.String(64), nullable=False),
        sa.Column("confidence", sa.Float),
        sa.Column("voice_kind", sa.String(32)),
        sa.Column("attribution_seq", sa.Integer, sa.ForeignKey("attributions.seq")),
    )
    op.create_index("ix_techniques_technique", "techniques", ["technique"])
    op.create_index("ix_techniques_attribution_seq", "techniques", ["attribution_seq"])
    op.create_index("ix_techniques_document_technique", "techniques", ["document_seq", "technique"])

    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        # External-content FTS5 index over documents (rowid = documents.seq); the store keeps it
        # in sync on insert, so the text is stored once.
        op.execute(
            "CREATE VIRTUAL TABLE documents_fts USING fts5(title, text, content='documents', "
            "content_rowid='seq', tokenize='porter unicode61 remove_diacritics 2')"
        )
    elif dialect == "postgresql":
        op.execute(
            f"ALTER TABLE documents ADD COLUMN tsv tsvector GENERATED ALWAYS AS ({_PG_TSV}) STORED"
        )
        op.execute("CREATE INDEX ix_documents_tsv ON documents USING gin (tsv)")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TABLE documents_fts")
    for name in (
        "techniques",
        "attributions",
        "speakers",
        "regions",
        "document_authors",
        "authors",
        "documents",
        "outlets",
    ):
        op.drop_table(name)
