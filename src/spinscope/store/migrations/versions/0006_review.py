"""Review: a reviewer's corrections of a document's model layers (append-only) and the
documents each reviewer marked reviewed. Additive: existing documents are untouched.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "corrections",
        sa.Column("seq", sa.Integer(), primary_key=True),
        sa.Column("document_seq", sa.Integer(), sa.ForeignKey("documents.seq"), nullable=False),
        sa.Column("reviewer", sa.String(80), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("layer", sa.String(16), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("item_key", sa.String(200), nullable=False),
        sa.Column("original", sa.Text()),
        sa.Column("value", sa.Text()),
    )
    op.create_index("ix_corrections_document_seq", "corrections", ["document_seq"])
    op.create_table(
        "reviews",
        sa.Column("document_seq", sa.Integer(), sa.ForeignKey("documents.seq"), primary_key=True),
        sa.Column("reviewer", sa.String(80), primary_key=True),
        sa.Column("reviewed_at", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("reviews")
    op.drop_index("ix_corrections_document_seq", "corrections")
    op.drop_table("corrections")
