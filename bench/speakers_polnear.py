"""Who said what on PolNeAR dev: speaker right / wrong named / unresolved, per publisher.

    python bench/speakers_polnear.py [--out bench/results/speakers_polnear.json] [--errors FILE]
    python bench/speakers_polnear.py --ablation   # ranker / + hand-set abstain / learned
    python bench/speakers_polnear.py --split train --speakers data/speakers/polnear-train
    python bench/speakers_polnear.py --model PATH  # another decision model (resolve fit --out)
    python bench/speakers_polnear.py --one-pass    # statements from the head (analyze --one-pass)

``--ablation`` parses once and runs the attribution stage three times: the ranked resolution
with every name shown (no abstention), with the hand-set weights (``resolve.HAND_WEIGHTS``,
shown at p ≥ 0.5), and with the learned weights that ship (``models/attribution/speakers.json``).
"Rules as today" is this script on the code before issue 21 (see BENCHMARKS.md).

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
OUT = Path("bench/results/speakers_polnear.json")


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


def ablation(annotated: list[Any], out: Path, model: Path | None = None) -> int:
    """Parse once (clean, sentences, the tagger's pass), then the attribution stage per setting."""
    from spinscope.attribution.extract import AttributionExtractor
    from spinscope.attribution.resolve import DecisionScorer, default_scorer, hand_scorer
    from spinscope.document import Document, Source
    from spinscope.pipeline import Pipeline

    steps = [step for _, step in Pipeline.build(("clean", "sentences")).steps]
    base = AttributionExtractor(speaker_scorer=None)
    docs = []
    for a, _ in annotated:
        d = Document(a.text, source=Source(kind="text"))
        for step in steps:
            d = step(d)  # keeps the parse in d.runtime (the pipeline would clear it)
        base.prepare([d])
        docs.append(d)
    settings = {
        "ranker (every name shown)": None,
        "ranker + abstain (hand-set weights)": hand_scorer(),
        "ranker + abstain (learned weights)": default_scorer(),
    }
    if model is not None:
        settings[f"ranker + abstain ({model})"] = DecisionScorer.load(model)
    report: dict[str, Any] = {
        "command": "python bench/speakers_polnear.py " + " ".join(sys.argv[1:])
    }
    for label, scorer in settings.items():
        ex = AttributionExtractor(speaker_scorer=scorer)
        results = [
            score_speakers(a, rows, doc_predictions(ex(d)))
            for (a, rows), d in zip(annotated, docs, strict=True)
        ]
        report[label] = summarise(results)
        print(f"-- {label}")
        print(table(report[label]))
    out = out.with_name(out.stem + "_ablation.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--errors", type=Path, help="write every judged attribution here (JSONL)")
    ap.add_argument("--polnear", type=Path, default=POLNEAR)
    ap.add_argument("--ablation", action="store_true", help="no abstain / hand-set / learned")
    ap.add_argument("--split", default="dev", help="PolNeAR split (dev: the report set)")
    ap.add_argument(
        "--speakers", type=Path, help="speaker files (default: SPLIT/speakers of --polnear)"
    )
    ap.add_argument("--model", type=Path, help="a decision model JSON instead of the shipped one")
    ap.add_argument(
        "--one-pass",
        action="store_true",
        help="statements from the head on the shared encoder (analyze --one-pass)",
    )
    args = ap.parse_args(argv)
    sdir = args.speakers or args.polnear / args.split / "speakers"
    if not sdir.is_dir():
        print(missing_message(sdir), file=sys.stderr)
        return 2

    from spinscope.document import Document, Source
    from spinscope.pipeline import Pipeline

    annotated = load_annotated(args.polnear, args.split, sdir)
    if args.split != "dev" and args.out == OUT:
        args.out = OUT.with_name(f"speakers_polnear_{args.split}.json")
    if args.one_pass and args.out.parent == OUT.parent and args.out.stem.startswith(OUT.stem):
        args.out = args.out.with_name(args.out.stem + "_one_pass.json")
    if args.ablation:
        return ablation(annotated, args.out, args.model)
    t0 = time.perf_counter()
    pipe = Pipeline.build(("clean", "sentences", "attributions"), one_pass=args.one_pass)
    if args.model is not None:
        from spinscope.attribution.extract import AttributionExtractor
        from spinscope.attribution.resolve import DecisionScorer
        from spinscope.attribution.tagger import head_model_dir

        pipe.steps[-1] = (
            "attributions",
            AttributionExtractor(
                speaker_scorer=DecisionScorer.load(args.model),
                **({"tagger": head_model_dir()} if args.one_pass else {}),
            ),
        )
    docs = list(pipe.pipe(Document(a.text, source=Source(kind="text")) for a, _ in annotated))
    results = [
        score_speakers(a, rows, doc_predictions(d))
        for (a, rows), d in zip(annotated, docs, strict=True)
    ]
    report = summarise(results)
    report["seconds"] = round(time.perf_counter() - t0, 1)
    report["command"] = "python bench/speakers_polnear.py " + " ".join(argv or sys.argv[1:])
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
