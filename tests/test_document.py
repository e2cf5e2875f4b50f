"""Document JSON round trip: text and offsets survive unchanged, non-BMP characters included."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from spinscope.clean import Cleaner
from spinscope.document import Document, Source, Span, error_record


def _doc() -> Document:
    text = "Crowd cheers 🎉🇸🇾 in Idlib\n\nBy Ann Lee\n\n“Huge win 😀,” she said. 𝒜 math char.\n"
    doc = Document(text=text, source=Source(path="a.txt", kind="text"))
    Cleaner()(doc)
    start = text.index("Huge")
    doc.set_layer(
        "techniques",
        [Span(start, start + 10, "Loaded_Language", {"confidence": 0.9, "voice": None})],
    )
    return doc


def test_round_trip_keeps_text_and_offsets() -> None:
    doc = _doc()
    back = Document.from_json(doc.to_json())
    assert back.text == doc.text
    assert back.regions == doc.regions
    assert back.layer("techniques") == doc.layer("techniques")
    assert back.layer("techniques")[0].attrs["confidence"] == 0.9
    assert back.to_dict() == doc.to_dict()
    span = back.layer("techniques")[0]
    assert back.span_text(span) == "Huge win 😀"


def test_offsets_are_python_str_indices_not_utf16() -> None:
    doc = _doc()
    data = json.loads(doc.to_json())
    tech = data["techniques"][0]
    # 🎉 and 🇸🇾 are non-BMP: UTF-16 offsets would differ from these
    assert data["text"][tech["start"] : tech["end"]] == "Huge win 😀"
    for r in data["regions"]:
        assert 0 <= r["start"] < r["end"] <= len(data["text"])


def test_error_record_shape() -> None:
    rec = error_record(Source(path="x.png"), "x.png: not text: a PNG image")
    assert rec["error"].startswith("x.png") and "text" not in rec


# -- exact round trip, empty and absent layers included ---------------------------------------

_TECHNIQUE_NAMES = ("Loaded_Language", "Doubt", "Name_Calling,Labeling")


@st.composite
def _documents(draw: st.DrawFn) -> Document:
    text = draw(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=40))
    n = len(text)
    offsets = st.tuples(st.integers(0, n), st.integers(0, n)).map(sorted)
    doc = Document(
        text=text,
        source=Source(path=draw(st.none() | st.just("a.txt")), kind="text"),
        title=draw(st.none() | st.text(max_size=5)),
        meta=draw(st.just({}) | st.just({"encoding": "cp1252"})),
    )
    labels = st.sampled_from(("title", "byline", "body", "boilerplate"))
    # each contract layer is absent, empty, or holds spans; so is one extra layer
    if draw(st.booleans()):
        doc.set_layer("regions", [Span(a, b, draw(labels)) for a, b in draw(st.lists(offsets))])
    if draw(st.booleans()):
        doc.set_layer("sentences", [Span(a, b, "sentence") for a, b in draw(st.lists(offsets))])
    if draw(st.booleans()):
        techs = [
            Span(a, b, draw(st.sampled_from(_TECHNIQUE_NAMES)), {"confidence": 0.5})
            for a, b in draw(st.lists(offsets, max_size=3))
        ]
        doc.set_layer("techniques", techs)
    if draw(st.booleans()):
        atts = [
            Span(a, b, "direct", {"id": f"a{i}", "cue": None, "source": None, "venue": None})
            for i, (a, b) in enumerate(draw(st.lists(offsets, max_size=3)))
        ]
        doc.set_layer("attributions", atts)
    if draw(st.booleans()):
        doc.set_layer("quotes", [Span(a, b, "quote") for a, b in draw(st.lists(offsets))])
    return doc


@settings(max_examples=200, deadline=None)
@given(_documents())
def test_json_round_trip_is_exact_with_empty_and_absent_layers(doc: Document) -> None:
    back = Document.from_json(doc.to_json())
    assert back == doc
    assert back.layers.keys() == doc.layers.keys()
    assert back.body_spans() == doc.body_spans()
    assert back.to_dict() == doc.to_dict()
    assert back.id == doc.id


def test_empty_layer_stays_empty_and_absent_layer_stays_absent() -> None:
    doc = Document(text="Plain text, never cleaned.")
    doc.set_layer("techniques", [])  # the model ran and found nothing
    back = Document.from_json(doc.to_json())
    assert back.layers == {"techniques": []}
    assert back.body_spans() == [Span(0, len(doc.text), "body")]  # not cleaned: all body
    assert json.loads(doc.to_json())["not_run"] == ["regions", "sentences", "attributions"]


def test_full_contract_json_has_no_not_run_key() -> None:
    doc = _doc()
    doc.set_layer("sentences", [])
    doc.set_layer("attributions", [])
    assert "not_run" not in doc.to_dict()


def test_different_inputs_with_the_same_visible_text_get_different_ids() -> None:
    """Four HTML pages differing only in <title>, nav or scripts were one stored document."""
    same_text = [
        Document(text="Same article body.", meta={"input_sha256": h}) for h in ("aa", "bb", "cc")
    ]
    ids = {d.id for d in same_text} | {Document(text="Same article body.").id}
    assert len(ids) == 4
    # plain text keeps its pure content hash: the same text is the same document
    assert Document(text="x", source=Source(path="a")).id == Document(text="x").id
