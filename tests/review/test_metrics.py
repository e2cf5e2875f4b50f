"""The report's statistics against values worked out by hand."""

from __future__ import annotations

import math

import pytest

from spinscope.review.metrics import NONE, char_values, kappa, span_alpha, wilson


def test_wilson_interval_by_hand() -> None:
    # 3 of 10, z = 1.959964 (95 %): centre (p + z²/2n) / (1 + z²/n),
    # half-width z / (1 + z²/n) * sqrt(p(1-p)/n + z²/4n²)
    z, n, p = 1.959963984540054, 10, 0.3
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    w = wilson(3, 10)
    assert (w["k"], w["n"], w["rate"]) == (3, 10, 0.3)
    assert w["low"] == pytest.approx(centre - half) and w["high"] == pytest.approx(centre + half)
    assert w["low"] == pytest.approx(0.1078, abs=1e-4) and w["high"] == pytest.approx(
        0.6032, abs=1e-4
    )
    assert wilson(0, 0)["rate"] is None
    assert wilson(5, 5)["high"] == pytest.approx(1.0) and wilson(5, 5)["low"] < 1.0
    with pytest.raises(ValueError):
        wilson(4, 3)


def test_kappa_by_hand() -> None:
    a = ["yes", "yes", "no", "no", "yes", "no"]
    b = ["yes", "no", "no", "no", "yes", "yes"]
    # p_o = 4/6; ana yes 3 no 3, ben yes 3 no 3 -> p_e = 1/2; kappa = (2/3 - 1/2) / (1/2) = 1/3
    out = kappa(a, b)
    assert out["kappa"] == pytest.approx(1 / 3) and out["agreement"] == pytest.approx(4 / 6)
    # one label everywhere: kappa undefined, agreement 1
    assert kappa(["x", "x"], ["x", "x"]) == {"items": 2, "agreement": 1.0, "kappa": None}
    assert kappa([], [])["kappa"] is None


def test_char_values() -> None:
    assert char_values(6, [(0, 3, "A"), (2, 4, "B")]) == ["A", "A", "A+B", "B", NONE, NONE]


def test_span_alpha_by_hand() -> None:
    # 4 characters; reviewer 1: X on 2..4; reviewer 2: X on 1..4.
    # values: (none, none), (none, X), (X, X), (X, X); n = 8, n_none = 3, n_X = 5
    # disagreement coincidences o(none, X) + o(X, none) = 2
    # alpha = 1 - (n - 1) * 2 / (n² - n_none² - n_X²) = 1 - 7 * 2 / (64 - 9 - 25) = 1 - 14/30
    docs = [(4, [[(2, 4, "X")], [(1, 4, "X")]])]
    assert span_alpha(docs) == pytest.approx(1 - 14 / 30)
    # the same layers: 1; a single value everywhere: undefined
    assert span_alpha([(4, [[(1, 4, "X")], [(1, 4, "X")]])]) == pytest.approx(1.0)
    assert span_alpha([(4, [[], []])]) is None
