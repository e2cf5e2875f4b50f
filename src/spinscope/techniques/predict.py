"""Predictions in SemEval-2020 Task 11 (PTC) terms: SI, TC and FLC from one encoder pass.

Shared by ``spinscope ptc predict``, the model card and the quality gate. Benchmark decodings
(chosen for F1 by cross-validation) differ from the calibrated user-facing view on purpose.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from spinscope.techniques.ptc import Gold

__all__ = ["predict_ptc", "predict_ptc_tasks"]


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
                for s, e, t in tagger.flc(enc)
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
