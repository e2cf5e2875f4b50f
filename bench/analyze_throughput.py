"""Throughput of the full ``analyze`` pipeline vs spaCy alone, on the 371 PTC train articles.

    python bench/analyze_throughput.py [--shared ../shared] [--limit N] [--batch-size 16]
        [--one-pass] [--stages]

Both runs see the same texts; models are loaded (and warmed on one article) before timing.
``--one-pass`` also times ``analyze --one-pass`` (attribution from the shared encoder's pass) in
the same run. ``--stages`` times each stage alone, sequentially (no overlap of parse and
encoder), for both pipelines: parse, shared encoder, technique heads and decoding, attribution
tagger (its own encoder, or the head), rules and speakers, voice.
Whatever analyzers are installed take part; one whose model is missing is reported and left
out rather than failing the run. Peak RSS is the process maximum (ru_maxrss).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from collections import deque
from pathlib import Path
from typing import Any

from spinscope.ingest import load
from spinscope.nlp import load_spacy
from spinscope.paths import shared_dir
from spinscope.pipeline import DEFAULT_STEPS, Pipeline

ROOT = Path(__file__).resolve().parent.parent


def build_pipeline(one_pass: bool = False) -> tuple[Pipeline, list[str]]:
    """The default pipeline: every analyzer, as ``spinscope analyze [--one-pass]`` runs it."""
    if one_pass:
        return Pipeline.build(DEFAULT_STEPS, one_pass=True), []
    return Pipeline.build(DEFAULT_STEPS), []


def stage_times(pipeline: Pipeline, docs: list[Any], batch: int) -> dict[str, float]:
    """Wall seconds per stage, the stages run one after another (no parse/encoder overlap)."""
    from collections import defaultdict

    spent: dict[str, float] = defaultdict(float)

    def wrap(obj: Any, attr: str, label: str) -> None:
        fn = getattr(obj, attr)

        def timed_fn(*a: Any, **k: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                spent[label] += time.perf_counter() - t0

        setattr(obj, attr, timed_fn)

    steps = dict(pipeline.steps)
    for name, step in pipeline.steps:
        wrap(step, "pipe" if hasattr(step, "pipe") else "__call__", name)
    tech = steps.get("techniques")
    if tech is not None:
        wrap(tech.encoder, "encode_docs", "shared encoder")
    att = steps.get("attributions")
    if att is not None and att.tagger is not None:
        wrap(att.tagger, "tag", "attribution tagger")
    pipeline.overlap = False
    deque(pipeline.pipe(docs, batch_size=batch), 0)
    pipeline.overlap = True
    out = dict(spent)
    # nested timers: report each stage without what it called
    if "shared encoder" in out and "techniques" in out:
        out["techniques"] -= out["shared encoder"]
    if "attribution tagger" in out and "attributions" in out:
        out["attributions"] -= out["attribution tagger"]
    return out


def timed(fn: Any) -> tuple[float, float]:
    """(wall seconds, process CPU seconds): CPU time stays meaningful on a busy shared machine."""
    t0, c0 = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - t0, time.process_time() - c0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=shared_dir())
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--batch-size", type=int, default=8)
    ap.add_argument("--one-pass", action="store_true", help="also time analyze --one-pass")
    ap.add_argument("--stages", action="store_true", help="also time each stage alone")
    args = ap.parse_args()
    paths = sorted((args.shared / "data/ptc/train/articles").glob("*.txt"))[: args.limit]
    if not paths:
        raise SystemExit(f"no PTC articles under {args.shared}")
    texts = [p.read_text(encoding="utf-8") for p in paths]
    pipeline, missing = build_pipeline()
    names = [name for name, _ in pipeline.steps]
    list(pipeline.pipe([load(texts[0], name="warmup")]))
    nlp = load_spacy()
    list(nlp.pipe(texts[:1]))

    docs = [load(t, name=str(p)) for t, p in zip(texts, paths, strict=True)]
    # consume without keeping results: peak RSS is the pipeline's, not the benchmark's list
    t_pipe, c_pipe = timed(lambda: deque(pipeline.pipe(docs, batch_size=args.batch_size), 0))
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t_spacy, c_spacy = timed(lambda: deque(nlp.pipe(texts, batch_size=args.batch_size), 0))
    n = len(texts)
    print(f"articles: {n} (PTC train), batch size {args.batch_size}")
    print(
        f"analyze pipeline [{', '.join(names)}]: {t_pipe:.1f} s wall, {n / t_pipe:.2f} articles/s;"
        f" {c_pipe:.1f} CPU-s, {n / c_pipe:.2f} articles per CPU-second"
    )
    if missing:
        print("left out (could not load): " + "; ".join(missing))
    print(
        f"spaCy nlp.pipe alone ({nlp.meta.get('name')}): {t_spacy:.1f} s wall, "
        f"{n / t_spacy:.2f} articles/s; {c_spacy:.1f} CPU-s, "
        f"{n / c_spacy:.2f} articles per CPU-second"
    )
    print(f"ratio analyze/spaCy: {t_pipe / t_spacy:.2f}x wall, {c_pipe / c_spacy:.2f}x CPU")
    print(f"throughput ratio (spaCy time / analyze time): {t_spacy / t_pipe:.2f}")
    pipes = [("default", pipeline)]
    if args.one_pass:
        fast, _ = build_pipeline(one_pass=True)
        list(fast.pipe([load(texts[0], name="warmup")]))
        docs = [load(t, name=str(p)) for t, p in zip(texts, paths, strict=True)]
        t_fast, c_fast = timed(lambda: deque(fast.pipe(docs, batch_size=args.batch_size), 0))
        print(
            f"analyze --one-pass: {t_fast:.1f} s wall, {n / t_fast:.2f} articles/s; "
            f"{c_fast:.1f} CPU-s; throughput ratio (spaCy / it): {t_spacy / t_fast:.2f}; "
            f"speed-up over the default: {t_pipe / t_fast:.2f}x"
        )
        pipes.append(("one-pass", fast))
    if args.stages:
        for label, pipe in pipes:
            docs = [load(t, name=str(p)) for t, p in zip(texts, paths, strict=True)]
            times = stage_times(pipe, docs, args.batch_size)
            total = sum(times.values())
            row = ", ".join(f"{k} {v:.1f}" for k, v in times.items())
            print(f"stages, {label} (s, sequential; total {total:.1f}): {row}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"peak RSS after the analyze run (models + pipeline): {rss_mb:.0f} MiB")


if __name__ == "__main__":
    sys.exit(main())
