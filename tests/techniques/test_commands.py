"""The training commands' guards: stale fold caches and in-sample calibration."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from spinscope.cli import app
from spinscope.techniques.commands import _fold_done, _trained_split
from spinscope.techniques.model import default_model_dir
from spinscope.techniques.train import TrainConfig


def _fold(tmp: Path, **config: object) -> Path:
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / "lexicon.json").write_text("{}", "utf-8")
    (tmp / "training_report.json").write_text(json.dumps({"config": config}), "utf-8")
    return tmp


def test_a_cached_fold_is_reused_only_when_trained_the_same_way(tmp_path: Path) -> None:
    cfg = TrainConfig(epochs=8, seed=13, fold=1, folds=3)
    same = _fold(tmp_path / "a", fold=1, folds=3, seed=13, epochs=8)
    assert _fold_done(same, cfg)
    assert not _fold_done(_fold(tmp_path / "b", fold=1, folds=3, seed=13, epochs=2), cfg)
    assert not _fold_done(_fold(tmp_path / "c", fold=0, folds=3, seed=13, epochs=8), cfg)
    assert not _fold_done(_fold(tmp_path / "d", fold=1, folds=5, seed=13, epochs=8), cfg)
    unfinished = _fold(tmp_path / "e", fold=1, folds=3, seed=13, epochs=8)
    (unfinished / "lexicon.json").unlink()
    assert not _fold_done(unfinished, cfg)
    assert not _fold_done(tmp_path / "missing", cfg)
    # a fold trained before the sentence loss existed was trained without it
    assert not _fold_done(same, TrainConfig(epochs=8, seed=13, fold=1, folds=3, sentence_loss=0.5))
    aux = _fold(tmp_path / "f", fold=1, folds=3, seed=13, epochs=8, sentence_loss=0.5)
    assert not _fold_done(aux, cfg)


def test_the_shipped_model_says_it_trained_on_every_article() -> None:
    assert _trained_split(default_model_dir()) == "all"


def test_calibrate_refuses_a_model_that_trained_on_the_split(
    tmp_path: Path, shared_file: Callable[..., Path]
) -> None:
    ptc = shared_file("data", "ptc")
    model = tmp_path / "model"
    model.mkdir()
    shutil.copy(default_model_dir() / "training_report.json", model)
    result = CliRunner().invoke(
        app, ["train", "calibrate", "--data", str(ptc), "--model", str(model)]
    )
    assert result.exit_code != 0
    assert "in-sample" in result.output
    assert "Traceback" not in result.output
    assert sorted(p.name for p in model.iterdir()) == ["training_report.json"]
