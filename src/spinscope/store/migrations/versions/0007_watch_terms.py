"""Watch terms: the corpus's own list of terms to mark in every article view (issue 26).
Additive: a new table, nothing else changes.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "watch_terms",
        sa.Column("seq", sa.Integer(), primary_key=True),
        sa.Column("term", sa.String(200), nullable=False),
        sa.Column("key", sa.String(200), nullable=False, unique=True),
        sa.Column("added_at", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("watch_terms")
