"""``spinscope ptc …`` and ``spinscope train techniques``: the SemEval-2020 Task 11 side of the tool."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from spinscope.techniques.ptc import (
    Gold,
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
    help="Train the shipped models (needs the [train] extra).", no_args_is_help=True
)

TASKS = ("si", "tc", "flc")


def _fail(msg: str) -> None:
    typer.echo(f"spinscope: error: {msg}", err=True)
    raise typer.Exit(2)


def predict_ptc(
    articles: dict[str, str],
    task: str,
    template: list[Gold] | None = None,
    model_dir: Path | None = None,
) -> list[Gold]:
    """Predictions in PTC terms for one task (see :func:`predict_ptc_tasks`)."""
    return predict_ptc_tasks(articles, (task,), template, model_dir)[task]


def predict_ptc_tasks(
    articles: dict[str, str],
    tasks: tuple[str, ...],
    template: list[Gold] | None = None,
    model_dir: Path | None = None,
) -> dict[str, list[Gold]]:
    """Predictions for several tasks from one encoder pass; each article's whole text is
    analysed, as the corpus does."""
    from spinscope.techniques.model import TechniqueTagger

    tagger = TechniqueTagger.load(model_dir)
    ids = sorted(articles)
    encs = tagger.encode([(articles[a], [(0, len(articles[a]))]) for a in ids])
    out: dict[str, list[Gold]] = {}
    for task in tasks:
        if task == "tc":
            if template is None:
                raise ValueError("the tc task needs a template of spans")
            out[task] = _classify_template(tagger, ids, encs, template)
        elif task == "si":
            out[task] = [
                Gold(a, "propaganda", s, e)
                for a, enc in zip(ids, encs, strict=True)
                for s, e, _ in tagger.si(enc)
            ]
        else:
            out[task] = [
                Gold(a, t, s, e)
                for a, enc in zip(ids, encs, strict=True)
                for s, e, t, _ in tagger.spans(enc)
            ]
    return out


def _classify_template(
    tagger: Any, ids: list[str], encs: list[Any], template: list[Gold]
) -> list[Gold]:
    """One label per template line, in the template's order."""
    by: dict[str, list[Gold]] = {}
    for g in template:
        by.setdefault(g.article, []).append(g)
    missing = set(by) - set(ids)
    if missing:
        raise ValueError(f"template lists articles not in the folder: {sorted(missing)[:3]}")
    out: list[Gold] = []
    for a, enc in zip(ids, encs, strict=True):
        spans = by.get(a, [])
        labels = tagger.classify(enc, [(g.start, g.end) for g in spans])
        out.extend(Gold(a, t, g.start, g.end) for g, (t, _) in zip(spans, labels, strict=True))
    order = {(g.article, g.start, g.end): i for i, g in enumerate(template)}
    out.sort(key=lambda g: order[(g.article, g.start, g.end)])
    return out


@ptc_app.command("predict")
def predict_cmd(
    articles_dir: Path = typer.Argument(..., help="Folder of articleNNN.txt files."),
    task: str = typer.Option(..., "--task", help="si | tc | flc"),
    template: Path | None = typer.Option(None, help="For tc: spans file with '?' as technique."),
    out: Path = typer.Option(..., "-o", "--out", help="Output file in the official format."),
) -> None:
    """Write official SemEval-2020 Task 11 predictions.

    Example: spinscope ptc predict ../shared/data/ptc/train/articles --task si -o si.txt
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

    Example: spinscope ptc score ../shared/data/ptc/train/labels si.txt --task si
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


@train_app.command("techniques")
def train_techniques(
    data: Path = typer.Option(Path("../shared/data/ptc"), help="PTC folder (splits.json, train/)."),
    out: Path = typer.Option(None, help="Output model folder (default: the package's models/)."),
    epochs: int = typer.Option(5),
    seed: int = typer.Option(13),
) -> None:
    """Reproduce the shipped technique model (fixed seed) and write its model card."""
    try:
        from spinscope.techniques.train import TrainConfig, train
    except ImportError as exc:  # pragma: no cover - depends on extras
        _fail(f"training needs the [train] extra (pip install -e '.[train]'): {exc}")
        return
    from spinscope.techniques.card import write_card
    from spinscope.techniques.model import default_model_dir

    if not (data / "splits.json").exists():
        _fail(f"{data}: not a PTC folder (no splits.json)")
    target = out or default_model_dir()
    report = train(data, target, TrainConfig(epochs=epochs, seed=seed))
    write_card(target, report, data)
