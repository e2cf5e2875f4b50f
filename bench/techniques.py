"""Validation figures of the shipped technique model (official SemEval-2020 Task 11 formulas).

Usage: python bench/techniques.py [--data ../shared/data/ptc] [--model DIR]
Prints SI / TC / FLC on the ``validation`` split and the tagger's own throughput (articles/s).
"""

from __future__ import annotations

import argparse
import json
import resource
from pathlib import Path

from spinscope.paths import shared_path
from spinscope.techniques.card import evaluate_model


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=shared_path("data", "ptc"))
    ap.add_argument("--model", type=Path, default=None)
    a = ap.parse_args()
    fig = evaluate_model(a.model, a.data)
    print(json.dumps(fig, indent=2))
    print(
        f"SI F1 {fig['si']['f1']:.4f} | TC micro-F1 {fig['tc']['f1']:.4f} | "
        f"FLC F1 {fig['flc']['f1']:.4f} | tagger alone: "
        f"{fig['articles'] / fig['predict_seconds']:.1f} articles/s | "
        f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )


if __name__ == "__main__":
    main()
