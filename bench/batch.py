"""Batch (Dask) figures: WARC extraction rate, throughput on 1 and 2 workers, peak RSS per worker.

Inputs: PTC articles rendered as news HTML pages into a per-record-gzip WARC (CC-NEWS layout),
built in a temporary directory (nothing is copied into the repository). Both worker counts run
on the same WARC in the same invocation; throughput is measured from the first task submitted
to the last partition finished (cluster start and model loading are reported separately: they
are paid once per worker, not per record).

    python bench/batch.py [--articles 60] [--steps clean,sentences] [--partition-kb 64]

Prints a Markdown block for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from spinscope.paths import shared_path

PTC = Path(os.environ.get("SPINSCOPE_PTC") or shared_path("data", "ptc", "train", "articles"))


def build_warc(path: Path, n: int) -> int:
    from spinscope.scale.synth import write_warc

    files = sorted(PTC.glob("article*.txt"))[:n]
    if not files:
        raise SystemExit(f"no PTC articles under {PTC} (set SPINSCOPE_PTC)")
    pages = []
    for f in files:
        title, _, body = f.read_text(encoding="utf-8").partition("\n")
        pages.append((f"https://news.example/{f.stem}", title.strip(), body.strip()))
    write_warc(path, pages)
    return len(pages)


def extraction_rate(path: Path) -> tuple[int, float]:
    from spinscope.ingest.warc import iter_warc_items

    t0 = time.perf_counter()
    n = sum(1 for _ in iter_warc_items(str(path)))
    return n, n / (time.perf_counter() - t0)


def run(path: Path, out: Path, workers: int, steps: Any, partition_bytes: int) -> dict[str, Any]:
    from spinscope.scale.runner import run_batch

    marks: dict[str, float] = {}
    per_part: list[dict[str, Any]] = []
    t0 = time.perf_counter()

    def started(summary: Any, plan: Any, done: Any) -> None:
        marks["start"] = time.perf_counter()

    def finished(counts: dict[str, Any]) -> None:
        marks["end"] = time.perf_counter()
        per_part.append(counts)

    summary = run_batch(
        [str(path)],
        out,
        workers=workers,
        steps=steps,
        partition_bytes=partition_bytes,
        dashboard_address=":0",
        on_start=started,
        on_partition=finished,
    )
    total = time.perf_counter() - t0
    work = marks["end"] - marks["start"]
    rss: dict[str, float] = {}
    for c in per_part:
        rss[c["worker"]] = max(rss.get(c["worker"], 0.0), c["peak_rss_mb"])
    return {
        "workers": workers,
        "analysed": summary.analysed,
        "read": summary.read,
        "seconds": work,
        "startup": total - work,
        "docs_per_s": summary.analysed / work,
        "peak_rss_mb": sorted(rss.values()),
        "steps": summary.steps,
        "partitions": summary.partitions,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=60)
    ap.add_argument("--steps", default=None, help="default: whatever get_pipeline() provides")
    ap.add_argument("--partition-kb", type=int, default=16)
    args = ap.parse_args()
    steps = tuple(args.steps.split(",")) if args.steps else None
    with tempfile.TemporaryDirectory() as tmp:
        warc = Path(tmp) / "bench.warc.gz"
        n = build_warc(warc, args.articles)
        size = warc.stat().st_size
        records, rate = extraction_rate(warc)
        results = [
            run(warc, Path(tmp) / f"out{w}", w, steps, args.partition_kb * 1024) for w in (1, 2)
        ]
    r1, r2 = results
    eff = r1["seconds"] / (2 * r2["seconds"])
    load = os.getloadavg()
    print("## Batch (Dask)\n")
    print(
        f"`python bench/batch.py --articles {args.articles} --partition-kb {args.partition_kb}"
        f"{' --steps ' + args.steps if args.steps else ''}` — {n} PTC articles as HTML pages in a "
        f"{size / 1024:.0f} KiB per-record-gzip WARC ({records} records incl. warcinfo), "
        f"{r1['partitions']} partitions; steps that ran: `{r1['steps']}`; "
        f"{os.cpu_count()} CPUs, load average at the end {load[0]:.1f}.\n"
    )
    print("| measure | 1 worker | 2 workers |")
    print("|---|---|---|")
    print(f"| documents analysed | {r1['analysed']} | {r2['analysed']} |")
    print(f"| processing time (s) | {r1['seconds']:.1f} | {r2['seconds']:.1f} |")
    print(f"| throughput (docs/s) | {r1['docs_per_s']:.2f} | {r2['docs_per_s']:.2f} |")
    print(f"| cluster start + model load (s) | {r1['startup']:.1f} | {r2['startup']:.1f} |")
    print(f"| peak RSS per worker (MB) | {_fmt(r1['peak_rss_mb'])} | {_fmt(r2['peak_rss_mb'])} |")
    print(f"\nScaling efficiency t1 / (2·t2) = **{eff:.2f}**.")
    print(
        f"WARC extraction alone (read + HTTP decode + trafilatura, 1 process): {rate:.1f} records/s."
    )


def _fmt(values: list[float]) -> str:
    return ", ".join(f"{v:.0f}" for v in values) if values else "–"


if __name__ == "__main__":
    main()
