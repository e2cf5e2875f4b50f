"""What runs on a Dask worker: read one partition's records, analyse, write its tables.

Models load once per worker process: :class:`PipelinePlugin` builds the pipeline when the
worker starts, and :func:`spinscope.pipeline.get_pipeline` caches it per process, so every
task on that worker reuses it. Memory stays bounded: records stream from the reader, are
analysed in small batches, and rows are flushed to Parquet row groups as they come.
"""

from __future__ import annotations

import os
import socket
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from distributed.diagnostics.plugin import WorkerPlugin

from spinscope.document import Document
from spinscope.errors import InputError
from spinscope.scale.output import TableWriter, done_path, write_json_atomic
from spinscope.scale.plan import Partition

#: Documents analysed together: the pipeline batches spaCy and the encoder over them.
BATCH = 8  # as Pipeline.pipe: keeps peak RSS per worker low
#: Dask event topic on which a worker reports records done, ``{"partition", "records"}``.
PROGRESS_TOPIC = "spinscope-progress"


@dataclass
class Ident:
    """Who a row is about; ``key`` is unique within a run and stable across resumes."""

    input: str
    key: str
    path: str | None = None
    line: int | None = None
    offset: int | None = None
    record_id: str | None = None
    url: str | None = None

    def row(self) -> dict[str, Any]:
        return dict(self.__dict__)


def pipeline_for(steps: tuple[str, ...] | None) -> Any:
    from spinscope.pipeline import get_pipeline

    # One core per worker: parallelism comes from the workers, so the tagger gets one ONNX
    # thread and does not run beside the parser (that would make workers fight for cores).
    options: dict[str, Any] = {"threads": 1, "overlap": False}
    return get_pipeline(**options) if steps is None else get_pipeline(steps, **options)


class PipelinePlugin(WorkerPlugin):
    """Load the models when a worker starts, not inside the first task."""

    def __init__(self, steps: tuple[str, ...] | None) -> None:
        self.steps = steps

    def setup(self, worker: Any) -> None:
        pipeline_for(self.steps)


def run_partition(
    part: Partition,
    out_dir: str,
    steps: tuple[str, ...] | None,
    formats: tuple[str, ...],
    outlet: str | None = None,
) -> dict[str, Any]:
    """Process one partition; write its tables and its done marker; return its counts.

    ``outlet`` (``--outlet``) labels documents whose input named none (plain files)."""
    t0 = time.perf_counter()
    out = Path(out_dir)
    pipeline = pipeline_for(steps)
    step_names = ",".join(name for name, _ in pipeline.steps)
    writers = {t: TableWriter(out, t, part.name, formats) for t in ("results", "errors", "skipped")}
    skip_reasons: dict[str, int] = {}
    pending: list[tuple[Ident, Document]] = []
    reported = 0

    def flush() -> None:
        nonlocal reported
        for ident, outcome in _analyse(pipeline, pending):
            if isinstance(outcome, Document):
                writers["results"].add(_result_row(ident, outcome, step_names))
            else:
                writers["errors"].add({**ident.row(), "stage": "analyze", "error": outcome})
        pending.clear()
        done = sum(w.count for w in writers.values())
        _report_progress(part.name, done - reported)
        reported = done

    try:
        for ident, result in iter_partition(part):
            if isinstance(result, Document):
                if outlet and not result.outlet:
                    result.outlet = outlet
                pending.append((ident, result))
                if len(pending) >= BATCH:
                    flush()
            elif isinstance(result, InputError):
                writers["errors"].add({**ident.row(), "stage": "read", "error": str(result)})
            else:
                reason = str(getattr(result, "reason", result))
                skip_reasons[reason] = skip_reasons.get(reason, 0) + 1
                writers["skipped"].add({**ident.row(), "reason": reason})
        flush()
        for w in writers.values():
            w.commit()
    except BaseException:
        for w in writers.values():
            w.abort()
        raise
    counts: dict[str, Any] = {
        "partition": part.name,
        "read": sum(w.count for w in writers.values()),
        "analysed": writers["results"].count,
        "errors": writers["errors"].count,
        "skipped": writers["skipped"].count,
        "skip_reasons": skip_reasons,
        "seconds": round(time.perf_counter() - t0, 3),
        "steps": step_names,
        "worker": f"{socket.gethostname()}:{os.getpid()}",
        "peak_rss_mb": round(_peak_rss_mb(), 1),
    }
    write_json_atomic(done_path(out, part.name), counts)
    return counts


def _report_progress(partition: str, records: int) -> None:
    """Tell the client that ``records`` more records of ``partition`` are done (best effort)."""
    if records <= 0:
        return
    try:
        from distributed import get_worker

        get_worker().log_event(PROGRESS_TOPIC, {"partition": partition, "records": records})
    except ValueError:  # not running on a Dask worker (a direct call): nobody to tell
        pass


def _peak_rss_mb() -> float:
    """This worker process's peak resident memory so far (for the memory budget)."""
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _analyse(
    pipeline: Any, pending: list[tuple[Ident, Document]]
) -> Iterator[tuple[Ident, Document | str]]:
    """Analyse a batch; if it fails, retry one by one so only the bad document is an error."""
    if not pending:
        return
    try:
        done = list(pipeline.pipe([d for _, d in pending], batch_size=BATCH))
    except Exception:
        for ident, doc in pending:
            try:
                yield ident, pipeline(doc)
            except Exception as e:
                msg = " ".join(str(e).split())[:300]
                yield ident, f"{ident.input}: analysis failed ({type(e).__name__}: {msg})"
        return
    yield from zip((i for i, _ in pending), done, strict=True)


def _result_row(ident: Ident, doc: Document, steps: str) -> dict[str, Any]:
    return {
        **ident.row(),
        "doc_id": doc.id,
        "kind": doc.source.kind,
        "title": doc.title,
        "authors": list(doc.authors),
        "published": doc.published,
        "outlet": doc.outlet,
        "n_chars": len(doc.text),
        "n_sentences": len(doc.layer("sentences")),
        "n_techniques": len(doc.layer("techniques")),
        "n_attributions": len(doc.layer("attributions")),
        "steps": steps,
        "json": doc.to_json(),
    }


# -- readers ---------------------------------------------------------------------------------


def iter_partition(part: Partition) -> Iterator[tuple[Ident, Any]]:
    """``(identity, Document | InputError | Skip)`` for every record the partition owns."""
    if part.kind == "warc":
        yield from _iter_warc(part)
    elif part.kind == "jsonl":
        yield from _iter_jsonl(part)
    else:
        yield from _iter_files(part)


def _iter_warc(part: Partition) -> Iterator[tuple[Ident, Any]]:
    from spinscope.ingest.warc import iter_warc_items

    assert part.path is not None
    path = part.path
    try:
        for item in iter_warc_items(path, part.start, part.end):
            ident = Ident(
                input=item.identity(path),
                key=f"{path}@{item.offset}",
                path=path,
                offset=item.offset,
                record_id=item.record_id,
                url=item.url,
            )
            yield ident, item.result
    except InputError as e:  # the file itself cannot be opened
        yield Ident(input=path, key=f"{path}@{part.start}", path=path, offset=part.start), e


def _iter_jsonl(part: Partition) -> Iterator[tuple[Ident, Any]]:
    from spinscope.ingest import MAX_INPUT_BYTES, document_from_content
    from spinscope.ingest.jsonl import iter_records

    assert part.path is not None
    path = part.path
    with open(path, "rb") as fh:
        fh.seek(part.start)
        pos = part.start
        for lineno, line in enumerate(fh, start=part.first_line):
            if part.end is not None and pos >= part.end:
                break
            pos += len(line)
            if not line.strip():
                continue
            key = f"{path}:{lineno}"
            raw = line.rstrip(b"\r\n")
            for _, result in iter_records(
                [raw], path, document_from_content, MAX_INPUT_BYTES, path=path
            ):
                if isinstance(result, InputError):  # name it by its real line number
                    result = InputError(key, result.reason)
                rid = result.source.record_id if isinstance(result, Document) else None
                url = result.source.url if isinstance(result, Document) else None
                ident = Ident(
                    input=rid or key, key=key, path=path, line=lineno, record_id=rid, url=url
                )
                yield ident, result


def _iter_files(part: Partition) -> Iterator[tuple[Ident, Any]]:
    from spinscope.ingest import iter_inputs

    for path in part.paths:
        for name, result in iter_inputs([path]):
            url = result.source.url if isinstance(result, Document) else None
            yield Ident(input=name, key=name, path=path, url=url), result
