"""The statistics of the review report, each from a well-kept library.

- a proportion's 95 % interval: Wilson's score interval (``scipy.stats.binomtest(...)
  .proportion_ci(method="wilson")``);
- agreement of two reviewers on one decision: Cohen's κ (``sklearn.metrics.cohen_kappa_score``);
- agreement on spans: Krippendorff's α (the ``krippendorff`` package), nominal, with **one unit
  per character** of the reviewed texts. A character's value is the set of techniques whose spans
  cover it in that reviewer's corrected layer (``"none"`` when none does; a character under two
  overlapping techniques has the value ``"A+B"``, a category of its own).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

#: the value of a character no span covers (:func:`char_values`)
NONE = "none"


def wilson(k: int, n: int, confidence: float = 0.95) -> dict[str, Any]:
    """``k`` of ``n``: ``{"k", "n", "rate", "low", "high"}`` with the Wilson score interval
    (rate and bounds ``None`` when ``n`` is 0: no estimate)."""
    if not 0 <= k <= n:
        raise ValueError(f"a proportion needs 0 <= k <= n, got k={k}, n={n}")
    if n == 0:
        return {"k": 0, "n": 0, "rate": None, "low": None, "high": None}
    from scipy.stats import binomtest

    ci = binomtest(k, n).proportion_ci(confidence_level=confidence, method="wilson")
    return {"k": k, "n": n, "rate": k / n, "low": float(ci.low), "high": float(ci.high)}


def kappa(a: Sequence[str], b: Sequence[str]) -> dict[str, Any]:
    """Cohen's κ of two reviewers' labels of the same items, with their raw agreement.

    ``kappa`` is ``None`` where it is undefined: no items, or both reviewers gave every item the
    same one label (chance agreement is then 1).
    """
    if len(a) != len(b):
        raise ValueError("the two reviewers must label the same items")
    n = len(a)
    agree = sum(x == y for x, y in zip(a, b, strict=True))
    out: dict[str, Any] = {"items": n, "agreement": agree / n if n else None, "kappa": None}
    if n == 0 or len(set(a) | set(b)) < 2:
        return out
    from sklearn.metrics import cohen_kappa_score

    value = float(cohen_kappa_score(list(a), list(b)))
    out["kappa"] = None if math.isnan(value) else value
    return out


def char_values(length: int, spans: Iterable[tuple[int, int, str]]) -> list[str]:
    """Each character's value for :func:`span_alpha`: the '+'-joined sorted techniques of the
    spans ``(start, end, technique)`` covering it, or :data:`NONE`."""
    cover: list[set[str]] = [set() for _ in range(length)]
    for start, end, tech in spans:
        for i in range(max(0, start), min(length, end)):
            cover[i].add(tech)
    return ["+".join(sorted(c)) if c else NONE for c in cover]


def _masks(length: int, spans: Iterable[tuple[int, int, str]], bit: dict[str, int]) -> np.ndarray:
    """Each character's set of covering techniques as a bit mask (0: none), :func:`char_values`
    in numbers."""
    out = np.zeros(length, dtype=np.int64)
    for start, end, tech in spans:
        out[max(0, start) : min(length, end)] |= np.int64(1) << bit[tech]
    return out


def span_alpha(
    docs: Sequence[tuple[int, Sequence[Sequence[tuple[int, int, str]]]]],
) -> float | None:
    """Krippendorff's α (nominal) of several reviewers' span layers.

    ``docs``: per document, its text length and each reviewer's spans ``(start, end, technique)``
    (the same reviewers, in the same order, for every document). Units: every character of every
    document, valued as :func:`char_values` says (a set of techniques, or none). ``None`` when
    undefined (no characters, or a single value everywhere).
    """
    if not docs:
        return None
    coders = len(docs[0][1])
    if coders < 2 or any(len(layers) != coders for _, layers in docs):
        raise ValueError("α needs the same two or more reviewers on every document")
    names = sorted({t for _, layers in docs for spans in layers for _, _, t in spans})
    if len(names) > 62:
        raise ValueError("α over spans handles at most 62 distinct techniques")
    bit = {t: i for i, t in enumerate(names)}
    rows = [
        np.concatenate([_masks(length, layers[r], bit) for length, layers in docs])
        for r in range(coders)
    ]
    values, codes = np.unique(np.stack(rows), return_inverse=True)
    if codes.size == 0 or len(values) < 2:
        return None
    import krippendorff

    data = codes.reshape(coders, -1).astype(np.float64)
    value = float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))
    return None if math.isnan(value) else value
