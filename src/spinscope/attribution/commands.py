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
    epochs: int = typer.Option(1, help="Epochs (1 for the tagger; the --head used 3)."),
    seed: int = typer.Option(13),
    fit_articles: int = typer.Option(
        600, help="PolNeAR train articles the tagger (or --head) trains on."
    ),
    tune_articles: int = typer.Option(150, help="Other train articles that choose decoding."),
    tune_only: bool = typer.Option(False, help="Keep the trained model; re-choose decoding."),
    head: bool = typer.Option(
        False,
        "--head",
        help="Train the one-pass model (models/attribution_head: the top layers of its own on"
        " the shared technique encoder's middle layer, no encoder pass of its own) instead of"
        " fine-tuning the tagger's whole MiniLM.",
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
    25 minutes an epoch on 600 articles on a 2-core CPU). --head trains the one-pass model
    (`models/attribution_head`: MiniLM's top layers on the shared encoder's middle layer;
    the encoder's states cached under ~/.cache, resumable per epoch). Either is then tuned on
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
        if not any((target / f).exists() for f in ("encoder.onnx", "head.npz", "top.onnx")):
            _fail(f"{target}: no trained tagger to tune")
    elif head:
        try:
            import torch  # noqa: F401

            from spinscope.attribution.top import train_top
        except ImportError as exc:  # pragma: no cover - depends on extras
            _fail(f"training needs the train extra (pip install -e '.[train]'): {exc}")
            return
        training = train_top(data, target, epochs, seed, limit=fit_articles)
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
