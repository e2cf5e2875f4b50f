"""HTML pages: article text and metadata (title, author, date, site name) via trafilatura.

``Document.text`` is the extracted text; the raw HTML is not kept (it can be large and is
rarely wanted), so offsets index the text a reader sees.
"""

from __future__ import annotations

import re

from spinscope.document import Document, Source

#: Below this many word characters the page has no article worth analysing (a menu, an error page).
MIN_ARTICLE_CHARS = 40

_AUTHOR_SPLIT = re.compile(r"\s*(?:;|\band\b|&)\s*")


class NoArticleError(ValueError):
    """The page parsed, but held no article text."""


def from_html(html: str, source: Source, encoding: str | None = None) -> Document:
    import trafilatura

    extracted = trafilatura.bare_extraction(
        html, url=source.url, with_metadata=True, include_comments=False, include_tables=False
    )
    text = getattr(extracted, "text", None) or ""
    if len(re.sub(r"\W", "", text)) < MIN_ARTICLE_CHARS:
        raise NoArticleError("HTML page has no article text")
    source.kind = "html"
    if source.url is None and getattr(extracted, "url", None):
        source.url = getattr(extracted, "url", None)
    doc = Document(text=text, source=source)
    doc.title = _clean(getattr(extracted, "title", None))
    author = _clean(getattr(extracted, "author", None))
    doc.authors = [a for a in _AUTHOR_SPLIT.split(author) if a] if author else []
    doc.published = _clean(getattr(extracted, "date", None))
    doc.outlet = _clean(getattr(extracted, "sitename", None))
    doc.meta["html_metadata"] = True  # tells the cleaner to keep these fields
    if encoding is not None:
        doc.meta["encoding"] = encoding
    return doc


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None
