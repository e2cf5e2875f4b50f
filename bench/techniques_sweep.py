"""Training ablation for the technique model: k-fold, out-of-fold figures per setting.

    python bench/techniques_sweep.py --out bench/results/techniques_sweep.json [--silver DIR]

For each named setting, k fold models (the folds of ``ptc.fold_ids``, seed 13) are fine-tuned
in torch and scored on the fold they never saw; the out-of-fold outputs of all 371 articles
are pooled and scored with ``train.evaluate`` (official SI / TC / FLC formulas, thresholds
swept on the pooled outputs: the same optimism for every setting, so it ranks settings; the
shipped figures come from ``spinscope train techniques``, which decodes and calibrates as the
product does). Settings named ``*+silver`` are students: fold k's teacher is fold k's model of
the setting named in ``teacher``, which never saw fold k, so the student's figure on fold k
stays out-of-fold. Silver texts are unlabelled news (PolNeAR ``*/text/*.txt``).

Slow on a laptop CPU (≈ 10 min per fold-epoch); made for a GPU (``--device cuda``). Results are
written after every setting, so a run cut short keeps what it finished.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from spinscope.paths import shared_path
from spinscope.techniques import train as T
from spinscope.techniques.ptc import fold_ids

#: name → (TrainConfig changes, teacher setting or None)
SETTINGS: dict[str, tuple[dict[str, Any], str | None]] = {
    "e5": ({"epochs": 5}, None),
    "e5+silver": ({"epochs": 5}, "e5"),
    "e8": ({"epochs": 8}, None),
    "e2": ({"epochs": 2}, None),
    "e5-lr5e-5": ({"epochs": 5, "lr_encoder": 5e-5}, None),
    "e8-lr8e-5": ({"epochs": 8, "lr_encoder": 8e-5}, None),
    "e5-frozen2": ({"epochs": 5, "frozen_layers": 2}, None),
    "e2-sentence0.5": ({"epochs": 2, "sentence_loss": 0.5}, None),
    "e8-sentence0.5": ({"epochs": 8, "sentence_loss": 0.5}, None),
}


def read_silver(root: Path, limit: int | None) -> dict[str, str]:
    files = sorted(root.glob("*/text/*.txt"))[: limit or None]
    return {f"{f.parent.parent.name}/{f.stem}": f.read_text(encoding="utf-8") for f in files}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--data", type=Path, default=shared_path("data", "ptc"))
    ap.add_argument("--silver", type=Path, default=shared_path("data", "polnear"))
    ap.add_argument("--silver-limit", type=int, default=None)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--settings", default=",".join(SETTINGS))
    ap.add_argument("--folds", type=int, default=3)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--device", default="auto")
    ap.add_argument("--limit", type=int, default=None, help="debug: articles per fold")
    ap.add_argument("--deadline", type=float, default=None, help="seconds; start no setting after")
    a = ap.parse_args()
    t_start = time.time()
    base = T.TrainConfig(seed=a.seed, folds=a.folds, device=a.device, threads=4)
    tok = T.load_tokenizer(T.base_model_dir() / "tokenizer.json")
    folds = fold_ids(a.data, a.folds, a.seed)
    if a.limit:
        folds = [f[: a.limit] for f in folds]
    every = [i for f in folds for i in f]
    by_id = {e.article: e for e in T.load_split(a.data, every, tok, None)}
    results: dict[str, Any] = {
        "folds": a.folds,
        "seed": a.seed,
        "articles": len(every),
        "settings": {},
    }
    if a.out.exists():
        results = json.loads(a.out.read_text(encoding="utf-8"))
    silver_texts: dict[str, str] = {}
    teachers: dict[str, list[dict[str, Any]]] = {}  # setting → fold state dicts (CPU)
    import torch

    for name in a.settings.split(","):
        changes, teacher = SETTINGS[name]
        if a.deadline and time.time() - t_start > a.deadline:
            print(f"deadline: {name} not started", flush=True)
            break
        if teacher is not None and teacher not in teachers:
            print(f"{name}: teacher {teacher} not trained in this run; skipped", flush=True)
            continue
        cfg = replace(base, **changes)
        t0 = time.time()
        held: list[T.Example] = []
        arrays: list[tuple[np.ndarray, np.ndarray]] = []
        heads = []
        states = []
        n_silver = 0
        for k in range(a.folds):
            fit = [by_id[i] for j, f in enumerate(folds) if j != k for i in f]
            silver = None
            if teacher is not None:
                if not silver_texts:
                    silver_texts = read_silver(a.silver, a.silver_limit)
                tnet = T.build_net(torch, torch.nn, T.base_model_dir())
                tnet.load_state_dict(teachers[teacher][k])
                tnet.to(T.torch_device(torch, cfg.device))

                def label(
                    tokens: list[T.Tokens], tnet: Any = tnet, cfg: T.TrainConfig = cfg
                ) -> list[np.ndarray]:
                    exs = [
                        T.Example("", "", t, np.zeros((len(t.ids), 1), np.float32), [])
                        for t in tokens
                    ]
                    return [p for _, p in T.predict_arrays(torch, tnet, exs, cfg)]

                silver = T.silver_examples(silver_texts, label, tok, cfg.silver_weight)
                n_silver = len(silver)
                del tnet
            net, history, _ = T.fit_net(fit, cfg, None, silver, log=lambda _m: None)
            out = [by_id[i] for i in folds[k]]
            arrays.extend(T.predict_arrays(torch, net, out, cfg))
            head = T.span_head_numpy(net)
            heads.extend([head] * len(out))
            held.extend(out)
            states.append({n: v.detach().cpu().clone() for n, v in net.state_dict().items()})
            print(
                f"{name} fold {k}: loss {history[-1]['loss']} {time.time() - t0:.0f}s", flush=True
            )
            del net
            if torch.cuda.is_available():
                torch.cuda.empty_cache()
        teachers[name] = states
        scores = T.evaluate(held, arrays, heads)
        per_fold = []
        n = 0
        for k in range(a.folds):
            m = len(folds[k])
            per_fold.append(T.evaluate(held[n : n + m], arrays[n : n + m], heads[n : n + m]))
            n += m
        results["settings"][name] = {
            "changes": changes,
            "teacher": teacher,
            "silver_articles": n_silver,
            "pooled": {k: round(v, 4) for k, v in scores.items()},
            "si_f1_per_fold": [round(r["si_f1"], 4) for r in per_fold],
            "seconds": round(time.time() - t0, 1),
        }
        print(name, json.dumps(results["settings"][name]), flush=True)
        a.out.parent.mkdir(parents=True, exist_ok=True)
        a.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
