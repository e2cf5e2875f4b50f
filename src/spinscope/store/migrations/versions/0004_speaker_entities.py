"""Speakers as corpus entities: keys and surnames on speakers, the name as written and how it
was linked on attributions; every stored attribution is linked again and the speaker counts of
``stat_counts`` are recomputed.

Revision ID: 0004
Revises: 0003
Create Date: 2025-02-02
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_BATCH = 200


def upgrade() -> None:
    op.add_column("speakers", sa.Column("key", sa.String(300)))
    op.add_column("speakers", sa.Column("surname", sa.String(300)))
    op.create_index("ix_speakers_key_type", "speakers", ["key", "type"], unique=True)
    op.create_index("ix_speakers_surname", "speakers", ["surname"])
    op.add_column("attributions", sa.Column("speaker_name", sa.String(300)))
    op.add_column("attributions", sa.Column("speaker_key", sa.String(300)))
    op.add_column("attributions", sa.Column("resolved", sa.String(16)))
    op.create_index("ix_attributions_speaker_key", "attributions", ["speaker_key"])
    _relink()


def _relink() -> None:
    """Link every attribution again, document by document in the order they were added."""
    from spinscope.store import schema as t
    from spinscope.store.speakers import SpeakerLinker, recount, resolve_in_document

    conn = op.get_bind()
    conn.execute(sa.text("UPDATE attributions SET speaker_seq = NULL"))
    conn.execute(sa.text("DELETE FROM speakers"))
    conn.execute(sa.text("DELETE FROM stat_counts WHERE dimension = 'speaker'"))
    last = 0
    while True:
        docs = conn.execute(
            sa.text("SELECT seq, doc_json FROM documents WHERE seq > :last ORDER BY seq LIMIT :n"),
            {"last": last, "n": _BATCH},
        ).all()
        if not docs:
            break
        for seq, doc_json in docs:
            atts = json.loads(doc_json).get("attributions") or []
            rows: dict[str, int] = dict(
                conn.execute(
                    sa.text("SELECT attribution_id, seq FROM attributions WHERE document_seq = :d"),
                    {"d": seq},
                ).all()
            )
            linker = SpeakerLinker(conn)
            for a, m in zip(
                atts, resolve_in_document([a.get("speaker") for a in atts]), strict=True
            ):
                row = rows.get(str(a.get("id")))
                if m is None or row is None:
                    continue
                speaker_seq, resolved = linker.link(m)
                conn.execute(
                    sa.update(t.attributions)
                    .where(t.attributions.c.seq == row)
                    .values(
                        speaker_seq=speaker_seq,
                        speaker_name=m.variant,
                        speaker_key=m.key.key,
                        resolved=resolved,
                    )
                )
            linker.settle()
        last = docs[-1][0]
    names = set(conn.execute(sa.text("SELECT name FROM speakers")).scalars())
    recount(conn, names)


def downgrade() -> None:
    op.drop_index("ix_attributions_speaker_key", "attributions")
    op.drop_index("ix_speakers_surname", "speakers")
    op.drop_index("ix_speakers_key_type", "speakers")
    for table, column in (
        ("attributions", "resolved"),
        ("attributions", "speaker_key"),
        ("attributions", "speaker_name"),
        ("speakers", "surname"),
        ("speakers", "key"),
    ):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
