"""A statement in pieces ("“…,” said Ann Roe. “…”": a row that ``continues`` another) is one
statement in the store: ``attributions.continues_seq`` (migration 0008), the speaker listing,
the speaker page, unresolved statements and the reviewed-only counts."""

from __future__ import annotations

import sqlalchemy as sa

from spinscope.store import Store
from spinscope.store import schema as t
from spinscope.store.engine import current_revision, migrate
from spinscope.store.review import add_correction, mark_reviewed
from spinscope.store.speakers import corrected_speaker, corrected_speakers, unresolved_statements
from stores import quotation_in_pieces


def _counts(store: Store) -> dict[str, tuple[int, int]]:
    """Speaker name → (statements, documents) as ``Store.speakers`` lists them."""
    return {i["name"]: (i["statements"], i["documents"]) for i in store.speakers()[1]}


def unresolved_statements_of(store: Store) -> int:
    with store.engine.connect() as conn:
        return unresolved_statements(conn)


def _columns(store: Store) -> set[str]:
    return {c["name"] for c in sa.inspect(store.engine).get_columns("attributions")}


def test_the_writer_links_a_piece_to_the_row_it_continues(store: Store) -> None:
    store.add(quotation_in_pieces())
    at = t.attributions
    with store.engine.connect() as conn:
        rows = dict(conn.execute(sa.select(at.c.attribution_id, at.c.seq)).all())
        cont = dict(conn.execute(sa.select(at.c.attribution_id, at.c.continues_seq)).all())
    assert cont == {"a1": None, "a2": rows["a1"], "a3": None}


def test_a_quotation_in_two_pieces_is_one_statement(store: Store) -> None:
    store.add(quotation_in_pieces())
    assert _counts(store) == {"Ann Roe": (1, 1), "Bo Poe": (1, 1)}
    sid = next(i["id"] for i in store.speakers()[1] if i["name"] == "Ann Roe")
    sp = store.speaker(sid)
    assert sp is not None
    assert (sp["statements_total"], sp["statements_once"], sp["documents"]) == (1, 1, 1)
    assert sp["variants"] == [{"name": "Ann Roe", "mentions": 1}]
    assert [(r["role"], r["statements"]) for r in sp["roles"]] == [("mayor", 1)]
    # the techniques in their voice count every piece's spans
    assert sp["techniques"] == [{"technique": "Loaded_Language", "spans": 2, "documents": 1}]
    (st,) = sp["statements"]  # one statement, with its cue; the second piece under it
    assert (st["attribution"], st["cue"], st["text"]) == ("a1", "said", "The evil plan failed")
    assert [x["text"] for x in st["techniques"]] == ["evil"]
    assert st["continued"] == [
        {
            "attribution": "a2",
            "cue": "said",
            "text": "And the corrupt deal failed too",
            "techniques": [{"technique": "Loaded_Language", "confidence": 0.8, "text": "corrupt"}],
        }
    ]


def test_an_unresolved_statement_in_pieces_counts_once(store: Store) -> None:
    store.add(quotation_in_pieces("she", "unknown"))
    assert unresolved_statements_of(store) == 1
    assert _counts(store) == {"Bo Poe": (1, 1)}


def test_reviewed_only_counts_a_statement_in_pieces_once(store: Store) -> None:
    doc = quotation_in_pieces()
    store.add(doc)
    mark_reviewed(store, doc.id, "ann")
    listed = {i["name"]: i["statements"] for i in corrected_speakers(store)["items"]}
    assert listed == {"Ann Roe": 1, "Bo Poe": 1}
    sid = next(i["id"] for i in store.speakers()[1] if i["name"] == "Ann Roe")
    sp = corrected_speaker(store, sid)
    assert sp is not None and sp["statements_total"] == sp["statements_once"] == 1
    (st,) = sp["statements"]
    assert [p["text"] for p in st["continued"]] == ["And the corrupt deal failed too"]
    assert {x["technique"]: x["spans"] for x in sp["techniques"]} == {"Loaded_Language": 2}
    # a reviewer gives the first piece to someone else: the second is Ann Roe's own statement
    add_correction(store, doc.id, "ann", "attributions", "speaker", "a:a1", {"speaker": "Bo Poe"})
    listed = {i["name"]: i["statements"] for i in corrected_speakers(store)["items"]}
    assert listed == {"Ann Roe": 1, "Bo Poe": 2}


def test_0008_adds_and_drops_the_column_and_fills_it_for_stored_documents(store: Store) -> None:
    store.add(quotation_in_pieces())
    assert current_revision(store.engine) == "0008" and "continues_seq" in _columns(store)
    migrate(store.engine, "0007", downgrade=True)
    assert current_revision(store.engine) == "0007"
    assert "continues_seq" not in _columns(store)
    assert store.count() == 1
    migrate(store.engine)
    assert current_revision(store.engine) == "0008" and "continues_seq" in _columns(store)
    at = t.attributions
    with store.engine.connect() as conn:
        # the stored document's JSON says which row the piece continues: filled on upgrade
        rows = dict(conn.execute(sa.select(at.c.attribution_id, at.c.seq)).all())
        links = dict(conn.execute(sa.select(at.c.attribution_id, at.c.continues_seq)).all())
    assert links == {"a1": None, "a2": rows["a1"], "a3": None}
    # stored before 0008 and after: a statement in pieces counts once either way
    assert _counts(store) == {"Ann Roe": (1, 1), "Bo Poe": (1, 1)}
    store.add(quotation_in_pieces(title="Stored after"))
    assert _counts(store) == {"Ann Roe": (2, 2), "Bo Poe": (2, 2)}
