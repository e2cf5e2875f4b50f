"""No technique span starts or ends inside a word, at any threshold, in any output (issue 26).

Below the default view the old decoder showed ``rdid crimes``: ``shed_edges`` dropped the first
wordpiece of "sordid" because it reads like the connective "so". The shipped model is run on
text nobody trained on (the behaviour sentences, the examples and two sentences that start a
phrase with such a word) and every decoding is checked at thresholds 0.05 … 0.95: the view's
candidates, the SI and FLC benchmark decodings, and ``spinscope ptc predict``'s files.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from spinscope.cli import app
from spinscope.techniques import decode
from spinscope.techniques.model import Encoded, TechniqueTagger, si_fragments
from spinscope.techniques.ptc import PTC_TECHNIQUES, read_labels

ROOT = Path(__file__).resolve().parents[2]
BEHAVIOUR = ROOT / "tests" / "data" / "behaviour"
THRESHOLDS = [round(float(t), 2) for t in np.arange(0.05, 0.951, 0.05)]
#: phrases that begin with a word whose first wordpiece is a connective ("so" + "##rdid"): the
#: old decoder cut them at 0.05 … 0.15
WORD_EDGE_TEXTS = [
    "Sordid crimes were committed by the regime against its own people.",
    "The minister denounced the sordid crimes of the invaders.",
    "Asinine policies of the corrupt elite are destroying our country.",
]


def texts() -> list[str]:
    data = json.loads((BEHAVIOUR / "techniques.json").read_text(encoding="utf-8"))
    out = [item["text"] for item in data["loaded"]] + list(data["plain"])
    out += [p.read_text(encoding="utf-8") for p in sorted(BEHAVIOUR.glob("*.txt"))]
    out += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples").rglob("*.txt"))]
    return out + WORD_EDGE_TEXTS


def cuts(text: str, start: int, end: int) -> bool:
    return decode.inside_word(text, start) or decode.inside_word(text, end)


@pytest.fixture(scope="module")
def encoded() -> tuple[TechniqueTagger, list[Encoded]]:
    tagger = TechniqueTagger.load()
    return tagger, tagger.encode([(t, [(0, len(t))]) for t in texts()])


@pytest.mark.parametrize(
    ("offset", "inside"),
    [
        (4, True),  # so|rdid
        (2, False),  # A |sordid
        (8, False),  # sordid| war
        (12, True),  # war|-torn
        (13, True),  # war-|torn
        (24, True),  # Russia|’s
        (26, False),  # ’s| ‘elite
        (28, False),  # ‘|elite
        (33, False),  # elite|’ (a closing quote)
        (42, True),  # cafe|◌́ (a combining accent: one grapheme with the e)
        (43, False),  # after the accent
    ],
)
def test_inside_word(offset: int, inside: bool) -> None:
    text = "A sordid war-torn Russia’s ‘elite’ of cafe\u0301 !"
    assert decode.inside_word(text, offset) is inside, (text[:offset], text[offset:])


def test_trim_never_returns_a_fragment() -> None:
    """Any character range, trimmed, is whole words (or nothing)."""
    text = "So-called “experts”, sordid anti-war traitors—Russia’s élite (sic) cafe\u0301 … 🇺🇦 now."
    rng = random.Random(7)
    for _ in range(3000):
        a = rng.randrange(len(text))
        b = rng.randrange(a + 1, len(text) + 1)
        got = decode.trim(text, a, b)
        if got is not None:
            assert not cuts(text, *got), (text[a:b], text[got[0] : got[1]])
            assert text[got[0] : got[1]].strip() == text[got[0] : got[1]]


def test_shed_edges_drops_whole_words_only() -> None:
    """The first wordpiece of "sordid" is not the connective "so"."""
    text = "and sordid crimes"
    starts = np.array([0, 4, 6, 9, 11])
    ends = np.array([3, 6, 9, 10, 17])  # and | so ##rdi ##d | crimes
    stop = np.zeros(5, dtype=bool)
    got = decode.shed_edges(decode.TokenSpan(0, 4, 8, 0.5), stop, text, starts, ends)
    assert text[starts[got.first] : ends[got.last]] == "sordid crimes"
    got = decode.shed_edges(decode.TokenSpan(1, 4, 8, 0.5), stop, text, starts, ends)
    assert (got.first, got.last) == (1, 4)


def test_no_fragment_at_any_threshold(encoded: tuple[TechniqueTagger, list[Encoded]]) -> None:
    tagger, encs = encoded
    bad: list[tuple[str, float, str]] = []
    seen = 0
    for enc in encs:
        text, st, en = enc.text, enc.tokens.starts, enc.tokens.ends
        stop = tagger.stop_mask(enc)
        breaks = decode.sentence_ends(text, st, en)
        view = [(a, b) for a, b, _, _ in tagger.spans(enc)]  # every view, down to confidence 0
        for thr in THRESHOLDS:
            got = {"view": view}
            got["candidates"] = [(a, b) for a, b, _ in tagger.candidates(enc, thr, 2)[0]]
            got["candidates_peak"] = [(a, b) for a, b, _ in tagger.candidates(enc, thr, 0, 0.6)[0]]
            for trim in (True, False):
                cfg = {**tagger.config, "si_threshold": thr, "trim": trim}
                got[f"si_trim_{trim}"] = [(a, b) for a, b, _ in si_fragments(enc, stop, cfg)]
            got["flc_tagging"] = [
                decode.char_span(st, en, s.first, s.last)
                for s in decode.technique_spans(enc.probs, thr, 0, 0.0, breaks)
            ]
            for kind, spans in got.items():
                seen += len(spans)
                bad += [(kind, thr, text[a:b]) for a, b in spans if cuts(text, a, b)]
    assert seen > 1000
    assert not bad, bad[:10]


def test_ptc_predict_writes_whole_words(tmp_path: Path) -> None:
    """``spinscope ptc predict`` (SI and FLC files) on text nobody trained on."""
    arts = tmp_path / "articles"
    arts.mkdir()
    docs = {str(100 + i): t for i, t in enumerate(texts())}
    for k, t in docs.items():
        (arts / f"article{k}.txt").write_text(t, encoding="utf-8")
    runner = CliRunner()
    lines = 0
    for task in ("si", "flc"):
        out = tmp_path / f"{task}.txt"
        res = runner.invoke(app, ["ptc", "predict", str(arts), "--task", task, "-o", str(out)])
        assert res.exit_code == 0, res.output
        preds = read_labels(out)
        lines += len(preds)
        for g in preds:
            text = (arts / f"article{g.article}.txt").read_text(encoding="utf-8")
            assert 0 <= g.start < g.end <= len(text)
            assert not cuts(text, g.start, g.end), (task, text[g.start : g.end])
            assert task == "si" or g.technique in PTC_TECHNIQUES
    assert lines > 10
