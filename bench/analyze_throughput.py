"""Throughput of the full ``analyze`` pipeline vs spaCy alone, on the 371 PTC train articles.

    python bench/analyze_throughput.py [--shared ../shared] [--limit N] [--batch-size 16]

Both runs see the same texts; models are loaded (and warmed on one article) before timing.
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


def build_pipeline() -> tuple[Pipeline, list[str]]:
    """The default pipeline: every analyzer, as ``spinscope analyze`` runs it."""
    return Pipeline.build(DEFAULT_STEPS), []


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
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"peak RSS after the analyze run (models + pipeline): {rss_mb:.0f} MiB")


if __name__ == "__main__":
    sys.exit(main())
