"""Adding analysed documents to the store: one transaction per batch, idempotent by content
hash; outlets, authors, regions, attributions (linked to corpus speakers), techniques, the
statistics counters and the near-duplicate index are written with the document.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

import numpy as np
from sqlalchemy import Connection, Engine, and_, select, text
from sqlalchemy.dialects import postgresql, sqlite

from spinscope.document import Document
from spinscope.store import duplicates as dup
from spinscope.store import schema as t
from spinscope.store.documents import UNKNOWN, month_of, outlet_of
from spinscope.store.engine import WRITE
from spinscope.store.speakers import SpeakerLinker, recount, resolve_in_document


class Writer:
    """Writing documents to one database (``Store.add/add_many``)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name

    def add_many(self, docs: Iterable[Document]) -> list[bool]:
        """Store documents in one transaction; per document, whether it was new."""
        docs = list(docs)
        if not docs:
            return []
        out: list[bool] = []
        # CPU work before taking the write lock: near-duplicate signatures of the bodies.
        sigs = {d.id: dup.document_signature(d) for d in docs}
        with self.engine.execution_options(**WRITE).begin() as conn:
            present = set(
                conn.execute(
                    select(t.documents.c.id).where(t.documents.c.id.in_({d.id for d in docs}))
                ).scalars()
            )
            index: tuple[list[dict[str, Any]], list[dict[str, Any]]] = ([], [])
            for doc in docs:
                if doc.id in present:
                    out.append(False)
                    continue
                added = self._insert(conn, doc, sigs.get(doc.id), index)
                present.add(doc.id)
                out.append(added)
            if index[0]:
                conn.execute(t.minhashes.insert(), index[0])
                conn.execute(t.minhash_bands.insert(), index[1])
        return out

    def _insert_ignore(self, table: Any) -> Any:
        ins = postgresql.insert if self.dialect == "postgresql" else sqlite.insert
        return ins(table)

    def _get_or_create(self, conn: Connection, table: Any, **values: Any) -> int:
        where = and_(*(table.c[k] == v for k, v in values.items()))
        seq = conn.execute(select(table.c.seq).where(where)).scalar()
        if seq is not None:
            return int(seq)
        conn.execute(self._insert_ignore(table).values(**values).on_conflict_do_nothing())
        return int(conn.execute(select(table.c.seq).where(where)).scalar_one())

    def _insert(
        self,
        conn: Connection,
        doc: Document,
        sig: np.ndarray | None = None,
        index: tuple[list[dict[str, Any]], list[dict[str, Any]]] | None = None,
    ) -> bool:
        d = doc.to_dict()
        d.pop("text")
        outlet = outlet_of(doc)
        outlet_seq = self._get_or_create(conn, t.outlets, name=outlet) if outlet else None
        row = {
            "id": doc.id,
            "title": doc.title,
            "published": doc.published,
            "month": month_of(doc.published),
            "outlet_seq": outlet_seq,
            "source_path": doc.source.path,
            "source_url": doc.source.url,
            "source_kind": doc.source.kind,
            "text": doc.text,
            "doc_json": json.dumps(d, ensure_ascii=False),
            "added_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }
        stmt = (
            self._insert_ignore(t.documents)
            .values(**row)
            .on_conflict_do_nothing(index_elements=["id"])
            .returning(t.documents.c.seq)
        )
        seq = conn.execute(stmt).scalar()
        if seq is None:  # a concurrent writer stored the same text first
            return False
        if self.dialect == "sqlite":
            conn.execute(
                text("INSERT INTO documents_fts(rowid, title, text) VALUES (:seq, :title, :text)"),
                {"seq": seq, "title": doc.title or "", "text": doc.text},
            )
        if sig is not None and index is not None:  # written once per transaction (add_many)
            index[0].append({"document_seq": seq, "signature": dup.to_bytes(sig)})
            index[1].extend(
                {"key": k, "document_seq": seq} for k in dict.fromkeys(dup.band_keys(sig))
            )
        seen_authors: set[int] = set()
        author_rows = []
        for pos, name in enumerate(doc.authors):
            a = self._get_or_create(conn, t.authors, name=name[:300])
            if a not in seen_authors:
                seen_authors.add(a)
                author_rows.append({"document_seq": seq, "author_seq": a, "position": pos})
        if author_rows:
            conn.execute(t.document_authors.insert(), author_rows)
        if doc.regions:
            conn.execute(
                t.regions.insert(),
                [
                    {"document_seq": seq, "start": r.start, "end": r.end, "label": r.label}
                    for r in doc.regions
                ],
            )
        att_seq, speaker_of, linker = self._insert_attributions(
            conn, seq, d.get("attributions") or []
        )
        techs = d.get("techniques") or []
        if techs:
            rows = []
            for tech in techs:
                voice = tech.get("voice") or {}
                rows.append(
                    {
                        "document_seq": seq,
                        "start": tech["start"],
                        "end": tech["end"],
                        "technique": tech["technique"],
                        "confidence": tech.get("confidence"),
                        "voice_kind": voice.get("kind"),
                        "attribution_seq": att_seq.get(voice.get("attribution") or ""),
                    }
                )
            conn.execute(t.techniques.insert(), rows)
            self._count(conn, doc, techs, speaker_of)
        linker.settle()
        recount(conn, linker.touched)
        return True

    def _count(
        self,
        conn: Connection,
        doc: Document,
        techs: list[dict[str, Any]],
        speaker_of: dict[str, str],
    ) -> None:
        """Add this document's technique counts to ``stat_counts`` (same groups as stats.py);
        ``speaker_of``: attribution id → corpus speaker name."""
        groups: dict[str, list[str]] = {
            "outlet": [outlet_of(doc) or UNKNOWN],
            "month": [month_of(doc.published) or UNKNOWN],
            "author": list(dict.fromkeys(a[:300] for a in doc.authors)),
        }
        spans: dict[tuple[str, str, str], int] = {}
        for tech in techs:
            name = tech["technique"]
            keys = [("technique", name)] + [(dim, g) for dim, gs in groups.items() for g in gs]
            voice = tech.get("voice") or {}
            speaker = speaker_of.get(str(voice.get("attribution")))
            if speaker:
                keys.append(("speaker", speaker))
            for dim, g in keys:
                spans[(dim, g, name)] = spans.get((dim, g, name), 0) + 1
        if not spans:
            return
        stmt = self._insert_ignore(t.stat_counts)
        stmt = stmt.on_conflict_do_update(
            index_elements=["dimension", "grp", "technique"],
            set_={
                "spans": t.stat_counts.c.spans + stmt.excluded.spans,
                "documents": t.stat_counts.c.documents + stmt.excluded.documents,
            },
        )
        conn.execute(
            stmt,
            [
                {"dimension": k[0], "grp": k[1], "technique": k[2], "spans": n, "documents": 1}
                for k, n in sorted(spans.items())
            ],
        )

    def _insert_attributions(
        self, conn: Connection, doc_seq: int, atts: list[dict[str, Any]]
    ) -> tuple[dict[str, int], dict[str, str], SpeakerLinker]:
        """Insert attribution rows linked to corpus speakers; map attribution id → row seq (for
        technique voice links) and → speaker name (for the statistics). A row that ``continues``
        an earlier one (a statement in pieces) gets that row's seq as ``continues_seq``."""
        out: dict[str, int] = {}
        speaker_of: dict[str, str] = {}
        linker = SpeakerLinker(conn)
        mentions = resolve_in_document([a.get("speaker") for a in atts])
        names: dict[int, str] = {}
        for a, mention in zip(atts, mentions, strict=True):
            speaker = a.get("speaker") or {}
            speaker_seq = resolved = None
            if mention is not None:
                speaker_seq, resolved = linker.link(mention)
            cue = a.get("cue") or {}
            source = a.get("source") or {}
            aid = str(a.get("id") or f"a{len(out) + 1}")
            cont = a.get("continues")
            seq = conn.execute(
                t.attributions.insert()
                .values(
                    document_seq=doc_seq,
                    attribution_id=aid,
                    kind=a.get("kind") or "unknown",
                    content_start=a["content"]["start"],
                    content_end=a["content"]["end"],
                    cue_start=cue.get("start"),
                    cue_end=cue.get("end"),
                    cue_text=cue.get("text"),
                    source_start=source.get("start"),
                    source_end=source.get("end"),
                    speaker_seq=speaker_seq,
                    role=speaker.get("role"),
                    venue=a.get("venue"),
                    speaker_name=mention.variant if mention else None,
                    speaker_key=mention.key.key if mention else None,
                    resolved=resolved,
                    continues_seq=out.get(str(cont)) if cont is not None else None,
                )
                .returning(t.attributions.c.seq)
            ).scalar_one()
            out[aid] = int(seq)
            if speaker_seq is not None:
                if speaker_seq not in names:
                    names[speaker_seq] = linker.name_of(speaker_seq)
                speaker_of[aid] = names[speaker_seq]
        return out, speaker_of, linker
