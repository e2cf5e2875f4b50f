"""Boilerplate detection: line-level precision/recall on the labelled set, and how many lines of
already-clean corpora (PTC train, PolNeAR train+dev) the cleaner sets aside.

    python bench/boilerplate.py [--shared ../shared] [--list]

Line 1 of each corpus article is its title; every other non-blank line counts as a body line.
Besides the line rate it reports the annotated characters (PTC technique spans, PolNeAR
attribution spans) that fall inside boilerplate regions: the content the cleaner would hide.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
from pathlib import Path

from spinscope.clean import label_lines
from spinscope.paths import shared_dir

ROOT = Path(__file__).resolve().parent.parent


def _labelled_module():  # type: ignore[no-untyped-def]
    path = ROOT / "tests/data/boilerplate/labelled.py"
    spec = importlib.util.spec_from_file_location("labelled", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def labelled_scores(shared: Path, show: bool) -> tuple[int, int, int, int]:
    tp = fp = fn = n = 0
    for name, text, gold in _labelled_module().labelled_set(shared):
        pred = [ll.label == "boilerplate" for ll in label_lines(text)]
        if len(pred) != len(gold):
            raise SystemExit(f"{name}: {len(pred)} lines predicted, {len(gold)} labelled")
        lines = [ll.line.text for ll in label_lines(text)]
        for p, g, line in zip(pred, gold, lines, strict=True):
            n += 1
            tp += p and g
            fp += p and not g
            fn += g and not p
            if show and p != g:
                print(f"  {'FP' if p else 'FN'} {name}: {line[:90]!r}")
    return tp, fp, fn, n


def _annotated(path: Path, corpus: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    if corpus == "ptc":
        lab = path.parent.parent / "labels" / (path.stem + ".task-flc-tc.labels")
        if lab.exists():
            for row in lab.read_text(encoding="utf-8").splitlines():
                parts = row.split("\t")
                if len(parts) >= 4:
                    spans.append((int(parts[2]), int(parts[3])))
    else:
        ann_dir = path.parent.parent / "attributions"
        for ann in sorted(ann_dir.glob(path.stem + "_*.ann"))[:1]:
            for row in ann.read_text(encoding="utf-8").splitlines():
                fields = row.split("\t")
                kind = fields[1].split(" ", 1)[0] if len(fields) > 1 else ""
                if row.startswith("T") and kind in ("Source", "Cue", "Content", "Attribution"):
                    for a, b in re.findall(r"(\d+) (\d+)", fields[1]):
                        spans.append((int(a), int(b)))
    return spans


def corpus_rate(shared: Path, show: bool) -> None:
    groups = {
        "PTC train": ("ptc", sorted((shared / "data/ptc/train/articles").glob("*.txt"))),
        "PolNeAR train+dev": (
            "polnear",
            sorted((shared / "data/polnear/train/text").glob("*.txt"))
            + sorted((shared / "data/polnear/dev/text").glob("*.txt")),
        ),
    }
    for label, (corpus, paths) in groups.items():
        body = flagged = lost = annotated = 0
        for path in paths:
            text = path.read_text(encoding="utf-8")
            bp = []
            for ll in label_lines(text):
                if ll.line.number == 0:
                    continue
                body += 1
                if ll.label == "boilerplate":
                    flagged += 1
                    bp.append((ll.line.start, ll.line.end))
                    if show:
                        print(f"  flagged {path.name[:40]}: {ll.line.text[:90]!r}")
            for a, b in _annotated(path, corpus):
                annotated += b - a
                lost += sum(max(0, min(b, e) - max(a, s)) for s, e in bp)
        rate = flagged / body if body else 0.0
        print(
            f"{label}: {len(paths)} articles, {body} body lines, {flagged} marked boilerplate "
            f"({rate:.3%}); annotated characters inside boilerplate: {lost} of {annotated}"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=shared_dir())
    ap.add_argument("--list", action="store_true", help="print every disagreement / flagged line")
    args = ap.parse_args()
    tp, fp, fn, n = labelled_scores(args.shared, args.list)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    sets = len(_labelled_module().labelled_set(args.shared))
    print(
        f"labelled set: {sets} texts, {n} lines, {tp + fn} boilerplate; "
        f"precision {p:.3f}  recall {r:.3f}  F1 {2 * p * r / (p + r) if p + r else 0:.3f}"
    )
    corpus_rate(args.shared, args.list)


if __name__ == "__main__":
    sys.exit(main())
