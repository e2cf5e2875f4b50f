"""The PolNeAR speaker measure (``speaker_eval``) and the speaker decision model (``resolve``)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from spinscope.attribution.polnear import GoldArticle, GoldAttribution
from spinscope.attribution.resolve import (
    FEATURES,
    Decision,
    DecisionScorer,
    choose_threshold,
    default_scorer,
    name_gender,
)
from spinscope.attribution.speaker_eval import (
    RIGHT,
    UNRESOLVED,
    WRONG,
    GoldSpeaker,
    judge,
    read_speaker_tsv,
    same_name,
    score_speakers,
)


@pytest.mark.parametrize(
    ("shown", "gold", "person", "same"),
    [
        ("Trump", "Donald J. Trump", True, True),
        ("Mr. Trump", "Donald J. Trump", True, True),
        ("Post", "New York Post", False, True),
        ("FBI", "Federal Bureau of Investigation", False, True),
        ("Donald Trump campaign", "Trump campaign", False, True),
        ("Hillary Clinton", "Donald Trump", True, False),
        ("Donald Trump campaign", "Clinton campaign", False, False),  # no last-word rule
    ],
)
def test_same_name_is_lenient_but_not_loose(
    shown: str, gold: str, person: bool, same: bool
) -> None:
    assert same_name(shown, gold, person) is same


def _gold(speaker: str, kind: str = "person") -> GoldSpeaker:
    return GoldSpeaker(0, 2, "he", speaker, kind)


def test_judge() -> None:
    assert judge({"name": "Obama", "role": None, "type": "person"}, _gold("Barack Obama")) == RIGHT
    assert judge({"name": "Biden", "role": None, "type": "person"}, _gold("Barack Obama")) == WRONG
    assert (
        judge({"name": None, "role": None, "type": "person"}, _gold("Barack Obama")) == UNRESOLVED
    )
    # an unnamed speaker described as the gold describes it is right
    desc = {"name": None, "role": "campaign spokeswoman", "type": "person"}
    assert judge(desc, _gold("a campaign spokeswoman")) == RIGHT
    # a name where no reader can tell who it is, is a wrong name
    assert judge({"name": "Obama", "role": None, "type": "person"}, _gold("?", "unclear")) == WRONG


def test_score_speakers_matches_by_content(tmp_path: Path) -> None:
    text = "Obama said the economy grew. He said jobs rose."
    tsv = tmp_path / "a.tsv"
    tsv.write_text(
        "tid\tstart\tend\tmention\tspeaker\tkind\n"
        "T1\t0\t5\tObama\tBarack Obama\tperson\n"
        "T2\t29\t31\the\tBarack Obama\tperson\n",
        encoding="utf-8",
    )
    rows = read_speaker_tsv(tsv)
    gold = GoldArticle(
        "nyt_x",
        text,
        [
            GoldAttribution(((11, 28),), ((6, 10),), ((0, 5),)),
            GoldAttribution(((37, 46),), ((32, 36),), ((29, 31),)),
        ],
    )
    pred = [
        ((11, 28), {"name": "Barack Obama", "role": None, "type": "person"}, (0, 5)),
        ((37, 46), {"name": "Joe Biden", "role": None, "type": "person"}, (29, 31)),
        ((0, 4), {"name": "Obama", "role": None, "type": "person"}, None),  # matches nothing
    ]
    res = score_speakers(gold, rows, pred)
    assert (res.speakers.matched, res.speakers.right, res.speakers.wrong_named) == (2, 1, 1)
    assert res.content.matched == 2 and res.content.n_pred == 3


def test_bad_speaker_row_is_one_clear_error(tmp_path: Path) -> None:
    tsv = tmp_path / "bad.tsv"
    tsv.write_text("tid\tstart\tend\tmention\tspeaker\tkind\nT1\tx\t5\tObama\tObama\tperson\n")
    with pytest.raises(ValueError, match=r"bad\.tsv:2: bad start/end"):
        read_speaker_tsv(tsv)


def test_name_gender_from_first_name_or_title() -> None:
    assert name_gender("Hillary Clinton") == "f"
    assert name_gender("Julian Assange") == "m"
    assert name_gender("Mrs. Obama") == "f"
    assert name_gender("Terry Strada") is None  # not clearly one gender
    assert name_gender("Obama") is None
    # one word is a surname as often as a first name: no gender from it
    assert name_gender("Clinton") is None  # gender-guesser knows "Clinton" as a man's name
    assert name_gender("Stein") is None
    assert name_gender("Jill Stein") == "f"
    assert name_gender("Ms. Warren") == "f"


def test_threshold_keeps_wrong_names_within_the_target() -> None:
    probs = np.array([0.99, 0.95, 0.9, 0.8, 0.6, 0.4])
    wrong = np.array([0, 0, 1, 0, 1, 1])
    # 100 matched attributions, 1 % allowed: only the wrong one at 0.9 may stay
    assert choose_threshold(probs, wrong, 100, 0.01) == 0.61
    assert choose_threshold(probs, wrong, 100, 0.0) == 0.91


def test_scorer_withholds_below_its_threshold(tmp_path: Path) -> None:
    n = len(FEATURES)
    w = [0.0] * n
    w[FEATURES.index("how_name")] = 4.0
    cfg = {"features": list(FEATURES), "weights": w, "bias": -2.0, "threshold": 0.5}
    p = tmp_path / "m.json"
    p.write_text(json.dumps(cfg))
    sc = DecisionScorer.load(p)
    assert sc.shown(Decision("name")) and not sc.shown(Decision("pronoun"))
    assert sc.shown(Decision("pronoun", {"settled": 1.0}))  # settled by the text
    p.write_text(json.dumps({**cfg, "features": ["x"] * n}))
    with pytest.raises(ValueError, match="refit"):
        DecisionScorer.load(p)


def test_the_shipped_model_is_there_and_says_how_it_was_chosen() -> None:
    sc = default_scorer()
    assert sc is not None and 0.5 <= sc.threshold < 1.0
    assert sc.meta["command"] == "python -m spinscope.attribution.resolve fit"
    assert sc.meta["cv"]["wrong_named_rate"] <= sc.meta["target_wrong_named"]


def test_doc_predictions_joins_rows_that_continue_a_statement() -> None:
    from spinscope.attribution.speaker_eval import doc_predictions
    from spinscope.document import Document, Span

    text = "“We will win,” Ruiz said. “And big.” Lee said no."
    doc = Document(text)
    spk = {"name": "Ana Ruiz", "role": None, "type": "person"}
    src = {"start": 15, "end": 19}
    doc.set_layer(
        "attributions",
        [
            Span(0, 14, "direct", {"id": "a1", "speaker": spk, "source": src}),
            Span(26, 36, "direct", {"id": "a2", "speaker": spk, "source": src, "continues": "a1"}),
            Span(46, 48, "indirect", {"id": "a3", "speaker": None, "source": None}),
        ],
    )
    assert doc_predictions(doc) == [
        ((0, 14), spk, (15, 19), ((26, 36),)),
        ((46, 48), None, None, ()),
    ]
