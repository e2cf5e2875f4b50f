from spinscope.attribution.polnear import (
    GoldAttribution,
    Predicted,
    join_continuations,
    parse_ann,
    score_article,
)

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


def test_rows_that_continue_a_statement_are_scored_as_its_pieces() -> None:
    # PolNeAR annotates “A,” she said, “B …” as one attribution in pieces: neither row
    # covers half of it alone, the statement of both rows does (and counts once)
    gold = [GoldAttribution(((0, 10), (20, 30), (31, 35)), ((11, 15),), ((16, 19),))]
    rows = [((0, 10), (16, 19), None), ((20, 30), (16, 19), 0), ((40, 50), None, None)]
    alone = score_article([Predicted(c, s) for c, s, _ in rows], gold)
    assert (alone.matched, alone.n_pred) == (0, 3)
    joined = join_continuations(rows)
    assert joined[0] == Predicted((0, 10), (16, 19), ((20, 30),))
    s = score_article(joined, gold)
    assert (s.matched, s.n_pred, s.src_correct) == (1, 2, 1)
    # a chain: the third piece continues the second, which continues the first
    chain = join_continuations([((0, 5), None, None), ((6, 9), None, 0), ((10, 12), None, 1)])
    assert chain == [Predicted((0, 5), None, ((6, 9), (10, 12)))]
