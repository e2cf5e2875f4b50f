"""Large single inputs through the full ``analyze`` pipeline: time, cost per MB, peak RSS.

    python bench/large_inputs.py [--shared ../shared] [--sizes 0.25,1,2] [--shapes paragraphs,line]

The inputs are PTC training articles joined into one text until it reaches each size (MiB of
UTF-8): ``paragraphs`` keeps their lines, ``line`` makes it one line (the worst case for the
parser's sentence chunking). The reference is the same pipeline over the articles as separate
documents (``--reference-mb`` of them), measured in the same run: the ratio says how much more a
MB costs as one big input than as normal articles. Every measurement runs in its own process, so
its peak RSS (ru_maxrss) is its own; models are loaded and warmed before timing.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections import deque
from pathlib import Path

MB = 1024 * 1024


def _texts(shared: Path) -> list[str]:
    paths = sorted((shared / "data/ptc/train/articles").glob("*.txt"))
    if not paths:
        raise SystemExit(f"no PTC articles under {shared}")
    return [p.read_text(encoding="utf-8").strip() for p in paths]


def _build(texts: list[str], size_mb: float, shape: str) -> str:
    parts: list[str] = []
    n = 0
    i = 0
    while n < size_mb * MB:
        t = texts[i % len(texts)]
        parts.append(t if shape == "paragraphs" else " ".join(t.split()))
        n += len(t.encode("utf-8")) + 2
        i += 1
    text = ("\n\n" if shape == "paragraphs" else " ").join(parts)
    while len(text.encode("utf-8")) > size_mb * MB:  # at most the size (10 MiB: the limit)
        text = text[: text.rfind(" ", 0, len(text) - 1000)]
    return text


def _child(spec: dict[str, object]) -> dict[str, object]:
    """Runs in a fresh process: load the pipeline, warm it, time the inputs."""
    from spinscope.ingest import load
    from spinscope.pipeline import DEFAULT_STEPS, Pipeline

    texts = _texts(Path(str(spec["shared"])))
    pipeline = Pipeline.build(DEFAULT_STEPS)
    list(pipeline.pipe([load(texts[0], name="warmup")]))
    rss_warm = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if spec["kind"] == "reference":
        docs, n = [], 0
        for i, t in enumerate(texts):
            if n >= float(spec["mb"]) * MB:  # type: ignore[arg-type]
                break
            docs.append(load(t, name=f"ptc{i}"))
            n += len(t.encode("utf-8"))
        t0 = time.perf_counter()
        deque(pipeline.pipe(docs), 0)
        seconds = time.perf_counter() - t0
        size = n / MB
        extra: dict[str, object] = {"documents": len(docs)}
    else:
        text = _build(texts, float(spec["mb"]), str(spec["shape"]))  # type: ignore[arg-type]
        size = len(text.encode("utf-8")) / MB
        t0 = time.perf_counter()
        doc = pipeline(load(text, name="large"))
        seconds = time.perf_counter() - t0
        extra = {
            "sentences": len(doc.layer("sentences")),
            "techniques": len(doc.layer("techniques")),
            "attributions": len(doc.layer("attributions")),
        }
    return {
        "kind": spec["kind"],
        "shape": spec.get("shape", "articles"),
        "mb": round(size, 3),
        "seconds": round(seconds, 1),
        "seconds_per_mb": round(seconds / size, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "rss_after_warmup_mb": round(rss_warm),
        **extra,
    }


def _run(spec: dict[str, object]) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", json.dumps(spec)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{spec}: failed\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    from spinscope.paths import shared_dir

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=shared_dir())
    ap.add_argument("--sizes", default="0.25,1,2", help="MiB, comma-separated")
    ap.add_argument("--shapes", default="paragraphs,line")
    ap.add_argument("--reference-mb", type=float, default=0.25)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(_child(json.loads(args.child))))
        return
    shared = str(args.shared)
    ref = _run({"kind": "reference", "mb": args.reference_mb, "shared": shared})
    print(
        f"reference: {ref['documents']} PTC articles, {ref['mb']} MiB, {ref['seconds']} s "
        f"({ref['seconds_per_mb']} s/MiB), peak RSS {ref['peak_rss_mb']} MiB",
        flush=True,
    )
    print("| input | MiB | seconds | s/MiB | ÷ reference s/MiB | peak RSS MiB | sentences |")
    print("|---|---|---|---|---|---|---|")
    for shape in args.shapes.split(","):
        for size in (float(s) for s in args.sizes.split(",")):
            r = _run({"kind": "large", "mb": size, "shape": shape, "shared": shared})
            ratio = float(r["seconds_per_mb"]) / float(ref["seconds_per_mb"])  # type: ignore[arg-type]
            print(
                f"| {shape} | {r['mb']} | {r['seconds']} | {r['seconds_per_mb']} | "
                f"{ratio:.2f} | {r['peak_rss_mb']} | {r['sentences']} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
