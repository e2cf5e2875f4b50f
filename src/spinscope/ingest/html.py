"""HTML pages: the whole visible page as ``text``, the article body marked inside it.

``Document.text`` is the page's visible text in reading order (``html-text``: scripts, styles
and markup removed, block elements on their own lines), so nothing the page showed is dropped:
navigation, "Related Posts" and footers stay in the text. trafilatura finds the article body
and the metadata (title, author, date, site name); each body paragraph it returns is located
in the page text and seeded as a ``body`` region, the headline as ``title``, and everything
else as ``boilerplate`` regions. The cleaner (:mod:`spinscope.clean`) then refines them
(by-line and dateline lines, residue trafilatura let through). The raw HTML is not kept.

Alignment compares non-whitespace characters only (the two libraries lay out whitespace
differently), so every region's offsets are exact in the page text; a paragraph that cannot
be found (trafilatura rewrote it) is counted in ``meta["html_unaligned"]``, never guessed.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterator
from typing import Any

from spinscope.document import Document, Source, Span

#: Below this many word characters the page has no article worth analysing (a menu, an error page).
MIN_ARTICLE_CHARS = 40

_AUTHOR_SPLIT = re.compile(r"\s*(?:;|\band\b|&)\s*")
_LIST_MARK = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+", re.M)
_WORD = re.compile(r"\w+")


DATE_PARAMS = {"extensive_search": False, "original_date": True}


class NoArticleError(ValueError):
    """The page parsed, but held no article text."""


def from_html(html: str, source: Source, encoding: str | None = None) -> Document:
    import trafilatura

    extracted = trafilatura.bare_extraction(
        html,
        url=source.url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        # dates from the page's metadata and markup only: htmldate's extensive search guesses
        # from free text and turns a footer's "© 2024" into a publication date of 2024-01-01
        date_extraction_params=DATE_PARAMS,
    )
    body = getattr(extracted, "text", None) or ""
    if len(re.sub(r"\W", "", body)) < MIN_ARTICLE_CHARS:
        raise NoArticleError("HTML page has no article text")
    page, headings = page_text(html)
    source.kind = "html"
    if source.url is None and getattr(extracted, "url", None):
        source.url = getattr(extracted, "url", None)
    doc = Document(text=page, source=source)
    doc.title = _clean(getattr(extracted, "title", None))
    author = _clean(getattr(extracted, "author", None))
    doc.authors = [a for a in _AUTHOR_SPLIT.split(author) if a] if author else []
    doc.published = _clean(getattr(extracted, "date", None))
    doc.outlet = _clean(getattr(extracted, "sitename", None))
    doc.meta["html_metadata"] = True  # tells the cleaner to keep these fields and regions
    spans, unaligned = align_body(page, body)
    if not spans:
        # trafilatura found text that the page text does not hold (it rewrote it): analyse
        # the page's text rather than drop it
        doc.meta["html_unaligned"] = unaligned
        return doc
    if unaligned:
        doc.meta["html_unaligned"] = unaligned
    title = _title_span(page, spans, [t for t in (doc.title, *headings) if t])
    doc.set_layer("regions", page_regions(page, spans, title))
    if encoding is not None:
        doc.meta["encoding"] = encoding
    return doc


def page_text(html: str) -> tuple[str, list[str]]:
    """The visible text of the page body, and the text of its ``<h1>`` headings."""
    import html_text
    from lxml import etree

    try:
        tree = html_text.parse_html(html)
        cleaned = html_text.cleaner.clean_html(tree)
    except (ValueError, etree.LxmlError) as e:
        raise NoArticleError(f"HTML page cannot be parsed ({type(e).__name__})") from None
    body = cleaned.find(".//body")
    root: Any = body if body is not None else cleaned
    headings = [" ".join(h.text_content().split()) for h in root.iter("h1")]
    return html_text.etree_to_text(root), [h for h in headings if h]


def align_body(page: str, body: str) -> tuple[list[tuple[int, int]], int]:
    """``[start, end)`` in ``page`` of each paragraph of trafilatura's ``body``; unaligned count.

    Paragraphs are searched in order, comparing non-whitespace characters only; list markers
    trafilatura adds ("- ") are tried without. Offsets start and end on non-space characters.
    """
    keys, pos = _squeeze(page)
    spans: list[tuple[int, int]] = []
    unaligned = 0
    cursor = 0
    for para in body.split("\n"):
        if not para.strip():
            continue
        found = None
        for variant in (para, _LIST_MARK.sub("", para)):
            key = "".join(variant.split())
            if not key:
                break
            k = keys.find(key, cursor)
            if k < 0:
                k = keys.find(key)  # out of order (rare): still the page's own words
            if k >= 0:
                found = (k, k + len(key))
                break
        if found is None:
            unaligned += 1
            continue
        k, e = found
        spans.append((pos[k], pos[e - 1] + 1))
        cursor = max(cursor, e)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:  # an out-of-order match may overlap a neighbour
        if merged and s < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged, unaligned


def page_regions(
    page: str, body: list[tuple[int, int]], title: tuple[int, int] | None
) -> Iterator[Span]:
    """``body`` spans, the ``title``, and every other non-blank stretch as ``boilerplate``."""
    from spinscope.clean import split_lines

    taken = sorted([(s, e, "body") for s, e in body if title is None or not _inside(s, e, title)])
    if title is not None:
        taken = sorted([*taken, (title[0], title[1], "title")])
    for s, e, label in taken:
        yield Span(s, e, label)
    i = 0
    for line in split_lines(page):
        start = line.start
        while i < len(taken) and taken[i][1] <= start:
            i += 1
        j = i
        while start < line.end:
            if j < len(taken) and taken[j][0] < line.end:
                gap_end = min(taken[j][0], line.end)
                yield from _gap(page, start, gap_end)
                start = max(start, taken[j][1])
                j += 1
            else:
                yield from _gap(page, start, line.end)
                break


def _gap(page: str, start: int, end: int) -> Iterator[Span]:
    while start < end and page[start].isspace():
        start += 1
    while end > start and page[end - 1].isspace():
        end -= 1
    if end > start:
        yield Span(start, end, "boilerplate", {"kind": "page"})


def _inside(s: int, e: int, outer: tuple[int, int]) -> bool:
    return outer[0] <= s and e <= outer[1]


def _title_span(
    page: str, body: list[tuple[int, int]], candidates: list[str]
) -> tuple[int, int] | None:
    """The headline line: the first line before the body (or its first paragraph) that reads
    as the metadata title or an ``<h1>``, compared word by word, case-insensitively."""
    from spinscope.clean import split_lines

    wanted = {_key(c) for c in candidates} - {""}
    if not wanted:
        return None
    limit = body[0][1] if body else len(page)
    for line in split_lines(page[:limit]):
        if _key(line.text) in wanted:
            return line.start, line.end
    return None


def _key(s: str) -> str:
    return " ".join(_WORD.findall(s.casefold()))


def _squeeze(text: str) -> tuple[str, array[int]]:
    """``text`` without whitespace, and each kept character's offset in ``text``."""
    pos = array("q")
    keep: list[str] = []
    for m in re.finditer(r"\S+", text):
        keep.append(m.group())
        pos.extend(range(m.start(), m.end()))
    return "".join(keep), pos


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None
