"""Decoded text or HTML into one Document: the reader files, JSONL records and fetched pages
share, so none of them needs another's module (WARC bodies go to
:func:`~spinscope.ingest.html.from_html` directly, with their HTTP charset)."""

from __future__ import annotations

import re
import unicodedata

from spinscope.document import Document, Source
from spinscope.errors import InputError
from spinscope.ingest.detect import HEAD_BYTES
from spinscope.ingest.html import NoArticleError, describe_error, from_html
from spinscope.ingest.text import from_text

_SURROGATE = re.compile("[\ud800-\udfff]")


def document_from_content(content: str, source: Source, kind: str, name: str) -> Document:
    """A Document from decoded text or HTML; shared by the file, JSONL and URL readers."""
    if "\x00" in content[:HEAD_BYTES] or _binary_ratio(content) > 0.01:
        raise InputError(name, "looks like binary data, not text")
    if _SURROGATE.search(content):
        raise InputError(name, "text contains unpaired surrogate code points")
    if kind == "html":
        try:
            return from_html(content, source)
        except NoArticleError as e:
            raise InputError(name, str(e)) from None
        except Exception as e:  # trafilatura/lxml on hostile markup: this input's error only
            raise InputError(name, f"HTML extraction failed ({describe_error(e)})") from None
    if not content.strip():
        raise InputError(name, "empty input" if not content else "contains only whitespace")
    return from_text(content, source)


def _binary_ratio(text: str) -> float:
    sample = text[:8192]
    if not sample:
        return 0.0
    bad = sum(
        1
        for c in sample
        if c not in "\t\n\r\f\v\x1b" and unicodedata.category(c) in ("Cc", "Co", "Cn")
    )
    return bad / len(sample)
