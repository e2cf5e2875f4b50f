"""JSON Lines of records ``{"text"|"html": ..., "url"?, "id"?, "title"?, "outlet"?, "published"?}``,
one document each.

Each line is its own input: a bad line becomes an :class:`InputError` for that line, and the
other lines are still read, so a batch accounts for every record.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from spinscope.document import Document, Source
from spinscope.errors import InputError

#: ``build(content, source, kind, name)``: text or HTML content to a Document, or InputError.
Build = Callable[[str, Source, str, str], Document]

#: ``(name, Document | InputError)`` for each record.
Item = tuple[str, Document | InputError]


def iter_records(
    lines: Iterable[str | bytes],
    prefix: str,
    build: Build,
    max_chars: int,
    path: str | None = None,
) -> Iterator[Item]:
    """Yield one item per non-blank line (named ``path:LINE``); ``build`` makes the Document."""
    for lineno, raw in enumerate(lines, start=1):
        name = f"{prefix}:{lineno}"
        if isinstance(raw, bytes):
            try:
                raw = raw.decode("utf-8-sig" if lineno == 1 else "utf-8")
            except UnicodeDecodeError as e:
                yield name, InputError(name, f"invalid UTF-8 at byte {e.start} of the line")
                continue
        line = raw
        if not line.strip():
            continue
        try:
            yield name, _record(line, name, path, build, max_chars)
        except InputError as e:
            yield name, e


def _record(
    line: str,
    name: str,
    path: str | None,
    build: Build,
    max_chars: int,
) -> Document:
    try:
        obj: Any = json.loads(line)
    except json.JSONDecodeError as e:
        raise InputError(name, f"not valid JSON ({e.msg} at column {e.colno})") from None
    except ValueError as e:
        raise InputError(name, f"not valid JSON ({e})") from None
    if not isinstance(obj, dict):
        raise InputError(name, "JSONL record is not an object")
    kind = "html" if isinstance(obj.get("html"), str) and "text" not in obj else "text"
    content = obj.get(kind)
    if not isinstance(content, str):
        raise InputError(name, 'JSONL record has no "text" or "html" string')
    if len(content) > max_chars:
        raise InputError(
            name, f"record too large ({len(content):,} characters; limit {max_chars:,})"
        )
    rec_id = obj.get("id")
    url = obj.get("url")
    source = Source(
        path=path,
        url=url if isinstance(url, str) else None,
        kind="jsonl",
        record_id=str(rec_id) if rec_id is not None else None,
    )
    doc = build(content, source, kind, name)
    doc.source.kind = "jsonl"
    # the record's own metadata wins over what was read from the text or the page
    for field in ("title", "outlet", "published"):
        value = obj.get(field)
        if isinstance(value, str) and value.strip():
            setattr(doc, field, value.strip())
    return doc
