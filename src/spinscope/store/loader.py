"""``spinscope ingest``: put inputs into the store, analysing only what is not there yet.

Inputs are anything ``spinscope.ingest.iter_inputs`` reads (article files, directories, JSONL
of raw records), plus already-analysed documents, stored as they are: JSONL written by
``spinscope analyze`` (``"schema": "spinscope/1"`` records) and Parquet written by
``spinscope batch`` (a ``.parquet`` file or its output directory: ``results/`` rows carry the
document JSON in a ``json`` column, ``errors/`` rows count as errors, ``skipped/`` as skipped). Identity is the content hash,
so a document already stored is neither analysed nor added again: re-running is cheap.
Every input is accounted for: inputs = added + already present + errors (+ skipped records).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spinscope.document import SCHEMA, Document, RecordError
from spinscope.errors import BATCH_INSTALL, InputError
from spinscope.store.store import Store

Analyzer = Callable[[Iterable[Document]], Iterable[Document]]
#: (name, Document | InputError | None, analysed?) — None is a skipped (non-article) record.
Entry = tuple[str, Document | InputError | None, bool]


@dataclass
class IngestSummary:
    added: int = 0
    present: int = 0
    errors: int = 0
    skipped: int = 0
    error_messages: list[str] = field(default_factory=list)

    @property
    def inputs(self) -> int:
        return self.added + self.present + self.errors

    def line(self) -> str:
        out = (
            f"{self.inputs} inputs = {self.added} added + {self.present} already present"
            f" + {self.errors} errors"
        )
        if self.skipped:
            out += f" ({self.skipped} records skipped: not articles)"
        return out


def _is_parquet(path: Path) -> bool:
    if path.is_file():
        return path.suffix == ".parquet"
    return path.is_dir() and next(path.rglob("*.parquet"), None) is not None


def _is_analysed_jsonl(path: Path) -> bool:
    if not path.is_file() or path.suffix not in (".jsonl", ".ndjson"):
        return False
    try:
        with path.open("r", encoding="utf-8-sig") as fh:
            for line in fh:
                if line.strip():
                    obj = json.loads(line)
                    return isinstance(obj, dict) and obj.get("schema") == SCHEMA
    except (OSError, ValueError):
        return False
    return False


def _analysed_record(obj: Any, name: str) -> Document | InputError:
    if not isinstance(obj, dict):
        return InputError(name, "record is not a JSON object")
    if "error" in obj and "text" not in obj:
        return InputError(name, f"error record: {obj['error']}")
    try:
        return Document.from_dict(obj)
    except RecordError as e:  # names the field and the problem
        return InputError(name, f"not a spinscope/1 document ({e})")
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        return InputError(name, f"not a spinscope/1 document ({type(e).__name__}: {e})")


def _iter_analysed_jsonl(path: Path) -> Iterator[Entry]:
    with path.open("r", encoding="utf-8-sig") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            name = f"{path}:{lineno}"
            try:
                obj = json.loads(line)
            except ValueError as e:
                yield name, InputError(name, f"not valid JSON ({e})"), True
                continue
            yield name, _analysed_record(obj, name), True


_JSON_COLUMNS = ("document", "json", "doc_json")
_NESTED = ("source", "authors", "regions", "sentences", "techniques", "attributions", "errors")


def _row_to_dict(row: dict[str, Any]) -> Any:
    for col in _JSON_COLUMNS:
        if isinstance(row.get(col), str):
            return json.loads(row[col])
    d = {k: v for k, v in row.items() if v is not None}
    for key in (*_NESTED, "meta", "layers", "not_run"):
        if isinstance(d.get(key), str):
            d[key] = json.loads(d[key])
    d.setdefault("schema", SCHEMA)
    return d


def _iter_parquet(path: Path) -> Iterator[Entry]:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        yield (
            str(path),
            InputError(str(path), f"reading Parquet needs pyarrow: {BATCH_INSTALL}"),
            True,
        )
        return

    files = [path] if path.is_file() else sorted(path.rglob("*.parquet"))
    for f in files:
        try:
            table = pq.read_table(f)
        except Exception as e:  # noqa: BLE001 - pyarrow raises many kinds; report, go on
            yield str(f), InputError(str(f), f"cannot read Parquet ({e})"), True
            continue
        for i, row in enumerate(table.to_pylist()):
            name = f"{f}:{i}"
            has_doc = any(isinstance(row.get(c), str) for c in (*_JSON_COLUMNS, "text"))
            if not has_doc and "reason" in row:  # batch's skipped table: not an article
                yield name, None, True
                continue
            if not has_doc and isinstance(row.get("error"), str):  # batch's errors table
                ident = str(row.get("key") or row.get("input") or name)
                reason = row["error"]
                if reason.startswith(f"{ident}: "):  # batch errors already name their input
                    reason = reason[len(ident) + 2 :]
                yield name, InputError(ident, reason), True
                continue
            try:
                obj = _row_to_dict(row)
            except ValueError as e:
                yield name, InputError(name, f"bad JSON in a column ({e})"), True
                continue
            yield name, _analysed_record(obj, name), True


def iter_entries(paths: Iterable[str | Path]) -> Iterator[Entry]:
    """Every input as (name, Document | InputError | None, already analysed?)."""
    from spinscope.ingest import iter_inputs

    raw: list[str | Path] = []

    def flush() -> Iterator[Entry]:
        for name, result in iter_inputs(list(raw)):
            if isinstance(result, Document | InputError):
                yield name, result, False
            else:  # a WARC record that is not an article
                yield name, None, False
        raw.clear()

    for p in paths:
        path = Path(p)
        if str(p) != "-" and _is_parquet(path):
            yield from flush()
            yield from _iter_parquet(path)
        elif str(p) != "-" and _is_analysed_jsonl(path):
            yield from flush()
            yield from _iter_analysed_jsonl(path)
        else:
            raw.append(p)
    yield from flush()


def ingest(
    paths: Iterable[str | Path],
    store: Store,
    analyze: Analyzer | None,
    *,
    chunk: int = 32,
    on_progress: Callable[[IngestSummary], None] | None = None,
    outlet: str | None = None,
) -> IngestSummary:
    """Store every input; raw documents are analysed with ``analyze`` (e.g. ``Pipeline.pipe``)
    unless already stored. ``analyze=None`` stores raw documents unanalysed. ``outlet`` is
    given to documents that name none themselves (``--outlet``)."""
    summary = IngestSummary()
    pending: list[Document] = []  # raw documents waiting for analysis
    ready: list[Document] = []  # analysed documents waiting to be stored
    seen: set[str] = set()

    def note_error(message: str) -> None:
        summary.errors += 1
        summary.error_messages.append(message)

    def store_ready() -> None:
        if not ready:
            return
        try:
            results = list(store.add_many(ready))
        except Exception:  # noqa: BLE001 - one document the database refuses must not sink the rest
            results = []
            for doc in ready:
                try:
                    results.extend(store.add_many([doc]))
                except Exception as e:  # noqa: BLE001
                    name = doc.source.path or doc.source.url or doc.id
                    note_error(f"{name}: cannot store ({type(e).__name__}: {_first_line(e)})")
        for added in results:
            if added:
                summary.added += 1
            else:
                summary.present += 1
        ready.clear()
        if on_progress:
            on_progress(summary)

    def analyse_pending() -> None:
        if not pending:
            return
        if analyze is None:
            ready.extend(pending)
        else:
            try:
                ready.extend(analyze(list(pending)))
            except Exception:  # noqa: BLE001 - one bad document must not sink the run
                for doc in pending:
                    try:
                        ready.extend(analyze([doc]))
                    except Exception as e:  # noqa: BLE001
                        name = doc.source.path or doc.source.url or doc.id
                        note_error(f"{name}: analysis failed: {type(e).__name__}: {e}")
        pending.clear()
        store_ready()

    for _name, result, analysed in iter_entries(paths):
        if result is None:
            summary.skipped += 1
            continue
        if isinstance(result, InputError):
            note_error(str(result))
            if on_progress:
                on_progress(summary)
            continue
        if result.id in seen or store.contains(result.id):
            summary.present += 1
            if on_progress:
                on_progress(summary)
            continue
        seen.add(result.id)
        if outlet and not result.outlet:
            result.outlet = outlet
        (ready if analysed else pending).append(result)
        if len(pending) >= chunk:
            analyse_pending()
        if len(ready) >= chunk:
            store_ready()
    analyse_pending()
    store_ready()
    return summary


def _first_line(e: BaseException) -> str:
    lines = str(e).strip().splitlines()
    return lines[0][:200] if lines else type(e).__name__
