"""The shipped technique model, through the analyzer interface (ONNX Runtime, no torch)."""

from __future__ import annotations

import numpy as np
import pytest

from spinscope.clean import Cleaner
from spinscope.document import Document, Span
from spinscope.ingest import load
from spinscope.paths import missing_message, shared_path
from spinscope.techniques import decode
from spinscope.techniques.model import TechniqueTagger, default_model_dir
from spinscope.techniques.ptc import PTC_TECHNIQUES

SAMPLE = shared_path("samples", "scraped-news-article.txt")

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


def _check_spans(doc: Document) -> None:
    for s in doc.layer("techniques"):
        assert 0 <= s.start < s.end <= len(doc.text)
        assert s.label in PTC_TECHNIQUES
        assert 0.0 <= s.attrs["confidence"] <= 1.0
        text = doc.text[s.start : s.end]
        assert text == text.strip(), f"span {text!r} not stripped of whitespace"
        assert any(c.isalnum() for c in text), f"punctuation-only span {text!r}"


@pytest.mark.skipif(not SAMPLE.exists(), reason=missing_message(SAMPLE))
def test_sample_article_at_the_default_threshold(tagger: TechniqueTagger) -> None:
    doc = tagger(Cleaner()(load(SAMPLE)))
    spans = doc.layer("techniques")
    assert spans, "the sample article is full of loaded language: no span at all is a regression"
    _check_spans(doc)
    analysed = [r for r in doc.regions if r.label in ("title", "body")]
    assert all(any(r.start <= s.start and s.end <= r.end for r in analysed) for s in spans)


def test_long_article_is_stitched_without_gaps_or_duplicates(tagger: TechniqueTagger) -> None:
    text = "\n\n".join(PARAGRAPH for _ in range(40))  # ≈ 2,000 wordpieces: many windows
    (enc,) = tagger.encode([(text, [(0, len(text))])])
    assert len(enc.tokens.ids) > 512
    # every token got its outputs from exactly one window: no row left empty
    assert (np.abs(enc.hidden).sum(axis=1) > 0).all()
    doc = tagger(_doc(text))
    keys = [(s.start, s.end, s.label) for s in doc.layer("techniques")]
    assert len(keys) == len(set(keys))
    assert (np.abs(enc.probs).sum(axis=1) > 0).all()
    # every copy of the paragraph, near the start or deep in a later window, gets spans: a
    # window whose outputs were lost or misplaced in stitching leaves copies with none
    # (all candidates: the default view shows only the confident few)
    doc = TechniqueTagger.load(min_confidence=0.05)(_doc(text))
    spans = doc.layer("techniques")
    keys = [(s.start, s.end, s.label) for s in spans]
    assert len(keys) == len(set(keys))
    period = len(PARAGRAPH) + 2
    per_copy = [0] * 40
    for s in spans:
        per_copy[s.start // period] += 1
    assert min(per_copy) >= 1, per_copy
    _check_spans(doc)


def test_empty_body(tagger: TechniqueTagger) -> None:
    doc = Document("Related Articles\n\nBack to top")
    doc.set_layer("regions", [Span(0, 16, "boilerplate"), Span(18, 29, "boilerplate")])
    assert tagger(doc).layer("techniques") == []
    assert tagger(Document("")).layer("techniques") == []


def test_si_fragments(tagger: TechniqueTagger) -> None:
    """The SI decoding (technique not named): fragments that do not overlap, inside the text."""
    text = PARAGRAPH * 2
    (enc,) = tagger.encode([(text, [(0, len(text))])])
    si = tagger.si(enc)
    assert si, "no propaganda fragment in a paragraph of slogans and name calling"
    for (a, b, conf), nxt in zip(si, [*si[1:], None], strict=True):
        assert 0 <= a < b <= len(text) and 0.0 <= conf <= 1.0
        assert text[a:b] == text[a:b].strip()
        if nxt is not None:
            assert b <= nxt[0], "SI fragments overlap: they should have been merged"


def _covered(spans: list[Span]) -> int:
    return sum(s.end - s.start for s in spans)


class _ScriptedSession:
    """Stands in for the ONNX session: Loaded_Language probabilities given per word."""

    def __init__(self, per_word: list[float]) -> None:
        self.per_word = per_word

    def run(self, _names: object, feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
        ids = feeds["input_ids"]
        probs = np.zeros((*ids.shape, decode.N_OUT), np.float32)
        col = 1 + PTC_TECHNIQUES.index("Loaded_Language")
        probs[:, 1 : 1 + len(self.per_word), col] = self.per_word  # after [CLS]
        return [np.zeros((*ids.shape, 384), np.float32), probs]


def test_lower_threshold_never_hides_a_span() -> None:
    """Candidates do not depend on ``min_confidence``: a lower threshold shows a superset."""
    text = "alpha bravo charlie delta echo foxtrot golf hotel"
    found = {}
    for t in (0.0, 0.05, 0.2, 0.6):
        tagger = TechniqueTagger.load(min_confidence=t)
        tagger.session = _ScriptedSession([0.42, 0.1, 0.9, 0.1, 0.42, 0.0, 0.6, 0.6])  # type: ignore[assignment]
        found[t] = {(s.start, s.end, s.label) for s in tagger(_doc(text)).layer("techniques")}
    assert found[0.0], "the scripted probabilities give candidates"
    levels = sorted(found)
    for lo, hi in zip(levels, levels[1:], strict=False):
        assert found[hi] <= found[lo], (lo, hi)


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


def test_text_features_are_computed_only_where_a_calibrator_reads_them(
    tagger: TechniqueTagger,
) -> None:
    import copy

    from spinscope.techniques import calibrate

    text = (
        "Traitors everywhere\nThe traitors and their shameful betrayal wreak havoc on the nation."
        " A shameful betrayal, the mayor said, a shameful betrayal of every citizen.\n"
    )
    (enc,) = tagger.encode([(text, [(0, len(text))])])
    spans, x = tagger.candidates(enc, 0.05, 1)
    assert spans
    cols = calibrate.columns(calibrate.TEXT_FEATURES)
    shipped = tagger.calibrator
    assert shipped is not None and not set(shipped.features) & set(calibrate.TEXT_FEATURES)
    assert not x[:, cols].any()  # the shipped calibrator does not read them: not computed
    fold = copy.copy(tagger)
    fold.calibrator = None  # a fold model being calibrated: every feature
    spans2, x2 = fold.candidates(enc, 0.05, 1)
    assert spans2 == spans
    assert x2[:, cols].any()
    assert np.array_equal(
        x2[:, : len(calibrate.SCORE_FEATURES)], x[:, : len(calibrate.SCORE_FEATURES)]
    )
