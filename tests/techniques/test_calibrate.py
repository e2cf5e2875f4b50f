"""Calibrated confidence: the calibrator, its reliability table, the lexicon, the default view."""

from __future__ import annotations

import json

import numpy as np
import pytest

from spinscope.techniques import calibrate, cv
from spinscope.techniques.model import TechniqueTagger, default_model_dir


def _synthetic(n: int = 4000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Features whose first column carries the log-odds of the outcome (a known truth)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, len(calibrate.FEATURES))).astype(np.float32)
    p = 1 / (1 + np.exp(-(2.0 * x[:, 0] - 1.0)))
    return x, (rng.random(n) < p).astype(np.int64)


def test_calibrator_is_calibrated_on_held_out_data() -> None:
    x, y = _synthetic()
    cal = calibrate.fit(x[:3000], y[:3000])
    conf = cal(x[3000:])
    assert calibrate.ece(conf, y[3000:]) < 0.06
    table = calibrate.reliability(conf, y[3000:])
    filled = [r for r in table if r["count"] >= 30]
    observed = [r["observed"] for r in filled]
    assert len(filled) >= 5
    assert observed == sorted(observed), "the reliability table must rise with confidence"


def test_uninformative_scores_are_not_calibrated() -> None:
    """ECE is measured, not assumed: raw scores far from the outcome rate give a large ECE."""
    _, y = _synthetic()
    assert calibrate.ece(np.full(len(y), 0.9), y) > 0.4


def test_reliability_table_counts_every_span_once() -> None:
    conf = np.array([0.0, 0.05, 0.1, 0.55, 0.99, 1.0])
    y = np.array([0, 0, 1, 1, 1, 0])
    table = calibrate.reliability(conf, y)
    assert [r["count"] for r in table] == [2, 1, 0, 0, 0, 1, 0, 0, 0, 2]
    assert table[9]["observed"] == 0.5
    assert calibrate.ece(conf, y) == pytest.approx(
        (2 * 0.025 + 1 * 0.9 + 1 * 0.45 + 2 * abs(0.5 - 0.995)) / 6
    )


def test_calibrator_round_trips_json_and_refuses_other_features() -> None:
    x, y = _synthetic(800)
    cal = calibrate.fit(x, y, isotonic=True)
    back = calibrate.Calibrator.from_json(json.loads(json.dumps(cal.to_json())))
    assert np.allclose(back(x[:50]), cal(x[:50]), atol=1e-4)
    stale = cal.to_json() | {"features": ["mean_p"]}
    with pytest.raises(ValueError, match="other span features"):
        calibrate.Calibrator.from_json(stale)


def test_lexicon_learns_word_rates_and_smooths_unseen_words() -> None:
    texts = {"a": "the massacre was a massacre", "b": "the country of the country"}
    loaded = 8  # Loaded_Language
    gold = [("a", 4, 12, loaded), ("a", 19, 27, loaded)]
    lex = calibrate.Lexicon.build(texts, gold, smoothing=1.0)
    assert lex.words["massacre"][loaded] > 0.5
    assert "country" not in lex.words  # never inside a span
    rates = lex.rates("a massacre in the country", [(2, 10, loaded), (18, 25, loaded)], frozenset())
    assert rates[0, 0] > rates[1, 0]
    assert rates[1, 0] == pytest.approx(lex.prior[loaded])


def test_default_threshold_is_the_lowest_where_half_is_right() -> None:
    grid = [
        {"min_confidence": 0.1, "span_precision": 0.3, "spans": 500},
        {"min_confidence": 0.3, "span_precision": 0.52, "spans": 100},
        {"min_confidence": 0.5, "span_precision": 0.6, "spans": 40},
    ]
    assert cv.default_threshold(grid)["min_confidence"] == 0.3
    # too few spans to trust: the most precise row instead
    few = [{"min_confidence": 0.7, "span_precision": 0.9, "spans": 3}]
    assert cv.default_threshold(grid[:1] + few)["min_confidence"] == 0.7


def test_shipped_default_is_the_cross_validated_one() -> None:
    cfg = json.loads((default_model_dir() / "config.json").read_text(encoding="utf-8"))
    report = json.loads((default_model_dir() / "cv.json").read_text(encoding="utf-8"))
    tagger = TechniqueTagger.load()
    assert tagger.min_confidence == cfg["view"]["min_confidence"]
    assert tagger.min_confidence == report["view"]["default"]["min_confidence"]
    assert report["view"]["default"]["span_precision"] >= cv.TARGET_SPAN_PRECISION
    assert report["view"]["ece_shown"] <= 0.10
    assert TechniqueTagger.load(min_confidence=0.05).min_confidence == 0.05
