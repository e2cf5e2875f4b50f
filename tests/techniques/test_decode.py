"""Phrase decoding: whole words, no lone function words, no wrapping quotes, no sentence jumps."""

from __future__ import annotations

import numpy as np
import pytest

from spinscope.document import Document, Span
from spinscope.paths import missing_message, shared_path
from spinscope.techniques import decode
from spinscope.techniques.model import TechniqueTagger
from spinscope.techniques.ptc import PTC_TECHNIQUES

SAMPLE = shared_path("samples", "scraped-news-article.txt")


@pytest.mark.parametrize(
    ("piece", "expected"),
    [
        ("“coup factory”", "coup factory"),
        ("(Takfiri terrorists)", "Takfiri terrorists"),
        ("murder and massacre,", "murder and massacre"),
        ("“a shameful betrayal” (sic)", "“a shameful betrayal” (sic)"),
        ("the “elite” media", "the “elite” media"),
        ("dangerous”", "dangerous"),
        ("‘Make America Great Again!’", "Make America Great Again"),
        ("it’s", "it’s"),
        ("“…”", None),
    ],
)
def test_trim(piece: str, expected: str | None) -> None:
    text = "He said " + piece + " today."
    got = decode.trim(text, 8, 8 + len(piece))
    assert (text[got[0] : got[1]] if got else None) == expected


def test_runs_never_cross_a_sentence_end() -> None:
    text = "They lie. We know it."
    starts = np.array([0, 5, 8, 10, 13, 18, 20])
    ends = np.array([4, 8, 9, 12, 17, 20, 21])
    breaks = decode.sentence_ends(text, starts, ends)
    assert breaks.tolist() == [False, False, True, False, False, False, False]
    probs = np.zeros((7, decode.N_OUT), np.float32)
    probs[:, 1 + PTC_TECHNIQUES.index("Loaded_Language")] = 0.9
    got = [(s.first, s.last) for s in decode.technique_spans(probs, 0.5, 0, 0.0, breaks)]
    assert got == [(0, 2), (3, 6)]


def test_runs_never_cross_a_line_break_or_a_skipped_region() -> None:
    text = "Traitors sell out\n\nBy Jane Roe\n\nThe corrupt elites"
    # title tokens, then body tokens (the by-line between them is not analysed)
    pieces = ["Traitors", "sell", "out", "The", "corrupt", "elites"]
    starts = np.array([text.index(p) for p in pieces])
    ends = starts + np.array([len(p) for p in pieces])
    breaks = decode.sentence_ends(text, starts, ends)
    assert breaks.tolist() == [False, False, True, False, False, False]


def test_shed_edges_drops_trailing_function_words_and_leading_connectives() -> None:
    text = "and Russia pose a challenge to"
    pieces = text.split()
    starts = np.array([text.index(p) for p in pieces])
    ends = starts + np.array([len(p) for p in pieces])
    stop = np.array([True, False, False, True, False, True])
    got = decode.shed_edges(decode.TokenSpan(0, 5, 8, 0.5), stop, text, starts, ends)
    assert (got.first, got.last) == (1, 4)
    # the verb that names the phrase is not part of it
    text3 = "opponents called a shameful betrayal"
    p3 = text3.split()
    s3 = np.array([text3.index(p) for p in p3])
    e3 = s3 + np.array([len(p) for p in p3])
    stop3 = np.array([False, False, True, False, False])
    got3 = decode.shed_edges(decode.TokenSpan(1, 4, 8, 0.5), stop3, text3, s3, e3)
    assert (got3.first, got3.last) == (2, 4)
    # "our countries" keeps its possessive: only connectives go at the start
    text2 = "our countries"
    s2, e2 = np.array([0, 4]), np.array([3, 13])
    kept = decode.shed_edges(decode.TokenSpan(0, 1, 7, 0.5), np.array([True, False]), text2, s2, e2)
    assert (kept.first, kept.last) == (0, 1)


def test_tighten_keeps_the_peak_phrase() -> None:
    p = np.array([0.25, 0.3, 0.9, 0.8, 0.3, 0.25])
    assert decode.tighten(p, 0, 5, 0.5) == (2, 3)
    assert decode.tighten(p, 0, 5, 0.0) == (0, 5)


def test_stop_mask_marks_function_words_per_token() -> None:
    text = "of the massacre"
    starts = np.array([0, 3, 7, 11])
    words = np.array([0, 1, 2, 2])
    assert decode.stop_mask(text, starts, words, frozenset({"of", "the"})).tolist() == [
        True,
        True,
        False,
        False,
    ]


@pytest.mark.skipif(not SAMPLE.exists(), reason=missing_message(SAMPLE))
def test_sample_candidates_are_phrases_not_fragments() -> None:
    """Every candidate (all confidences) on the sample: whole words, not only function words,
    not wrapped in quote marks or brackets."""
    from spacy.lang.en.stop_words import STOP_WORDS

    text = SAMPLE.read_text(encoding="utf-8")
    doc = Document(text)
    doc.set_layer("regions", [Span(0, len(text), "body")])
    spans = TechniqueTagger.load(min_confidence=0.0)(doc).layer("techniques")
    assert len(spans) > 10
    for s in spans:
        piece = text[s.start : s.end]
        assert piece == piece.strip()
        assert not (s.start > 0 and text[s.start - 1].isalnum() and piece[0].isalnum()), piece
        assert not (s.end < len(text) and text[s.end].isalnum() and piece[-1].isalnum()), piece
        words = [w.strip(".,;:!?“”\"'’‘()[]").lower() for w in piece.split()]
        assert any(w and w not in STOP_WORDS for w in words), piece
        assert not (piece[0] in '“"‘(' and piece[-1] in '”"’)'), piece
        assert "\n" not in piece
        assert piece.split()[-1].strip(".,;:!?“”\"'’‘()[]").lower() not in STOP_WORDS, piece


@pytest.mark.skipif(not SAMPLE.exists(), reason=missing_message(SAMPLE))
def test_sample_default_view_is_not_plain_words() -> None:
    """The issue's complaint: "country", "people", "American", "offensive" shown by default."""
    text = SAMPLE.read_text(encoding="utf-8")
    doc = Document(text)
    doc.set_layer("regions", [Span(0, len(text), "body")])
    shown = [text[s.start : s.end] for s in TechniqueTagger.load()(doc).layer("techniques")]
    assert "wreaking havoc" in shown
    plain = {"country", "country’s", "people", "American", "offensive", "prevent", "our countries"}
    assert sum(1 for p in shown if p in plain) <= 1, shown
