"""Bounds on HTML before it is parsed: element count, and nesting libxml2 can hold.

Two hostile shapes of page would otherwise cost far more than their size suggests:

- **Tag bombs**: a few megabytes of tiny elements (``<b>x</b>`` a million times) take
  minutes and gigabytes to parse, extract and analyse. A page with more than
  :data:`MAX_HTML_ELEMENTS` start tags is refused with :class:`TooManyElementsError` (a
  ``ValueError`` whose message says so), counted before any parsing — real news pages have a
  few thousand elements.
- **Deep nesting**: libxml2 (lxml's HTML parser, which html-text and trafilatura use) stops
  building the tree at 256 levels and silently drops everything after that point, so a
  paragraph inside 300 ``<div>``\\ s vanished from the text. :func:`within_depth` finds that
  case (the parser's own "Excessive depth" error) and unwraps the elements nested deeper than
  :data:`MAX_DEPTH`: their text stays, in place, only those tags go (block tags become
  ``<br>``, so words from separate blocks are not glued together).
"""

from __future__ import annotations

import itertools
import re

#: Most start tags an accepted page may have. A long news page has 2,000-20,000; extraction
#: costs about 0.6 ms per block element on one core, so this bounds a page to ~30 s.
MAX_HTML_ELEMENTS = 50_000
#: Elements nested deeper than this are unwrapped when the page is too deep for libxml2 (256).
MAX_DEPTH = 200

_START_TAG = re.compile(r"<[A-Za-z]")
#: comments, raw-text elements (their content is not markup), then tags.
_TOKEN = re.compile(
    r"<!--.*?(?:-->|\Z)"
    r"|<(script|style|textarea|title|xmp|noscript)\b[^>]*>.*?(?:</\1\s*>|\Z)"
    r"|<(/?)([A-Za-z][A-Za-z0-9:-]*)\b[^>]*?(/?)>",
    re.I | re.S,
)
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_INLINE = frozenset(
    "a abbr b bdi bdo cite code data dfn em font i kbd mark q s samp small span strike strong"
    " sub sup time tt u var".split()
)


_NOT_TEXT = re.compile(
    r"<!--.*?(?:-->|\Z)|<(script|style|template|noscript|svg|head)\b.*?(?:</\1\s*>|\Z)|<[^>]*>",
    re.I | re.S,
)
_SPACE = re.compile(r"\s+")


def text_upper_bound(html: str) -> int:
    """About how many characters of visible text ``html`` has, without parsing it: its length
    without comments, scripts, styles, the head and tags, each whitespace run counted once.
    The page text is within a few per cent of it (blank lines between blocks, entities)."""
    return len(_SPACE.sub(" ", _NOT_TEXT.sub(" ", html)))


class TooManyElementsError(ValueError):
    """A page with more elements than :data:`MAX_HTML_ELEMENTS`."""


def check_elements(html: str, limit: int = MAX_HTML_ELEMENTS) -> None:
    """Raise :class:`TooManyElementsError` when ``html`` has more than ``limit`` start tags."""
    if html.count("<") <= limit:  # every start tag opens with "<": most pages stop here
        return
    n = sum(1 for _ in itertools.islice(_START_TAG.finditer(html), limit + 1))
    if n > limit:
        raise TooManyElementsError(
            f"HTML page has too many elements (more than {limit:,} tags): not a news article"
        )


def too_deep(html: str) -> bool:
    """Whether libxml2 would stop building the tree of ``html`` at its depth limit."""
    import lxml.html
    from lxml import etree

    parser = lxml.html.HTMLParser(recover=True, encoding="utf-8")
    data = html.replace("\x00", "").encode("utf-8", "surrogatepass") or b"<html/>"
    try:
        etree.fromstring(data, parser=parser)
    except (ValueError, etree.LxmlError):
        return False  # not a depth problem: the reader reports it
    return any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log)


def within_depth(html: str, max_depth: int = MAX_DEPTH) -> tuple[str, int]:
    """``html`` unchanged when libxml2 can build all of it, else with the elements nested
    deeper than ``max_depth`` unwrapped; and how many tags were removed."""
    if not too_deep(html):
        return html, 0
    return unwrap_deep(html, max_depth)


def unwrap_deep(html: str, max_depth: int = MAX_DEPTH) -> tuple[str, int]:
    """Remove the tags of elements nested deeper than ``max_depth``, keeping their content.

    Nesting is followed as a browser roughly would: an end tag closes the nearest open element
    of its name (and those opened inside it); an end tag with no open element is left alone.
    """
    out: list[str] = []
    stack: list[tuple[str, bool]] = []  # (tag, kept)
    removed = 0
    last = 0
    for m in _TOKEN.finditer(html):
        closing, name, self_closing = m.group(2), m.group(3), m.group(4)
        if name is None:  # a comment or a raw-text element: copied as it is
            continue
        tag = name.lower()
        if tag in _VOID or self_closing:
            continue
        keep = True
        if not closing:
            keep = len(stack) < max_depth
            stack.append((tag, keep))
        else:
            for i in range(len(stack) - 1, -1, -1):
                if stack[i][0] == tag:
                    keep = stack[i][1]
                    del stack[i:]
                    break
        if keep:
            continue
        out.append(html[last : m.start()])
        out.append("" if tag in _INLINE else "<br>")
        last = m.end()
        removed += 1
    out.append(html[last:])
    return "".join(out), removed
