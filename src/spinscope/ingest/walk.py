"""Directory listing for :mod:`spinscope.ingest.load` (and the batch planner): the files under a
directory, recursively, in sorted order.

Only lists: reading each file is the dispatcher's job (:func:`spinscope.ingest.load.iter_inputs`).
An unlistable directory is an :class:`~spinscope.errors.InputError` item, so that it is
reported rather than skipped.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from spinscope.errors import InputError
from spinscope.ingest.jsonl import Item


def walk(directory: Path) -> Iterator[Path | Item]:
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
            yield from walk(path)
        else:
            yield path
