"""The shipped technique model, through the analyzer interface (ONNX Runtime, no torch)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from spinscope.document import Document, Span
from spinscope.techniques import decode
from spinscope.techniques.model import TechniqueTagger, default_model_dir
from spinscope.techniques.ptc import PTC_TECHNIQUES

SAMPLE = Path(__file__).resolve().parents[3] / "shared" / "samples" / "scraped-news-article.txt"

PARAGRAPH = (
    "The corrupt elites and their puppets in the media have been wreaking havoc on this great "
    "nation, and every patriot knows the truth: they will stop at nothing to destroy our way of "
    "life. Make America great again! "
)


@pytest.fixture(scope="module")
def tagger() -> TechniqueTagger:
    return TechniqueTagger.load()


def _doc(text: str) -> Document:
    doc = Document(text)
    doc.set_layer("regions", [Span(0, len(text), "body")])
    return doc


def test_model_ships_within_budget() -> None:
    files = [p for p in default_model_dir().iterdir() if p.is_file()]
    assert sum(p.stat().st_size for p in files) <= 40 * 1024 * 1024
    assert (default_model_dir() / "encoder.onnx").exists()


def test_spans_are_valid(tagger: TechniqueTagger) -> None:
    doc = tagger(_doc(PARAGRAPH * 2))
    for s in doc.layer("techniques"):
        assert 0 <= s.start < s.end <= len(doc.text)
        assert s.label in PTC_TECHNIQUES
        assert 0.0 <= s.attrs["confidence"] <= 1.0
        assert doc.text[s.start] != " " and doc.text[s.end - 1] != " "


def test_long_article_is_stitched_without_gaps_or_duplicates(tagger: TechniqueTagger) -> None:
    text = "\n\n".join(PARAGRAPH for _ in range(40))  # ≈ 2,000 wordpieces: many windows
    (enc,) = tagger.encode([(text, [(0, len(text))])])
    assert len(enc.tokens.ids) > 512
    # every token got its outputs from exactly one window: no row left empty
    assert (np.abs(enc.hidden).sum(axis=1) > 0).all()
    doc = tagger(_doc(text))
    keys = [(s.start, s.end, s.label) for s in doc.layer("techniques")]
    assert len(keys) == len(set(keys))
    # the same paragraph far into the document gets the same treatment as near the start
    n_first = sum(1 for s in doc.layer("techniques") if s.end <= len(PARAGRAPH))
    last = text.rindex(PARAGRAPH)
    n_last = sum(1 for s in doc.layer("techniques") if s.start >= last)
    assert abs(n_first - n_last) <= max(2, n_first)


def test_only_analysed_regions_are_tagged(tagger: TechniqueTagger) -> None:
    text = PARAGRAPH + "\n\nRelated Articles\n\n" + PARAGRAPH
    doc = Document(text)
    body_end = len(PARAGRAPH)
    doc.set_layer(
        "regions",
        [Span(0, body_end, "body"), Span(body_end + 2, body_end + 18, "boilerplate")],
    )
    tagger(doc)
    assert all(s.end <= body_end for s in doc.layer("techniques"))


def test_empty_body(tagger: TechniqueTagger) -> None:
    doc = Document("Related Articles\n\nBack to top")
    doc.set_layer("regions", [Span(0, 16, "boilerplate"), Span(18, 29, "boilerplate")])
    assert tagger(doc).layer("techniques") == []
    assert tagger(Document("")).layer("techniques") == []


def test_min_confidence_filters(tagger: TechniqueTagger) -> None:
    text = PARAGRAPH * 3
    low = tagger(_doc(text)).layer("techniques")
    strict = TechniqueTagger.load(min_confidence=0.9)(_doc(text)).layer("techniques")
    assert all(s.attrs["confidence"] >= 0.9 for s in strict)
    assert {(s.start, s.end, s.label) for s in strict} <= {(s.start, s.end, s.label) for s in low}


def test_overlapping_techniques_decode_separately() -> None:
    probs = np.zeros((6, decode.N_OUT), np.float32)
    loaded = 1 + PTC_TECHNIQUES.index("Loaded_Language")
    name = 1 + PTC_TECHNIQUES.index("Name_Calling,Labeling")
    probs[1:4, loaded] = 0.9
    probs[2:4, name] = 0.8
    spans = decode.technique_spans(probs, 0.5)
    got = {(s.first, s.last, PTC_TECHNIQUES[s.technique]) for s in spans}
    assert got == {(1, 3, "Loaded_Language"), (2, 3, "Name_Calling,Labeling")}


def test_overlapping_spans_round_trip_json() -> None:
    doc = _doc(PARAGRAPH)
    a, b = PARAGRAPH.index("corrupt elites"), PARAGRAPH.index("corrupt elites") + 14
    doc.set_layer(
        "techniques",
        [
            Span(a, b, "Loaded_Language", {"confidence": 0.5}),
            Span(a, b, "Name_Calling,Labeling", {"confidence": 0.7}),
            Span(a + 8, b, "Doubt", {"confidence": 0.1}),
        ],
    )
    back = Document.from_json(doc.to_json())
    assert [(s.start, s.end, s.label) for s in back.layer("techniques")] == [
        (s.start, s.end, s.label) for s in doc.layer("techniques")
    ]


def test_classify_given_spans(tagger: TechniqueTagger) -> None:
    (enc,) = tagger.encode([(PARAGRAPH, [(0, len(PARAGRAPH))])])
    a = PARAGRAPH.index("corrupt elites")
    labels = tagger.classify(enc, [(a, a + 14), (0, 3)])
    assert len(labels) == 2 and all(t in PTC_TECHNIQUES for t, _ in labels)
