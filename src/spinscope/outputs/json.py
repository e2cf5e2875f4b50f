"""JSON and JSON Lines writers for analysed documents and error records (the JSON contract)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, TextIO

from spinscope.document import Document, Source, error_record


def to_json(doc: Document, indent: int | None = 2) -> str:
    """One document as the contract's JSON (non-ASCII kept as is, offsets unchanged)."""
    return doc.to_json(indent=indent)


def record(item: Document | dict[str, Any]) -> dict[str, Any]:
    """A JSONL record: a document's dict, or an error record passed through."""
    return item.to_dict() if isinstance(item, Document) else item


def error(source: Source, reason: str) -> dict[str, Any]:
    return error_record(source, reason)


def jsonl_line(item: Document | dict[str, Any]) -> str:
    """One line, no trailing newline; ``ensure_ascii=False`` keeps text readable and compact."""
    return json.dumps(record(item), ensure_ascii=False, separators=(",", ":"))


def write_jsonl(items: Iterable[Document | dict[str, Any]], out: TextIO) -> int:
    """Write one line per item; returns how many were written."""
    n = 0
    for item in items:
        out.write(jsonl_line(item) + "\n")
        n += 1
    return n
