"""Many inputs — paths, directories (recursively), ``-`` for stdin — as ``(name, result)``.

Every input is accounted for: a file that cannot be read, an unlistable or empty directory, a
bad JSONL line or WARC record each yield an :class:`~spinscope.errors.InputError` entry, so
that results + errors = inputs.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from spinscope.document import Source
from spinscope.errors import InputError
from spinscope.ingest.detect import HEAD_BYTES, sniff_kind, text_kind
from spinscope.ingest.jsonl import Item
from spinscope.ingest.load import Entry, _iter_path, _iter_stream
from spinscope.ingest.url import is_url, iter_url


def iter_inputs(paths: Iterable[str | Path], stdin: BinaryIO | None = None) -> Iterator[Entry]:
    """Every document (or error) from paths, directories (recursively), ``-`` (stdin) and
    ``http(s)://`` URLs (each fetched once, see :mod:`spinscope.ingest.url`)."""
    for p in paths:
        if str(p) == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            yield from _iter_stream(stream, "<stdin>", Source(path=None, kind="text"))
        elif isinstance(p, str) and is_url(p):
            yield from iter_url(p)
        elif Path(p).is_dir():
            yield from _iter_dir(Path(p))
        else:
            yield from _iter_path(Path(p), str(p))


def is_batch_input(paths: list[str | Path]) -> bool:
    """Whether ``paths`` mean a batch (JSONL output): several, a directory, or a JSONL/WARC file."""
    if len(paths) != 1:
        return True
    p = str(paths[0])
    if p == "-":
        return False
    path = Path(p)
    if path.is_dir():
        return True
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # never open a FIFO: it would block
            return False
        with path.open("rb") as fh:
            head = fh.read(HEAD_BYTES)
    except OSError:
        return False
    kind = sniff_kind(head)
    if kind == "warc":
        return True
    if kind == "binary":
        return False
    return text_kind(head.decode("utf-8", "ignore")) == "jsonl"


def _iter_dir(root: Path) -> Iterator[Entry]:
    found = False
    for item in _walk(root):
        found = True
        if isinstance(item, tuple):
            yield item
        else:
            yield from _iter_path(item, str(item))
    if not found:
        yield str(root), InputError(str(root), "directory holds no files")


def _walk(directory: Path) -> Iterator[Path | Item]:
    """Files under ``directory`` in sorted order; an unlistable directory is an error item."""
    try:
        with os.scandir(directory) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as e:
        name = str(directory)
        yield name, InputError(name, f"cannot list directory ({e.strerror or e})")
        return
    for entry in entries:
        path = Path(entry.path)
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError:
            is_dir = False
        if is_dir:
            yield from _walk(path)
        else:
            yield path
