"""Who said what on PolNeAR dev: speaker right / wrong named / unresolved, per publisher.

    python bench/speakers_polnear.py [--out bench/results/speakers_polnear.json] [--errors FILE]

The 42 dev articles with a speaker file (``../shared/data/polnear/dev/speakers/``, see its
README) run through ``clean → sentences → attributions`` as ``spinscope analyze`` runs them;
attributions matched to the gold by content (PolNeAR's measure) are judged by
:mod:`spinscope.attribution.speaker_eval`. Content P/R/F1 is over the same 42 articles.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from spinscope.attribution.speaker_eval import (
    doc_predictions,
    load_annotated,
    score_speakers,
    summarise,
)
from spinscope.paths import missing_message, shared_path

POLNEAR = shared_path("data", "polnear")


def table(report: dict[str, Any]) -> str:
    head = (
        f"{'':<12} {'art':>3} {'matched':>7} {'right':>6} {'wrong':>6} {'unres':>6} "
        f"{'wrong/named':>11} {'P':>6} {'R':>6} {'F1':>6}"
    )
    lines = [head]
    blocks = [("overall", report["overall"]), *report["publishers"].items()]
    for name, b in blocks:
        s, c = b["speakers"], b["content"]
        lines.append(
            f"{name:<12} {b['articles']:>3} {s['matched']:>7} {s['speaker_right']:>6.3f} "
            f"{s['wrong_named']:>6.3f} {s['unresolved_share']:>6.3f} {s['wrong_of_named']:>11.3f} "
            f"{c['precision']:>6.3f} {c['recall']:>6.3f} {c['f1']:>6.3f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=Path("bench/results/speakers_polnear.json"))
    ap.add_argument("--errors", type=Path, help="write every judged attribution here (JSONL)")
    ap.add_argument("--polnear", type=Path, default=POLNEAR)
    args = ap.parse_args(argv)
    if not (args.polnear / "dev" / "speakers").is_dir():
        print(missing_message(args.polnear / "dev" / "speakers"), file=sys.stderr)
        return 2

    from spinscope.document import Document, Source
    from spinscope.pipeline import Pipeline

    annotated = load_annotated(args.polnear)
    t0 = time.perf_counter()
    pipe = Pipeline.build(("clean", "sentences", "attributions"))
    docs = list(pipe.pipe(Document(a.text, source=Source(kind="text")) for a, _ in annotated))
    results = [
        score_speakers(a, rows, doc_predictions(d))
        for (a, rows), d in zip(annotated, docs, strict=True)
    ]
    report = summarise(results)
    report["seconds"] = round(time.perf_counter() - t0, 1)
    report["command"] = "python bench/speakers_polnear.py"
    print(table(report))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    if args.errors:
        with args.errors.open("w", encoding="utf-8") as fh:
            for r in results:
                for row in r.rows:
                    fh.write(json.dumps({"article": r.name, **row}, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
