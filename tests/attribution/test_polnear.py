from spinscope.attribution.polnear import GoldAttribution, Predicted, parse_ann, score_article

ANN = (
    "T1\tSource 0 3\tShe\n"
    "T2\tCue 4 8\tsaid\n"
    "T3\tContent 9 20;30 40\tcontent one\n"
    "#1\tAnnotatorNotes T3\ta note\nthat runs over a line\n"
    "T4\tAttribution 4 8\tsaid\n"
    "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n"
    "E2\tAttribution:T4 Content:T3 Cue:T2\n"
)


def test_parse_ann_tolerates_notes_and_missing_source() -> None:
    gold = parse_ann(ANN)
    assert gold[0] == GoldAttribution(((9, 20), (30, 40)), ((4, 8),), ((0, 3),))
    assert gold[1].source is None


def test_score_half_coverage_one_to_one() -> None:
    gold = [GoldAttribution(((10, 20),), ((0, 4),), ((0, 3),))]
    preds = [Predicted((10, 15), (0, 3)), Predicted((10, 14), None), Predicted((50, 60), None)]
    s = score_article(preds, gold)
    assert (s.matched, s.n_pred, s.n_gold) == (1, 3, 1)
    assert s.src_correct == 1 and s.src_total == 1
    assert score_article([Predicted((10, 14), None)], gold).matched == 0
