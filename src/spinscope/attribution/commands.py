"""``spinscope train attribution``: the learned SOURCE / CUE / CONTENT tagger."""

from __future__ import annotations

from pathlib import Path

import typer


def _fail(msg: str) -> None:
    typer.echo(f"spinscope: error: {msg}", err=True)
    raise typer.Exit(2)


def train_attribution(
    data: Path = typer.Option(..., help="PolNeAR folder (train/, dev/)."),
    out: Path = typer.Option(
        ...,
        help="Output model folder (to replace the shipped tagger, name its installed folder);"
        " with --tune-only, the trained tagger to re-tune in place.",
    ),
    epochs: int = typer.Option(1, help="Epochs (1 for the tagger; the --head used 8)."),
    seed: int = typer.Option(13),
    fit_articles: int = typer.Option(
        600, help="PolNeAR train articles the tagger (or --head) trains on (the head used 360)."
    ),
    tune_articles: int = typer.Option(150, help="Other train articles that choose decoding."),
    tune_only: bool = typer.Option(False, help="Keep the trained model; re-choose decoding."),
    head: bool = typer.Option(
        False,
        "--head",
        help="Train the one-pass head (models/attribution_head: a small head on the shared"
        " technique encoder, no encoder of its own) instead of fine-tuning the tagger's MiniLM.",
    ),
    extra: Path | None = typer.Option(
        None,
        "--extra",
        help="Reviewed articles to add to the fit articles: a folder written by"
        " `spinscope review export --format brat` (never used to tune or report; tagger only).",
    ),
) -> None:
    """Train the attribution tagger on PolNeAR train, choose how it joins the rules on other
    train articles, report rules / tagger / hybrid on PolNeAR dev, and write the model card.

    By default it fine-tunes the tagger's own MiniLM (the shipped `models/attribution`; about
    25 minutes an epoch on 600 articles on a 2-core CPU). --head trains the one-pass head
    (`models/attribution_head`, what `analyze --one-pass` uses): features cached under
    ~/.cache, about 80 s an epoch on 360 articles on 2 busy cores. Either is then tuned on
    150 other train articles (about 20 minutes).
    """
    from spinscope.attribution.tune import tune, write_card

    if not (data / "train" / "text").is_dir() or not (data / "dev" / "text").is_dir():
        _fail(f"{data}: not a PolNeAR folder (no train/text, dev/text)")
    target = out
    training = None
    extra_dir = ""
    if extra is not None:
        if tune_only or head:
            _fail(
                "--extra adds reviewed articles to the tagger's training: not with --tune-only or --head"
            )
        from spinscope.attribution.train import load_extra

        try:
            load_extra(extra)
        except ValueError as exc:
            _fail(str(exc))
        extra_dir = str(extra.resolve())
    if tune_only:
        if not (target / "encoder.onnx").exists() and not (target / "head.npz").exists():
            _fail(f"{target}: no trained tagger to tune")
    elif head:
        try:
            from spinscope.attribution.head import train_head
        except ImportError as exc:  # pragma: no cover - depends on extras
            _fail(f"training needs the train extra (pip install -e '.[train]'): {exc}")
            return
        training = train_head(data, target, epochs, seed, fit_articles)
    else:
        try:
            from spinscope.attribution.train import AttributionTrainConfig, train
        except ImportError as exc:  # pragma: no cover - depends on extras
            _fail(f"training needs the train extra (pip install -e '.[train]'): {exc}")
            return
        cfg = AttributionTrainConfig(
            seed=seed,
            epochs=epochs,
            fit_articles=fit_articles,
            tune_articles=tune_articles,
            extra_dir=extra_dir,
        )
        training = train(data, target, cfg)
    import json

    names = json.loads((target / "training_report.json").read_text(encoding="utf-8"))[
        "tune_articles"
    ]
    report = tune(data, target, names)
    write_card(target, training, report)
