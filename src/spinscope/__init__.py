"""spinscope: how a news article is built — clean text, techniques, who said what, whose voice."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from spinscope.document import SCHEMA, Document, Source, Span

__version__ = "0.1.0"

if TYPE_CHECKING:
    from pathlib import Path


def analyze(text_or_path: str | Path | bytes, **options: Any) -> Document:
    """Analyse one article (text, bytes, or a path) with the default pipeline."""
    from spinscope.pipeline import get_pipeline

    return get_pipeline(**options).analyze(text_or_path)


__all__ = ["SCHEMA", "Document", "Source", "Span", "analyze", "__version__"]
