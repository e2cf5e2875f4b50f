"""A statement in pieces (issue 21): ``attributions.continues_seq`` is the ``seq`` of the row
whose statement this row goes on with (the document's ``continues``), so speaker counts count a
statement once. Additive: one nullable column. Rows stored before this migration keep NULL and
count as statements of their own, as before.

The column is a plain integer, not a declared foreign key: SQLite can add and drop it in place
(``ALTER TABLE`` cannot add a constraint there, nor drop a column that has one).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("attributions", sa.Column("continues_seq", sa.Integer()))


def downgrade() -> None:
    op.execute("ALTER TABLE attributions DROP COLUMN continues_seq")
