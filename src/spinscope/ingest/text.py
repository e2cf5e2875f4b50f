"""Plain text: the decoded string is the document, byte for byte what was received."""

from __future__ import annotations

from spinscope.document import Document, Source


def from_text(text: str, source: Source, encoding: str | None = None) -> Document:
    doc = Document(text=text, source=source)
    if encoding is not None:
        doc.meta["encoding"] = encoding
    return doc
