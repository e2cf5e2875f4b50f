"""Training-data helpers that need no torch (the train extra is not in CI)."""

from __future__ import annotations

import numpy as np

from spinscope.techniques.ptc import PTC_TECHNIQUES, Gold
from spinscope.techniques.train import TECH_INDEX, Example, _sentences_in, sentence_targets
from spinscope.techniques.windows import Tokens, make_windows


def _tokens(text: str) -> Tokens:
    """One token per word (stand-in for the wordpiece tokenizer)."""
    starts, ends, pos = [], [], 0
    for w in text.split():
        s = text.index(w, pos)
        starts.append(s)
        ends.append(s + len(w))
        pos = s + len(w)
    n = len(starts)
    return Tokens(np.arange(n) + 100, np.asarray(starts), np.asarray(ends), np.arange(n))


TEXT = "They wreak havoc.\nA calm line.\nTerrorists everywhere, a coup factory\n"


def test_sentence_targets_are_lines_and_their_techniques() -> None:
    tokens = _tokens(TEXT)
    loaded = "Loaded_Language"
    name = "Name_Calling,Labeling"
    gold = [
        Gold("a", loaded, TEXT.index("wreak"), TEXT.index("havoc") + 5),
        Gold("a", name, TEXT.index("coup"), TEXT.index("factory") + 7),
        # a span across a line break marks both lines
        Gold("a", "Repetition", TEXT.index("havoc"), TEXT.index("calm") + 4),
    ]
    sentence_of, labels = sentence_targets(TEXT, tokens, gold)
    assert sentence_of.tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2, 2, 2]
    assert labels.shape == (4, len(PTC_TECHNIQUES))  # the empty line after the last break
    on = [{PTC_TECHNIQUES[t] for t in np.flatnonzero(row)} for row in labels]
    assert on == [{loaded, "Repetition"}, {"Repetition"}, {name}, set()]
    assert labels[2, TECH_INDEX[name]] == 1.0


def test_sentences_are_pooled_once_per_window_from_its_kept_tokens() -> None:
    tokens = _tokens(TEXT)
    sentence_of, labels = sentence_targets(TEXT, tokens, [])
    n = len(tokens.ids)
    ex = Example("a", TEXT, tokens, np.zeros((n, 29), np.float32), [], 1.0, sentence_of, labels)
    silver = Example("s", TEXT, tokens, np.zeros((n, 29), np.float32), [], 0.5)
    wins = make_windows(n, 0, 8, 5)  # windows of 8 tokens (+ [CLS], [SEP]), overlapping
    assert len(wins) > 1
    h = np.zeros((len(wins), 10, 2), np.float32)
    for r, w in enumerate(wins):  # hidden state = the token's index, after [CLS]
        h[r, 1 : 1 + w.hi - w.lo, 0] = np.arange(w.lo, w.hi)
    pooled, sent_labels = _sentences_in(h, wins, [ex])
    # every sentence is seen, and each window pools only the sentences of its kept tokens
    seen = [int(sentence_of[int(round(p[0]))]) for p in pooled]  # a sentence's mean token
    assert sorted(set(seen)) == [0, 1, 2]
    expect = sum(len(np.unique(sentence_of[w.keep_lo : w.keep_hi])) for w in wins)
    assert len(pooled) == len(sent_labels) == expect
    # silver articles carry no sentence labels: nothing pooled
    silver_wins = make_windows(n, 0, 8, 5)
    assert _sentences_in(h, silver_wins, [silver]) == ([], [])
