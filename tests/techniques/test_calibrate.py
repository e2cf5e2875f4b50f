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
    x, y = _synthetic(16000)  # enough held-out spans that each bin's rate is precise
    cal = calibrate.fit(x[:8000], y[:8000])
    conf = cal(x[8000:])
    assert calibrate.ece(conf, y[8000:]) < 0.06
    table = calibrate.reliability(conf, y[8000:])
    filled = [r for r in table if r["count"] >= 100]
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
    unknown = cal.to_json() | {"features": ["mean_p", "sentiment", *calibrate.FEATURES[2:]]}
    with pytest.raises(ValueError, match="does not compute: \\['sentiment'\\]"):
        calibrate.Calibrator.from_json(unknown)
    short = cal.to_json() | {"features": ["mean_p"]}
    with pytest.raises(ValueError, match="do not match"):
        calibrate.Calibrator.from_json(short)


def test_a_calibrator_uses_the_features_it_was_fitted_on() -> None:
    """A model calibrated on the score features alone (the shipped v2) keeps its numbers when
    this version computes more columns; a new calibrator uses them all."""
    x, y = _synthetic(1500)
    names = calibrate.SCORE_FEATURES
    old = calibrate.fit(x, y, names=names)
    assert old.features == names and len(old.coef) == len(names)
    noise = x.copy()
    noise[:, len(names) :] = np.random.default_rng(1).normal(size=(len(x), len(x[0]) - len(names)))
    assert np.array_equal(old(x), old(noise))  # the columns it was not fitted on are not read
    back = calibrate.Calibrator.from_json(json.loads(json.dumps(old.to_json())))
    assert back.features == names and np.allclose(back(x), old(x), atol=1e-5)
    assert calibrate.fit(x, y).features == calibrate.FEATURES


def test_text_features_of_spans_in_their_article() -> None:
    text = (
        "Deal sparks outrage\n"
        "The mayor called it “a shameful betrayal of the city” on Monday.\n"
        "Critics repeat: a shameful betrayal. Betrayal, they say, is the word.\n"
    )

    def at(phrase: str, nth: int = 0) -> tuple[int, int]:
        start = -1
        for _ in range(nth + 1):
            start = text.index(phrase, start + 1)
        return start, start + len(phrase)

    spans = [at("outrage"), at("shameful betrayal"), at("shameful betrayal", 1), at("Monday")]
    spans.append(at("Betrayal"))
    f = calibrate.text_features(text, spans)
    col = {n: i for i, n in enumerate(calibrate.TEXT_FEATURES)}
    assert f.shape == (5, len(calibrate.TEXT_FEATURES))
    # the phrase again, whatever the case ("Betrayal" is in "betrayal" twice)
    assert f[:, col["again"]].tolist() == pytest.approx(
        [0, np.log1p(1), np.log1p(1), 0, np.log1p(2)]
    )
    assert f[1, col["word_again"]] == pytest.approx(np.log1p(1))  # "shameful": twice
    assert f[4, col["word_again"]] == pytest.approx(np.log1p(2))  # "betrayal": three times
    assert f[:, col["quoted"]].tolist() == [0, 1, 0, 0, 0]  # inside “…”, then after it closed
    assert f[:, col["in_title"]].tolist() == [1, 0, 0, 0, 0]
    assert f[3, col["capitalised"]] == 1.0 and f[1, col["capitalised"]] == 0.0
    assert 0 < f[0, col["position"]] < f[1, col["position"]] < f[2, col["position"]] < 1
    assert calibrate.text_features(text, []).shape == (0, len(calibrate.TEXT_FEATURES))


def test_the_shipped_model_scores_as_it_was_calibrated() -> None:
    cfg = json.loads((default_model_dir() / "config.json").read_text("utf-8"))
    names = tuple(cfg["view"]["calibrator"]["features"])
    assert set(names) <= set(calibrate.FEATURES)
    cal = calibrate.Calibrator.from_json(cfg["view"]["calibrator"])
    assert cal.features == names


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
