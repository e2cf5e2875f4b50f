"""Review: a user's corrections of a stored document's model layers, kept beside them.

A correction is a record of its own — reviewer, time, layer, action, the model item it concerns
(``item_key``), the model's value (``original``, JSON) and the new one (``value``, JSON) — in the
append-only ``corrections`` table; the document's stored layers are never changed, and no
correction is updated or deleted. An item's state is its corrections folded in the order they
were made, so the latest one wins:

* techniques: ``confirm`` | ``reject`` | ``relabel`` (``{"technique"}``) | ``resize``
  (``{"start", "end"}``) on a model span (``t:{start}:{end}:{technique}``, as stored) or on a
  span the reviewer added; ``add`` (``{"start", "end", "technique"}``) marks a missed span
  (``t+:{start}:{end}:{technique}``). A relabel and a resize compose (the technique of one, the
  edges of the other); a reject hides the item until a later confirm, relabel or resize.
* attributions: ``confirm`` | ``reject`` ("not a statement") | ``speaker`` (``{"speaker"}``)
  on a model attribution (``a:{attribution_id}``) or an added one; ``add``
  (``{"content_start", "content_end", "speaker"[, "source_start", "source_end"]}``) marks a
  missed statement (``a+:{content_start}:{content_end}``).

An item's ``status`` says what the reviewer's corrections make of it: ``rejected``; ``added``
(a span or statement the model missed); ``relabelled`` / ``resized`` (technique / edges
differ from the model's; a relabel counts before a resize) or ``speaker`` (another speaker);
``confirmed`` (reviewed, as the model has it); ``model`` (not reviewed).

``reviews`` records which documents each reviewer marked reviewed (``reviewed_at``, the last
time). Everything that reads corrections for counting goes through :func:`corrected_layers`
or :func:`corrected_corpus`.
"""

from __future__ import annotations

import functools
import json
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Connection, func, select
from sqlalchemy.dialects import postgresql, sqlite

from spinscope.attribution.spans import is_boundary
from spinscope.errors import InputError
from spinscope.store import schema as t
from spinscope.store.engine import WRITE
from spinscope.store.store import Store
from spinscope.techniques.labels import TECHNIQUE_NAMES

LAYERS: dict[str, tuple[str, ...]] = {
    "techniques": ("confirm", "reject", "relabel", "resize", "add"),
    "attributions": ("confirm", "reject", "speaker", "add"),
}
REVIEWER_MAX = 80
SPEAKER_MAX = 300
KEY_MAX = 200
#: Statuses an item can have (see the module docstring).
TECHNIQUE_STATUSES = ("model", "confirmed", "rejected", "relabelled", "resized", "added")
ATTRIBUTION_STATUSES = ("model", "confirmed", "rejected", "speaker", "added")
_BATCH = 200
#: Bidirectional-text controls: they can make a name display as another.
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


class ReviewError(InputError):
    """A refused correction or lookup; ``status`` is the HTTP status it maps to (404: no such
    document; 422: an invalid reviewer, action, item, label or span)."""

    def __init__(self, input_name: str, reason: str, status: int = 422) -> None:
        super().__init__(input_name, reason)
        self.status = status


# -- validation ----------------------------------------------------------------------------


def _bad_char(s: str) -> str | None:
    for ch in s:
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cs", "Co", "Cn", "Zl", "Zp") or ch in _BIDI:
            return f"U+{ord(ch):04X}"
    return None


def check_name(value: object, what: str, limit: int) -> str:
    """A one-line name (spacing collapsed): 1..``limit`` characters, no control characters."""
    if not isinstance(value, str):
        raise ReviewError(what, "must be a string")
    bad = _bad_char(value)
    if bad:
        raise ReviewError(what, f"contains a control character ({bad})")
    name = " ".join(value.split())
    if not name:
        raise ReviewError(what, "is empty")
    if len(name) > limit:
        raise ReviewError(what, f"is too long ({len(name)} characters; at most {limit})")
    return name


def check_reviewer(value: object) -> str:
    """A reviewer name: 1–80 characters on one line, no control characters."""
    return check_name(value, "reviewer", REVIEWER_MAX)


def check_technique(value: object, what: str = "technique") -> str:
    """One of the 14 PTC technique names."""
    if not isinstance(value, str) or value not in TECHNIQUE_NAMES:
        shown = value[:80] if isinstance(value, str) else type(value).__name__
        raise ReviewError(what, f"{shown!r} is not one of the 14 PTC techniques")
    return value


def _wordy(ch: str) -> bool:
    return ch.isalnum() or unicodedata.category(ch).startswith("M")


def check_span(text: str, start: object, end: object, what: str = "span") -> tuple[int, int]:
    """``[start, end)`` as a span of ``text`` under the project's span rules: inside the text,
    not empty, no whitespace at either edge, not starting or ending inside a word, never cutting
    a grapheme cluster (DESIGN.md)."""
    for name, v in (("start", start), ("end", end)):
        if not isinstance(v, int) or isinstance(v, bool):
            raise ReviewError(f"{what}.{name}", "must be an integer offset")
    assert isinstance(start, int) and isinstance(end, int)
    if not 0 <= start < end <= len(text):
        raise ReviewError(
            what, f"[{start}, {end}) is not a non-empty span of the text (0..{len(text)})"
        )
    if text[start].isspace() or text[end - 1].isspace():
        raise ReviewError(what, f"[{start}, {end}) starts or ends in whitespace")
    if not is_boundary(text, start) or not is_boundary(text, end):
        raise ReviewError(what, f"[{start}, {end}) cuts a character (grapheme cluster)")
    if start > 0 and _wordy(text[start - 1]) and _wordy(text[start]):
        raise ReviewError(what, f"[{start}, {end}) starts inside a word")
    if end < len(text) and _wordy(text[end - 1]) and _wordy(text[end]):
        raise ReviewError(what, f"[{start}, {end}) ends inside a word")
    return start, end


@functools.lru_cache(maxsize=1)
def default_confidence() -> float:
    """The shipped technique model's default view threshold (0 without a model): a model span
    at or above it is shown by default."""
    try:
        from spinscope.techniques.model import default_view_confidence

        return default_view_confidence()
    except (OSError, KeyError, ValueError, ImportError):
        return 0.0


# -- keys ----------------------------------------------------------------------------------


def technique_key(start: int, end: int, technique: str) -> str:
    return f"t:{start}:{end}:{technique}"[:KEY_MAX]


def added_technique_key(start: int, end: int, technique: str) -> str:
    return f"t+:{start}:{end}:{technique}"[:KEY_MAX]


def attribution_key(attribution_id: object) -> str:
    return f"a:{attribution_id}"[:KEY_MAX]


def added_attribution_key(content_start: int, content_end: int) -> str:
    return f"a+:{content_start}:{content_end}"


# -- documents and their items ---------------------------------------------------------------


@dataclass
class _Doc:
    seq: int
    id: str
    text: str
    techniques: list[dict[str, Any]]
    attributions: list[dict[str, Any]]


def _doc_of(seq: int, doc_id: str, text: str, doc_json: str) -> _Doc:
    d = json.loads(doc_json)
    return _Doc(
        int(seq), str(doc_id), str(text), d.get("techniques") or [], d.get("attributions") or []
    )


def _load(conn: Connection, doc_id: str) -> _Doc:
    docs = t.documents
    row = conn.execute(
        select(docs.c.seq, docs.c.id, docs.c.text, docs.c.doc_json).where(docs.c.id == doc_id)
    ).first()
    if row is None:
        raise ReviewError("document", f"no document with id {doc_id[:64]!r}", status=404)
    return _doc_of(row.seq, row.id, row.text, row.doc_json)


def _part(value: Any) -> dict[str, int] | None:
    if isinstance(value, dict) and value.get("start") is not None and value.get("end") is not None:
        return {"start": int(value["start"]), "end": int(value["end"])}
    return None


def _model_techniques(doc: _Doc) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for tech in doc.techniques:
        key = technique_key(tech["start"], tech["end"], tech["technique"])
        voice = tech.get("voice") or {}
        out.setdefault(
            key,
            {
                "start": int(tech["start"]),
                "end": int(tech["end"]),
                "technique": str(tech["technique"]),
                "confidence": tech.get("confidence"),
                "attribution": voice.get("attribution"),
            },
        )
    return out


def _model_attributions(doc: _Doc) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for a in doc.attributions:
        key = attribution_key(a.get("id"))
        speaker = (a.get("speaker") or {}).get("name")
        out.setdefault(
            key,
            {
                "attribution_id": None if a.get("id") is None else str(a.get("id")),
                "content": _part(a.get("content")),
                "source": _part(a.get("source")),
                "cue": _part(a.get("cue")),
                "speaker": str(speaker) if speaker else None,
            },
        )
    return out


@dataclass
class _State:
    model: dict[str, Any] | None
    current: dict[str, Any]
    rejected: bool = False
    reviewed: bool = False
    added: bool = False
    order: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Correction:
    layer: str
    action: str
    item_key: str
    value: dict[str, Any]


def _fold(doc: _Doc, corrections: list[_Correction]) -> tuple[dict[str, _State], dict[str, _State]]:
    """Each item's state after ``corrections`` (in the order they were made)."""
    techs = {
        k: _State(m, {"start": m["start"], "end": m["end"], "technique": m["technique"]}, order=i)
        for i, (k, m) in enumerate(_model_techniques(doc).items())
    }
    atts = {
        k: _State(m, {"speaker": m["speaker"]}, order=i)
        for i, (k, m) in enumerate(_model_attributions(doc).items())
    }
    n = len(techs) + len(atts)
    for c in corrections:
        states = techs if c.layer == "techniques" else atts
        n += 1
        if c.action == "add":
            st = states.get(c.item_key)
            if st is None:
                st = states[c.item_key] = _State(None, {}, added=True, order=n)
            st.current = dict(c.value)
            st.rejected, st.reviewed = False, True
            continue
        st = states.get(c.item_key)
        if st is None:  # refused at write time; never expected here
            continue
        st.reviewed = True
        st.rejected = c.action == "reject"
        if c.action == "relabel":
            st.current["technique"] = c.value["technique"]
        elif c.action == "resize":
            st.current["start"], st.current["end"] = c.value["start"], c.value["end"]
        elif c.action == "speaker":
            st.current["speaker"] = c.value["speaker"]
    return techs, atts


def _technique_item(key: str, st: _State, floor: float) -> dict[str, Any]:
    m = st.model
    cur = {k: st.current[k] for k in ("start", "end", "technique")}
    if st.rejected:
        status = "rejected"
    elif st.added:
        status = "added"
    elif m is not None and cur["technique"] != m["technique"]:
        status = "relabelled"
    elif m is not None and (cur["start"], cur["end"]) != (m["start"], m["end"]):
        status = "resized"
    else:
        status = "confirmed" if st.reviewed else "model"
    conf = m.get("confidence") if m else None
    return {
        "key": key,
        **cur,
        "confidence": conf,
        "shown": m is None or conf is None or float(conf) >= floor,
        "status": status,
        "model": (
            {k: m[k] for k in ("start", "end", "technique", "confidence")}
            if m is not None
            else None
        ),
        "current": None if st.rejected else cur,
    }


def _attribution_item(key: str, st: _State) -> dict[str, Any]:
    m = st.model
    if m is not None:
        content, source, cue = m["content"], m["source"], m["cue"]
    else:
        v = st.current
        content = {"start": v["content_start"], "end": v["content_end"]}
        source = (
            {"start": v["source_start"], "end": v["source_end"]}
            if v.get("source_start") is not None
            else None
        )
        cue = None
    model_speaker = m["speaker"] if m is not None else None
    current = st.current.get("speaker")
    if st.rejected:
        status = "rejected"
    elif st.added:
        status = "added"
    elif current != model_speaker:
        status = "speaker"
    else:
        status = "confirmed" if st.reviewed else "model"
    return {
        "key": key,
        "attribution_id": m["attribution_id"] if m is not None else None,
        "content": content,
        "source": source,
        "cue": cue,
        "speaker": model_speaker,
        "status": status,
        "current_speaker": None if st.rejected else current,
    }


def _items(
    doc: _Doc, corrections: list[_Correction]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    techs, atts = _fold(doc, corrections)
    floor = default_confidence()
    t_items = [_technique_item(k, st, floor) for k, st in techs.items()]
    t_items.sort(key=lambda i: (i["start"], i["end"], i["key"]))
    a_items = [_attribution_item(k, st) for k, st in atts.items()]
    a_items.sort(key=lambda i: (i["content"]["start"], i["content"]["end"], i["key"]))
    return t_items, a_items


def _corrections(
    conn: Connection, seqs: list[int], reviewer: str | None
) -> dict[int, list[_Correction]]:
    """Corrections per document, in the order they were made (one reviewer's, or ``reviewer``
    None: none)."""
    out: dict[int, list[_Correction]] = {}
    if reviewer is None or not seqs:
        return out
    c = t.corrections
    for i in range(0, len(seqs), 500):
        q = (
            select(c.c.document_seq, c.c.layer, c.c.action, c.c.item_key, c.c.value)
            .where(c.c.document_seq.in_(seqs[i : i + 500]), c.c.reviewer == reviewer)
            .order_by(c.c.seq)
        )
        for r in conn.execute(q):
            out.setdefault(int(r.document_seq), []).append(
                _Correction(r.layer, r.action, r.item_key, json.loads(r.value) if r.value else {})
            )
    return out


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def _insert_or_update(conn: Connection, table: Any) -> Any:
    return (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(table)


# -- writing -------------------------------------------------------------------------------


def _int(value: dict[str, Any], name: str) -> Any:
    if name not in value:
        raise ReviewError(name, "is required for this action")
    return value[name]


def _validate(
    doc: _Doc,
    layer: str,
    action: str,
    item_key: str | None,
    value: dict[str, Any],
    added: set[str],
) -> tuple[str, dict[str, Any] | None, dict[str, Any] | None]:
    """(item key, original, new value) of a correction, or ReviewError."""
    text = doc.text
    if layer == "techniques":
        model = _model_techniques(doc)
        if action == "add":
            s, e = check_span(text, _int(value, "start"), _int(value, "end"))
            tech = check_technique(value.get("technique"))
            key = added_technique_key(s, e, tech)
            if technique_key(s, e, tech) in model:
                raise ReviewError("add", f"[{s}, {e}) {tech} is a model span: confirm it instead")
            if item_key not in (None, key):
                raise ReviewError("key", f"an added span's key is {key!r}, not {item_key[:80]!r}")
            return key, None, {"start": s, "end": e, "technique": tech}
        key = _known(item_key, model, added)
        orig = model.get(key)
        original = (
            {k: orig[k] for k in ("start", "end", "technique", "confidence")} if orig else None
        )
        if action == "relabel":
            return key, original, {"technique": check_technique(value.get("technique"))}
        if action == "resize":
            s, e = check_span(text, _int(value, "start"), _int(value, "end"))
            return key, original, {"start": s, "end": e}
        return key, original, None
    model_a = _model_attributions(doc)
    if action == "add":
        cs, ce = check_span(
            text, _int(value, "content_start"), _int(value, "content_end"), "content"
        )
        speaker = check_name(value.get("speaker"), "speaker", SPEAKER_MAX)
        new: dict[str, Any] = {"content_start": cs, "content_end": ce, "speaker": speaker}
        has_source = value.get("source_start") is not None or value.get("source_end") is not None
        if has_source:
            ss, se = check_span(text, value.get("source_start"), value.get("source_end"), "source")
            new.update(source_start=ss, source_end=se)
        key = added_attribution_key(cs, ce)
        if any(m["content"] == {"start": cs, "end": ce} for m in model_a.values()):
            raise ReviewError(
                "add", f"[{cs}, {ce}) is a model statement: confirm it or change its speaker"
            )
        if item_key not in (None, key):
            raise ReviewError("key", f"an added statement's key is {key!r}, not {item_key[:80]!r}")
        return key, None, new
    key = _known(item_key, model_a, added)
    orig_a = model_a.get(key)
    if action == "speaker":
        return key, orig_a, {"speaker": check_name(value.get("speaker"), "speaker", SPEAKER_MAX)}
    return key, orig_a, None


def _known(item_key: str | None, model: dict[str, Any], added: set[str]) -> str:
    if item_key is None:
        raise ReviewError("key", "is required for this action")
    if not isinstance(item_key, str):
        raise ReviewError("key", "must be a string")
    if item_key in model or item_key in added:
        return item_key
    raise ReviewError("key", f"{item_key[:KEY_MAX]!r} is no item of this document")


def add_correction(
    store: Store,
    doc_id: str,
    reviewer: str,
    layer: str,
    action: str,
    item_key: str | None,
    value: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Record one correction and return the item as it now stands (the shape of
    :func:`review_state`'s items). ``item_key``: the model item's key, or an added item's key
    (the reviewer's own adds); None for ``add`` (derived from the value). ReviewError (404: no
    such document; 422: anything else invalid) — nothing is written then."""
    reviewer = check_reviewer(reviewer)
    if layer not in LAYERS:
        raise ReviewError("layer", f"{str(layer)[:40]!r} is not one of {', '.join(LAYERS)}")
    if action not in LAYERS[layer]:
        raise ReviewError(
            "action",
            f"{str(action)[:40]!r} is not an action on {layer} ({', '.join(LAYERS[layer])})",
        )
    value = dict(value or {})
    c = t.corrections
    with store.engine.execution_options(**WRITE).begin() as conn:
        doc = _load(conn, doc_id)
        added = set(
            conn.execute(
                select(c.c.item_key).where(
                    c.c.document_seq == doc.seq,
                    c.c.reviewer == reviewer,
                    c.c.layer == layer,
                    c.c.action == "add",
                )
            ).scalars()
        )
        key, original, new = _validate(doc, layer, action, item_key, value, added)
        conn.execute(
            c.insert().values(
                document_seq=doc.seq,
                reviewer=reviewer,
                created_at=_now(),
                layer=layer,
                action=action,
                item_key=key,
                original=None if original is None else json.dumps(original, ensure_ascii=False),
                value=None if new is None else json.dumps(new, ensure_ascii=False),
            )
        )
        corrections = _corrections(conn, [doc.seq], reviewer).get(doc.seq, [])
    t_items, a_items = _items(doc, corrections)
    return next(i for i in (t_items if layer == "techniques" else a_items) if i["key"] == key)


def mark_reviewed(store: Store, doc_id: str, reviewer: str) -> dict[str, Any]:
    """Record that ``reviewer`` finished reviewing the document (again: the time is updated);
    ``{"reviewed": True, "reviewed_at": ISO time}``."""
    reviewer = check_reviewer(reviewer)
    r = t.reviews
    at = _now()
    with store.engine.execution_options(**WRITE).begin() as conn:
        doc = _load(conn, doc_id)
        stmt = _insert_or_update(conn, r).values(
            document_seq=doc.seq, reviewer=reviewer, reviewed_at=at
        )
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=["document_seq", "reviewer"], set_={"reviewed_at": at}
            )
        )
    return {"reviewed": True, "reviewed_at": at}


# -- reading -------------------------------------------------------------------------------


def reviewed_documents(store: Store, reviewer: str | None = None) -> list[str]:
    """Ids of the documents marked reviewed (by ``reviewer``, or by anyone), in the order they
    were stored."""
    r, docs = t.reviews, t.documents
    q = select(docs.c.id).where(
        docs.c.seq.in_(
            select(r.c.document_seq).where(r.c.reviewer == reviewer)
            if reviewer is not None
            else select(r.c.document_seq)
        )
    )
    with store.engine.connect() as conn:
        return list(conn.execute(q.order_by(docs.c.seq)).scalars())


def reviewers(store: Store, doc_id: str | None = None) -> list[str]:
    """Names of everyone who corrected or reviewed (this document, or any), sorted."""
    c, r, docs = t.corrections, t.reviews, t.documents
    qc, qr = select(c.c.reviewer).distinct(), select(r.c.reviewer).distinct()
    if doc_id is not None:
        seq = select(docs.c.seq).where(docs.c.id == doc_id).scalar_subquery()
        qc, qr = qc.where(c.c.document_seq == seq), qr.where(r.c.document_seq == seq)
    with store.engine.connect() as conn:
        names = set(conn.execute(qc).scalars()) | set(conn.execute(qr).scalars())
    return sorted(names)


def _reviews_of(conn: Connection, seqs: list[int]) -> dict[int, list[tuple[str, str]]]:
    """Per document: (reviewer, reviewed_at), latest first."""
    r = t.reviews
    out: dict[int, list[tuple[str, str]]] = {}
    for i in range(0, len(seqs), 500):
        q = select(r.c.document_seq, r.c.reviewer, r.c.reviewed_at).where(
            r.c.document_seq.in_(seqs[i : i + 500])
        )
        for row in conn.execute(q):
            out.setdefault(int(row.document_seq), []).append((row.reviewer, row.reviewed_at))
    for v in out.values():
        v.sort(key=lambda x: (x[1], x[0]), reverse=True)
    return out


def _effective_reviewer(conn: Connection, seq: int) -> str | None:
    """The reviewer whose corrections count when none is named: the one who marked the
    document reviewed last; else the one who corrected it last; else None (model layers)."""
    done = _reviews_of(conn, [seq]).get(seq)
    if done:
        return done[0][0]
    c = t.corrections
    return conn.execute(
        select(c.c.reviewer).where(c.c.document_seq == seq).order_by(c.c.seq.desc()).limit(1)
    ).scalar()


def _reviewed_by(
    conn: Connection, doc_id: str, reviewer: str | None
) -> tuple[_Doc, str | None, list[_Correction]]:
    """(document, reviewer, corrections): the reviewer whose corrections count (``reviewer``,
    checked; None: the one :func:`_effective_reviewer` finds) and those corrections in order.
    ReviewError 422 for a bad name (checked first), 404 for an unknown document."""
    if reviewer is not None:
        reviewer = check_reviewer(reviewer)
    doc = _load(conn, doc_id)
    if reviewer is None:
        reviewer = _effective_reviewer(conn, doc.seq)
    return doc, reviewer, _corrections(conn, [doc.seq], reviewer).get(doc.seq, [])


def review_state(store: Store, doc_id: str, reviewer: str | None = None) -> dict[str, Any]:
    """A document's review as one reviewer sees it (``reviewer`` None: the reviewer of
    :func:`corrected_layers`): every technique span and statement of the model, and those the
    reviewer added, each with its status, the model's value and the current one; the speakers
    the article's statements give (for a pick list). ReviewError 404 for an unknown document."""
    with store.engine.connect() as conn:
        doc, reviewer, corrections = _reviewed_by(conn, doc_id, reviewer)
        done = dict(_reviews_of(conn, [doc.seq]).get(doc.seq, []))
    t_items, a_items = _items(doc, corrections)
    names: dict[str, None] = {}
    for a in a_items:
        for name in (a["speaker"], a["current_speaker"]):
            if name:
                names.setdefault(name)
    return {
        "document_id": doc.id,
        "reviewer": reviewer,
        "reviewed": reviewer in done,
        "reviewed_at": done.get(reviewer) if reviewer is not None else None,
        "reviewers": reviewers(store, doc.id),
        "techniques": t_items,
        "attributions": a_items,
        "speakers": list(names),
    }


def _corrected(doc: _Doc, reviewer: str | None, corrections: list[_Correction]) -> dict[str, Any]:
    t_items, a_items = _items(doc, corrections)
    atts = [
        {k: a[k] for k in ("key", "attribution_id", "content", "source", "cue", "status")}
        | {"speaker": a["current_speaker"], "model_speaker": a["speaker"]}
        for a in a_items
        if a["status"] != "rejected"
    ]
    live = {a["attribution_id"]: a["key"] for a in atts if a["attribution_id"] is not None}
    # a statement in pieces: the key of the (not rejected) row a model row goes on with
    goes_on = {
        str(a["id"]): str(a["continues"])
        for a in doc.attributions
        if a.get("continues") is not None and a.get("id") is not None
    }
    for a in atts:
        head = goes_on.get(a["attribution_id"]) if a["attribution_id"] is not None else None
        a["continues"] = live.get(head) if head is not None else None
    added = [a for a in atts if a["status"] == "added"]
    model = _model_techniques(doc)
    techs = []
    for i in t_items:
        if i["status"] == "rejected" or (i["status"] == "model" and not i["shown"]):
            continue
        cur = i["current"]
        m = model.get(i["key"])
        # the model's voice while its statement stands; else a statement around the span (for
        # a model span, only one the reviewer added: the model's own voice decision stands)
        voice = live.get(str(m["attribution"])) if m and m["attribution"] is not None else None
        if voice is None:
            voice = next(
                (
                    a["key"]
                    for a in (atts if m is None else added)
                    if a["content"]["start"] <= cur["start"] and cur["end"] <= a["content"]["end"]
                ),
                None,
            )
        techs.append(
            {
                "key": i["key"],
                **cur,
                "confidence": i["confidence"],
                "status": i["status"],
                "attribution": voice,
            }
        )
    return {
        "document_id": doc.id,
        "reviewer": reviewer,
        "labels": "corrected" if reviewer is not None else "model",
        "techniques": techs,
        "attributions": atts,
    }


def corrected_layers(store: Store, doc_id: str, reviewer: str | None = None) -> dict[str, Any]:
    """A document's effective layers after ``reviewer``'s corrections.

    ``techniques``: ``[{"key", "start", "end", "technique", "confidence" (the model's; None
    for added spans), "status", "attribution" (key of the statement whose voice it is, or
    None)}]`` — rejected spans removed, relabelled and resized ones as corrected, added ones in;
    a model span below the default view that the reviewer did not review is left out (it was
    never shown). ``attributions``: ``[{"key", "attribution_id", "content", "source", "cue",
    "speaker" (the effective speaker), "model_speaker", "status", "continues" (the key of the
    statement this row is a further piece of, or None)}]`` without rejected ones.

    With ``reviewer`` None, the corrections of the reviewer who marked the document reviewed
    last count (several reviewers: the latest ``reviewed_at``); without any review, those of
    the reviewer who corrected it last; with no correction at all, the model's layers
    (``"labels": "model"``)."""
    with store.engine.connect() as conn:
        doc, reviewer, corrections = _reviewed_by(conn, doc_id, reviewer)
    return _corrected(doc, reviewer, corrections)


def corrected_corpus(store: Store, reviewer: str | None = None) -> Iterator[dict[str, Any]]:
    """:func:`corrected_layers` of every reviewed document (by ``reviewer``, or by anyone,
    each with its latest reviewer's corrections), in the order they were stored, read in
    batches; each dict also has ``seq`` (the document's row number)."""
    r, docs = t.reviews, t.documents
    with store.engine.connect() as conn:
        q = select(r.c.document_seq).distinct()
        if reviewer is not None:
            q = q.where(r.c.reviewer == check_reviewer(reviewer))
        seqs = sorted(int(s) for s in conn.execute(q).scalars())
    for i in range(0, len(seqs), _BATCH):
        chunk = seqs[i : i + _BATCH]
        with store.engine.connect() as conn:
            who = (
                dict.fromkeys(chunk, reviewer)
                if reviewer is not None
                else {s: v[0][0] for s, v in _reviews_of(conn, chunk).items()}
            )
            by_reviewer: dict[str, list[int]] = {}
            for s, name in who.items():
                if name is not None:
                    by_reviewer.setdefault(name, []).append(s)
            corrections: dict[int, list[_Correction]] = {}
            for name, group in by_reviewer.items():
                corrections.update(_corrections(conn, group, name))
            rows = conn.execute(
                select(docs.c.seq, docs.c.id, docs.c.text, docs.c.doc_json)
                .where(docs.c.seq.in_(chunk))
                .order_by(docs.c.seq)
            ).all()
        for row in rows:
            doc = _doc_of(row.seq, row.id, row.text, row.doc_json)
            out = _corrected(doc, who.get(doc.seq), corrections.get(doc.seq, []))
            out["seq"] = doc.seq
            yield out


def review_count(store: Store) -> int:
    """Documents marked reviewed by anyone."""
    r = t.reviews
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count(r.c.document_seq.distinct()))).scalar_one())
