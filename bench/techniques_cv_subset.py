"""Fold models scored on the articles of one split only, to compare with a model that was
cross-fitted on that split (the same articles, the same cross-validation code).

    python bench/techniques_cv_subset.py                 # fold models in ~/.cache/spinscope/cv
    python bench/techniques_cv_subset.py --split validation --cv-dir DIR

Each article of the split is held out in exactly one fold model, so its outputs are out-of-fold;
decoding and calibration are then chosen exactly as ``spinscope train techniques`` chooses them,
but on those articles alone. Compare with ``models/techniques/cv.json`` of a model cross-fitted on
the same split (``spinscope train calibrate``).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from spinscope.paths import shared_path
from spinscope.techniques import cv
from spinscope.techniques.ptc import read_splits


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--data", type=Path, default=shared_path("data", "ptc"))
    ap.add_argument("--cv-dir", type=Path, default=cv.default_cache())
    ap.add_argument("--split", default="validation")
    ap.add_argument("--folds", type=int, default=3)
    ap.add_argument("--seed", type=int, default=13)
    a = ap.parse_args()
    keep = set(read_splits(a.data)[a.split])
    sources = [
        (k, d, [i for i in ids if i in keep])
        for k, d, ids in cv.fold_sources(a.cv_dir, a.data, a.folds, a.seed)
    ]
    held = cv.held_out(sources, a.data, cv.default_cache())
    rep = cv.cross_validate(held, a.data, a.folds, f"fold models on '{a.split}' only")
    view = rep["view"]
    print(
        json.dumps(
            {
                "articles": len(held),
                "si_f1": rep["si"]["f1"],
                "tc_f1": rep["tc"],
                "flc_f1": rep["flc"]["f1"],
                "default": view["default"],
                "ece_all": view["ece_all"],
                "ece_shown": view["ece_shown"],
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
