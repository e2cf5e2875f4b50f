"""Grouped cross-validation folds (issue 26): whole topic clusters per fold, deterministic,
every article once; ``--fold-split`` reaches training, the fold cache and the CV report."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spinscope.cli import app
from spinscope.paths import missing_message, shared_path
from spinscope.techniques import cv
from spinscope.techniques.commands import _fold_done
from spinscope.techniques.ptc import (
    TOPIC_CLUSTERS,
    all_ids,
    assign_groups,
    fold_ids,
    topic_clusters,
)
from spinscope.techniques.train import TrainConfig

PTC = shared_path("data", "ptc")

TOPICS = {
    "election": "ballot vote candidate senate campaign polls voters primary governor district",
    "church": "bishop priest cardinal vatican pope parish diocese clergy abuse catholic",
    "war": "missile troops army airstrike rebels border soldiers ceasefire artillery militia",
    "border": "immigrants asylum wall deportation caravan migrants customs visa refugees patrol",
}


def synthetic_ptc(root: Path, per_topic: int = 6) -> dict[str, str]:
    """A PTC-shaped folder: ``per_topic`` articles on each of four topics; ``{id: topic}``."""
    arts = root / "train" / "articles"
    arts.mkdir(parents=True)
    rng = random.Random(3)
    common = "the said on a in of and reported officials today statement news week".split()
    topic_of: dict[str, str] = {}
    n = 0
    for topic, words in TOPICS.items():
        vocab = words.split()
        for _ in range(per_topic):
            n += 1
            aid = f"{700000000 + n * 7919}"
            body = " ".join(rng.choice(vocab if rng.random() < 0.5 else common) for _ in range(120))
            (arts / f"article{aid}.txt").write_text(body + ".\n", encoding="utf-8")
            topic_of[aid] = topic
    ids = sorted(topic_of)
    splits = {"train": ids[: len(ids) // 2], "validation": ids[len(ids) // 2 :]}
    (root / "splits.json").write_text(json.dumps(splits), encoding="utf-8")
    return topic_of


def check_folds(folds: list[list[str]], ids: list[str], groups: dict[str, int]) -> None:
    flat = [a for f in folds for a in f]
    assert sorted(flat) == sorted(ids) and len(flat) == len(set(flat))  # every article once
    fold_of = {a: k for k, f in enumerate(folds) for a in f}
    for g in set(groups.values()):
        assert len({fold_of[a] for a, x in groups.items() if x == g}) == 1, f"group {g} split"


def test_assign_groups_keeps_groups_whole_and_folds_balanced() -> None:
    rng = random.Random(5)
    groups = {f"{i:03d}": rng.randrange(20) for i in range(300)}
    folds = assign_groups(groups, 3)
    check_folds(folds, list(groups), groups)
    sizes = [len(f) for f in folds]
    assert max(sizes) - min(sizes) <= max(sum(x == g for x in groups.values()) for g in range(20))
    assert assign_groups(dict(reversed(list(groups.items()))), 3) == folds  # order-free


def test_topic_clusters_find_the_topics(tmp_path: Path) -> None:
    topic_of = synthetic_ptc(tmp_path)
    clusters = topic_clusters(tmp_path, 4, 13)
    assert set(clusters) == set(topic_of)
    for topic in TOPICS:
        assert len({clusters[a] for a, t in topic_of.items() if t == topic}) == 1, topic
    assert len(set(clusters.values())) == 4
    assert topic_clusters(tmp_path, 4, 13) == clusters


def test_grouped_folds_hold_out_whole_topics(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    topic_of = synthetic_ptc(tmp_path)
    monkeypatch.setattr("spinscope.techniques.ptc.TOPIC_CLUSTERS", 4)
    folds = fold_ids(tmp_path, 2, 13, "grouped")
    topics = {t: i for i, t in enumerate(TOPICS)}
    check_folds(folds, all_ids(tmp_path), {a: topics[t] for a, t in topic_of.items()})
    assert [len(f) for f in folds] == [12, 12]
    assert fold_ids(tmp_path, 2, 13, "grouped") == folds
    # the random split, as before, mixes the topics
    rand = fold_ids(tmp_path, 2, 13)
    assert sorted(a for f in rand for a in f) == all_ids(tmp_path)
    assert any(len({topic_of[a] for a in f}) > 2 for f in rand)
    with pytest.raises(ValueError, match="fold split"):
        fold_ids(tmp_path, 2, 13, "by-source")
    # cross-validation reads the same folds
    sources = cv.fold_sources(tmp_path / "cv", tmp_path, 2, 13, "grouped")
    assert [ids for _, _, ids in sources] == folds
    assert [d.name for _, d, _ in sources] == ["fold0", "fold1"]


def test_a_cached_fold_of_the_other_split_is_not_reused(tmp_path: Path) -> None:
    d = tmp_path / "fold0"
    d.mkdir()
    (d / "lexicon.json").write_text("{}", "utf-8")
    had: dict[str, object] = {"fold": 0, "folds": 3, "seed": 13, "epochs": 8}  # before --fold-split
    (d / "training_report.json").write_text(json.dumps({"config": had}), "utf-8")
    assert _fold_done(d, TrainConfig(epochs=8, seed=13, fold=0, folds=3))
    assert not _fold_done(d, TrainConfig(epochs=8, seed=13, fold=0, folds=3, fold_split="grouped"))
    had["fold_split"] = "grouped"
    (d / "training_report.json").write_text(json.dumps({"config": had}), "utf-8")
    assert _fold_done(d, TrainConfig(epochs=8, seed=13, fold=0, folds=3, fold_split="grouped"))
    assert not _fold_done(d, TrainConfig(epochs=8, seed=13, fold=0, folds=3))


def test_train_techniques_rejects_an_unknown_fold_split(tmp_path: Path) -> None:
    synthetic_ptc(tmp_path / "ptc")
    res = CliRunner().invoke(
        app,
        [
            "train",
            "techniques",
            "--data",
            str(tmp_path / "ptc"),
            "--out",
            str(tmp_path / "model"),
            "--fold-split",
            "by-source",
        ],
    )
    assert res.exit_code == 2, res.output
    assert "--fold-split" in res.output
    assert not (tmp_path / "model").exists()


@pytest.mark.skipif(not (PTC / "splits.json").exists(), reason=missing_message(PTC))
def test_grouped_ptc_folds() -> None:
    """The 371 PTC training articles: whole clusters per fold, sizes within 10 %, the same
    folds on a second call."""
    ids = all_ids(PTC)
    clusters = topic_clusters(PTC, TOPIC_CLUSTERS, 13)
    assert len(set(clusters.values())) == TOPIC_CLUSTERS
    folds = fold_ids(PTC, 3, 13, "grouped")
    check_folds(folds, ids, clusters)
    sizes = [len(f) for f in folds]
    assert max(sizes) <= 1.1 * min(sizes), sizes
    assert fold_ids(PTC, 3, 13, "grouped") == folds
    assert folds != fold_ids(PTC, 3, 13)
