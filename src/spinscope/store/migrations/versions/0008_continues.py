"""A statement in pieces (issue 21): ``attributions.continues_seq`` is the ``seq`` of the row
whose statement this row goes on with (the document's ``continues``), so speaker counts count a
statement once. Additive: one nullable column, filled for the documents already stored from
their stored JSON (its ``continues``), so their statements in pieces count once too.

The column is a plain integer, not a declared foreign key: SQLite can add and drop it in place
(``ALTER TABLE`` cannot add a constraint there, nor drop a column that has one).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


_BATCH = 200


def upgrade() -> None:
    op.add_column("attributions", sa.Column("continues_seq", sa.Integer()))
    _backfill()


def _backfill() -> None:
    """Each stored document's rows that ``continues`` another get that row's seq."""
    conn = op.get_bind()
    last = 0
    while True:
        docs = conn.execute(
            sa.text("SELECT seq, doc_json FROM documents WHERE seq > :last ORDER BY seq LIMIT :n"),
            {"last": last, "n": _BATCH},
        ).all()
        if not docs:
            break
        for seq, doc_json in docs:
            last = seq
            try:
                atts = json.loads(doc_json).get("attributions") or []
            except (TypeError, ValueError):
                continue  # no readable JSON: its rows keep NULL and count as before
            links = {
                str(a["id"]): str(a["continues"])
                for a in atts
                if isinstance(a, dict) and a.get("id") and a.get("continues")
            }
            if not links:
                continue
            rows: dict[str, int] = dict(
                conn.execute(
                    sa.text("SELECT attribution_id, seq FROM attributions WHERE document_seq = :d"),
                    {"d": seq},
                ).all()
            )
            for aid, head in links.items():
                if aid in rows and head in rows:
                    conn.execute(
                        sa.text("UPDATE attributions SET continues_seq = :h WHERE seq = :s"),
                        {"h": rows[head], "s": rows[aid]},
                    )


def downgrade() -> None:
    op.execute("ALTER TABLE attributions DROP COLUMN continues_seq")
