"""Stable confidences (issue 26): windows cut at sentences, overlapping windows averaged, and
what an edit outside a span or a different lead-in does to the spans.

The window tests are exact (token arithmetic and a stand-in encoder). The model tests run the
shipped model's weights with the sentence-aligned averaged windows a retrained model ships with
(the shipped config keeps its token windows; see the ``tagger`` fixture) on this repository's
texts (``bench/technique_stability.py`` measures the same on the PTC gate articles).
"""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from spinscope.encoder import HIDDEN, get_encoder
from spinscope.paths import missing_message, shared_path
from spinscope.techniques.windows import Window, make_windows, stitch_weights, tokenize_ranges

ROOT = Path(__file__).resolve().parents[2]


def sentences(lengths: list[int]) -> np.ndarray:
    """``breaks`` of a document whose sentences have these token lengths."""
    out = np.zeros(sum(lengths), dtype=bool)
    out[np.cumsum(lengths) - 1] = True
    return out


def random_lengths(seed: int, n: int = 60) -> list[int]:
    rng = random.Random(seed)
    return [rng.randint(5, 45) for _ in range(n)]


@pytest.mark.parametrize("seed", range(6))
def test_sentence_windows_cover_every_token_once(seed: int) -> None:
    lengths = random_lengths(seed)
    if seed == 5:
        lengths[10] = 400  # one sentence longer than a window
    breaks = sentences(lengths)
    n = len(breaks)
    starts = set((np.cumsum(lengths) - np.asarray(lengths)).tolist())
    wins = make_windows(n, 0, 254, 192, breaks)
    owned = np.zeros(n, dtype=int)
    for w in wins:
        assert 0 <= w.lo <= w.keep_lo <= w.keep_hi <= w.hi <= n
        assert w.hi - w.lo <= 254
        owned[w.keep_lo : w.keep_hi] += 1
    assert (owned == 1).all()
    inner = [w for w in wins if 400 not in lengths]
    assert all(w.lo in starts for w in inner)  # windows start at sentence starts
    assert all(w.hi in starts or w.hi == n for w in inner)  # and end at sentence ends
    assert all(w.keep_lo in starts for w in inner)  # a sentence is read from one window
    assert len(wins) <= len(make_windows(n, 0, 254, 192)) + 2  # about the same encoder passes


def test_an_edit_moves_sentence_windows_only_near_it() -> None:
    """Deleting a token from the first sentence shifts every token window after it; the
    sentence windows after the next shared sentence start stay where they were."""
    lengths = random_lengths(11)
    edited = [lengths[0] - 1, *lengths[1:]]

    def moved(breaks_a: np.ndarray | None, breaks_b: np.ndarray | None) -> int:
        n = sum(lengths)
        a = make_windows(n, 0, 254, 192, breaks_a)
        b = make_windows(n - 1, 0, 254, 192, breaks_b)
        same = {(w.lo - 1, w.hi - 1) for w in a if w.lo > 0}
        return sum(1 for w in b if w.lo > 0 and (w.lo, w.hi) not in same)

    # token windows: all but the last (aligned to the document's end) read other tokens
    assert moved(None, None) >= len(make_windows(sum(lengths) - 1, 0)) - 2
    assert moved(sentences(lengths), sentences(edited)) <= 1


def test_stitch_weights_fall_towards_inner_edges_only() -> None:
    w = stitch_weights(Window(0, 100, 354, 100, 354), 1000, 32)
    assert w[0] == pytest.approx(1 / 32) and w[-1] == pytest.approx(1 / 32)
    assert w[127] == 1.0 and (np.diff(w[:32]) > 0).all()
    first = stitch_weights(Window(0, 0, 254, 0, 254), 1000, 32)
    assert first[0] == 1.0 and first[-1] == pytest.approx(1 / 32)  # the document starts here


class _PositionSession:
    """Stands in for the ONNX session: every output of a window position is the position's
    absolute token index plus 1000 × the window's first token, so the stitch can be checked."""

    def __init__(self, n_out: int) -> None:
        self.n_out = n_out
        self.firsts: list[int] = []

    def run(self, _names: Any, feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
        ids = feeds["input_ids"]
        b, t = ids.shape
        h = np.zeros((b, t, HIDDEN), np.float32)
        p = np.zeros((b, t, self.n_out), np.float32)
        for r in range(b):
            lo = int(ids[r, 1])  # the stand-in tokens are their own positions (see below)
            self.firsts.append(lo)
            h[r, 1:] = (1000 * lo + lo + np.arange(t - 1))[:, None]
            p[r, 1:] = (1000 * lo + lo + np.arange(t - 1))[:, None]
        return [h, p]


@pytest.mark.parametrize("stitch", ["centre", "average"])
def test_encoder_stitches_as_configured(stitch: str, monkeypatch: pytest.MonkeyPatch) -> None:
    enc = get_encoder()
    text = " ".join(f"w{i}." for i in range(400))
    monkeypatch.setattr(enc, "stitch", stitch)
    monkeypatch.setattr(enc, "align", "sentences")
    tokens = tokenize_ranges(enc.tokenizer, text, [(0, len(text))])
    n = len(tokens.ids)

    def positions(tok: Any, t: str, r: Any) -> Any:  # tokens that are their own positions
        out = tokenize_ranges(tok, t, r)
        out.ids = np.arange(len(out.ids), dtype=np.int64)
        return out

    monkeypatch.setattr("spinscope.encoder.tokenize_ranges", positions)
    session = _PositionSession(enc.n_out or 29)
    (got,) = enc.encode([(text, [(0, len(text))])], session=session)
    wins = enc.windows(text, tokens)
    assert len(session.firsts) == len(wins) > 2  # one pass per window
    want = np.zeros(n)
    if stitch == "centre":
        for w in wins:
            want[w.keep_lo : w.keep_hi] = (
                1001 * w.lo + np.arange(w.keep_hi - w.keep_lo) + (w.keep_lo - w.lo)
            )
    else:
        total = np.zeros(n)
        for w in wins:
            wt = stitch_weights(w, n, enc.ramp)
            want[w.lo : w.hi] += wt * (1001 * w.lo + np.arange(w.hi - w.lo))
            total[w.lo : w.hi] += wt
        want /= total
    assert np.allclose(got.probs[:, 0], want, rtol=1e-5)
    assert np.allclose(got.hidden[:, 0], want, rtol=1e-5)  # the heads read the same stitch


# -- the shipped model -------------------------------------------------------------------------

#: A span's confidence may move this much when one word in *another* sentence changes (p95 and
#: max over the edits below). Measured: p95 0.023, max 0.053 with sentence-aligned averaged
#: windows; 0.046 / 0.048 with the token windows before. The issue's target, 0.02 everywhere,
#: is not reached: a word in the same window still changes every token's context.
OTHER_SENTENCE_P95 = 0.03
OTHER_SENTENCE_MAX = 0.065
#: Share of sentences that show the same spans when a residue line precedes the text (a
#: guard: the token windows before passed it too; on the PTC gate articles the bench measures
#: 0.980 before, 0.990 now).
SAME_IN_COPIES = 0.95


def long_text() -> str:
    """This repository's example articles and behaviour statements, one after another (several
    encoder windows)."""
    parts = [
        p.read_text(encoding="utf-8").strip() for p in sorted((ROOT / "examples").rglob("*.txt"))
    ]
    beh = ROOT / "tests" / "data" / "behaviour"
    parts += [p.read_text(encoding="utf-8").strip() for p in sorted(beh.glob("*.txt"))]
    return "\n\n".join(parts) + "\n"


def sentence_of(text: str, enc: Any) -> Any:
    from spinscope.techniques.decode import sentence_ends

    breaks = sentence_ends(text, enc.tokens.starts, enc.tokens.ends)
    sent = np.concatenate([[0], np.cumsum(breaks)[:-1]])

    def of(char: int) -> int:
        return int(sent[max(int(np.searchsorted(enc.tokens.starts, char, side="right")) - 1, 0)])

    return of


@pytest.fixture(scope="module")
def tagger() -> Any:
    """The shipped model read with :data:`INFERENCE_WINDOWS` (sentence-aligned, averaged): the
    windows a model trained from now on ships with. The shipped model itself keeps the token
    windows it was trained and cross-validated with (its ``config.json`` names none): read
    with windows it never trained on, its fit figures fell (gate TC 0.975 -> 0.928, FLC 0.387
    -> 0.366) and its cross-validated figures would no longer describe it. Its own encoder
    instance, so the process-wide one other tests read is untouched."""
    from spinscope.encoder import SharedEncoder
    from spinscope.techniques.model import TechniqueTagger
    from spinscope.techniques.windows import INFERENCE_WINDOWS

    t = TechniqueTagger.load()
    enc = SharedEncoder(t.encoder.model_dir)
    enc.align = str(INFERENCE_WINDOWS["align"])
    enc.stitch = str(INFERENCE_WINDOWS["stitch"])
    enc.ramp = int(INFERENCE_WINDOWS["ramp"])
    t.encoder, t.session, t.tokenizer = enc, enc.session, enc.tokenizer
    return t


def spans_of(tagger: Any, text: str) -> tuple[dict[tuple[int, int, str], float], Any]:
    (enc,) = tagger.encode([(text, [(0, len(text))])])
    return {(a, b, t): c for a, b, t, c in tagger.spans(enc)}, enc


def test_an_edit_in_another_sentence_barely_moves_a_span(tagger: Any) -> None:
    from spinscope.techniques.model import REVEAL_FLOOR

    text = long_text()
    base, enc = spans_of(tagger, text)
    assert len(tagger.encoder.windows(text, enc.tokens)) >= 3
    of = sentence_of(text, enc)
    words = [(m.start(), m.end()) for m in re.finditer(r"[A-Za-z]{4,}(?= )", text)]
    rng = random.Random(26)
    moves: list[float] = []
    for s, e in rng.sample(words, 8):
        edited = text[:s] + text[e + 1 :]  # the word and the space after it
        got, _ = spans_of(tagger, edited)
        shift = e + 1 - s
        for (a, b, t), c in base.items():
            if c < REVEAL_FLOOR or of(a) == of(s) or of(b - 1) == of(s):
                continue
            key = (a, b, t) if b <= s else (a - shift, b - shift, t)
            if key in got:
                moves.append(abs(got[key] - c))
    assert len(moves) > 100
    p95, top = float(np.percentile(moves, 95)), max(moves)
    assert p95 <= OTHER_SENTENCE_P95 and top <= OTHER_SENTENCE_MAX, (p95, top)


def test_copies_with_a_different_lead_in_show_the_same_spans(tagger: Any) -> None:
    text = long_text()
    base, enc = spans_of(tagger, text)
    of = sentence_of(text, enc)
    default = tagger.default_confidence
    for lead in ("Share this article\n\n", "Advertisement\n\nRelated stories\n\n"):
        got, _ = spans_of(tagger, lead + text)
        k = len(lead)
        shown_a: dict[int, set[Any]] = {}
        shown_b: dict[int, set[Any]] = {}
        for (a, b, t), c in base.items():
            if c >= default:
                shown_a.setdefault(of(a), set()).add((a, b, t))
        for (a, b, t), c in got.items():
            if c >= default and a >= k:
                shown_b.setdefault(of(a - k), set()).add((a - k, b - k, t))
        n = of(len(text) - 2) + 1
        same = sum(shown_a.get(i, set()) == shown_b.get(i, set()) for i in range(n))
        assert same / n >= SAME_IN_COPIES, (lead, same, n)


SAMPLE = shared_path("samples", "scraped-news-article.txt")


@pytest.mark.skipif(not SAMPLE.exists(), reason=missing_message(SAMPLE))
def test_the_issues_example_stays_within_the_bound(tagger: Any) -> None:
    """Issue 26: deleting "has" from the sample's first sentence moved "wreaking havoc" from
    0.411 to 0.385 and out of the default view (token windows); now 0.423 → 0.442."""
    text = SAMPLE.read_text(encoding="utf-8")
    at = text.index("China has recently") + len("China ")
    edited = text[:at] + text[at + len("has ") :]
    confs = []
    for t in (text, edited):
        spans, _ = spans_of(tagger, t)
        (c,) = [
            c
            for (a, b, tech), c in spans.items()
            if t[a:b] == "wreaking havoc" and tech == "Loaded_Language"
        ]
        confs.append(c)
    assert abs(confs[1] - confs[0]) <= 0.02, confs
    assert min(confs) >= tagger.default_confidence, confs
