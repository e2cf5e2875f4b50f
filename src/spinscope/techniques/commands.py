"""``spinscope ptc …`` and ``spinscope train techniques``: the SemEval-2020 Task 11 side of the tool."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from spinscope.techniques.predict import predict_ptc
from spinscope.techniques.ptc import (
    format_si,
    format_tc,
    read_articles,
    read_labels,
    score_flc,
    score_si,
    score_tc,
)

ptc_app = typer.Typer(
    help="SemEval-2020 Task 11 (PTC) formats: predict and score.", no_args_is_help=True
)
train_app = typer.Typer(
    help="Train the shipped models (needs the \\[train] extra: pip install -e '.\\[train]').",
    no_args_is_help=True,
)

TASKS = ("si", "tc", "flc")


def _fail(msg: str) -> None:
    typer.echo(f"spinscope: error: {msg}", err=True)
    raise typer.Exit(2)


@ptc_app.command("predict")
def predict_cmd(
    articles_dir: Path = typer.Argument(..., help="Folder of articleNNN.txt files."),
    task: str = typer.Option(..., "--task", help="si | tc | flc"),
    template: Path | None = typer.Option(None, help="For tc: spans file with '?' as technique."),
    out: Path = typer.Option(..., "-o", "--out", help="Output file in the official format."),
) -> None:
    """Write official SemEval-2020 Task 11 predictions.

    Example: spinscope ptc predict PTC/train/articles --task si -o si.txt

    (PTC: the SemEval-2020 Task 11 corpus folder, with train/articles and train/labels.)
    """
    if task not in TASKS:
        _fail(f"--task must be one of {', '.join(TASKS)}, not {task!r}")
    if not articles_dir.is_dir():
        _fail(f"{articles_dir}: not a folder of articleNNN.txt files")
    arts = read_articles(articles_dir)
    if not arts:
        _fail(f"{articles_dir}: no articleNNN.txt files found")
    tmpl = None
    if task == "tc":
        if template is None or not template.is_file():
            _fail(f"{template}: --template FILE is required for --task tc")
        assert template is not None
        try:
            tmpl = read_labels(template)
        except ValueError as exc:
            _fail(str(exc))
    try:
        preds = predict_ptc(arts, task, tmpl)
    except ValueError as exc:
        _fail(str(exc))
        return
    out.write_text(format_si(preds) if task == "si" else format_tc(preds), encoding="utf-8")
    typer.echo(f"{len(preds)} predictions for {len(arts)} articles → {out}", err=True)


@ptc_app.command("score")
def score_cmd(
    gold: Path = typer.Argument(..., help="Gold labels: a .labels file or a folder of them."),
    pred: Path = typer.Argument(..., help="Predictions in the task's official format."),
    task: str = typer.Option(..., "--task", help="si | tc | flc"),
    articles: Path | None = typer.Option(
        None, help="Score only the gold of the articles in this folder (e.g. a split)."
    ),
) -> None:
    """Score predictions with the official SemEval-2020 Task 11 formulas.

    Example: spinscope ptc score PTC/train/labels si.txt --task si
    """
    if task not in TASKS:
        _fail(f"--task must be one of {', '.join(TASKS)}, not {task!r}")
    for path in (gold, pred):
        if not path.exists():
            _fail(f"{path}: does not exist")
    try:
        g, p = read_labels(gold), read_labels(pred)
    except ValueError as exc:
        _fail(str(exc))
        return
    if articles is not None:
        keep = set(read_articles(articles))
        g = [x for x in g if x.article in keep]
    fn = {"si": score_si, "tc": score_tc, "flc": score_flc}[task]
    typer.echo(f"{task}: {fn(g, p)}")


def _need_ptc(data: Path) -> None:
    if not (data / "splits.json").exists():
        _fail(f"{data}: not a PTC folder (no splits.json)")


def _training_config(model_dir: Path) -> dict[str, Any] | None:
    """The ``config`` of a model folder's ``training_report.json`` (None: absent or unreadable)."""
    import json

    report = model_dir / "training_report.json"
    if not report.exists():
        return None
    try:
        config = json.loads(report.read_text("utf-8"))["config"]
    except (ValueError, KeyError):
        return None
    return config if isinstance(config, dict) else None


def _fold_done(fold_dir: Path, cfg: Any) -> bool:
    """A cached fold model is reused only when it is complete (``lexicon.json`` is written
    last) and was trained with the same fold, k, fold split, seed, epochs and sentence loss."""
    had = _training_config(fold_dir)
    if had is None or not (fold_dir / "lexicon.json").exists():
        return False
    same = all(had.get(key) == getattr(cfg, key) for key in ("fold", "folds", "seed", "epochs"))
    same = same and had.get("fold_split", "random") == getattr(cfg, "fold_split", "random")
    same = same and had.get("extra_dir", "") == getattr(cfg, "extra_dir", "")
    return same and had.get("sentence_loss", 0.0) == getattr(cfg, "sentence_loss", 0.0)


@train_app.command("techniques")
def train_techniques(
    data: Path = typer.Option(..., help="PTC folder (splits.json, train/)."),
    out: Path = typer.Option(
        ...,
        help="Output model folder (to replace the shipped model, name its installed folder).",
    ),
    work: Path = typer.Option(
        None, help="Fold models and caches (default: ~/.cache/spinscope/cv); reused if present."
    ),
    folds: int = typer.Option(3, help="k of the cross-validation."),
    fold_split: str = typer.Option(
        "random",
        "--fold-split",
        help="random: folds of random articles (as shipped); grouped: whole topic clusters"
        " (TF-IDF + k-means) per fold, so no fold model saw the topics it is scored on."
        " cv.json and the model card record which.",
    ),
    epochs: int = typer.Option(8),
    seed: int = typer.Option(13),
    device: str = typer.Option("auto", help="cpu, cuda, or auto (cuda when torch sees a GPU)."),
    sentence_loss: float = typer.Option(
        0.0,
        min=0.0,
        help="Weight of the auxiliary sentence-level loss (0: off, as shipped; BENCHMARKS.md).",
    ),
    extra: Path | None = typer.Option(
        None,
        "--extra",
        help="Reviewed articles to add to every model's training: a folder written by"
        " `spinscope review export --format ptc` (never used to evaluate or calibrate).",
    ),
) -> None:
    """Train k fold models, choose decoding and fit the calibrator on their held-out folds,
    train the final model on all training articles, and write its model card.

    About (k + 1.5) × 10 minutes per epoch on a 2-core CPU with nothing else running; the
    shipped model's 8 epochs took 477 s in all on one NVIDIA H200.
    """
    if fold_split not in ("random", "grouped"):
        _fail(f"--fold-split must be random or grouped, not {fold_split!r}")
    try:
        from spinscope.techniques.train import TrainConfig, train
    except ImportError as exc:  # pragma: no cover - depends on extras
        _fail(f"training needs the train extra (pip install -e '.[train]'): {exc}")
        return
    from spinscope.techniques import cv
    from spinscope.techniques.card import write_card

    _need_ptc(data)
    extra_dir = _checked_extra(extra, data) if extra is not None else ""
    work = work or cv.default_cache()
    for k in range(folds):
        fold_dir = work / f"fold{k}"
        cfg = TrainConfig(
            epochs=epochs,
            seed=seed,
            fold=k,
            folds=folds,
            fold_split=fold_split,
            device=device,
            sentence_loss=sentence_loss,
            extra_dir=extra_dir,
        )
        if not _fold_done(fold_dir, cfg):
            train(data, fold_dir, cfg)
    report = cv.run(data, folds, seed, cv_dir=work, fold_split=fold_split)
    target = out
    cfg = TrainConfig(
        epochs=epochs,
        seed=seed,
        folds=folds,
        device=device,
        sentence_loss=sentence_loss,
        extra_dir=extra_dir,
    )
    training = train(data, target, cfg)
    cv.apply(target, report)
    write_card(target, data, report, training)


def _checked_extra(extra: Path, data: Path | None = None) -> str:
    """``--extra``: a reviewed export, loaded and validated now (before any training); its
    resolved path. Its ids must not be PTC training ids of ``data``."""
    from spinscope.techniques.ptc import all_ids
    from spinscope.techniques.train import load_extra

    try:
        texts, _ = load_extra(extra)
    except ValueError as exc:
        _fail(str(exc))
    if data is not None:
        clash = sorted(set(texts) & set(all_ids(data)))
        if clash:
            _fail(f"{extra}: article ids also in the PTC data: {', '.join(clash[:5])}")
    return str(extra.resolve())


@train_app.command("calibrate")
def calibrate_techniques(
    data: Path | None = typer.Option(
        None, help="PTC folder (splits.json, train/); or give --extra instead."
    ),
    model: Path = typer.Option(
        ..., help="Folder of the trained model to calibrate (rewritten in place)."
    ),
    split: str = typer.Option("validation", help="The split the model never trained on."),
    folds: int = typer.Option(2, help="Parts of the split for cross-fitting."),
    seed: int = typer.Option(13),
    extra: Path | None = typer.Option(
        None,
        "--extra",
        help="Refit only the confidence on your reviewed articles: a folder written by"
        " `spinscope review export --format ptc` (instead of --data).",
    ),
) -> None:
    """Choose decoding and fit the calibrator of an already trained model on the split it
    never saw (cross-fitted), write its lexicon from the other splits and its model card.
    Only for a model trained on one split of splits.json (its training_report.json names the
    split): a model trained on every training article, as the shipped one is, is refused;
    `train techniques` (which reuses its cached fold models) re-chooses its decoding.

    With --extra DIR (your reviewed articles, exported), the confidence of a calibrated model
    (the shipped one included: copy its folder first) is refitted to your verdicts instead:
    two numbers rescale its log-odds (Platt scaling), decoding and threshold stay; the
    figures go to calibration_extra.json beside it."""
    if extra is not None:
        if data is not None:
            _fail("give --data (a PTC split) or --extra (reviewed articles), not both")
        _calibrate_extra(model, extra)
        return
    if data is None:
        _fail("give --data (a PTC folder) or --extra (reviewed articles from review export)")
        return
    try:
        from spinscope.techniques.train import write_lexicon
    except ImportError as exc:  # pragma: no cover - depends on extras
        _fail(f"calibration needs the train extra (pip install -e '.[train]'): {exc}")
        return
    from spinscope.techniques import cv
    from spinscope.techniques.card import write_card
    from spinscope.techniques.ptc import read_splits

    _need_ptc(data)
    target = model
    splits = read_splits(data)
    if split not in splits:
        _fail(f"{data}: no split {split!r} in splits.json")
    trained_on = _trained_split(target)
    if trained_on in ("all", split):
        _fail(
            f"{target}: this model trained on the {split!r} articles (train_split "
            f"{trained_on!r}); calibrating on them would be in-sample. Use `spinscope train "
            "techniques`, which calibrates on held-out fold models."
        )
    write_lexicon(data, [a for name, ids in splits.items() if name != split for a in ids], target)
    report = cv.run(data, folds, seed, model_dir=target, split=split)
    cv.apply(target, report)
    write_card(target, data, report, None)


def _trained_split(model_dir: Path) -> str | None:
    """The split a model trained on, from its ``training_report.json`` (None: unknown)."""
    config = _training_config(model_dir)
    return None if config is None or "train_split" not in config else str(config["train_split"])


@train_app.command("evidence")
def train_evidence(
    data: Path = typer.Option(..., help="PTC folder (splits.json, train/articles, train/labels)."),
    model: Path = typer.Option(
        ..., help="Technique model folder whose encoder the index is for (written there)."
    ),
) -> None:
    """Build the evidence index of a technique model: every PTC training span pooled from the
    model's encoder, with its phrase (models/techniques/evidence.npz when MODEL is the shipped
    folder). Deterministic; a few minutes on a 2-core CPU."""
    import time

    from spinscope.techniques.evidence import INDEX_FILE, build_index

    _need_ptc(data)
    if not (model / "encoder.onnx").exists():
        _fail(f"{model}: no encoder.onnx (not a technique model folder)")
    arts = read_articles(data / "train" / "articles")
    gold = read_labels(data / "train" / "labels")
    t0 = time.perf_counter()

    def progress(done: int, total: int) -> None:
        typer.echo(f"  {done}/{total} articles encoded", err=True)

    index = build_index(arts, gold, model, progress)
    index.save(model / INDEX_FILE)
    size = (model / INDEX_FILE).stat().st_size
    typer.echo(
        f"{len(index)} spans from {len(set(index.articles))} articles, encoder "
        f"{index.fingerprint}, {size / 1e6:.1f} MB, {time.perf_counter() - t0:.0f} s "
        f"→ {model / INDEX_FILE}",
        err=True,
    )


def _calibrate_extra(model: Path, extra: Path) -> None:
    """``train calibrate --extra``: refit the model's confidence on reviewed articles."""
    import json

    try:
        from spinscope.techniques.calibrate import refit_on_reviewed
        from spinscope.techniques.train import load_extra
    except ImportError as exc:  # pragma: no cover - depends on extras
        _fail(f"calibration needs the train extra (pip install -e '.[train]'): {exc}")
        return
    config_path = model / "config.json"
    if not config_path.is_file():
        _fail(f"{model}: not a technique model folder (no config.json)")
    try:
        texts, gold = load_extra(extra)
        cal, report = refit_on_reviewed(model, texts, gold, log=lambda m: typer.echo(m, err=True))
    except (ValueError, OSError) as exc:
        _fail(str(exc))
        return
    cfg = json.loads(config_path.read_text(encoding="utf-8"))
    cfg["view"]["calibrator"] = cal.to_json()
    config_path.write_text(json.dumps(cfg, indent=2) + "\n", encoding="utf-8")
    report["extra"] = str(extra.resolve())
    (model / "calibration_extra.json").write_text(
        json.dumps(report, indent=1) + "\n", encoding="utf-8"
    )
    ins, cross = report["in_sample"], report["cross_fitted"]
    held = (
        f"; cross-fitted over two halves of the articles: ECE {cross['ece_before']:.3f} → "
        f"{cross['ece_after']:.3f}"
        if cross
        else "; too few articles of each kind to cross-fit"
    )
    typer.echo(
        f"recalibrated on {report['candidates']} candidates of {report['articles']} reviewed "
        f"articles ({report['kept']} kept): ECE {ins['ece_before']:.3f} → "
        f"{ins['ece_after']:.3f} in-sample{held} → {config_path}",
        err=True,
    )
