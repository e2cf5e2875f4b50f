"""Strict versions of four tests in ``test_model.py`` that a broken model passed (issue 20).

``test_spans_are_valid``, ``test_only_analysed_regions_are_tagged``,
``test_min_confidence_is_monotone`` and ``test_classify_given_spans`` checked that spans were
well formed, or compared a model with itself, so seeded random outputs, a model that never fires
or a constant calibrator passed them. Each test here also says *what* the shipped model finds on
a paragraph written for the tests (no ``../shared``): "wreaking havoc" is Loaded_Language,
"Make America great again" a slogan, "corrupt elites" name calling. The old four can go once
these are in.
"""

from __future__ import annotations

import numpy as np
import pytest

from spinscope.document import Document, Span
from spinscope.techniques.model import REVEAL_FLOOR, TechniqueTagger
from spinscope.techniques.ptc import PTC_TECHNIQUES

PARAGRAPH = (
    "The corrupt elites and their puppets in the media have been wreaking havoc on this great "
    "nation, and every patriot knows the truth: they will stop at nothing to destroy our way of "
    "life. Make America great again! "
)
#: (technique, phrase): what a reader marks in PARAGRAPH and the shipped model shows by default.
EXPECTED = (
    ("Loaded_Language", "wreaking havoc"),
    ("Slogans", "Make America great"),
    ("Name_Calling,Labeling", "corrupt elites"),
)


@pytest.fixture(scope="module")
def tagger() -> TechniqueTagger:
    return TechniqueTagger.load()


def _doc(text: str) -> Document:
    doc = Document(text)
    doc.set_layer("regions", [Span(0, len(text), "body")])
    return doc


def _check_spans(doc: Document) -> None:
    spans = doc.layer("techniques")
    assert spans, "no technique span: the checks below would be vacuous"
    for s in spans:
        assert 0 <= s.start < s.end <= len(doc.text)
        assert s.label in PTC_TECHNIQUES
        assert 0.0 <= s.attrs["confidence"] <= 1.0
        text = doc.text[s.start : s.end]
        assert text == text.strip(), f"span {text!r} not stripped of whitespace"
        assert any(c.isalnum() for c in text), f"punctuation-only span {text!r}"


def _names(s: Span, text: str) -> tuple[str, str] | None:
    """The (technique, phrase) of EXPECTED that span ``s`` marks: its technique, over the phrase
    and no more than a few words around it (a span over a whole sentence names nothing)."""
    for technique, phrase in EXPECTED:
        at = text.find(phrase, max(0, s.start - len(phrase)))
        inside = 0 <= at and s.start <= at and at + len(phrase) <= s.end
        if s.label == technique and inside and s.end - s.start <= len(phrase) + 40:
            return technique, phrase
    return None


def _found(doc: Document) -> set[tuple[str, str] | None]:
    return {_names(s, doc.text) for s in doc.layer("techniques")} - {None}


def test_spans_are_valid_and_name_the_loaded_phrases(tagger: TechniqueTagger) -> None:
    doc = tagger(_doc(PARAGRAPH * 2))
    _check_spans(doc)
    assert _found(doc) == set(EXPECTED)
    # and the default view is not everything: most words of the paragraph carry no span
    covered = np.zeros(len(doc.text), bool)
    for s in doc.layer("techniques"):
        covered[s.start : s.end] = True
    assert covered.mean() < 0.6, f"{covered.mean():.0%} of the text is in a span"


def test_only_analysed_regions_are_tagged(tagger: TechniqueTagger) -> None:
    text = PARAGRAPH + "\n\nRelated Articles\n\n" + PARAGRAPH
    doc = Document(text)
    body_end = len(PARAGRAPH)
    doc.set_layer(
        "regions",
        [Span(0, body_end, "body"), Span(body_end + 2, body_end + 18, "boilerplate")],
    )
    tagger(doc)
    spans = doc.layer("techniques")
    assert spans and all(s.end <= body_end for s in spans)  # the body is tagged, nothing else
    assert ("Loaded_Language", "wreaking havoc") in _found(doc)


def test_min_confidence_is_monotone_and_confidence_ranks(tagger: TechniqueTagger) -> None:
    """Raising the threshold shows fewer, surer spans (each level a subset of the one below);
    confidences are spread, and the surest candidates are the phrases a reader marks."""
    text = PARAGRAPH * 3
    floor = TechniqueTagger.load(min_confidence=REVEAL_FLOOR)(_doc(text)).layer("techniques")
    confs = np.array([s.attrs["confidence"] for s in floor])
    assert len(confs) >= 5, "too few candidates at the reveal floor"
    assert confs.max() - confs.min() >= 0.15, f"confidences barely differ: {confs}"
    # levels between the candidates' confidences, so no level is empty by construction
    levels = [float(q) for q in np.quantile(confs, [0.1, 0.5, 0.9])]
    by_level = []
    for t in levels:
        spans = TechniqueTagger.load(min_confidence=t)(_doc(text)).layer("techniques")
        assert spans and all(s.attrs["confidence"] >= t for s in spans), t
        by_level.append({(s.start, s.end, s.label) for s in spans})
    for lower, higher in zip(by_level, by_level[1:], strict=False):
        assert higher < lower  # a strict subset: fewer spans, none new
    # the default view is the threshold at the model's default confidence
    default = {(s.start, s.end, s.label) for s in tagger(_doc(text)).layer("techniques")}
    at_default = TechniqueTagger.load(min_confidence=tagger.default_confidence)(_doc(text))
    assert default == {(s.start, s.end, s.label) for s in at_default.layer("techniques")}
    # the surest candidate is one of the marked phrases with its technique
    top = max(floor, key=lambda s: s.attrs["confidence"])
    assert _names(top, text) is not None, (top.label, text[top.start : top.end])


def test_classify_names_each_given_span(tagger: TechniqueTagger) -> None:
    """Each span gets its own label, in order: the one a reader gives it."""
    (enc,) = tagger.encode([(PARAGRAPH, [(0, len(PARAGRAPH))])])
    phrases = ("corrupt elites", "Make America great again!", "wreaking havoc")
    spans = [(PARAGRAPH.index(p), PARAGRAPH.index(p) + len(p)) for p in phrases]
    labels = tagger.classify(enc, spans)
    assert [t for t, _ in labels] == ["Name_Calling,Labeling", "Slogans", "Loaded_Language"]
    assert all(0.3 <= c <= 1.0 for _, c in labels), labels
    # the order of the request does not change any span's label
    assert tagger.classify(enc, spans[::-1]) == labels[::-1]
    # a span between tokens (only a space) gets the default label with confidence 0
    gap = PARAGRAPH.index(" elites")
    [(label, conf)] = tagger.classify(enc, [(gap, gap + 1)])
    assert label in PTC_TECHNIQUES and conf == 0.0
