"""The statement row over some words of a text, and its shown speaker (issue 21 tests)."""

from __future__ import annotations

from typing import Any

from spinscope.attribution.extract import AttributionExtractor
from spinscope.document import Document


def row_at(ex: AttributionExtractor, text: str, words: str) -> Any:
    """The shortest attribution row whose span holds the first character of ``words``."""
    pos = text.index(words)
    over = [s for s in ex(Document(text)).layer("attributions") if s.start <= pos < s.end]
    assert over, (words, text)
    return min(over, key=lambda s: s.end - s.start)


def name_at(ex: AttributionExtractor, text: str, words: str) -> str | None:
    """The speaker name shown on that row."""
    return row_at(ex, text, words).attrs["speaker"]["name"]  # type: ignore[no-any-return]
