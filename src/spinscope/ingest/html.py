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

import json
import re
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from spinscope.document import Document, Source, Span
from spinscope.ingest.markup import TooManyElementsError, check_elements, within_depth

#: Below this many word characters the page has no article worth analysing (a menu, an error page).
MIN_ARTICLE_CHARS = 40

_AUTHOR_SPLIT = re.compile(r"\s*(?:;|\band\b|&)\s*")
_LIST_MARK = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+", re.M)
_WORD = re.compile(r"\w+")
#: Lower-case words a person's name may hold ("Ludwig van Beethoven", "Ayman al Zawahiri").
_NAME_PARTICLES = {"de", "da", "di", "du", "del", "van", "von", "der", "den", "bin", "ibn", "al"}
_NAME_PARTICLES |= {"el", "la", "le", "ter", "ten", "dos", "das", "y"}
_ROLE_WORDS = {
    "correspondent",
    "editor",
    "reporter",
    "writer",
    "staff",
    "contributor",
    "columnist",
    "journalist",
    "producer",
    "desk",
    "team",
    "bureau",
    "agencies",
    "wires",
    "staffer",
}


DATE_PARAMS = {"extensive_search": False, "original_date": True}


class NoArticleError(ValueError):
    """The page parsed, but held no article text."""


def describe_error(e: BaseException) -> str:
    """``Type: first line of the message`` (the library's own cause, in one line)."""
    cause = (str(e).strip().splitlines() or [""])[0][:200]
    return f"{type(e).__name__}: {cause}" if cause else type(e).__name__


def from_html(html: str, source: Source, encoding: str | None = None) -> Document:
    import trafilatura

    try:
        check_elements(html)  # before any parsing: a tag bomb costs minutes and gigabytes
    except TooManyElementsError as e:
        raise NoArticleError(str(e)) from None
    html, unwrapped = within_depth(html)  # libxml2 drops what is nested past 256 levels
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
    meta = page_metadata(html, body)
    doc.title = _clean(getattr(extracted, "title", None))
    doc.outlet = outlet_name(meta, _clean(getattr(extracted, "sitename", None)))
    author = _clean(getattr(extracted, "author", None))
    names = [a for a in _AUTHOR_SPLIT.split(author) if a] if author else []
    outlets = [o for o in (doc.outlet, *meta.outlets, getattr(extracted, "sitename", None)) if o]
    doc.authors = [n for n in (_without_outlet(a, outlets) for a in names) if n]
    doc.published = _clean(getattr(extracted, "date", None))
    doc.meta["html_metadata"] = True  # tells the cleaner to keep these fields and regions
    if unwrapped:  # the text is all there; only the markup of the deepest elements is not
        doc.meta["html_unwrapped_tags"] = unwrapped
    spans, unaligned = align_body(page, body)
    spans = [s for s in spans if _key(page[s[0] : s[1]]) not in meta.link_only]
    if not spans:
        # trafilatura found text that the page text does not hold (it rewrote it): analyse
        # the page's text rather than drop it
        doc.meta["html_unaligned"] = unaligned
        return doc
    if unaligned:
        doc.meta["html_unaligned"] = unaligned
    title = _title_span(page, spans, [t for t in (doc.title, *headings) if t])
    lede = [getattr(extracted, "description", None), *meta.openings, meta.lede]
    spans = sorted([*opening_spans(page, spans, title, [t for t in lede if t]), *spans])
    doc.set_layer("regions", page_regions(page, spans, title))
    if encoding is not None:
        doc.meta["encoding"] = encoding
    return doc


@dataclass
class PageMetadata:
    """What the page's own markup says about its article, beyond trafilatura's metadata.

    ``openings``: texts the page declares as the article's opening (``og:description``,
    ``description``, JSON-LD ``articleBody``); ``lede``: the text of a sentence-like element
    just before the element holding the body; ``outlets``: display names the page gives itself
    (``og:site_name``, JSON-LD ``publisher.name``, the ``<title>`` suffix); ``link_only``:
    word keys of the body container's link texts (a related-link block inside the body).
    """

    openings: list[str] = field(default_factory=list)
    lede: str | None = None
    outlets: list[str] = field(default_factory=list)
    site_name: str | None = None
    title_suffixes: list[str] = field(default_factory=list)
    link_only: set[str] = field(default_factory=set)


_ARTICLE_TYPES = re.compile(r"article|posting|report|blog", re.I)
_NON_TEXT = {"script", "style", "noscript", "template", "svg"}
_LEDE_STOP = {"h1", "h2", "header", "nav", "aside", "footer", "form"}
_TITLE_SEP = re.compile(r"\s+[-|–—:·•»]{1,2}\s+")
#: A sentence-like line: enough words to be prose, not a menu item or a headline alone.
_MIN_OPENING_WORDS = 8


def page_metadata(html: str, body: str) -> PageMetadata:
    """Read :class:`PageMetadata` from ``html``; ``body`` is trafilatura's article text."""
    import html_text
    from lxml import etree

    meta = PageMetadata()
    try:
        tree = html_text.parse_html(html)
    except (ValueError, etree.LxmlError):
        return meta
    for el in tree.iter("meta"):
        prop = (el.get("property") or el.get("name") or "").strip().lower()
        content = _clean(el.get("content"))
        if not content:
            continue
        if prop in ("og:description", "description", "twitter:description"):
            meta.openings.append(content)
        elif prop == "og:site_name":
            meta.site_name = meta.site_name or content
    for el in tree.iter("script"):
        if (el.get("type") or "").strip().lower() != "application/ld+json" or not el.text:
            continue
        try:
            data = json.loads(el.text, strict=False)
        except ValueError:
            continue
        for obj in _json_objects(data):
            kind = obj.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if not any(isinstance(k, str) and _ARTICLE_TYPES.search(k) for k in kinds):
                continue
            text = obj.get("articleBody")
            if isinstance(text, str) and text.strip():
                meta.openings.append(text)
            publisher = obj.get("publisher")
            for pub in publisher if isinstance(publisher, list) else [publisher]:
                name = _clean(pub.get("name")) if isinstance(pub, dict) else None
                if name:
                    meta.outlets.append(name)
    if meta.site_name:
        meta.outlets.insert(0, meta.site_name)
    title = tree.find(".//title")
    if title is not None:
        parts = _TITLE_SEP.split(" ".join(title.text_content().split()))
        meta.title_suffixes = [p for p in parts[1:] if p]
    paras = [p for p in body.split("\n") if len("".join(p.split())) >= 20]
    if paras:
        try:
            cleaned = html_text.cleaner.clean_html(tree)
        except (ValueError, etree.LxmlError):
            return meta
        container = _body_container(cleaned, paras[0], paras[-1])
        if container is not None:
            meta.lede = _lede(container)
            meta.link_only = _link_only(container)
    return meta


def _json_objects(data: object, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every JSON object in a JSON-LD value (``@graph`` lists included), to a bounded depth."""
    if depth > 6:
        return
    if isinstance(data, list):
        for item in data:
            yield from _json_objects(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        graph = data.get("@graph")
        if graph is not None:
            yield from _json_objects(graph, depth + 1)


def _text_key(el: Any) -> str:
    """``el``'s text without whitespace."""
    return "".join("".join(el.itertext()).split())


def _body_container(tree: Any, first: str, last: str) -> Any | None:
    """The smallest element holding both the first and the last paragraph of the body.

    One walk over the tree records each element's extent in the page's whitespace-free text
    (linear in the page, whatever its depth)."""
    from lxml import etree

    chunks: list[str] = []
    size = 0
    extent: dict[Any, list[int]] = {}
    for event, el in etree.iterwalk(tree, events=("start", "end")):
        if not isinstance(el.tag, str):
            continue
        if event == "start":
            extent[el] = [size, size]
            piece = "".join((el.text or "").split())
        else:
            extent[el][1] = size
            piece = "".join((el.tail or "").split())
        chunks.append(piece)
        size += len(piece)
    text = "".join(chunks)
    fk, lk = "".join(first.split())[:60], "".join(last.split())[-60:]
    f, lpos = text.find(fk), text.rfind(lk)
    if f < 0 or lpos < f:
        return None
    inside = [(e - s, el) for el, (s, e) in extent.items() if s <= f and lpos + len(lk) <= e]
    return min(inside, key=lambda t: t[0])[1] if inside else None


def _lede(container: Any) -> str | None:
    """The text of the element just before the body container, when it reads as prose.

    Short elements in between (a photo and its credit, "Get short URL") are stepped over;
    a heading, header, navigation or aside ends the search."""
    node = container
    while node is not None:
        prev = node.getprevious()
        skipped = 0
        while prev is not None:
            text = " ".join(prev.text_content().split()) if isinstance(prev.tag, str) else ""
            if not isinstance(prev.tag, str) or prev.tag in _LEDE_STOP:
                return None
            if _is_prose(text):
                return text
            if text and (skipped >= 3 or len(_WORD.findall(text)) >= _MIN_OPENING_WORDS):
                return None
            skipped += bool(text)
            prev = prev.getprevious()
        node = node.getparent()  # the container opens its parent: look before the parent
        if node is None or node.tag in ("body", "html", "article", "main"):
            return None
    return None


def _is_prose(text: str) -> bool:
    return len(_WORD.findall(text)) >= _MIN_OPENING_WORDS and bool(
        re.search(r"[.!?…][\"'”’»)]*$", text)
    )


def _link_only(container: Any) -> set[str]:
    """Word keys of the links inside the body container that are not sentences."""
    keys = set()
    for a in container.iter("a"):
        text = " ".join(a.text_content().split())
        if text and not _is_prose(text) and len(_WORD.findall(text)) <= 20:
            keys.add(_key(text))
    return keys - {""}


def outlet_name(meta: PageMetadata, sitename: str | None) -> str | None:
    """The outlet's display name: ``og:site_name``, then the JSON-LD publisher, then
    trafilatura's site name — unless that is a handle ("SputnikInt") that a name the page gives
    itself (a ``<title>`` suffix: "… - Sputnik International") spells out."""
    if meta.outlets:
        return meta.outlets[0]
    if sitename and " " not in sitename:
        handle = re.sub(r"[\W_]", "", sitename.casefold())
        short = re.sub(r"(?<=.)(com|net|org)$", "", handle)
        for suffix in meta.title_suffixes:
            name = "".join(_WORD.findall(suffix.casefold())).replace("_", "")
            if _abbreviates(handle, name) or _abbreviates(short, name):
                return suffix
    return sitename


def _abbreviates(handle: str, name: str) -> bool:
    """``handle`` is ``name`` shortened: same first letter, its letters in order."""
    if not handle or not name or handle[0] != name[0] or handle == name:
        return False
    it = iter(name)
    return all(c in it for c in handle)


def _without_outlet(author: str, outlets: list[str]) -> str | None:
    """``author`` without an outlet name glued before or after it ("Finian Cunningham Sputnik
    International" → "Finian Cunningham"); ``None`` when the author is only the outlet."""
    words = author.split()
    for outlet in sorted({o.strip() for o in outlets}, key=len, reverse=True):
        ow = outlet.split()
        if not ow:
            continue
        low = [w.casefold().strip(",|-–—") for w in words]
        target = [w.casefold() for w in ow]
        if low == target:
            return None
        if len(words) > len(ow) and low[-len(ow) :] == target:
            words = words[: -len(ow)]
        elif len(words) > len(ow) and low[: len(ow)] == target:
            words = words[len(ow) :]
    cleaned = " ".join(words).strip(" ,|-–—/")
    return cleaned if _is_name(cleaned) else None


def _is_name(text: str) -> bool:
    """Capitalised words and name particles, no digits: not "Get short URL", which a by-line
    widget's text can be."""
    words = text.split()
    if words and words[-1].casefold().strip(".,") in _ROLE_WORDS:
        return False  # "Transport Correspondent": the by-line's role, not a second author
    return bool(words) and all(
        (w[:1].isupper() or w in _NAME_PARTICLES) and not any(c.isdigit() for c in w) for w in words
    )


def opening_spans(
    page: str,
    body: list[tuple[int, int]],
    title: tuple[int, int] | None,
    openings: list[str],
) -> list[tuple[int, int]]:
    """Lines between the headline and the body that the page itself declares as the article's
    opening: prose lines that read as one of ``openings`` (the whole of it, its start, or — for
    a truncated ``og:description`` — a line that it starts). Never a by-line or a dateline."""
    from spinscope.clean import byline_authors, residue_kind
    from spinscope.dates import is_dateline

    if not body or not openings:
        return []
    keys = [k for k in (_key(o.rstrip(" .…").removesuffix("...")) for o in openings) if k]
    start = title[1] if title is not None and title[1] <= body[0][0] else 0
    from spinscope.clean import split_lines

    lines = split_lines(page[start : body[0][0]])
    if title is None:
        lines = lines[-8:]
    found = []
    for line in lines:
        text = line.text
        if not _is_prose(text) or byline_authors(text) is not None or is_dateline(text):
            continue
        if residue_kind(text) is not None:
            continue
        lk = _key(text)
        if any(_starts(k, lk) or _starts(lk, k) for k in keys):
            found.append((start + line.start, start + line.end))
    return found


def _starts(whole: str, part: str) -> bool:
    """``part`` is ``whole`` or its opening words."""
    return whole == part or (
        len(part.split()) >= _MIN_OPENING_WORDS and whole.startswith(part + " ")
    )


def page_text(html: str) -> tuple[str, list[str]]:
    """The visible text of the page body, and the text of its ``<h1>`` headings."""
    import html_text
    from lxml import etree

    try:
        tree = html_text.parse_html(html)
        cleaned = html_text.cleaner.clean_html(tree)
    except (ValueError, etree.LxmlError) as e:
        raise NoArticleError(f"HTML page cannot be parsed ({describe_error(e)})") from None
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
    """``body`` spans, the ``title``, and every other non-blank stretch as ``boilerplate``.

    The spans never overlap: body spans that overlap each other merge, and a body span that
    holds the title (a headline trafilatura counted as the first paragraph's opening line)
    is split around it.
    """
    from spinscope.clean import split_lines

    merged: list[tuple[int, int]] = []
    for s, e in sorted(body):
        if merged and s < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    pieces: list[tuple[int, int, str]] = []
    for s, e in merged:
        if title is not None and s < title[1] and title[0] < e:  # the title cuts it
            for a, b in ((s, title[0]), (title[1], e)):
                a, b = _trimmed(page, a, b)
                if a < b:
                    pieces.append((a, b, "body"))
        else:
            pieces.append((s, e, "body"))
    taken = sorted(pieces + ([(title[0], title[1], "title")] if title is not None else []))
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


def _trimmed(page: str, start: int, end: int) -> tuple[int, int]:
    while start < end and page[start].isspace():
        start += 1
    while end > start and page[end - 1].isspace():
        end -= 1
    return start, end


def _gap(page: str, start: int, end: int) -> Iterator[Span]:
    while start < end and page[start].isspace():
        start += 1
    while end > start and page[end - 1].isspace():
        end -= 1
    if end > start:
        yield Span(start, end, "boilerplate", {"kind": "page"})


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
