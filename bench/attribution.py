"""Attribution benchmark: PolNeAR content F1 / source accuracy, own speaker set, and speed.

    python bench/attribution.py polnear --split dev            # the reported figures
    python bench/attribution.py polnear --split dev --mode rules   # one row of the ablation
    python bench/attribution.py polnear --split train --sweep  # rule threshold (train only)
    python bench/attribution.py speakers                       # tests/data/speakers accuracy
    python bench/attribution.py speed --limit 90               # added time on PTC train

``--parses FILE`` reuses a spaCy DocBin of the split's texts (sorted order) so tuning runs do
not re-parse; without it the texts are parsed with ``spinscope.nlp.load_spacy()``.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from spinscope.attribution.extract import AttributionExtractor
from spinscope.attribution.hybrid import MODES, Settings, statements
from spinscope.attribution.polnear import Predicted, Score, load_split, score_article
from spinscope.document import Document
from spinscope.nlp import load_spacy
from spinscope.paths import shared_path

ROOT = Path(__file__).resolve().parent.parent
POLNEAR = shared_path("data", "polnear")
PTC = shared_path("data", "ptc")


def _parses(texts: Sequence[str], cache: str | None) -> list[Any]:
    nlp = load_spacy()
    if cache:
        from spacy.tokens import DocBin

        docs = list(DocBin().from_disk(cache).get_docs(nlp.vocab))[: len(texts)]
        if len(docs) == len(texts) and all(d.text == t for d, t in zip(docs, texts, strict=True)):
            return docs
        print("parse cache does not match the texts; parsing")
    return list(nlp.pipe(texts, batch_size=16))


def polnear(args: argparse.Namespace) -> None:
    arts = load_split(args.root, args.split, args.limit)
    parses = _parses([a.text for a in arts], args.parses)
    thresholds = [0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5] if args.sweep else [args.threshold]
    shipped = AttributionExtractor(**({"tagger": args.model} if args.model else {}))
    tagger = shipped.tagger
    settings = shipped.settings
    if args.mode:
        settings = Settings(**{**settings.__dict__, "mode": args.mode})
    tagged = [
        tagger.tag_ranges(a.text, [(0, len(a.text))])
        if tagger and settings.mode != "rules"
        else None
        for a in arts
    ]
    print(f"tagger={'yes' if tagger else 'none'} settings={settings}")
    for th in thresholds:
        ex = AttributionExtractor(threshold=th, tagger=tagger, settings=settings)
        total = Score()  # statements: a row that continues another is one of its pieces
        rows_total = Score()  # every row on its own (the measure before issue 21's fourth stop)
        by_origin: dict[str, int] = {}
        for art, sdoc, tg in zip(arts, parses, tagged, strict=True):
            cands = ex.combined(art.text, [(0, sdoc)], tg)
            for c in cands:
                head, _, rest = c.origin.partition(":")
                key = head + (":" + rest.split("|")[0] if rest else "")
                by_origin[key] = by_origin.get(key, 0) + 1
            total.add(score_article(statements(art.text, cands), art.attributions))
            rows_total.add(
                score_article([Predicted(c.content, c.source) for c in cands], art.attributions)
            )
        print(
            f"split={args.split} threshold={th:.2f} articles={len(arts)} gold={total.n_gold} "
            f"pred={total.n_pred} P={total.precision:.3f} R={total.recall:.3f} "
            f"F1={total.f1:.3f} source_acc={total.source_accuracy:.3f} "
            f"(matched={total.matched}, with_gold_source={total.src_total})"
        )
        print(
            f"  row by row: pred={rows_total.n_pred} P={rows_total.precision:.3f} "
            f"R={rows_total.recall:.3f} F1={rows_total.f1:.3f}"
        )
        print("  predicted by origin:", dict(sorted(by_origin.items())))


def speakers(args: argparse.Namespace) -> None:
    """Accuracy of resolved speaker names on the labelled set: gold (content anchor, name)."""
    ex = AttributionExtractor()
    n = correct = found = 0
    for path in sorted(Path(args.data).glob("*.json")):
        case = json.loads(path.read_text(encoding="utf-8"))
        doc = ex(Document(case["text"]))
        atts = doc.layer("attributions")
        for gold in case["attributions"]:
            n += 1
            pos = case["text"].index(gold["anchor"])
            hit = [a for a in atts if a.start <= pos < a.end]
            if not hit:
                if args.verbose:
                    print(f"MISS   {path.name}: {gold['anchor']!r}")
                continue
            found += 1
            name = hit[0].attrs["speaker"]["name"]
            ok = name == gold["speaker"]
            correct += ok
            if args.verbose and not ok:
                print(f"WRONG  {path.name}: {gold['anchor']!r} -> {name!r} != {gold['speaker']!r}")
    print(
        f"speaker set: attributions={n} found={found} correct_name={correct} "
        f"accuracy={correct / max(n, 1):.3f} (on found: {correct / max(found, 1):.3f})"
    )


def speed(args: argparse.Namespace) -> None:
    """Time of the sentences stage (the parse analyze needs anyway) vs the attribution stage."""
    from spinscope.sentences import SentenceSplitter

    files = sorted((args.ptc / "train" / "articles").glob("*.txt"))[: args.limit]
    docs = [Document(p.read_text(encoding="utf-8")) for p in files]
    splitter = SentenceSplitter()
    ex = AttributionExtractor()
    t0 = time.perf_counter()
    docs = list(splitter.pipe(docs))
    t1 = time.perf_counter()
    for d in docs:
        ex(d)
    t2 = time.perf_counter()
    n_att = sum(len(d.layer("attributions")) for d in docs)
    print(
        f"PTC train articles={len(docs)} parse={t1 - t0:.2f}s attribution={t2 - t1:.2f}s "
        f"(+{100 * (t2 - t1) / (t1 - t0):.1f}% of the parse alone) attributions={n_att}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("polnear")
    p.add_argument("--root", type=Path, default=POLNEAR)
    p.add_argument("--split", default="dev", choices=["train", "dev"])
    p.add_argument("--limit", type=int)
    p.add_argument("--parses")
    p.add_argument("--threshold", type=float, default=0.3)
    p.add_argument("--sweep", action="store_true")
    p.add_argument("--mode", choices=MODES, help="override the shipped rules/tagger mode")
    p.add_argument("--model", type=Path, help="an attribution model folder (default: shipped)")
    p.set_defaults(func=polnear)
    s = sub.add_parser("speakers")
    s.add_argument("--data", type=Path, default=ROOT / "tests" / "data" / "speakers")
    s.add_argument("-v", "--verbose", action="store_true")
    s.set_defaults(func=speakers)
    q = sub.add_parser("speed")
    q.add_argument("--ptc", type=Path, default=PTC)
    q.add_argument("--limit", type=int, default=90)
    q.set_defaults(func=speed)
    args = ap.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
