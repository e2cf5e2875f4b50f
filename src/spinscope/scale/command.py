"""``spinscope batch``: the Typer command (registered in ``spinscope.cli``).

Imports nothing heavy at module level, so ``spinscope --help`` stays fast; Dask loads on use.
"""

from __future__ import annotations

from typing import Any

import typer

from spinscope.cli_options import fail as _fail
from spinscope.cli_options import outlet_option

#: Where ``--dashboard`` serves the Dask dashboard: loopback only (it shows inputs and tasks).
DASHBOARD = "127.0.0.1:8787"
#: Inputs of at most this many bytes on disk, all together, run in this process (one worker
#: thread, the models loaded once, as ``analyze`` does) unless ``--workers`` asks for worker
#: processes: each worker process loads the models again, which on a few articles costs more
#: than the parallel work saves (10 files: 54 s against analyze's 27 s, issue 24). An estimate
#: of where the two meet, not a measured one.
SMALL_INPUT_BYTES = 2 * 1024 * 1024


def input_bytes(inputs: list[str], limit: int = SMALL_INPUT_BYTES) -> int:
    """Bytes of the local files among ``inputs`` (folders walked), counting stops past
    ``limit``; an address or a missing path counts as more than ``limit``."""
    import os

    total = 0
    for name in inputs:
        if not os.path.exists(name):
            return limit + 1
        if os.path.isfile(name):
            total += os.path.getsize(name)
        for root, _dirs, files in os.walk(name):
            for f in files:
                try:
                    total += os.path.getsize(os.path.join(root, f))
                except OSError:
                    continue
                if total > limit:
                    return total
        if total > limit:
            return total
    return total


def missing_modules(dashboard: bool = False) -> list[str]:
    """The modules of the ``batch`` extra that are not installed (bokeh only for the dashboard)."""
    import importlib.util

    need = ["distributed", "pyarrow", *(["bokeh"] if dashboard else [])]
    return [m for m in need if importlib.util.find_spec(m) is None]


EPILOG = (
    "Examples:\n\n"
    "  spinscope batch CC-NEWS-*.warc.gz articles/ --out runs/cc-news\n\n"
    "  spinscope batch feed.jsonl --out runs/feed --workers 2 --format parquet,jsonl\n\n"
    "  spinscope batch /shared/warc/ --out /shared/runs/x --scheduler tcp://10.0.0.5:8786\n\n"
    "  spinscope batch /shared/warc/ --out /shared/runs/x --resume   (after a crash or kill)"
)


def batch(
    inputs: list[str] = typer.Argument(
        ...,
        metavar="INPUTS...",
        help="Files, directories, JSONL, or WARC files (.warc, .warc.gz; CC-NEWS).",
        show_default=False,
    ),
    out: str = typer.Option(..., "--out", help="Output directory (Parquet/JSONL partitions)."),
    workers: int | None = typer.Option(
        None,
        "--workers",
        min=1,
        help="Local Dask workers (default: one per core, as memory allows).",
    ),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="Address of an existing Dask scheduler, e.g. tcp://host:8786."
    ),
    resume: bool = typer.Option(
        False, "--resume", help="Skip partitions already completed in OUT."
    ),
    fmt: str = typer.Option("parquet", "--format", help="parquet, jsonl, or parquet,jsonl."),
    steps: str | None = typer.Option(
        None, "--steps", help="Analyzers to run, e.g. clean,sentences (default: all available)."
    ),
    partition_mb: float = typer.Option(
        16.0, "--partition-mb", min=0.001, help="Input bytes per partition (resume granularity)."
    ),
    outlet: str | None = typer.Option(
        None,
        "--outlet",
        metavar="NAME",
        help="Outlet of inputs that name none (plain files); a site name from HTML metadata or"
        " a JSONL field is kept.",
    ),
    dashboard: bool = typer.Option(
        False,
        "--dashboard",
        help="Open the Dask dashboard of the local cluster on 127.0.0.1:8787 (off by default;"
        " never on other interfaces).",
    ),
) -> None:
    """Analyse a corpus on Dask: resumable, every record accounted for (results/errors/skipped)."""
    from spinscope.errors import BATCH_INSTALL, InputError

    missing = missing_modules(dashboard)
    if missing:
        _fail(
            f"spinscope batch needs {', '.join(missing)}, which a plain install leaves out: {BATCH_INSTALL}"
        )
    from spinscope.scale.runner import run_batch

    if workers is not None and scheduler is not None:
        _fail("--workers and --scheduler exclude each other (the cluster has its own workers)")
    if dashboard and scheduler is not None:
        _fail("--dashboard is for the local cluster; a --scheduler cluster has its own dashboard")
    formats = tuple(f.strip() for f in fmt.split(",") if f.strip())
    step_list = tuple(s.strip() for s in steps.split(",") if s.strip()) if steps else None
    if step_list is not None:
        from spinscope.pipeline import DEFAULT_STEPS

        unknown = [s for s in step_list if s not in DEFAULT_STEPS]
        if unknown:
            _fail(f"--steps: unknown analyzer(s) {', '.join(unknown)}; known: {DEFAULT_STEPS}")
    local = scheduler is None and workers is None and not dashboard
    size = input_bytes(list(inputs)) if local else SMALL_INPUT_BYTES + 1
    in_process = size <= SMALL_INPUT_BYTES
    if in_process:
        typer.echo(
            f"small input ({size / 1024:,.0f} KiB): analysed in this process, no worker"
            " processes to start (--workers N starts N)",
            err=True,
        )
    progress = _Progress()
    try:
        summary = run_batch(
            inputs,
            out,
            workers=1 if in_process else workers,
            processes=not in_process,
            scheduler=scheduler,
            resume=resume,
            formats=formats,
            steps=step_list,
            outlet=outlet_option(outlet),
            partition_bytes=max(1, int(partition_mb * 1024 * 1024)),
            dashboard_address=DASHBOARD if dashboard else None,
            on_start=progress.start,
            on_records=progress.advance,
        )
    except InputError as e:
        _fail(str(e))
    except OSError as e:  # e.g. an unreachable scheduler
        _fail(f"{scheduler or out}: {type(e).__name__}: {e}")
    finally:
        progress.stop()
    typer.echo(f"steps: {summary.steps or '(none ran)'}", err=True)
    typer.echo(summary.line(), err=True)
    typer.echo(
        f"output: {out}  ({summary.partitions_done}/{summary.partitions} partitions)", err=True
    )
    if summary.failed:
        for f in summary.failed[:10]:
            typer.echo(f"spinscope: error: partition {f}", err=True)
        _fail(f"{len(summary.failed)} partition(s) failed; rerun with --resume", code=1)


class _Progress:
    """A rich progress bar over records, on stderr; the dashboard link printed above it."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.task: Any = None

    def start(self, summary: Any, plan: Any, done: dict[str, Any]) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        console = Console(stderr=True)
        if summary.dashboard:
            console.print(f"Dask dashboard: {summary.dashboard}", markup=False, highlight=False)
        console.print(f"{summary.partitions} partitions, {summary.workers} workers", markup=False)
        total = sum(p.records for p in plan.partitions)
        self.bar = Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=False,
        )
        self.bar.start()
        already = sum(p.records for p in plan.partitions if p.name in done)
        self.task = self.bar.add_task("records", total=total, completed=already)

    def advance(self, records: int) -> None:
        if self.bar is not None:
            self.bar.advance(self.task, records)

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()
