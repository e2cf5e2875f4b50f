"""Quality gates: the shipped models must score at least their recorded figures minus a tolerance.

The figures are recorded beside each model (``python -m spinscope.gates record …``, see
:mod:`spinscope.gates`); these tests measure again on the same fixed subsets and fail on a drop.
The technique gate runs through the real ``spinscope ptc predict`` / ``ptc score`` commands,
and is shown to bite: a model answering random or constant scores fails it.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import spinscope.clean
from spinscope import gates
from spinscope.cli import app
from spinscope.techniques import decode
from spinscope.techniques.model import TechniqueTagger, default_model_dir
from spinscope.techniques.ptc import Gold, format_tc, read_labels

runner = CliRunner()


@pytest.fixture(scope="module")
def ptc(shared_file: Callable[..., Path]) -> Path:
    return shared_file("data", "ptc")


@pytest.fixture(scope="module")
def technique_record() -> dict:
    gate = gates.recorded_technique_gate()
    assert gate, "no gate in the model card: python -m spinscope.gates record techniques"
    return gate


@pytest.fixture(scope="module")
def subset(ptc: Path, technique_record: dict, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The gate's articles in a folder of their own, and the TC template of their gold spans."""
    work = tmp_path_factory.mktemp("gate")
    arts = work / "articles"
    arts.mkdir()
    ids = technique_record["ids"]
    for a in ids:
        shutil.copy(ptc / "train" / "articles" / f"article{a}.txt", arts)
    gold = [g for g in read_labels(ptc / "train" / "labels") if g.article in set(ids)]
    (work / "template.txt").write_text(
        format_tc(Gold(g.article, "?", g.start, g.end) for g in gold), encoding="utf-8"
    )
    return work


def cli_technique_scores(ptc: Path, subset: Path, out: Path) -> dict[str, float]:
    """F1 per task through ``spinscope ptc predict`` then ``spinscope ptc score``."""
    f1: dict[str, float] = {}
    for task in gates.TECHNIQUE_TASKS:
        pred = out / f"{task}.txt"
        args = ["ptc", "predict", str(subset / "articles"), "--task", task, "-o", str(pred)]
        if task == "tc":
            args += ["--template", str(subset / "template.txt")]
        r = runner.invoke(app, args)
        assert r.exit_code == 0, r.output
        gold = ptc / "train" / "labels"
        r = runner.invoke(
            app,
            [
                "ptc",
                "score",
                str(gold),
                str(pred),
                "--task",
                task,
                "--articles",
                str(subset / "articles"),
            ],
        )
        assert r.exit_code == 0, r.output
        m = re.fullmatch(rf"{task}: P=([\d.]+) R=([\d.]+) F1=([\d.]+)\n", r.stdout)
        assert m, r.stdout
        f1[task] = float(m.group(3))
    return f1


def test_technique_gate_is_recorded_for_the_shipped_model(technique_record: dict) -> None:
    assert technique_record["model_sha256"] == gates.model_fingerprint(default_model_dir()), (
        "the model files changed since the gate was recorded; after checking the new figures, "
        "run: python -m spinscope.gates record techniques"
    )
    assert technique_record["tolerance"] <= 0.03  # a gate, not a formality
    assert len(technique_record["ids"]) == gates.TECHNIQUE_ARTICLES


def test_shipped_technique_model_passes_its_gate(
    ptc: Path, subset: Path, technique_record: dict, tmp_path: Path
) -> None:
    f1 = cli_technique_scores(ptc, subset, tmp_path)
    failures = gates.technique_failures({"f1": f1}, technique_record)
    assert not failures, f"technique model below its recorded figures: {failures}"


class _FakeSession:
    """Stands in for the ONNX encoder: repeatable random, or constant, outputs."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def run(self, _names: object, feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
        ids = feeds["input_ids"]
        shape = ids.shape
        if self.kind == "constant":  # a model that never fires
            return [
                np.zeros((*shape, 384), np.float32),
                np.zeros((*shape, decode.N_OUT), np.float32),
            ]
        rng = np.random.default_rng(int(ids.sum()) + ids.size)  # same window, same scores
        hidden = rng.normal(size=(*shape, 384)).astype(np.float32)
        return [hidden, rng.random((*shape, decode.N_OUT)).astype(np.float32)]


def _fake_encoder(monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    real_init = TechniqueTagger.__init__

    def init(self: TechniqueTagger, *args: object, **kwargs: object) -> None:
        real_init(self, *args, **kwargs)  # type: ignore[arg-type]
        self.session = _FakeSession(kind)  # type: ignore[assignment]

    monkeypatch.setattr(TechniqueTagger, "__init__", init)


@pytest.fixture(params=["random", "constant"])
def broken_model(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    _fake_encoder(monkeypatch, request.param)
    return str(request.param)


def test_a_random_or_constant_model_fails_the_gate(
    broken_model: str, ptc: Path, subset: Path, technique_record: dict, tmp_path: Path
) -> None:
    f1 = cli_technique_scores(ptc, subset, tmp_path)
    failures = gates.technique_failures({"f1": f1}, technique_record)
    # every task fails, not just one that happens to be fragile
    assert [f.split(":")[0] for f in failures] == list(gates.TECHNIQUE_TASKS), (broken_model, f1)


def test_record_technique_gate_writes_the_card(
    ptc: Path, subset: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What training calls after writing the card: the gate is added, the card is kept, and
    its figures are the ones the CLI gives for the same model."""
    _fake_encoder(monkeypatch, "random")  # fast; the figures themselves do not matter here
    model = tmp_path / "model"
    shutil.copytree(default_model_dir(), model)
    (model / "validation.json").write_text(json.dumps({"split": "validation"}), encoding="utf-8")
    gate = gates.record_technique_gate(model, ptc)
    card = json.loads((model / "validation.json").read_text(encoding="utf-8"))
    assert card["split"] == "validation" and card["gate"] == gate
    assert gate["model_sha256"] == gates.model_fingerprint(model)
    assert gate["ids"] == gates.technique_gate_ids(ptc) and gate["gold_spans"] > 100
    assert set(gate["f1"]) == set(gates.TECHNIQUE_TASKS)
    assert gates.technique_failures(gate, gates.recorded_technique_gate(model)) == []
    assert gates.recorded_technique_gate(model)["f1"]["tc"] < 0.3  # random labels score low
    cli = cli_technique_scores(ptc, subset, tmp_path)
    assert cli == {t: pytest.approx(gate["f1"][t], abs=5e-5) for t in gates.TECHNIQUE_TASKS}


# -- attribution ------------------------------------------------------------------------------


def test_attribution_passes_its_gate(shared_file: Callable[..., Path]) -> None:
    polnear = shared_file("data", "polnear")
    recorded = gates.read_gate(gates.attribution_record_path())
    assert recorded, "no attribution gate: python -m spinscope.gates record attribution"
    measured = gates.attribution_gate(polnear)
    assert measured["articles"] == recorded["articles"]
    assert measured["gold"] == recorded["gold"]  # same gold read the same way
    failures = gates.below(measured, recorded, recorded["tolerance"], ["f1", "source_accuracy"])
    assert not failures, f"attribution below its recorded figures: {failures}"


# -- cleaner ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def labelled(shared_file: Callable[..., Path]) -> list[gates.Labelled]:
    shared_file("data")
    return gates.labelled_boilerplate_set(shared_file())


def test_cleaner_passes_its_gate(labelled: list[gates.Labelled]) -> None:
    recorded = gates.read_gate(gates.clean_record_path())
    assert recorded, "no cleaner gate: python -m spinscope.gates record clean"
    measured = gates.clean_gate(labelled)
    assert (measured["texts"], measured["lines"]) == (recorded["texts"], recorded["lines"])
    failures = gates.below(measured, recorded, recorded["tolerance"], ["precision", "recall"])
    assert not failures, f"cleaner below its recorded figures: {failures}"


@pytest.mark.parametrize("label", ["body", "boilerplate"])
def test_a_cleaner_that_labels_every_line_alike_fails(
    label: str, labelled: list[gates.Labelled], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = spinscope.clean.label_lines

    def same(text: str, **kw: object) -> list:
        return [dataclasses.replace(ll, label=label) for ll in real(text)]

    monkeypatch.setattr(spinscope.clean, "label_lines", same)
    recorded = gates.read_gate(gates.clean_record_path())
    measured = gates.clean_gate(labelled)
    failures = gates.below(measured, recorded, recorded["tolerance"], ["precision", "recall"])
    assert failures, measured
