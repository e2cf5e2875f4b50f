"""Ablation: does the span calibrator rank candidates better with more features?

    python bench/techniques_calibrator_features.py [--cv-dir DIR] [--out FILE]

Reads the out-of-fold outputs of the fold models in ``--cv-dir`` (default: the train command's
cache, ``~/.cache/spinscope/cv``), gathers the default view's candidates as ``cv.py`` does and
cross-fits (each fold's calibrator on the other folds' candidates) three calibrators:

- ``shipped``: the logistic regression over ``calibrate.SCORE_FEATURES`` (the model's own
  scores: what the shipped v2 calibrator uses);
- ``+text``: plus ``calibrate.TEXT_FEATURES``, the span's text in its article: how often the
  same phrase and its longest word occur again (Repetition, repeated labels), inside quotation
  marks, in the title, share of capitalised words, position in the article (and each alone);
- ``+text+per-technique``: plus the technique one-hot times the model's own scores (mean and
  peak token probability, span-head probability), so each technique gets its own slope.

For each it prints the default-view figures of the product's rule (the lowest confidence at
which at least half of the shown spans are right): SI precision and recall there, the SI
precision at SI recall 0.25, and the ECE. Numbers rank calibrators on these fold models'
outputs; the shipped model's figures come from ``spinscope train techniques``.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from spinscope.paths import REPO_ROOT, shared_path
from spinscope.techniques import calibrate, cv
from spinscope.techniques.ptc import PTC_TECHNIQUES, Gold, read_labels


def shown_path(path: Path) -> str:
    """A path as results record it: relative to the repository (``../shared/...``) or to the
    home folder (``~/.cache/...``), never one machine's absolute path (elsewhere: its name)."""
    p = path.expanduser().resolve()
    if p.is_relative_to(REPO_ROOT.parent):
        return Path(os.path.relpath(p, REPO_ROOT)).as_posix()
    home = Path.home().resolve()
    if p.is_relative_to(home):
        return "~/" + p.relative_to(home).as_posix()
    return f".../{p.name}"


def per_technique(x: np.ndarray, technique: np.ndarray) -> np.ndarray:
    cols = [calibrate.FEATURES.index(n) for n in ("mean_p", "max_p", "head_p")]
    out = np.zeros((len(x), len(PTC_TECHNIQUES) * len(cols)), np.float32)
    for j, c in enumerate(cols):
        out[np.arange(len(x)), technique * len(cols) + j] = x[:, c]
    return out


def _cross_fit(c: cv.Candidates, folds: int) -> np.ndarray:
    """As ``cv.cross_fit``, over the columns of ``c.x`` as they are (not ``FEATURES``)."""
    conf = np.zeros(len(c.y), dtype=np.float64)
    for k in range(folds):
        m = c.fold == k
        cal = _fit(c.x[~m], c.y[~m])
        conf[m] = cal(c.x[m])
    return conf


def _fit(x: np.ndarray, y: np.ndarray) -> Any:
    """``calibrate.fit``'s logistic regression over arbitrary columns (standardised, C = 1)."""
    from sklearn.linear_model import LogisticRegression

    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale < 1e-6] = 1.0
    lr = LogisticRegression(C=1.0, max_iter=2000).fit((x - mean) / scale, y)
    return lambda z: lr.predict_proba((z - mean) / scale)[:, 1]


def figures(c: cv.Candidates, conf: np.ndarray, gold: list[Gold]) -> dict[str, Any]:
    grid = [cv.view_scores(c, conf, gold, float(t)) for t in cv.CONFIDENCE_GRID]
    d = cv.default_threshold(grid)
    at_r = [r for r in grid if r["si_recall"] >= 0.25]
    p_at_r25 = max(r["si_precision"] for r in at_r) if at_r else 0.0
    shown = conf >= d["min_confidence"]
    return {
        "default_confidence": d["min_confidence"],
        "spans_shown": d["spans"],
        "span_precision": round(d["span_precision"], 4),
        "si_precision": round(d["si_precision"], 4),
        "si_recall": round(d["si_recall"], 4),
        "si_precision_at_recall_0.25": round(p_at_r25, 4),
        "flc_f1_best": round(max(r["flc_f1"] for r in grid), 4),
        "ece_all": round(calibrate.ece(conf, c.y), 4),
        "ece_shown": round(calibrate.ece(conf[shown], c.y[shown]), 4),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--data", type=Path, default=shared_path("data", "ptc"))
    ap.add_argument("--cv-dir", type=Path, default=cv.default_cache())
    ap.add_argument("--folds", type=int, default=3)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--candidates", type=float, default=0.3, help="token threshold")
    ap.add_argument("--gap", type=int, default=2, help="merge gap (the SI decoding's)")
    ap.add_argument("--out", type=Path, default=None)
    a = ap.parse_args()
    held = cv.held_out(
        cv.fold_sources(a.cv_dir, a.data, a.folds, a.seed), a.data, cv.default_cache()
    )
    ids = {h.article for h in held}
    gold_list = [g for g in read_labels(a.data / "train" / "labels") if g.article in ids]
    gold: dict[str, list[Gold]] = {}
    for g in gold_list:
        gold.setdefault(g.article, []).append(g)
    c = cv.gather(held, gold, a.candidates, a.gap, 0.0)
    texts = {h.article: h.text for h in held}
    tx = np.zeros((len(c.y), len(calibrate.TEXT_FEATURES)), np.float32)
    for art in set(c.article):
        rows = [i for i, x in enumerate(c.article) if x == art]
        chars = [(int(c.start[i]), int(c.end[i])) for i in rows]
        tx[rows] = calibrate.text_features(texts[art], chars)
    base = c.x[:, calibrate.columns(calibrate.SCORE_FEATURES)]
    variants = {
        "shipped": base,
        **{
            f"+{name}": np.hstack([base, tx[:, [j]]])
            for j, name in enumerate(calibrate.TEXT_FEATURES)
        },
        "+text": np.hstack([base, tx]),
        "+text+per-technique": np.hstack([base, tx, per_technique(base, c.technique)]),
    }
    results: dict[str, Any] = {
        "cv_dir": shown_path(a.cv_dir),
        "candidates": int(len(c.y)),
        "right": round(float(c.y.mean()), 4),
    }
    for name, x in variants.items():
        conf = _cross_fit(
            cv.Candidates(c.article, c.fold, c.start, c.end, c.technique, x, c.y), a.folds
        )
        results[name] = figures(c, conf, gold_list)
        print(name, json.dumps(results[name]), flush=True)
    if a.out:
        a.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
