"""Turn per-token probabilities into technique spans (numpy only, shared by training and inference).

Token outputs, per wordpiece: column 0 = inside *any* technique (span identification); columns
``1..14`` = inside technique *t*; columns ``15..28`` = a span of technique *t* begins here.
Spans of different techniques may overlap or coincide, so each technique is decoded on its own.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np

from spinscope.attribution.spans import is_boundary
from spinscope.techniques.windows import JOINERS as _JOINERS
from spinscope.techniques.windows import joins

N_TECH = 14
N_OUT = 1 + 2 * N_TECH


@dataclass(frozen=True)
class TokenSpan:
    first: int  # first token (inclusive)
    last: int  # last token (inclusive)
    technique: int  # index into PTC_TECHNIQUES, or -1 for "any"
    confidence: float


def runs(
    prob: np.ndarray, threshold: float, begin: np.ndarray | None = None
) -> list[tuple[int, int]]:
    """Maximal runs of tokens above ``threshold``; a confident *begin* inside a run splits it."""
    out: list[tuple[int, int]] = []
    start = -1
    for i, p in enumerate(prob):
        if p > threshold:
            if start < 0:
                start = i
            elif begin is not None and begin[i] > 0.5 and begin[i - 1] <= 0.5:
                out.append((start, i - 1))
                start = i
        elif start >= 0:
            out.append((start, i - 1))
            start = -1
    if start >= 0:
        out.append((start, len(prob) - 1))
    return out


def pool_words(probs: np.ndarray, words: np.ndarray) -> np.ndarray:
    """Give every wordpiece of a word the word's maximum, so spans never cut a word in two."""
    if len(words) == 0:
        return probs
    change = np.flatnonzero(np.diff(words)) + 1
    starts = np.concatenate([[0], change])
    peak = np.maximum.reduceat(probs, starts, axis=0)
    return np.repeat(peak, np.diff(np.concatenate([starts, [len(words)]])), axis=0)


def si_probs(probs: np.ndarray, mode: str) -> np.ndarray:
    """Column 0 replaced by the SI score: the *any* head, or the most likely technique."""
    if mode == "any":
        return probs
    out = probs.copy()
    inside = probs[:, 1 : 1 + N_TECH].max(axis=1)
    out[:, 0] = inside if mode == "max" else (probs[:, 0] + inside) / 2
    return out


def merge_runs(spans: list[tuple[int, int]], gap: int) -> list[tuple[int, int]]:
    """Join runs separated by at most ``gap`` tokens (a dip inside one phrase)."""
    out: list[tuple[int, int]] = []
    for a, b in spans:
        if out and a - out[-1][1] - 1 <= gap:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def si_spans(probs: np.ndarray, threshold: float, gap: int = 0) -> list[TokenSpan]:
    return [
        TokenSpan(a, b, -1, float(probs[a : b + 1, 0].mean()))
        for a, b in merge_runs(runs(probs[:, 0], threshold), gap)
    ]


def technique_spans(
    probs: np.ndarray,
    threshold: float,
    gap: int = 0,
    peak_ratio: float = 0.0,
    breaks: np.ndarray | None = None,
) -> list[TokenSpan]:
    """Per-technique runs (FLC straight from the tagging head).

    ``peak_ratio`` > 0 tightens each run to the words around its peak that reach that share of
    the peak probability: a low threshold finds the phrase, the peak says where it really is.
    ``breaks`` marks tokens that end a sentence: a run never continues past one.
    """
    out: list[TokenSpan] = []
    for t in range(N_TECH):
        inside, begin = probs[:, 1 + t], probs[:, 1 + N_TECH + t]
        for a0, b0 in merge_runs(runs(inside, threshold, begin), gap):
            for a, b in _split(a0, b0, breaks):
                if peak_ratio > 0:
                    a, b = tighten(inside, a, b, peak_ratio)
                out.append(TokenSpan(a, b, t, float(inside[a : b + 1].mean())))
    return out


def _split(a: int, b: int, breaks: np.ndarray | None) -> list[tuple[int, int]]:
    if breaks is None:
        return [(a, b)]
    out = []
    for k in np.flatnonzero(breaks[a:b]) + a:  # a break on the last token cuts nothing
        if k >= a:
            out.append((a, int(k)))
            a = int(k) + 1
    out.append((a, b))
    return [(x, y) for x, y in out if x <= y]


def sentence_ends(text: str, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Per token: a sentence, line or analysed range ends after it — a full stop, question or
    exclamation mark (or a closing quote after one) followed by white space, any token followed
    by a line break, and the last token before a jump in the text (title → body)."""
    out = np.zeros(len(starts), dtype=bool)
    for i, (a, b) in enumerate(zip(starts, ends, strict=True)):
        a, b = int(a), int(b)
        nxt = int(starts[i + 1]) if i + 1 < len(starts) else len(text)
        between = text[b:nxt]
        if "\n" in between or "\u2028" in between or "\u2029" in between:
            out[i] = True
        elif between and not between.isspace():  # skipped text: another region follows
            out[i] = True
        elif between:
            piece = text[a:b]
            out[i] = piece[-1:] in (".", "!", "?", "…") or (
                piece in ("”", "’", '"') and a > 0 and text[a - 1] in ".!?…"
            )
    return out


def tighten(p: np.ndarray, a: int, b: int, ratio: float) -> tuple[int, int]:
    """The contiguous part of ``p[a..b]`` around its peak where ``p >= ratio * peak``."""
    k = a + int(np.argmax(p[a : b + 1]))
    floor = ratio * float(p[k])
    lo, hi = k, k
    while lo > a and p[lo - 1] >= floor:
        lo -= 1
    while hi < b and p[hi + 1] >= floor:
        hi += 1
    return lo, hi


def span_features(hidden: np.ndarray, first: int, last: int) -> np.ndarray:
    """``[h_first, h_last, mean(h_first..h_last)]`` — the span head's input."""
    return np.concatenate([hidden[first], hidden[last], hidden[first : last + 1].mean(axis=0)])


def gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + np.tanh(0.7978845608028654 * (x + 0.044715 * x**3)))


def softmax(x: np.ndarray) -> np.ndarray:
    z = x - x.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


@dataclass
class SpanHead:
    """Two-layer MLP over span features → technique distribution (weights from training)."""

    w1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: np.ndarray

    def __call__(self, feats: np.ndarray) -> np.ndarray:
        h = gelu(feats @ self.w1.T + self.b1)
        return softmax(h @ self.w2.T + self.b2)

    def classify(self, hidden: np.ndarray, spans: list[tuple[int, int]]) -> np.ndarray:
        if not spans:
            return np.zeros((0, N_TECH), dtype=np.float32)
        feats = np.stack([span_features(hidden, a, b) for a, b in spans]).astype(np.float32)
        return self(feats)


def char_span(starts: np.ndarray, ends: np.ndarray, first: int, last: int) -> tuple[int, int]:
    return int(starts[first]), int(ends[last])


#: closing → opening marks; a mark at a span's edge stays only when its partner is inside
_PAIRS = {")": "(", "]": "[", "}": "{", "”": "“", "’": "‘", "»": "«"}
_OPENERS = {v: k for k, v in _PAIRS.items()}
_SYMMETRIC = "\"'"
_EDGE = ".,;:!?…—–-/*•·" + "".join(_PAIRS) + "".join(_OPENERS) + _SYMMETRIC


def trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Shrink ``[start, end)`` past whitespace and edge punctuation: quote marks and brackets
    stay only where they belong to the phrase (their partner is inside the span, and the two do
    not just wrap it), so ``“coup factory”`` becomes ``coup factory`` while
    ``“a shameful betrayal” (sic)`` is kept whole.
    ``None`` when nothing but punctuation is left. The result never starts or ends inside a word
    or a grapheme cluster (:func:`snap_words`)."""

    def keeps_left(a: int, b: int) -> bool:
        c = text[a]
        if c in _OPENERS:
            return _OPENERS[c] in text[a + 1 : b]
        if c in _SYMMETRIC:
            return text[a:b].count(c) % 2 == 0
        return False

    def keeps_right(a: int, b: int) -> bool:
        c = text[b - 1]
        if c in _PAIRS:
            return _PAIRS[c] in text[a : b - 1]
        if c in _SYMMETRIC:
            return text[a:b].count(c) % 2 == 0
        return False

    a, b = start, end
    while a < b:
        if b - a >= 2 and (
            _OPENERS.get(text[a]) == text[b - 1]
            or (text[a] in _SYMMETRIC and text[a] == text[b - 1])
        ):  # marks that wrap the whole span are not part of the phrase
            a, b = a + 1, b - 1
        elif text[a].isspace() or (text[a] in _EDGE and not keeps_left(a, b)):
            a += 1
        elif text[b - 1].isspace() or (text[b - 1] in _EDGE and not keeps_right(a, b)):
            b -= 1
        else:
            break
    if a >= b or not any(ch.isalnum() for ch in text[a:b]):
        return None
    return snap_words(text, a, b)


def _wordish(ch: str) -> bool:
    return ch.isalnum() or unicodedata.category(ch) in ("Mn", "Mc", "Me")


def inside_word(text: str, i: int) -> bool:
    """Whether offset ``i`` cuts a word (``so|rdid``, ``war-|torn``, ``Russia|’s``) or a grapheme
    cluster (a letter and its combining accent, half an emoji): a span must not start or end
    there. Joiners (``-``, ``'``, ``’``) belong to a word only between two word characters."""
    if i <= 0 or i >= len(text):
        return False
    if not is_boundary(text, i):
        return True
    left, right = text[i - 1], text[i]
    if _wordish(left) and _wordish(right):
        return True
    if right in _JOINERS and _wordish(left):
        return i + 1 < len(text) and _wordish(text[i + 1])
    if left in _JOINERS and _wordish(right):
        return i >= 2 and _wordish(text[i - 2])
    return False


def snap_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen ``[start, end)`` to whole words: an edge inside a word moves out to the word's edge
    (a phrase found in part is shown whole, never as a fragment)."""
    while start > 0 and inside_word(text, start):
        start -= 1
    while end < len(text) and inside_word(text, end):
        end += 1
    return start, end


#: words a phrase does not start with (it may start with "the", "our", "their"): connectives,
#: prepositions, auxiliaries, and the naming verbs that introduce it ("called a betrayal")
_LEADING = frozenset(
    "and or but nor so yet of to in on at by for with as from into than that which who whom "
    "whose is are was were be been being has have had do does did "
    "called calling dubbed labelled labeled branded termed".split()
)


def shed_edges(
    s: TokenSpan, stop: np.ndarray, text: str, starts: np.ndarray, ends: np.ndarray
) -> TokenSpan:
    """Drop function words at a span's end ("wreaking havoc on" → "wreaking havoc") and
    connectives or prepositions at its start ("and Russia pose" → "Russia pose"): whole words
    only, never the first wordpiece of a longer word ("so" of "sordid")."""
    first, last = s.first, s.last
    while last > first and stop[last]:
        last -= 1
    while first < last:
        # the whole word at ``first`` (its wordpieces: "so" + "##rdid" is "sordid", not "so")
        end = first
        while end < last and starts[end + 1] == ends[end] and joins(text, int(starts[end + 1])):
            end += 1
        if end >= last or text[int(starts[first]) : int(ends[end])].lower() not in _LEADING:
            break
        first = end + 1
    if (first, last) == (s.first, s.last):
        return s
    return TokenSpan(first, last, s.technique, s.confidence)


def stop_mask(
    text: str, starts: np.ndarray, words: np.ndarray, stop_words: frozenset[str]
) -> np.ndarray:
    """Per token: whether the word it belongs to is a function word (``the``, ``of``, ``if``)."""
    out = np.zeros(len(words), dtype=bool)
    if len(words) == 0:
        return out
    change = np.flatnonzero(np.diff(words)) + 1
    firsts = np.concatenate([[0], change])
    lasts = np.concatenate([change, [len(words)]])
    for a, b in zip(firsts, lasts, strict=True):
        # the word's characters: from its first piece to the next word's first piece
        hi = int(starts[b]) if b < len(words) else len(text)
        w = text[int(starts[a]) : hi].strip().strip(_EDGE).lower()
        out[a:b] = (not w) or w in stop_words
    return out


def token_range(
    starts: np.ndarray, ends: np.ndarray, start: int, end: int
) -> tuple[int, int] | None:
    """Tokens covering the character range ``[start, end)`` (for classifying given spans)."""
    idx = np.nonzero((ends > start) & (starts < end))[0]
    if len(idx) == 0:
        return None
    return int(idx[0]), int(idx[-1])
