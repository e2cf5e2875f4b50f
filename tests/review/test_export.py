"""review export: PTC (scored by `spinscope ptc score` to the report's precision), brat, JSONL."""

from __future__ import annotations

import json
import re
from pathlib import Path

from review_fixtures import TEXT, at, two_reviewers
from typer.testing import CliRunner

from spinscope.attribution.polnear import parse_ann
from spinscope.cli import app
from spinscope.store import Store
from spinscope.techniques.ptc import read_articles, read_labels, score_si, score_tc

runner = CliRunner()


def _url(store: Store) -> str:
    return store.url_for_tests  # type: ignore[attr-defined,no-any-return]


def _export(store: Store, fmt: str, out: Path, *extra: str) -> None:
    res = runner.invoke(
        app, ["review", "export", "--db", _url(store), "--format", fmt, "--out", str(out), *extra]
    )
    assert res.exit_code == 0, res.output


def test_ptc_export_scores_to_the_reports_precision(store: Store, tmp_path: Path) -> None:
    doc_id = two_reviewers(store)
    out = tmp_path / "ptc"
    _export(store, "ptc", out)
    res = runner.invoke(app, ["review", "report", "--db", _url(store), "--json"])
    report = json.loads(res.stdout)
    assert read_articles(out / "train" / "articles") == {doc_id: TEXT}
    gold = read_labels(out / "train" / "labels")
    assert sorted((g.start, g.end, g.technique) for g in gold) == sorted(
        [
            (*at("a total disaster"), "Loaded_Language"),
            (*at("never surrender"), "Flag-Waving"),
            (*at("the budget"), "Doubt"),
        ]
    )
    assert json.loads((out / "splits.json").read_text()) == {"reviewed": [doc_id]}
    for task, fn in (("si", score_si), ("tc", score_tc)):
        pred_file = out / "predictions" / f"{task}.txt"
        # the same float, from the files
        score = fn(gold, read_labels(pred_file))
        assert score.precision == report["ptc"][task]["precision"]
        # and what `spinscope ptc score` prints is what the report prints
        res = runner.invoke(
            app, ["ptc", "score", str(out / "train" / "labels"), str(pred_file), "--task", task]
        )
        assert res.exit_code == 0, res.output
        printed = re.search(r"P=([0-9.]+)", res.stdout)
        assert printed is not None
        assert res.stdout.strip() == f"{task}: {report['ptc'][task]['printed']}"
    assert report["ptc"]["si"]["printed"].startswith("P=0.5833")
    # a second export into the same folder would mix articles: refused, one line
    res = runner.invoke(
        app, ["review", "export", "--db", _url(store), "--format", "ptc", "--out", str(out)]
    )
    assert res.exit_code == 2 and "the folder is not empty" in res.stderr
    assert res.stderr.count("\n") == 1


def test_ptc_export_of_one_reviewer(store: Store, tmp_path: Path) -> None:
    two_reviewers(store)
    _export(store, "ptc", tmp_path / "ana", "--reviewer", "ana")
    gold = read_labels(tmp_path / "ana" / "train" / "labels")
    # ana: m1, m2 relabelled, m3 as shown, "the plan" added (m4 hidden and untouched: out)
    assert sorted((g.start, g.end, g.technique) for g in gold) == sorted(
        [
            (*at("a total disaster"), "Loaded_Language"),
            (*at("reckless and wasteful"), "Name_Calling,Labeling"),
            (*at("will never surrender"), "Flag-Waving"),
            (*at("the plan"), "Loaded_Language"),
        ]
    )


def test_brat_export(store: Store, tmp_path: Path) -> None:
    doc_id = two_reviewers(store)
    out = tmp_path / "brat"
    _export(store, "brat", out, "--reviewer", "ana")
    assert (out / f"{doc_id}.txt").read_text(encoding="utf-8") == TEXT
    ann = (out / f"{doc_id}.ann").read_text(encoding="utf-8")
    gold = parse_ann(ann)
    assert [g.content for g in gold] == [
        (at("the budget was reckless and wasteful"),),
        (at("the city will never surrender"),),
    ]
    assert [g.cue for g in gold] == [(at("said", 0),), (at("said", 1),)]
    assert [g.source for g in gold] == [(at("Critics"),), (at("Smith"),)]
    notes = re.findall(r"^#\d+\tAnnotatorNotes (E\d+)\tspeaker: (.*)$", ann, re.M)
    assert notes == [("E1", "Critics"), ("E2", "Jane Smith")]  # ana's speaker for q2
    for line in ann.splitlines():  # every text-bound's text is the text at its offsets
        m = re.match(r"^T\d+\t\w+ (\d+) (\d+)\t(.*)$", line)
        if m:
            assert TEXT[int(m.group(1)) : int(m.group(2))] == m.group(3)
    # ben rejected q1: his export has q2 only
    _export(store, "brat", tmp_path / "ben", "--reviewer", "ben")
    assert len(parse_ann((tmp_path / "ben" / f"{doc_id}.ann").read_text())) == 1


def test_jsonl_export(store: Store, tmp_path: Path) -> None:
    doc_id = two_reviewers(store)
    _export(store, "jsonl", tmp_path / "j")
    (line,) = (tmp_path / "j" / "reviews.jsonl").read_text(encoding="utf-8").splitlines()
    rec = json.loads(line)
    assert rec["document_id"] == doc_id and rec["reviewer"] == "ben" and rec["text"] == TEXT
    assert len(rec["model"]["techniques"]) == 3  # shown: m1, m2, m3
    assert [t["technique"] for t in rec["corrected"]["techniques"]] == [
        "Loaded_Language",
        "Doubt",
        "Flag-Waving",
    ]
    assert [a["speaker"] for a in rec["corrected"]["attributions"]] == ["John Smith"]
    assert [a["speaker"] for a in rec["model"]["attributions"]] == ["Critics", "John Smith"]
    manifest = json.loads((tmp_path / "j" / "manifest.json").read_text())
    assert manifest["documents"] == [{"id": doc_id, "reviewer": "ben"}]
