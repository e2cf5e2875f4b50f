"""The partition plan: which input records each partition owns, fixed before any work starts.

A partition is a byte range of one WARC file (record offsets), a line range of one JSONL file,
or a group of small text/HTML files (or URLs). Ranges are cut at record boundaries found by a
cheap scan (headers and line breaks only, no analysis), so a partition can be re-read
independently and identically after a crash. A partition holds at most ``partition_bytes`` of
input and, when a records cap is given, at most that many records: small inputs are cut into
enough partitions to keep every worker busy (see :func:`records_cap`). The plan is saved in ``OUT_DIR/plan.json`` and reused on
``--resume``: the record set never changes between runs, which is what makes "exactly one
result or error per record" checkable.
"""

from __future__ import annotations

import json
import math
import os
import stat
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from spinscope.errors import InputError

PLAN_VERSION = 1
#: Default partition size: small enough for useful resume granularity and load balancing on a
#: few workers, large enough that per-task overhead (~ms) is negligible against analysis (~s).
DEFAULT_PARTITION_BYTES = 16 * 1024 * 1024
_HEAD = 64 * 1024
#: Partitions per worker to aim for when the input is small: enough to balance uneven documents
#: and to move the progress bar, few enough that per-partition files stay few.
PARTITIONS_PER_WORKER = 4


@dataclass
class Partition:
    """One unit of work and of output; ``end`` is exclusive (``None`` = to end of file)."""

    kind: str  # "warc" | "jsonl" | "files"
    path: str | None = None
    start: int = 0
    end: int | None = None
    first_line: int = 1  # JSONL: line number of the line at ``start``
    paths: list[str] = field(default_factory=list)  # "files"
    records: int = 0  # records the planning scan counted (for progress; the reader is the truth)
    nbytes: int = 0
    index: int = -1

    @property
    def name(self) -> str:
        return f"part-{self.index:06d}"


@dataclass
class Plan:
    inputs: list[str]
    steps: list[str] | None
    partition_bytes: int
    partitions: list[Partition]
    version: int = PLAN_VERSION

    def save(self, out_dir: Path) -> None:
        data = asdict(self)
        tmp = out_dir / ".plan.json.tmp"
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, out_dir / "plan.json")

    @classmethod
    def load(cls, out_dir: Path) -> Plan:
        data: dict[str, Any] = json.loads((out_dir / "plan.json").read_text(encoding="utf-8"))
        if data.get("version") != PLAN_VERSION:
            raise InputError(
                str(out_dir), f"plan.json has unsupported version {data.get('version')}"
            )
        parts = [Partition(**p) for p in data["partitions"]]
        return cls(data["inputs"], data["steps"], data["partition_bytes"], parts)


@dataclass
class Inputs:
    """Inputs sorted by how they are split."""

    warc: list[str] = field(default_factory=list)
    jsonl: list[str] = field(default_factory=list)
    files: list[tuple[str, int]] = field(default_factory=list)  # (path, size) incl. bad paths


def classify(inputs: Iterable[str]) -> Inputs:
    """Walk directories (as ``spinscope.ingest`` does) and sort every path by kind.

    Paths that cannot be read (missing, unlistable directories, FIFOs) and URLs go to ``files``
    so that ``spinscope.ingest.iter_inputs`` reads them, or reports them as error records:
    nothing vanishes.
    """
    from spinscope.ingest.url import is_url
    from spinscope.ingest.walk import walk  # ingest's own directory walk (sorted, recursive)

    out = Inputs()
    seen: set[str] = set()  # a file named twice (itself and via its directory) is one input
    for raw in inputs:
        if is_url(raw):
            listed: list[Path | str] = [raw]
        elif Path(raw).is_dir():
            # an unlistable directory comes back as an error item: iter_inputs reports it
            listed = [w if isinstance(w, Path) else w[0] for w in walk(Path(raw))]
            listed = listed or [raw]  # iter_inputs reports "directory holds no files"
        else:
            listed = [Path(raw)]
        for path in listed:
            if str(path) in seen:
                continue
            seen.add(str(path))
            if isinstance(path, Path):
                _add(out, path)
            else:
                out.files.append((path, 0))
    return out


def records_cap(total_records: int, workers: int, n_partitions: int) -> int | None:
    """Records per partition so that a small input still gives every worker work, or None.

    None when the byte-sized plan already has enough partitions, or there are too few records
    to split further.
    """
    target = max(1, workers) * PARTITIONS_PER_WORKER
    if n_partitions >= target or total_records <= n_partitions:
        return None
    return max(1, math.ceil(total_records / target))


def _add(out: Inputs, path: Path) -> None:
    from spinscope.ingest.detect import head_kind  # the sniff ingest dispatches on

    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            raise OSError("not a regular file")
        with path.open("rb") as fh:
            head = fh.read(_HEAD)
    except OSError:
        out.files.append((str(path), 0))
        return
    kind = head_kind(head)
    if kind == "warc":
        out.warc.append(str(path))
    elif kind == "jsonl":
        out.jsonl.append(str(path))
    else:
        out.files.append((str(path), st.st_size))


def plan_files(
    files: list[tuple[str, int]], partition_bytes: int, max_records: int | None = None
) -> list[Partition]:
    """Group whole files until a group reaches ``partition_bytes`` (or ``max_records`` files)."""
    parts: list[Partition] = []
    cur = Partition("files")
    for path, size in files:
        cur.paths.append(path)
        cur.records += 1
        cur.nbytes += size
        if cur.nbytes >= partition_bytes or (max_records and cur.records >= max_records):
            parts.append(cur)
            cur = Partition("files")
    if cur.paths:
        parts.append(cur)
    return parts


def plan_jsonl(path: str, partition_bytes: int, max_records: int | None = None) -> list[Partition]:
    """Cut a JSONL file at line starts; blank lines are not records (as in ``ingest.jsonl``)."""
    parts: list[Partition] = []
    cur: Partition | None = None
    pos = 0
    with open(path, "rb") as fh:
        for lineno, line in enumerate(fh, start=1):
            full = cur is not None and (
                cur.nbytes >= partition_bytes or bool(max_records and cur.records >= max_records)
            )
            if cur is None or (full and line.strip()):
                if cur is not None:
                    cur.end = pos
                    parts.append(cur)
                cur = Partition("jsonl", path=path, start=pos, first_line=lineno)
            cur.nbytes += len(line)
            if line.strip():
                cur.records += 1
            pos += len(line)
    if cur is not None:
        parts.append(cur)
    return parts


def plan_warc(path: str, partition_bytes: int, max_records: int | None = None) -> list[Partition]:
    """Cut a WARC file at record offsets (headers are parsed, bodies skipped, nothing analysed)."""
    from spinscope.ingest.warc import scan_offsets

    parts: list[Partition] = []
    cur: Partition | None = None
    try:
        offsets = list(scan_offsets(path))  # ints only: ~30k per CC-NEWS file
    except InputError:
        return [Partition("warc", path=path, records=1)]  # the reader reports the error
    for offset in offsets:
        full = cur is not None and (
            offset - cur.start >= partition_bytes
            or bool(max_records and cur.records >= max_records)
        )
        if cur is None or full:
            if cur is not None:
                cur.end = offset
                cur.nbytes = offset - cur.start
                parts.append(cur)
            cur = Partition("warc", path=path, start=offset)
        cur.records += 1
    if cur is not None:
        try:
            cur.nbytes = os.path.getsize(path) - cur.start
        except OSError:
            pass
        parts.append(cur)
    return parts


def number(parts: list[Partition]) -> list[Partition]:
    for i, p in enumerate(parts):
        p.index = i
    return parts
