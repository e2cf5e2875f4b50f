"""Windows over long texts: every token is kept exactly once when stitching."""

from __future__ import annotations

import numpy as np
import pytest

from spinscope.techniques.decode import runs, token_range
from spinscope.techniques.model import default_model_dir
from spinscope.techniques.windows import (
    batch_inputs,
    load_tokenizer,
    make_windows,
    tokenize_ranges,
)


@pytest.mark.parametrize("n", [0, 1, 254, 255, 600, 1999])
def test_each_token_kept_once(n: int) -> None:
    wins = make_windows(n, 0, max_tokens=254, stride=192)
    owned = np.zeros(n, dtype=int)
    for w in wins:
        assert 0 <= w.lo <= w.keep_lo <= w.keep_hi <= w.hi <= n
        assert w.hi - w.lo <= 254
        owned[w.keep_lo : w.keep_hi] += 1
    assert (owned == 1).all()


def test_offsets_are_absolute_str_indices() -> None:
    tok = load_tokenizer(default_model_dir() / "tokenizer.json")
    text = "Intro 😀 line.\n\nThe “coup factory” — said he."
    start = text.index("The")
    toks = tokenize_ranges(tok, text, [(start, len(text))])
    pieces = [text[a:b] for a, b in zip(toks.starts, toks.ends, strict=True)]
    assert pieces[:3] == ["The", "“", "coup"]
    assert all(a >= start for a in toks.starts)


def test_batch_inputs_pads_and_wraps() -> None:
    tok = load_tokenizer(default_model_dir() / "tokenizer.json")
    toks = [
        tokenize_ranges(tok, "one two three", [(0, 13)]),
        tokenize_ranges(tok, "four", [(0, 4)]),
    ]
    wins = make_windows(3, 0) + make_windows(1, 1)
    ids, mask = batch_inputs(wins, toks)
    assert ids.shape == (2, 5)
    assert ids[0, 0] == 101 and ids[0, 4] == 102 and ids[1, 2] == 102
    assert mask.sum(axis=1).tolist() == [5, 3]


def test_runs_and_begin_split() -> None:
    p = np.array([0.1, 0.9, 0.8, 0.7, 0.1, 0.6])
    assert runs(p, 0.5) == [(1, 3), (5, 5)]
    begin = np.array([0, 0.9, 0, 0.9, 0, 0.9])
    assert runs(p, 0.5, begin) == [(1, 2), (3, 3), (5, 5)]


def test_token_range() -> None:
    starts, ends = np.array([0, 4, 9]), np.array([3, 8, 12])
    assert token_range(starts, ends, 4, 12) == (1, 2)
    assert token_range(starts, ends, 3, 4) is None


def test_words_join_subwords_and_hyphens() -> None:
    tok = load_tokenizer(default_model_dir() / "tokenizer.json")
    text = "war-torn Takfiri terrorists."
    toks = tokenize_ranges(tok, text, [(0, len(text))])
    pieces = [text[a:b] for a, b in zip(toks.starts, toks.ends, strict=True)]
    words: dict[int, str] = {}
    for w, a, b in zip(toks.words, toks.starts, toks.ends, strict=True):
        words[int(w)] = words.get(int(w), "") + text[a:b]
    assert list(words.values()) == ["war-torn", "Takfiri", "terrorists", "."]
    assert len(pieces) > 4  # Takfiri is split into wordpieces, yet stays one word


def test_pool_words_gives_each_piece_the_word_max() -> None:
    from spinscope.techniques.decode import pool_words

    probs = np.array([[0.1], [0.9], [0.2], [0.3], [0.0]])
    words = np.array([0, 0, 0, 1, 2])
    assert pool_words(probs, words)[:, 0].tolist() == [0.9, 0.9, 0.9, 0.3, 0.0]
