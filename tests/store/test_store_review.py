"""Review store: corrections are append-only records beside the model's layers; the latest
correction of an item wins; the 0006 migration upgrades a 0005 store in place."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import func, select

from spinscope.document import Document
from spinscope.store import Store
from spinscope.store import schema as t
from spinscope.store.engine import current_revision, migrate
from spinscope.store.review import (
    ReviewError,
    add_correction,
    check_span,
    corrected_corpus,
    corrected_layers,
    mark_reviewed,
    review_state,
    reviewed_documents,
    reviewers,
)
from stores import REVIEW_BODY, elsewhere_doc, make_doc, stat_corpus


def _doc() -> Document:
    return make_doc(
        REVIEW_BODY,
        techniques=(
            ("evil enemy", "Name_Calling,Labeling", 0.9),
            ("corrupt", "Loaded_Language", 0.8),
            ("disgrace", "Loaded_Language", 0.05),  # below any default view
        ),
        quotes=(("the evil enemy will fall", "said", "Gen. Ann Roe"),),
    )


@pytest.fixture
def doc(store: Store) -> Document:
    d = _doc()
    store.add(d)
    return d


def _at(doc: Document, phrase: str) -> tuple[int, int]:
    s = doc.text.index(phrase)
    return s, s + len(phrase)


def _key(doc: Document, phrase: str, tech: str) -> str:
    s, e = _at(doc, phrase)
    return f"t:{s}:{e}:{tech}"


def _correct(
    store: Store,
    doc: Document,
    layer: str,
    action: str,
    key: str | None = None,
    value: dict[str, object] | None = None,
) -> dict[str, Any]:
    """ann's correction of ``doc``: :func:`add_correction`."""
    return add_correction(store, doc.id, "ann", layer, action, key, value)


def _add_span(store: Store, doc: Document, start: int, end: int, technique: str) -> dict[str, Any]:
    """ann adds the technique span [start, end) to ``doc``."""
    return _correct(
        store, doc, "techniques", "add", None, {"start": start, "end": end, "technique": technique}
    )


def _item(state: dict[str, object], key: str) -> dict[str, object]:
    items = state["techniques"] + state["attributions"]  # type: ignore[operator]
    return next(i for i in items if i["key"] == key)


def test_state_without_corrections_is_the_model(store: Store, doc: Document) -> None:
    st = review_state(store, doc.id, "ann")
    assert st["document_id"] == doc.id and st["reviewer"] == "ann"
    assert st["reviewed"] is False and st["reviewers"] == []
    assert [i["status"] for i in st["techniques"]] == ["model"] * 3
    first = st["techniques"][0]
    s, e = _at(doc, "evil enemy")
    assert first["model"] == {
        "start": s,
        "end": e,
        "technique": "Name_Calling,Labeling",
        "confidence": 0.9,
    }
    assert first["current"] == {"start": s, "end": e, "technique": "Name_Calling,Labeling"}
    [att] = st["attributions"]
    assert att["key"] == "a:a1" and att["speaker"] == "Gen. Ann Roe"
    assert att["status"] == "model" and att["current_speaker"] == "Gen. Ann Roe"
    assert att["cue"] == dict(zip(("start", "end"), _at(doc, "said"), strict=True))
    assert st["speakers"] == ["Gen. Ann Roe"]


def test_each_action_and_the_latest_wins(store: Store, doc: Document) -> None:
    k_evil = _key(doc, "evil enemy", "Name_Calling,Labeling")
    k_corrupt = _key(doc, "corrupt", "Loaded_Language")
    item = _correct(store, doc, "techniques", "confirm", k_evil, {})
    assert item["status"] == "confirmed"
    item = _correct(store, doc, "techniques", "reject", k_evil, {})
    assert item["status"] == "rejected" and item["current"] is None
    item = _correct(store, doc, "techniques", "confirm", k_evil, {})
    assert item["status"] == "confirmed"  # the latest correction wins
    item = _correct(store, doc, "techniques", "relabel", k_corrupt, {"technique": "Doubt"})
    assert item["status"] == "relabelled" and item["current"]["technique"] == "Doubt"
    s, e = _at(doc, "the corrupt plan")
    item = _correct(store, doc, "techniques", "resize", k_corrupt, {"start": s, "end": e})
    # a resize after a relabel keeps the relabel: both corrections stand
    assert item["current"] == {"start": s, "end": e, "technique": "Doubt"}
    assert item["status"] == "relabelled"
    a, b = _at(doc, "disgrace")
    added = _add_span(store, doc, a - 2, b, "Name_Calling,Labeling")
    assert added["key"] == f"t+:{a - 2}:{b}:Name_Calling,Labeling"
    assert added["status"] == "added" and added["model"] is None and added["shown"]
    att = _correct(store, doc, "attributions", "speaker", "a:a1", {"speaker": "X"})
    assert att["status"] == "speaker" and att["current_speaker"] == "X"
    assert att["speaker"] == "Gen. Ann Roe"
    cs, ce = _at(doc, "Critics called it a disgrace")
    ss, se = _at(doc, "Bo Poe")
    new = _correct(
        store,
        doc,
        "attributions",
        "add",
        None,
        {
            "content_start": cs,
            "content_end": ce,
            "speaker": "Bo Poe",
            "source_start": ss,
            "source_end": se,
        },
    )
    assert new == {
        "key": f"a+:{cs}:{ce}",
        "attribution_id": None,
        "content": {"start": cs, "end": ce},
        "source": {"start": ss, "end": se},
        "cue": None,
        "speaker": None,
        "status": "added",
        "current_speaker": "Bo Poe",
    }
    st = review_state(store, doc.id, "ann")
    assert st["reviewers"] == ["ann"]
    assert _item(st, k_evil)["status"] == "confirmed"
    assert _item(st, "a:a1")["current_speaker"] == "X"
    assert st["speakers"] == ["Gen. Ann Roe", "X", "Bo Poe"]
    # another reviewer sees the model
    other = review_state(store, doc.id, "bo")
    assert {i["status"] for i in other["techniques"]} == {"model"}
    # corrections are records of their own: the document keeps the model's layers
    assert store.get(doc.id) == doc
    with store.engine.connect() as conn:
        rows = conn.execute(select(t.corrections).order_by(t.corrections.c.seq)).all()
    assert [r.action for r in rows] == [
        "confirm", "reject", "confirm", "relabel", "resize", "add", "speaker", "add"
    ]  # fmt: skip
    assert json.loads(rows[3].original)["technique"] == "Loaded_Language"
    assert json.loads(rows[3].value) == {"technique": "Doubt"}
    assert rows[5].original is None


def test_an_added_item_can_be_withdrawn_and_corrected(store: Store, doc: Document) -> None:
    a, b = _at(doc, "disgrace")
    added = _add_span(store, doc, a, b, "Doubt")
    item = _correct(store, doc, "techniques", "relabel", added["key"], {"technique": "Slogans"})
    assert item["status"] == "added" and item["current"]["technique"] == "Slogans"
    assert _correct(store, doc, "techniques", "reject", added["key"])["status"] == "rejected"
    assert [x["key"] for x in corrected_layers(store, doc.id, "ann")["techniques"]] == [
        _key(doc, "evil enemy", "Name_Calling,Labeling"),
        _key(doc, "corrupt", "Loaded_Language"),
    ]
    # someone else's added key is not theirs to correct
    with pytest.raises(ReviewError) as e:
        add_correction(store, doc.id, "bo", "techniques", "reject", added["key"])
    assert e.value.status == 422 and "no item" in str(e.value)


@pytest.mark.parametrize(
    ("layer", "action", "key", "value", "words"),
    [
        ("techniques", "delete", "t:x", {}, "not an action"),
        ("speakers", "confirm", "t:x", {}, "not one of"),
        ("techniques", "confirm", "t:0:1:Doubt", {}, "no item"),
        ("techniques", "confirm", None, {}, "required"),
        ("attributions", "relabel", "a:a1", {}, "not an action"),
        ("techniques", "relabel", "EVIL", {"technique": "Propaganda"}, "14 PTC"),
        ("techniques", "resize", "EVIL", {"start": 0, "end": 10**6}, "not a non-empty span"),
        ("techniques", "resize", "EVIL", {"start": "1", "end": 5}, "integer"),
        ("techniques", "add", None, {"start": "EV", "end": "IL", "technique": "Doubt"}, "word"),
        ("techniques", "add", None, {"start": "SP", "end": "IL", "technique": "Doubt"}, "space"),
        ("techniques", "add", None, {"start": "S0", "end": "IL"}, "14 PTC"),
        ("attributions", "speaker", "a:a1", {"speaker": "A\nB"}, "control"),
        ("attributions", "speaker", "a:a1", {"speaker": "  "}, "empty"),
        ("attributions", "speaker", "a:a1", {"speaker": "x" * 301}, "too long"),
        ("attributions", "add", None, {"content_start": "S0", "content_end": "IL"}, "speaker"),
    ],
)
def test_invalid_corrections_are_refused(
    store: Store,
    doc: Document,
    layer: str,
    action: str,
    key: str | None,
    value: dict[str, object],
    words: str,
) -> None:
    s, e = _at(doc, "evil enemy")
    marks = {"S0": s, "EV": s + 1, "IL": e, "SP": s - 1}  # EV: inside "evil"; SP: a space
    value = {k: marks.get(v, v) if isinstance(v, str) else v for k, v in value.items()}
    if key == "EVIL":
        key = _key(doc, "evil enemy", "Name_Calling,Labeling")
    with pytest.raises(ReviewError) as err:
        _correct(store, doc, layer, action, key, value)
    assert err.value.status == 422
    assert words in str(err.value)
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(t.corrections)).scalar_one() == 0


def test_unknown_document_and_bad_reviewer(store: Store, doc: Document) -> None:
    with pytest.raises(ReviewError) as e:
        add_correction(store, "0" * 64, "ann", "techniques", "confirm", "t:0:1:Doubt")
    assert e.value.status == 404
    with pytest.raises(ReviewError) as e:
        review_state(store, "nope", "ann")
    assert e.value.status == 404
    for bad in ("", "   ", "a" * 81, "ann\x00", "ann\u202e"):
        with pytest.raises(ReviewError) as e:
            mark_reviewed(store, doc.id, bad)
        assert e.value.status == 422
    assert review_state(store, doc.id, "  ann   lee ")["reviewer"] == "ann lee"


def test_add_refuses_a_model_item_twice(store: Store, doc: Document) -> None:
    s, e = _at(doc, "evil enemy")
    with pytest.raises(ReviewError, match="confirm it instead"):
        _add_span(store, doc, s, e, "Name_Calling,Labeling")
    c0, c1 = _at(doc, "the evil enemy will fall")
    with pytest.raises(ReviewError, match="model statement"):
        _correct(
            store,
            doc,
            "attributions",
            "add",
            None,
            {"content_start": c0, "content_end": c1, "speaker": "Ann"},
        )


def test_check_span_rules() -> None:
    text = "Wow 👍🏽 the flag 🇫🇷 é is here"
    assert check_span(text, 0, 3) == (0, 3)
    thumbs = text.index("👍")
    assert check_span(text, thumbs, thumbs + 2) == (thumbs, thumbs + 2)
    with pytest.raises(ReviewError, match="grapheme"):
        check_span(text, thumbs, thumbs + 1)
    flag = text.index("🇫")
    with pytest.raises(ReviewError, match="grapheme"):
        check_span(text, flag, flag + 1)
    with pytest.raises(ReviewError, match="inside a word"):
        check_span(text, 1, 3)
    with pytest.raises(ReviewError, match="inside a word"):
        check_span(text, 0, 2)
    with pytest.raises(ReviewError, match="whitespace"):
        check_span(text, 0, 4)
    with pytest.raises(ReviewError, match="non-empty"):
        check_span(text, 3, 3)


def test_reviewed_documents_and_corrected_layers(store: Store, doc: Document) -> None:
    other = make_doc("Another body with a lie in it.", title="Other")
    store.add(other)
    assert reviewed_documents(store) == []
    k_evil = _key(doc, "evil enemy", "Name_Calling,Labeling")
    _correct(store, doc, "techniques", "reject", k_evil)
    add_correction(store, doc.id, "bo", "attributions", "speaker", "a:a1", {"speaker": "Bo"})
    # without reviews: the reviewer who corrected last counts
    assert corrected_layers(store, doc.id)["reviewer"] == "bo"
    mark_reviewed(store, doc.id, "bo")
    first = mark_reviewed(store, doc.id, "ann")
    assert first["reviewed"] is True
    assert reviewed_documents(store) == [doc.id]
    assert reviewed_documents(store, "bo") == [doc.id]
    assert reviewed_documents(store, "cy") == []
    assert reviewers(store) == ["ann", "bo"] == reviewers(store, doc.id)
    assert reviewers(store, other.id) == []
    # the latest reviewed_at wins: ann
    layers = corrected_layers(store, doc.id)
    assert layers["reviewer"] == "ann" and layers["labels"] == "corrected"
    assert [x["technique"] for x in layers["techniques"]] == ["Loaded_Language"]
    # "disgrace" (0.05) is below the default view and unreviewed: left out — unless the
    # model shows everything (no model installed)
    assert [a["speaker"] for a in layers["attributions"]] == ["Gen. Ann Roe"]
    bo = corrected_layers(store, doc.id, "bo")
    assert [a["speaker"] for a in bo["attributions"]] == ["Bo"]
    assert bo["techniques"][0]["attribution"] == "a:a1"  # the voice follows the statement
    mark_reviewed(store, doc.id, "bo")  # bo again, later
    assert corrected_layers(store, doc.id)["reviewer"] == "bo"
    assert review_state(store, doc.id, "bo")["reviewed"] is True
    assert review_state(store, doc.id, "cy")["reviewed"] is False
    corpus = list(corrected_corpus(store))
    assert [c["document_id"] for c in corpus] == [doc.id]
    assert corpus[0]["reviewer"] == "bo"
    assert [c["reviewer"] for c in corrected_corpus(store, "ann")] == ["ann"]
    untouched = corrected_layers(store, other.id)
    assert untouched["labels"] == "model" and untouched["reviewer"] is None


def test_rejected_statement_gives_its_spans_back_to_the_outlet(store: Store, doc: Document) -> None:
    _correct(store, doc, "attributions", "reject", "a:a1")
    layers = corrected_layers(store, doc.id, "ann")
    assert layers["attributions"] == []
    assert all(x["attribution"] is None for x in layers["techniques"])
    cs, ce = _at(doc, "the evil enemy will fall")
    a, b = _at(doc, "enemy will fall")
    # an added span inside a standing statement is that statement's voice
    _correct(store, doc, "attributions", "confirm", "a:a1")
    _add_span(store, doc, a, b, "Doubt")
    layers = corrected_layers(store, doc.id, "ann")
    voice = {x["technique"]: x["attribution"] for x in layers["techniques"]}
    assert voice["Doubt"] == "a:a1" and cs <= a


def _head() -> str | None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from spinscope.store.engine import MIGRATIONS

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg).get_current_head()


def test_a_0005_store_upgrades_in_place(store: Store) -> None:
    """A database made at 0005 (before review) gains the review tables and keeps its
    documents; downgrading drops only them."""
    docs = [_doc(), make_doc("Another body with a lie in it.", title="Other")]
    store.add_many(docs)
    migrate(store.engine, "0005", downgrade=True)
    assert current_revision(store.engine) == "0005"
    with store.engine.connect() as conn:
        tables = store.engine.dialect.get_table_names(conn)
    assert "corrections" not in tables and "reviews" not in tables
    migrate(store.engine)
    assert current_revision(store.engine) == "0008"  # head (0008: statements in pieces)
    assert store.count() == 2
    assert [store.get(d.id) for d in docs] == docs
    item = add_correction(
        store, docs[0].id, "ann", "attributions", "speaker", "a:a1", {"speaker": "Z"}
    )
    assert item["current_speaker"] == "Z"
    mark_reviewed(store, docs[0].id, "ann")
    assert reviewed_documents(store) == [docs[0].id]


# -- counts over reviewed articles, with corrected labels ------------------------------------


def _corpus(store: Store) -> list[Document]:
    docs = stat_corpus()
    store.add_many(docs)
    return docs


def test_reviewed_without_corrections_counts_as_the_model(store: Store) -> None:
    from spinscope.store import STATS_BY
    from spinscope.store.stats import corrected_stats, stats_from_spans, story_stats

    docs = _corpus(store)
    assert corrected_stats(store, "technique").rows == []
    for d in docs:
        mark_reviewed(store, d.id, "ann")
    for by in STATS_BY:
        cs = corrected_stats(store, by)
        assert cs.rows == stats_from_spans(store, by), by
        assert cs.per_story == story_stats(store, by), by
        assert cs.documents == 4


def test_reviewed_only_counts_corrected_labels(store: Store, doc: Document) -> None:
    from spinscope.store.speakers import corrected_speaker, corrected_speakers
    from spinscope.store.stats import StatRow, corrected_stats, stats

    other = elsewhere_doc()
    store.add(other)
    model_before = stats(store, "technique")
    k_evil = _key(doc, "evil enemy", "Name_Calling,Labeling")
    _correct(store, doc, "techniques", "reject", k_evil)
    _correct(
        store,
        doc,
        "techniques",
        "relabel",
        _key(doc, "corrupt", "Loaded_Language"),
        {"technique": "Doubt"},
    )
    # a span the default view hid, confirmed by the reviewer: it counts
    _correct(store, doc, "techniques", "confirm", _key(doc, "disgrace", "Loaded_Language"))
    a, b = _at(doc, "will fall")
    _add_span(store, doc, a, b, "Slogans")
    # the statement was Bo Poe's, not the general's; "Mr. Poe" is the corpus's Bo Poe
    _correct(store, doc, "attributions", "speaker", "a:a1", {"speaker": "Mr. Poe"})
    assert corrected_stats(store, "technique").documents == 0  # nothing reviewed yet
    mark_reviewed(store, doc.id, "ann")
    cs = corrected_stats(store, "technique")
    assert cs.documents == 1 and cs.stories == 1
    assert cs.rows == [
        StatRow("Doubt", "Doubt", 1, 1),
        StatRow("Loaded_Language", "Loaded_Language", 1, 1),
        StatRow("Slogans", "Slogans", 1, 1),
    ]
    assert corrected_stats(store, "outlet").rows == [
        StatRow("Daily Example", t_, 1, 1) for t_ in ("Doubt", "Loaded_Language", "Slogans")
    ]
    assert corrected_stats(store, "outlet").outlet_documents == {"Daily Example": 1}
    assert corrected_stats(store, "speaker").rows == [StatRow("Bo Poe", "Slogans", 1, 1)]
    assert stats(store, "technique") == model_before  # the model's counts are untouched
    listed = corrected_speakers(store)
    assert listed["labels"] == "corrected" and listed["documents"] == 1
    [poe] = listed["items"]
    assert poe["name"] == "Bo Poe" and poe["statements"] == 1 and poe["id"] is not None
    assert corrected_speakers(store, q="nobody")["total"] == 0
    page = corrected_speaker(store, poe["id"])
    assert page is not None
    assert page["statements_total"] == 1 and page["documents"] == 1
    assert page["statements"][0]["document"]["id"] == doc.id
    # the model row's kind and cue stay with the statement whose speaker was corrected
    [a1] = [a for a in doc.layer("attributions") if a.attrs["id"] == "a1"]
    st = page["statements"][0]
    assert (st["kind"], st["cue"]) == (a1.label, a1.attrs["cue"]["text"]), st
    assert [x["technique"] for x in page["techniques"]] == ["Slogans"]
    assert page["labels"] == "corrected"
    # the general has no statement left in reviewed articles
    gen = store.speaker_ids(doc)["Gen. Ann Roe"]
    general = corrected_speaker(store, gen)
    assert general is not None and general["statements_total"] == 0
    assert corrected_speaker(store, 10**9) is None
    # a typed name no article gives is a speaker of its own, without a page
    _correct(store, doc, "attributions", "speaker", "a:a1", {"speaker": "Cy Dee"})
    assert [(i["id"], i["name"]) for i in corrected_speakers(store)["items"]] == [(None, "Cy Dee")]
