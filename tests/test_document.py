"""Document JSON round trip: text and offsets survive unchanged, non-BMP characters included."""

from __future__ import annotations

import json

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
