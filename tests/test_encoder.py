"""The shared encoder: one pass per window serves every head (DESIGN.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from spinscope.attribution.head import AttributionHead
from spinscope.attribution.tagger import AttributionTagger, head_model_dir
from spinscope.document import Document
from spinscope.encoder import ENCODED, get_encoder
from spinscope.pipeline import Pipeline
from spinscope.techniques.windows import make_windows, tokenize_ranges

TEXT = (Path(__file__).parent / "data" / "behaviour" / "statements-senator.txt").read_text(
    encoding="utf-8"
)


class _Counting:
    def __init__(self, real: Any) -> None:
        self.real, self.calls = real, 0

    def run(self, *a: Any, **k: Any) -> Any:
        self.calls += 1
        return self.real.run(*a, **k)


def _windows(text: str) -> int:
    enc = get_encoder()
    tokens = tokenize_ranges(enc.tokenizer, text, [(0, len(text))])
    return len(make_windows(len(tokens.ids), 0, enc.max_tokens, enc.stride))


def _count(pipe: Pipeline) -> tuple[int, int]:
    """(shared encoder runs, attribution tagger's own encoder runs) for one document."""
    steps = dict(pipe.steps)
    tech, att = steps["techniques"], steps["attributions"]
    shared = _Counting(tech.encoder.session)
    tech.encoder.session = tech.session = shared
    own = None
    if att.tagger is not None and att.tagger.session is not None:
        own = att.tagger.session = _Counting(att.tagger.session)
    try:
        doc = pipe(Document(text=TEXT))
    finally:
        tech.encoder.session = tech.session = shared.real
    assert doc.layer("techniques") is not None and doc.layer("attributions")
    assert not doc.runtime  # nothing kept once the document is analysed
    return shared.calls, own.calls if own else 0


def test_one_pass_runs_the_encoder_once_per_window() -> None:
    pipe = Pipeline.build(one_pass=True)
    shared, own = _count(pipe)
    assert (shared, own) == (_windows(TEXT), 0)


def test_the_default_runs_a_second_encoder_for_attribution() -> None:
    pipe = Pipeline.build()
    shared, own = _count(pipe)
    assert shared == _windows(TEXT) and own >= 1


def test_heads_read_the_same_encoding() -> None:
    doc = Document(text=TEXT)
    enc = get_encoder()
    (first,) = enc.encode_docs([doc])
    (again,) = enc.encode_docs([doc])
    assert again is first and doc.runtime[ENCODED][enc.key] is first
    tagger = AttributionTagger.load(head_model_dir())
    assert tagger is not None and tagger.head is not None
    tagged = tagger.tag(doc)
    assert tagged.tokens is first.tokens
    assert tagged.probs.shape == (len(first.tokens.ids), 6)
    assert 0.0 <= float(tagged.probs.min()) and float(tagged.probs.max()) <= 1.0


def test_the_head_is_the_convolution_it_says() -> None:
    rng = np.random.default_rng(0)
    w = {
        "c1_w": rng.normal(size=(3, 4, 5)).astype(np.float32),
        "c1_b": rng.normal(size=5).astype(np.float32),
        "c2_w": rng.normal(size=(3, 5, 5)).astype(np.float32),
        "c2_b": rng.normal(size=5).astype(np.float32),
        "out_w": rng.normal(size=(5, 6)).astype(np.float32),
        "out_b": rng.normal(size=6).astype(np.float32),
    }
    x = rng.normal(size=(7, 4)).astype(np.float32)

    def gelu(v: np.ndarray) -> np.ndarray:
        return 0.5 * v * (1 + np.tanh(0.7978845608 * (v + 0.044715 * v**3)))

    def conv(v: np.ndarray, k: np.ndarray, b: np.ndarray, d: int) -> np.ndarray:
        out = np.zeros((len(v), k.shape[2]), np.float64)
        for t in range(len(v)):
            for j in range(k.shape[0]):
                s = t + (j - k.shape[0] // 2) * d
                if 0 <= s < len(v):
                    out[t] += v[s] @ k[j]
        return out + b

    h = gelu(conv(x, w["c1_w"], w["c1_b"], 1))
    h = h + gelu(conv(h, w["c2_w"], w["c2_b"], 2))
    want = 1 / (1 + np.exp(-(h @ w["out_w"] + w["out_b"])))
    assert AttributionHead(w)(x) == pytest.approx(want, abs=1e-4)
    assert AttributionHead(w)(np.zeros((0, 4), np.float32)).shape == (0, 6)
    # a deeper head says its dilations in the file: each layer runs with its own
    w3 = {
        **w,
        "c3_w": rng.normal(size=(3, 5, 5)).astype(np.float32),
        "c3_b": rng.normal(size=5).astype(np.float32),
        "dilations": np.asarray([1, 2, 4]),
    }
    h3 = h + gelu(conv(h, w3["c3_w"], w3["c3_b"], 4))
    want3 = 1 / (1 + np.exp(-(h3 @ w["out_w"] + w["out_b"])))
    assert AttributionHead(w3)(x) == pytest.approx(want3, abs=1e-4)
    assert AttributionHead({**w3, "dilations": np.asarray([1, 2, 2])})(x) != pytest.approx(
        want3, abs=1e-4
    )
    with pytest.raises(ValueError, match="c3_w"):
        AttributionHead({**w, "dilations": np.asarray([1, 2, 4])})
