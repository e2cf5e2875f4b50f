"""Near-duplicate index: MinHash signatures and LSH band buckets, backfilled for stored documents.

Revision ID: 0003
Revises: 0002
Create Date: 2025-02-01
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_BATCH = 200


def upgrade() -> None:
    op.create_table(
        "minhashes",
        sa.Column("document_seq", sa.Integer, sa.ForeignKey("documents.seq"), primary_key=True),
        sa.Column("signature", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "minhash_bands",
        sa.Column("key", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column(
            "document_seq",
            sa.Integer,
            sa.ForeignKey("documents.seq"),
            primary_key=True,
            autoincrement=False,
        ),
    )
    op.create_index("ix_minhash_bands_document_seq", "minhash_bands", ["document_seq"])
    _backfill()


def _backfill() -> None:
    """Signatures for the documents already stored (read in batches, by seq)."""
    from spinscope.document import Document
    from spinscope.store.duplicates import band_keys, document_signature, to_bytes

    conn = op.get_bind()
    last = 0
    while True:
        rows = conn.execute(
            sa.text(
                "SELECT seq, text, doc_json FROM documents WHERE seq > :last ORDER BY seq LIMIT :n"
            ),
            {"last": last, "n": _BATCH},
        ).all()
        if not rows:
            return
        sigs: list[dict[str, object]] = []
        bands: list[dict[str, object]] = []
        for seq, text, doc_json in rows:
            d = json.loads(doc_json)
            d["text"] = text
            sig = document_signature(Document.from_dict(d))
            if sig is not None:
                sigs.append({"seq": seq, "sig": to_bytes(sig)})
                bands.extend({"key": k, "seq": seq} for k in dict.fromkeys(band_keys(sig)))
        if sigs:
            conn.execute(
                sa.text("INSERT INTO minhashes (document_seq, signature) VALUES (:seq, :sig)"),
                sigs,
            )
            conn.execute(
                sa.text("INSERT INTO minhash_bands (key, document_seq) VALUES (:key, :seq)"),
                bands,
            )
        last = rows[-1][0]


def downgrade() -> None:
    op.drop_index("ix_minhash_bands_document_seq", "minhash_bands")
    op.drop_table("minhash_bands")
    op.drop_table("minhashes")
