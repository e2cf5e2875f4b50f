"""Pre-aggregated technique counts for the dashboard (stat_counts), backfilled from the spans.

Revision ID: 0002
Revises: 0001
Create Date: 2025-01-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# (dimension, group expression, FROM clause) — the same definitions as spinscope.store.stats.
_SOURCES = (
    ("technique", "t.technique", "techniques t"),
    (
        "outlet",
        "coalesce(o.name, '(unknown)')",
        "techniques t JOIN documents d ON d.seq = t.document_seq "
        "LEFT OUTER JOIN outlets o ON o.seq = d.outlet_seq",
    ),
    (
        "month",
        "coalesce(d.month, '(unknown)')",
        "techniques t JOIN documents d ON d.seq = t.document_seq",
    ),
    (
        "author",
        "a.name",
        "techniques t JOIN document_authors da ON da.document_seq = t.document_seq "
        "JOIN authors a ON a.seq = da.author_seq",
    ),
    (
        "speaker",
        "s.name",
        "techniques t JOIN attributions at ON at.seq = t.attribution_seq "
        "JOIN speakers s ON s.seq = at.speaker_seq",
    ),
)


def upgrade() -> None:
    op.create_table(
        "stat_counts",
        sa.Column("dimension", sa.String(16), primary_key=True),
        sa.Column("grp", sa.String(300), primary_key=True),
        sa.Column("technique", sa.String(64), primary_key=True),
        sa.Column("spans", sa.Integer, nullable=False),
        sa.Column("documents", sa.Integer, nullable=False),
    )
    for dimension, group, source in _SOURCES:
        op.execute(
            sa.text(
                "INSERT INTO stat_counts (dimension, grp, technique, spans, documents) "
                f"SELECT :dim, {group}, t.technique, count(*), count(DISTINCT t.document_seq) "
                f"FROM {source} GROUP BY {group}, t.technique"
            ).bindparams(dim=dimension)
        )


def downgrade() -> None:
    op.drop_table("stat_counts")
