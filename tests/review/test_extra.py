"""Learning from reviews: `train calibrate --extra` on a tiny exported set (the shipped model
really run), and `--extra` on the train commands (loading, validation, appended to training)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from review_fixtures import TEXT, at, two_reviewers
from typer.testing import CliRunner

from spinscope.cli import app
from spinscope.document import Document, Source, Span
from spinscope.store import Store
from spinscope.store import review as rv
from spinscope.techniques.model import TechniqueTagger, default_model_dir

runner = CliRunner()

ARTICLES = (
    (
        "Traitors sell out the nation",
        "The corrupt elites are destroying our great nation. Patriots must stand up and fight "
        "for freedom now! This disgraceful, shameful betrayal will never be forgotten.",
    ),
    (
        "Experts doubt the plan",
        "Some so-called experts claim the policy works, but who really believes them? The "
        "radical mayor's reckless scheme is a complete catastrophe for every hard-working family.",
    ),
    (
        "A vote on Tuesday",
        "Make America great again, the crowd chanted. The senator called the bill a disgusting "
        "attack on our children and a shameless lie. Everybody knows it will fail.",
    ),
)


def _doc(title: str, body: str) -> Document:
    text = f"{title}\n\n{body}"
    doc = Document(text=text, source=Source(path="mem.txt", url=None, kind="text"), title=title)
    doc.set_layer(
        "regions", [Span(0, len(title), "title"), Span(len(title) + 2, len(text), "body")]
    )
    return doc


def _reviewed_export(tmp_path: Path, model: Path) -> Path:
    """A store of the ARTICLES analysed by the technique model (down to 0.1), reviewed: the
    upper half of each article's spans by confidence confirmed, the rest rejected; exported."""
    url = f"sqlite:///{tmp_path}/extra.db"
    store = Store(url)
    tagger = TechniqueTagger.load(model, min_confidence=0.1)
    docs = tagger.pipe([_doc(t, b) for t, b in ARTICLES])
    for doc in docs:
        store.add(doc)
        spans = sorted(doc.layer("techniques"), key=lambda s: -float(s.attrs["confidence"]))
        assert len(spans) >= 2, "the fixture articles must give the model candidates"
        for i, s in enumerate(spans):
            action = "confirm" if i < (len(spans) + 1) // 2 else "reject"
            rv.add_correction(
                store, doc.id, "ana", "techniques", action, f"t:{s.start}:{s.end}:{s.label}", {}
            )
        rv.mark_reviewed(store, doc.id, "ana")
    store.close()
    out = tmp_path / "export"
    res = runner.invoke(
        app, ["review", "export", "--db", url, "--format", "ptc", "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    return out


def test_train_calibrate_extra_on_a_tiny_export(tmp_path: Path) -> None:
    model = tmp_path / "model"
    shutil.copytree(default_model_dir(), model)
    before = json.loads((model / "config.json").read_text())["view"]["calibrator"]
    export = _reviewed_export(tmp_path, model)
    res = runner.invoke(app, ["train", "calibrate", "--model", str(model), "--extra", str(export)])
    assert res.exit_code == 0, res.output
    assert "recalibrated on" in res.stderr
    config = json.loads((model / "config.json").read_text())
    after = config["view"]["calibrator"]
    assert after["features"] == before["features"] and after["mean"] == before["mean"]
    report = json.loads((model / "calibration_extra.json").read_text())
    assert report["articles"] == 3 and 0 < report["kept"] < report["candidates"]
    # Platt scaling: every coefficient times the same a, intercept a * old + b
    a, b = report["platt"]["a"], report["platt"]["b"]
    assert a > 0
    np.testing.assert_allclose(after["coef"], np.asarray(before["coef"]) * a, rtol=1e-3, atol=1e-5)
    assert after["intercept"] == pytest.approx(before["intercept"] * a + b, rel=1e-3, abs=1e-4)
    assert (after["coef"], after["intercept"]) != (before["coef"], before["intercept"])
    assert config["view"]["min_confidence"] == 0.4  # the threshold stays
    # the recalibrated model loads and scores the same candidates, ranked as before
    old_tagger = TechniqueTagger.load(default_model_dir())
    new_tagger = TechniqueTagger.load(model)
    enc = new_tagger.encode([(TEXT, [(0, len(TEXT))])])[0]
    old_conf = [c for *_, c in old_tagger.spans(enc)]
    new_conf = [c for *_, c in new_tagger.spans(enc)]
    assert len(old_conf) == len(new_conf) and old_conf != new_conf
    assert np.argsort(old_conf).tolist() == np.argsort(new_conf).tolist()


def test_train_calibrate_extra_refuses_bad_input(tmp_path: Path) -> None:
    model = tmp_path / "model"
    res = runner.invoke(
        app, ["train", "calibrate", "--model", str(model), "--extra", str(tmp_path)]
    )
    assert res.exit_code == 2 and "not a technique model folder" in res.stderr
    shutil.copytree(default_model_dir(), model)
    res = runner.invoke(
        app, ["train", "calibrate", "--model", str(model), "--extra", str(tmp_path)]
    )
    assert res.exit_code == 2 and "not a reviewed export" in res.stderr
    assert res.stderr.count("\n") == 1
    res = runner.invoke(
        app,
        ["train", "calibrate", "--model", str(model), "--extra", str(tmp_path), "--data", "x"],
    )
    assert res.exit_code == 2 and "not both" in res.stderr
    res = runner.invoke(app, ["train", "calibrate", "--model", str(model)])
    assert res.exit_code == 2 and "give --data" in res.stderr


# -- train techniques --extra ---------------------------------------------------------------


def _tiny_ptc(root: Path) -> Path:
    (root / "train" / "articles").mkdir(parents=True)
    (root / "train" / "labels").mkdir(parents=True)
    (root / "train" / "articles" / "article1.txt").write_text("A fine day in a fine town.\n")
    (root / "train" / "labels" / "article1.labels").write_text("1\tLoaded_Language\t2\t6\n")
    (root / "splits.json").write_text(json.dumps({"fit": ["1"], "validation": []}))
    return root


def test_train_techniques_extra_loads_and_appends(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import spinscope.techniques.train as tt
    from spinscope.techniques.windows import load_tokenizer

    doc_id = two_reviewers(store)
    out = tmp_path / "export"
    res = runner.invoke(
        app,
        ["review", "export", "--db", store.url_for_tests, "--format", "ptc", "--out", str(out)],  # type: ignore[attr-defined]
    )
    assert res.exit_code == 0, res.output
    texts, gold = tt.load_extra(out)
    assert texts == {doc_id: TEXT}
    assert sorted((g.start, g.end, g.technique) for g in gold[doc_id]) == sorted(
        [
            (*at("a total disaster"), "Loaded_Language"),
            (*at("never surrender"), "Flag-Waving"),
            (*at("the budget"), "Doubt"),
        ]
    )
    tok = load_tokenizer(default_model_dir() / "tokenizer.json")
    (ex,) = tt.extra_examples(out, tok)
    assert ex.article == doc_id and len(ex.spans) == 3
    doubt = tt.TECH_INDEX["Doubt"]
    a, b = at("the budget")
    inside = [(s < b and a < e) for s, e in zip(ex.tokens.starts, ex.tokens.ends, strict=True)]
    assert ex.targets[np.asarray(inside), 1 + doubt].all()
    assert not ex.targets[~np.asarray(inside), 1 + doubt].any()
    # train(): the reviewed article is appended to the training articles (the loading step
    # train() runs before it imports torch, so this runs without the train extra)
    data = _tiny_ptc(tmp_path / "ptc")
    monkeypatch.setattr(tt, "base_model_dir", default_model_dir)
    _, fit, _, n_extra = tt.fit_and_val(
        data, tt.TrainConfig(extra_dir=str(out)), tok, log=lambda m: None
    )
    assert [e.article for e in fit] == ["1", doc_id] and n_extra == 1
    # the command validates --extra before any training: one line, exit 2
    (out / "train" / "labels" / "bad.labels").write_text(f"{doc_id}\tNot_A_Technique\t0\t4\n")
    res = runner.invoke(
        app,
        [
            "train",
            "techniques",
            "--data",
            str(data),
            "--out",
            str(tmp_path / "m"),
            "--extra",
            str(out),
        ],
    )
    assert res.exit_code == 2 and "'Not_A_Technique' is not one of the 14" in res.stderr
    (out / "train" / "labels" / "bad.labels").write_text("nope\tDoubt\t0\t4\n")
    with pytest.raises(ValueError, match="no such article"):
        tt.load_extra(out)
    (out / "train" / "labels" / "bad.labels").write_text(f"{doc_id}\tDoubt\t0\t{len(TEXT) + 1}\n")
    with pytest.raises(ValueError, match="outside the article"):
        tt.load_extra(out)


# -- train attribution --extra --------------------------------------------------------------


def test_train_attribution_extra_loads_and_appends(store: Store, tmp_path: Path) -> None:
    import spinscope.attribution.train as at_train
    from spinscope.techniques.windows import load_tokenizer

    doc_id = two_reviewers(store)
    out = tmp_path / "brat"
    res = runner.invoke(
        app,
        [
            "review",
            "export",
            "--db",
            store.url_for_tests,
            "--format",
            "brat",
            "--out",
            str(out),
            "--reviewer",
            "ana",
        ],  # type: ignore[attr-defined]
    )
    assert res.exit_code == 0, res.output
    (art,) = at_train.load_extra(out)
    assert art.name == doc_id and art.text == TEXT
    assert [g.content for g in art.attributions] == [
        (at("the budget was reckless and wasteful"),),
        (at("the city will never surrender"),),
    ]
    assert [g.source for g in art.attributions] == [(at("Critics"),), (at("Smith"),)]
    # train(): appended to the fit articles (the loading step train() runs before torch)
    root = tmp_path / "polnear"
    (root / "train" / "text").mkdir(parents=True)
    (root / "train" / "attributions").mkdir(parents=True)
    (root / "train" / "text" / "a.txt").write_text("Bob said it rains.\n")
    (root / "train" / "attributions" / "a_x.ann").write_text("")
    logs: list[str] = []
    cfg = at_train.AttributionTrainConfig(fit_articles=1, tune_articles=0, extra_dir=str(out))
    tok = load_tokenizer(default_model_dir() / "tokenizer.json")
    _, fit, extra, _ = at_train.fit_examples(root, cfg, tok, log=logs.append)
    assert [a.name for a in extra] == [doc_id] and len(fit) == 2
    assert "2 fit articles (1 reviewed)" in logs[0]
    # a bad export: one line, exit 2, before any training
    (out / f"{doc_id}.ann").write_text("T1\tContent 0 99999\tx\n")
    train = ["train", "attribution", "--data", str(root), "--out", str(tmp_path / "m")]
    train += ["--extra", str(out)]
    res = runner.invoke(app, train)
    assert res.exit_code == 2, res.output
    (root / "dev" / "text").mkdir(parents=True)
    res = runner.invoke(app, train)
    assert res.exit_code == 2 and "outside the text" in res.stderr
