"""Per-partition output tables, written atomically, and the completion markers resume trusts.

Layout of ``OUT_DIR``::

    plan.json                      the partition plan (fixed for the life of the run)
    results/part-000042.parquet    analysed documents (and/or .jsonl)
    errors/part-000042.parquet     records that could not be read or analysed
    skipped/part-000042.parquet    records that are not articles (with the reason)
    done/part-000042.json          counts; written last, so its presence means "complete"
    summary.json                   totals over all completed partitions

Every table file is streamed to a hidden temporary name and renamed into place with
``os.replace`` (atomic on POSIX), then the ``done`` marker is renamed into place last. A run
killed at any moment leaves either a complete partition or one without a marker, which
``--resume`` simply redoes (its files are overwritten, never appended to). Hidden temporary
names start with ``.``, which pyarrow's dataset reader ignores.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

TABLES = ("results", "errors", "skipped")
FORMATS = ("parquet", "jsonl")

_IDENT_FIELDS: list[tuple[str, pa.DataType]] = [
    ("input", pa.string()),  # the record's identity: JSONL id, WARC-Record-ID, or path
    ("key", pa.string()),  # unique, stable position: path, path:LINE, or path@OFFSET
    ("path", pa.string()),
    ("line", pa.int64()),
    ("offset", pa.int64()),
    ("record_id", pa.string()),
    ("url", pa.string()),
]

SCHEMAS: dict[str, pa.Schema] = {
    "results": pa.schema(
        _IDENT_FIELDS
        + [
            ("doc_id", pa.string()),
            ("kind", pa.string()),
            ("title", pa.string()),
            ("authors", pa.list_(pa.string())),
            ("published", pa.string()),
            ("outlet", pa.string()),
            ("n_chars", pa.int64()),
            ("n_sentences", pa.int64()),
            ("n_techniques", pa.int64()),
            ("n_attributions", pa.int64()),
            ("steps", pa.string()),
            ("json", pa.string()),  # the full JSON contract of the document
        ]
    ),
    "errors": pa.schema(_IDENT_FIELDS + [("stage", pa.string()), ("error", pa.string())]),
    "skipped": pa.schema(_IDENT_FIELDS + [("reason", pa.string())]),
}

#: Rows buffered before a Parquet row group is flushed: bounds memory on long partitions.
ROW_GROUP = 256


class TableWriter:
    """Stream rows of one table of one partition to temp files; ``commit`` renames them in."""

    def __init__(self, out_dir: Path, table: str, part: str, formats: tuple[str, ...]) -> None:
        self.schema = SCHEMAS[table]
        self.dir = out_dir / table
        self.dir.mkdir(parents=True, exist_ok=True)
        self.part = part
        self.formats = formats
        self.rows: list[dict[str, Any]] = []
        self.count = 0
        tag = uuid.uuid4().hex[:8]
        self.tmp = {fmt: self.dir / f".{part}.{fmt}.tmp-{tag}" for fmt in formats}
        self._pq: pq.ParquetWriter | None = None
        self._jsonl = open(self.tmp["jsonl"], "w", encoding="utf-8") if "jsonl" in formats else None  # noqa: SIM115

    def add(self, row: dict[str, Any]) -> None:
        self.rows.append(row)
        self.count += 1
        if self._jsonl is not None:
            self._jsonl.write(_jsonl_line(row) + "\n")
        if len(self.rows) >= ROW_GROUP:
            self._flush()

    def _flush(self) -> None:
        if "parquet" in self.formats and self.rows:
            if self._pq is None:
                self._pq = pq.ParquetWriter(self.tmp["parquet"], self.schema, compression="zstd")
            self._pq.write_table(pa.Table.from_pylist(self.rows, schema=self.schema))
        self.rows = []

    def commit(self) -> None:
        """Close and rename into place (an empty table is still written: it proves completion)."""
        self._flush()
        if "parquet" in self.formats:
            if self._pq is None:
                pq.write_table(self.schema.empty_table(), self.tmp["parquet"])
            else:
                self._pq.close()
            _fsync(self.tmp["parquet"])
            os.replace(self.tmp["parquet"], self.dir / f"{self.part}.parquet")
        if self._jsonl is not None:
            self._jsonl.flush()
            os.fsync(self._jsonl.fileno())
            self._jsonl.close()
            os.replace(self.tmp["jsonl"], self.dir / f"{self.part}.jsonl")

    def abort(self) -> None:
        if self._pq is not None:
            self._pq.close()
        if self._jsonl is not None:
            self._jsonl.close()
        for tmp in self.tmp.values():
            tmp.unlink(missing_ok=True)


def _jsonl_line(row: dict[str, Any]) -> str:
    if "json" in row:  # results: the document JSON itself, with the batch identity beside it
        doc = json.loads(row["json"])
        doc["batch"] = {k: row[k] for k, _ in _IDENT_FIELDS}
        return json.dumps(doc, ensure_ascii=False)
    return json.dumps(row, ensure_ascii=False)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{uuid.uuid4().hex[:8]}")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def done_path(out_dir: Path, part: str) -> Path:
    return out_dir / "done" / f"{part}.json"


def completed(out_dir: Path) -> dict[str, dict[str, Any]]:
    """Counts of every completed partition, by partition name."""
    done = out_dir / "done"
    if not done.is_dir():
        return {}
    out = {}
    for f in sorted(done.glob("part-*.json")):
        out[f.stem] = json.loads(f.read_text(encoding="utf-8"))
    return out


def remove_temporaries(out_dir: Path) -> int:
    """Delete temp files a killed run left behind; returns how many."""
    n = 0
    for sub in (*TABLES, "done"):
        d = out_dir / sub
        if d.is_dir():
            for f in d.glob(".*.tmp-*"):
                f.unlink(missing_ok=True)
                n += 1
    return n


def read_table(out_dir: str | Path, table: str) -> pa.Table:
    """One table over all partitions (Parquet if present, else JSONL)."""
    d = Path(out_dir) / table
    files = sorted(d.glob("part-*.parquet"))
    if files:
        return pa.concat_tables([pq.read_table(f, schema=SCHEMAS[table]) for f in files])
    rows: list[dict[str, Any]] = []
    for f in sorted(d.glob("part-*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            obj = json.loads(line)
            if table == "results":
                ident = obj.pop("batch")
                rows.append({**ident, "doc_id": obj.get("id"), "json": json.dumps(obj)})
            else:
                rows.append(obj)
    return (
        pa.Table.from_pylist(rows, schema=SCHEMAS[table]) if rows else SCHEMAS[table].empty_table()
    )
