"""Official SemEval-2020 Task 11 scores on hand-made cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from spinscope.techniques.ptc import (
    PTC_TECHNIQUES,
    Gold,
    format_si,
    format_tc,
    read_labels,
    score_flc,
    score_si,
    score_tc,
)


def g(a: str, t: str, s: int, e: int) -> Gold:
    return Gold(a, t, s, e)


def test_fourteen_techniques() -> None:
    assert len(PTC_TECHNIQUES) == 14 and len(set(PTC_TECHNIQUES)) == 14
    assert "Name_Calling,Labeling" in PTC_TECHNIQUES


def test_si_perfect_and_partial() -> None:
    gold = [g("1", "x", 0, 10)]
    assert score_si(gold, [g("1", "y", 0, 10)]).f1 == pytest.approx(1.0)
    # prediction covers half of the gold; all of the prediction is inside the gold
    s = score_si(gold, [g("1", "y", 0, 5)])
    assert s.precision == pytest.approx(1.0)
    assert s.recall == pytest.approx(0.5)
    assert s.f1 == pytest.approx(2 / 3)


def test_si_merges_overlaps() -> None:
    gold = [g("1", "a", 0, 10), g("1", "b", 5, 20)]  # merged into 0..20
    pred = [g("1", "?", 0, 20)]
    assert score_si(gold, pred).f1 == pytest.approx(1.0)
    # two overlapping predictions merge too: no double counting
    assert score_si(gold, [g("1", "?", 0, 12), g("1", "?", 8, 20)]).f1 == pytest.approx(1.0)


def test_si_articles_are_separate() -> None:
    gold = [g("1", "a", 0, 10)]
    assert score_si(gold, [g("2", "a", 0, 10)]).f1 == 0.0


def test_flc_requires_matching_technique() -> None:
    gold = [g("1", "Doubt", 0, 10), g("1", "Loaded_Language", 0, 10)]
    s = score_flc(gold, [g("1", "Doubt", 0, 10)])
    assert s.precision == pytest.approx(1.0)
    assert s.recall == pytest.approx(0.5)
    assert score_flc(gold, [g("1", "Slogans", 0, 10)]).f1 == 0.0


def test_tc_multiset() -> None:
    gold = [g("1", "Doubt", 0, 10), g("1", "Doubt", 0, 10), g("1", "Slogans", 20, 30)]
    pred = [g("1", "Doubt", 0, 10), g("1", "Flag-Waving", 0, 10), g("1", "Slogans", 20, 30)]
    assert score_tc(gold, pred).f1 == pytest.approx(2 / 3)


def test_formats_round_trip(tmp_path: Path) -> None:
    spans = [g("111", "Loaded_Language", 3, 9), g("111", "Name_Calling,Labeling", 3, 9)]
    p = tmp_path / "x.labels"
    p.write_text(format_tc(spans), encoding="utf-8")
    assert read_labels(p) == spans
    p.write_text(format_si(spans), encoding="utf-8")
    assert [(x.start, x.end) for x in read_labels(p)] == [(3, 9), (3, 9)]


def test_bad_label_line(tmp_path: Path) -> None:
    p = tmp_path / "bad.labels"
    p.write_text("111\tonly-two\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.labels:1"):
        read_labels(p)
