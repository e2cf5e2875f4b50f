"""Batch runner: plan partitions, run them on a Dask cluster, account for every record.

With no scheduler address it starts a ``LocalCluster`` sized to the machine (one single-threaded
worker process per core, capped by memory); with one it connects to that cluster unchanged —
workers there need ``spinscope`` installed and ``OUT_DIR`` on a filesystem they all share.
Tasks are submitted in a bounded window, so the scheduler never holds more than a few tasks per
worker however large the input. A small input is cut into several partitions per worker
(:func:`~spinscope.scale.plan.records_cap`), and workers report records as they finish them
(Dask's event topics), so progress moves per batch of documents, not per partition.

The Dask dashboard is off unless asked for, and then bound to loopback: it shows file names and
task details, and the local scheduler itself listens on 127.0.0.1 only.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spinscope.errors import InputError
from spinscope.scale import output
from spinscope.scale.plan import (
    DEFAULT_PARTITION_BYTES,
    Partition,
    Plan,
    classify,
    number,
    plan_files,
    plan_jsonl,
    plan_warc,
    records_cap,
)
from spinscope.scale.worker import PROGRESS_TOPIC, PipelinePlugin, run_partition

#: Memory we budget per local worker (models + one partition in flight).
WORKER_MEMORY = 1_500_000_000


@dataclass
class Summary:
    """records read = analysed + skipped + errors, over all completed partitions."""

    read: int = 0
    analysed: int = 0
    skipped: int = 0
    errors: int = 0
    skip_reasons: dict[str, int] = field(default_factory=dict)
    partitions: int = 0
    partitions_done: int = 0
    partitions_this_run: int = 0
    seconds: float = 0.0
    steps: str = ""
    workers: int = 0
    dashboard: str | None = None
    failed: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.partitions_done == self.partitions

    def line(self) -> str:
        reasons = ", ".join(f"{r}: {n}" for r, n in sorted(self.skip_reasons.items()))
        skipped = f"skipped {self.skipped}" + (f" ({reasons})" if reasons else "")
        return (
            f"records read {self.read} = analysed {self.analysed} + {skipped} "
            f"+ errors {self.errors}"
        )

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()} | {"complete": self.complete}


def local_workers() -> int:
    """One worker per core, as many as memory allows."""
    import psutil

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    by_memory = max(1, int(psutil.virtual_memory().available // WORKER_MEMORY))
    return max(1, min(cores or 1, by_memory))


def run_batch(
    inputs: Sequence[str],
    out_dir: str | Path,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    formats: tuple[str, ...] = ("parquet",),
    steps: tuple[str, ...] | None = None,
    outlet: str | None = None,
    partition_bytes: int = DEFAULT_PARTITION_BYTES,
    dashboard_address: str | None = None,
    processes: bool = True,
    on_start: Callable[[Summary, Plan, dict[str, Any]], None] | None = None,
    on_partition: Callable[[dict[str, Any]], None] | None = None,
    on_records: Callable[[int], None] | None = None,
) -> Summary:
    """Analyse ``inputs`` into ``out_dir``; returns the summary (also saved as summary.json).

    ``steps`` chooses the analyzers (default: all that :func:`get_pipeline` has); ``outlet``
    labels documents whose input named no outlet;
    ``partition_bytes`` the input bytes per partition, i.e. the unit of work and of resume.
    ``dashboard_address``: None for no Dask dashboard (default), e.g. ``127.0.0.1:8787``.
    ``on_records(n)``: n more records done (read, analysed or not), as workers report them;
    over a run the calls add up to the records of the partitions completed in it.
    """
    from distributed import Client, LocalCluster, as_completed

    out = Path(out_dir)
    bad = [f for f in formats if f not in output.FORMATS]
    if bad or not formats:
        raise InputError("--format", f"unknown output format {bad or formats}; use parquet|jsonl")
    _check_out_dir(out, resume)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()

    cluster = None
    if scheduler is not None:
        client = Client(scheduler)
    else:
        n = workers or local_workers()
        cluster = LocalCluster(
            n_workers=n,
            threads_per_worker=1,
            processes=processes,  # False: threads in this process (fast start; tests)
            memory_limit=0,  # no pausing/killing by Dask's heuristics; we bound memory by design
            dashboard_address=dashboard_address,
        )
        client = Client(cluster)
    try:
        client.register_plugin(PipelinePlugin(steps), name="spinscope-pipeline")
        n_workers = len(client.scheduler_info().get("workers", {}))
        plan = _load_or_make_plan(
            client, out, inputs, steps, partition_bytes, resume, max(1, n_workers)
        )
        output.remove_temporaries(out)
        done = output.completed(out)
        todo = [p for p in plan.partitions if p.name not in done]
        summary = Summary(
            partitions=len(plan.partitions),
            workers=n_workers,
            dashboard=client.dashboard_link if dashboard_address else None,
        )
        if on_start is not None:
            on_start(summary, plan, done)
        progress = _RecordProgress(on_records)
        client.subscribe_topic(PROGRESS_TOPIC, progress.event)
        window = max(2, 2 * max(1, summary.workers))
        queue = iter(todo)
        running = as_completed()
        for part in _take(queue, window):
            running.add(_submit(client, part, out, steps, formats, outlet))
        for fut in running:
            try:
                counts = fut.result()
            except Exception as e:  # a crashed worker or a bug: keep going, report, resumable
                name = str(fut.key).removeprefix("spinscope-")
                summary.failed.append(f"{name}: {type(e).__name__}: {' '.join(str(e).split())}")
                counts = {"partition": name, "read": 0, "failed": True}
            else:
                summary.partitions_this_run += 1
            progress.finished(str(counts["partition"]), int(counts["read"]))
            if on_partition is not None:
                on_partition(counts)
            for part in _take(queue, 1):
                running.add(_submit(client, part, out, steps, formats, outlet))
    finally:
        try:
            client.unsubscribe_topic(PROGRESS_TOPIC)
        except Exception:  # noqa: BLE001 - never subscribed, or the connection is gone
            pass
        with quiet_shutdown():
            client.close()
            if cluster is not None:
                cluster.close()
    _total(summary, output.completed(out))
    summary.seconds = round(time.perf_counter() - t0, 3)
    output.write_json_atomic(out / "summary.json", summary.to_dict())
    return summary


#: Loggers whose shutdown chatter ("Worker process still alive after 4.0 seconds, killing")
#: would print into the terminal's progress bar: a worker stopped at the end is expected.
SHUTDOWN_LOGGERS = ("distributed.nanny", "distributed.process", "distributed.worker")


@contextlib.contextmanager
def quiet_shutdown() -> Iterator[None]:
    """Only errors from Dask's worker loggers while the cluster closes."""
    loggers = [logging.getLogger(name) for name in SHUTDOWN_LOGGERS]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)


class _RecordProgress:
    """Turns workers' per-batch reports into ``on_records`` calls that add up exactly.

    Reports may arrive after their partition's result (or never, if a worker dies): a finished
    partition tops its count up to the records it read, and later reports for it are ignored.
    """

    def __init__(self, on_records: Callable[[int], None] | None) -> None:
        self.on_records = on_records
        self.seen: dict[str, int] = {}
        self.closed: set[str] = set()
        self.lock = threading.Lock()

    def event(self, event: tuple[float, Any]) -> None:
        _, msg = event
        if not isinstance(msg, dict):
            return
        part, n = str(msg.get("partition")), int(msg.get("records", 0))
        with self.lock:
            if part in self.closed or n <= 0:
                return
            self.seen[part] = self.seen.get(part, 0) + n
        self._report(n)

    def finished(self, part: str, read: int) -> None:
        with self.lock:
            self.closed.add(part)
            delta = max(0, read - self.seen.pop(part, 0))
        self._report(delta)

    def _report(self, n: int) -> None:
        if n and self.on_records is not None:
            self.on_records(n)


def _check_out_dir(out: Path, resume: bool) -> None:
    if out.exists() and not out.is_dir():
        raise InputError(str(out), "output path exists and is not a directory")
    if not resume and (out / "plan.json").exists():
        raise InputError(str(out), "holds an earlier batch; pass --resume or a new directory")


def _take(it: Any, n: int) -> list[Partition]:
    out = []
    for _ in range(n):
        nxt = next(it, None)
        if nxt is None:
            break
        out.append(nxt)
    return out


def _submit(
    client: Any, part: Partition, out: Path, steps: Any, formats: Any, outlet: str | None
) -> Any:
    return client.submit(
        run_partition,
        part,
        str(out),
        steps,
        formats,
        outlet,
        key=f"spinscope-{part.name}",
        pure=False,
    )


def _load_or_make_plan(
    client: Any,
    out: Path,
    inputs: Sequence[str],
    steps: tuple[str, ...] | None,
    partition_bytes: int,
    resume: bool,
    workers: int = 1,
) -> Plan:
    from spinscope.ingest.url import is_url

    wanted = [i if is_url(i) else str(Path(i).absolute()) for i in inputs]
    if resume and (out / "plan.json").exists():
        plan = Plan.load(out)
        if plan.inputs != wanted:
            raise InputError(str(out), "--resume with different inputs than the run being resumed")
        if (plan.steps or None) != (list(steps) if steps else None):
            raise InputError(str(out), f"--resume with different steps (run used {plan.steps})")
        return plan
    found = classify(wanted)
    parts = _partitions(client, found, partition_bytes, None)
    cap = records_cap(sum(p.records for p in parts), workers, len(parts))
    if cap is not None:  # a small input: cut it finer so that every worker gets work
        parts = _partitions(client, found, partition_bytes, cap)
    plan = Plan(wanted, list(steps) if steps else None, partition_bytes, number(parts))
    plan.save(out)
    return plan


def _partitions(
    client: Any, found: Any, partition_bytes: int, max_records: int | None
) -> list[Partition]:
    """The planning scans (WARC headers, JSONL line breaks) run on the workers, one per file."""
    kw = {"partition_bytes": partition_bytes, "max_records": max_records, "pure": False}
    scans = client.map(plan_warc, found.warc, **kw)
    scans += client.map(plan_jsonl, found.jsonl, **kw)
    parts: list[Partition] = [p for f in client.gather(scans) for p in f]
    return parts + plan_files(found.files, partition_bytes, max_records)


def _total(summary: Summary, done: dict[str, dict[str, Any]]) -> None:
    summary.partitions_done = len(done)
    for counts in done.values():
        summary.read += counts["read"]
        summary.analysed += counts["analysed"]
        summary.skipped += counts["skipped"]
        summary.errors += counts["errors"]
        summary.steps = counts.get("steps", summary.steps)
        for r, n in counts.get("skip_reasons", {}).items():
            summary.skip_reasons[r] = summary.skip_reasons.get(r, 0) + n
