"""Outlets from URLs: documents stored without an outlet but with an http(s) URL are grouped
under the URL's domain (as new documents are), and the outlet counts of ``stat_counts`` are
recomputed.

Revision ID: 0005
Revises: 0004
Create Date: 2025-02-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_OUTLET_COUNTS = (
    "INSERT INTO stat_counts (dimension, grp, technique, spans, documents) "
    "SELECT 'outlet', coalesce(o.name, '(unknown)'), t.technique, count(*), "
    "count(DISTINCT t.document_seq) FROM techniques t JOIN documents d ON d.seq = t.document_seq "
    "LEFT OUTER JOIN outlets o ON o.seq = d.outlet_seq "
    "GROUP BY coalesce(o.name, '(unknown)'), t.technique"
)


def upgrade() -> None:
    from spinscope.store.store import domain_of

    conn = op.get_bind()
    rows = conn.execute(
        sa.text(
            "SELECT seq, source_url FROM documents "
            "WHERE outlet_seq IS NULL AND source_url IS NOT NULL"
        )
    ).all()
    outlets: dict[str, int] = {}
    for seq, url in rows:
        domain = domain_of(url)
        if not domain:
            continue
        if domain not in outlets:
            found = conn.execute(
                sa.text("SELECT seq FROM outlets WHERE name = :n"), {"n": domain}
            ).scalar()
            if found is None:
                conn.execute(sa.text("INSERT INTO outlets (name) VALUES (:n)"), {"n": domain})
                found = conn.execute(
                    sa.text("SELECT seq FROM outlets WHERE name = :n"), {"n": domain}
                ).scalar_one()
            outlets[domain] = int(found)
        conn.execute(
            sa.text("UPDATE documents SET outlet_seq = :o WHERE seq = :s"),
            {"o": outlets[domain], "s": seq},
        )
    if outlets:
        conn.execute(sa.text("DELETE FROM stat_counts WHERE dimension = 'outlet'"))
        conn.execute(sa.text(_OUTLET_COUNTS))


def downgrade() -> None:
    """Outlets taken from URLs are kept: they are data, not schema."""
