"""Cleaning scraped text into regions: title, by-line, dateline, body, boilerplate.

The text is never edited: each non-blank line gets a label, and the ``regions`` layer holds
whitespace-trimmed, non-overlapping spans over the original text. Analyzers read only ``body``.

Boilerplate is found in three passes, so that it generalises beyond one site's residue:

1. *residue patterns* — a line that is, as a whole, a known piece of page furniture (share
   buttons, "Related Articles", "Back to top", cookie / ad-blocker / paywall notices, "Read
   more", breadcrumbs, copyright footers, comment widgets, tag lists). Whole-line matches only
   (or, for notices, a short line containing an unmistakable phrase), because an article
   sentence may well *mention* cookies or newsletters;
2. *list absorption* — after a list header ("Related Posts", "You may also like", "Trending")
   the link titles that follow (short lines without sentence punctuation) are residue too;
3. *edge absorption* — at the very start or end of the text, menu fragments of a few words
   (e.g. "Facebook", "WhatsApp") sandwiched between residue lines go with it.

Already-clean corpora (PTC, PolNeAR) must come out with no body line marked: see
``bench/boilerplate.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from spinscope.dates import dateline_date as dateline_date  # re-exported: the cleaner's API
from spinscope.dates import find_date, is_dateline, publication_date
from spinscope.document import Document, Span

# -- lines ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """A non-blank line: ``[start, end)`` is its whitespace-trimmed extent in the text."""

    number: int  # 0-based line number in the text
    start: int
    end: int
    text: str


#: Every line boundary ``str.splitlines`` knows: ``\r\n``, ``\n``, ``\r``, ``\v``, ``\f``, the
#: file/group/record separators, NEL (U+0085), LINE SEPARATOR and PARAGRAPH SEPARATOR.
_BREAK_CHARS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_BREAK = re.compile(rf"\r\n|[{_BREAK_CHARS}]")
#: A blank line after a line: two breaks with only spaces between, or one PARAGRAPH SEPARATOR.
_BLANK_AFTER = re.compile(
    rf"[ \t\u00a0]*(?:\u2029|(?:\r\n|[{_BREAK_CHARS}])[ \t\u00a0]*(?:\r\n|[{_BREAK_CHARS}]))"
)


def split_lines(text: str) -> list[Line]:
    """Non-blank lines with trimmed offsets; every Unicode line boundary ends a line.

    The text itself is not touched: U+2028, NEL and friends simply count as breaks.
    """
    lines: list[Line] = []
    pos = 0
    number = 0
    for m in _BREAK.finditer(text):
        _add_line(lines, text, number, pos, m.start())
        pos = m.end()
        number += 1
    _add_line(lines, text, number, pos, len(text))
    return lines


def _add_line(lines: list[Line], text: str, number: int, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        lines.append(Line(number, start, end, text[start:end]))


# -- residue patterns -----------------------------------------------------------------------

_SOCIAL = (
    r"facebook|twitter|whatsapp|linkedin|reddit|telegram|pinterest|tumblr|messenger|vk|"
    r"email|e-mail|mail|print|share|tweet|pin|sms|flipboard|copy link|google\+?|instagram|youtube"
)

#: Whole-line patterns (matched against a normalised, lower-cased line) → residue kind.
_FULL: tuple[tuple[str, str], ...] = (
    (
        "share",
        r"(share|shares|sharing|share (this|the)( \w+)?|share (on|via|to|with) .{1,30}|"
        r"share (it|this)( with (a|your) friends?)?|like this (story|article)\?? share it .{0,30}|"
        r"tweet( this)?|print( this)?( article| page| story)?|pin it|copy (the )?link|"
        r"click to (share|email|print|tweet)\b.{0,60}|"
        rf"(send|post|share|tweet)s? (on|to|via|by) ({_SOCIAL}|x)|"
        rf"(\d+\s*)?(({_SOCIAL})(\s*\d+)?[\s,|/•·]*){{1,12}})",
    ),
    (
        "related",
        r"(related|related (articles?|posts?|stories|story|news|content|coverage|topics|links|"
        r"reading|videos?|items)|you (may|might|will) (also )?(like|love|enjoy|be interested in)|"
        r"recommended( for you| stories| articles| reading| videos)?|"
        r"more (stories|news|articles|headlines|videos|"
        r"from (the )?(web|our partners|around the web))|"
        r"more (from|on|in) .{1,40}|also read|read also|see also|"
        r"trending( now| stories| news| topics| articles)?|"
        r"popular( now| posts| stories| articles)?|"
        r"most (read|popular|viewed|shared|commented)|read next|what to read next|up next|"
        r"don'?t miss|editor'?s picks?|top stories|latest( news| stories| posts| articles| videos)|"
        r"further reading|in (other|case you missed) .{0,20}|around the web|from the web|"
        # "Also on rt.com", "Also on sputniknews.com Evo Morales Lands in Mexico": a related
        # link block naming the site (a domain), never "Also on Tuesday, …"
        r"also (on|at|in|from) (www\.)?([a-z0-9-]+\.)+[a-z]{2,}\b([\s:|»›–—-]+.{1,200})?)",
    ),
    (
        "read-more",
        r"(read more|read the (full|whole|rest of the|complete) (story|article|report)|"
        r"continue(s)? reading( →| »)?|keep reading|"
        r"click here( to read more| for more| to continue)?|"
        r"read (the )?full (story|article)|view (the )?(full|original) (article|story)|"
        r"load more|show more|see more|more\.\.\.|more …|read on)",
    ),
    (
        "back-to-top",
        r"((back|scroll|go|return|jump) to (the )?top( of (the )?page)?( button)?|"
        r"skip to (the )?(main )?(content|navigation|search)|jump to (navigation|content))",
    ),
    (
        "navigation",
        r"(home|menu|main menu|open menu|close menu|toggle navigation|navigation|search|"
        r"search for:?|search \.\.\.|sections|log ?in|log ?out|sign ?in|sign ?up|register|"
        r"subscribe( now| today)?|donate( now| today)?|contact( us)?|about( us)?|"
        r"advertise( with us)?|newsletters?|my account|close|subscribe to .{1,30}|"
        r"home ?(›|»|>|/|\||::|→|-) ?.{1,100})",
    ),
    (
        "comments",
        r"(leave a (comment|reply)|post a comment|add (a |your )?comment|\d+ (comments?|replies)|"
        r"comments?( \(\d+\))?|view( all)? comments|show comments|load(ing)? comments|"
        r"join the (conversation|discussion)|comment policy|"
        r"you must be logged in to post a comment\.?|reply|report( (this )?comment)?|"
        r"be the first to comment)",
    ),
    (
        "advertisement",
        r"(advertisement|advertising|advert|sponsored( content| links| stories)?|ad|ads|"
        r"ads by \w+|(story|article) continues below( this)?( advertisement| ad)?|"
        r"continue reading (the main story|below)|paid (content|post)|partner content|"
        r"promoted( stories| content| links)?|(content|ads) by \w+)",
    ),
    (
        "tags",
        r"(tags?|tagged|tagged with|filed under|topics?|categories|category|keywords|posted in)"
        r"\s*[:|]\s*.{1,300}",
    ),
    (
        "read-more",
        r"(read more|read also|also read|see also|related|recommended|must read|"
        r"don'?t miss|read next|more on this|trending)\s*(:|»|›|\|)\s*.{1,300}",
    ),
    (
        "follow",
        r"(follow (us|me)( on .{1,60})?|like us on facebook.{0,40}|"
        r"(join|follow) (us|our \w+) on .{1,40}|subscribe (to )?(our|us on) \w+( channel)?.{0,30}|"
        r"follow @\w+|follow [\w .'-]{1,40} on (twitter|x|facebook|instagram|telegram)\.?)",
    ),
    (
        "reading-time",
        r"(\d+\s*(min|mins|minute|minutes)( read)?|reading time:?.{0,20}|listen to (this )?article|"
        r"listen|font size:?|text size:?|a\+?\s*a-?|print article|save article|save|bookmark)",
    ),
    (
        "prev-next",
        r"((previous|next|older|newer|prev) (article|post|story|entry|page)s?(\s*[:|»›].{0,200})?|"
        r"« (previous|older)|(next|newer) »|previous|next|prev)",
    ),
    (
        "copyright",
        r"((©|\(c\)|copyright|copr\.)\s*(©\s*)?(\d{4}|all rights).{0,200}|all rights reserved\.?)",
    ),
    (
        "misc",
        r"(loading\.*|please wait\.*|"
        r"terms (of|and) (use|service|conditions)|privacy( policy)?|cookie (policy|settings)|"
        r"(terms|privacy|cookies|contact|about)( \| (terms|privacy|cookies|contact|about|"
        r"sitemap|careers|advertise).{0,20})+)",
    ),
)

#: Notices recognised by a phrase inside a short line (≤ ``_NOTICE_MAX_WORDS`` words).
_CONTAINS: tuple[tuple[str, str], ...] = (
    (
        "cookies",
        r"we use cookies|this (web)?site uses cookies|(we|this site) use[s]? cookies to|accept (all )?cookies|"
        r"cookie (policy|settings|preferences|consent)|by continuing to (use|browse) (this|our)|"
        r"consent to (the use of )?cookies|manage (your )?cookies",
    ),
    (
        "ad-blocker",
        r"ad ?block(er)? (is )?(detected|enabled|on)|disabl(e|ing) (your |the )?ad ?block|"
        r"turn(ing)? off (your )?ad ?block|whitelist(ing)? (us|our (site|website)|this site)|"
        r"supporting us by disabling|using an ad ?blocker|please consider supporting us",
    ),
    (
        "subscription",
        r"subscribe to (our|the) (free )?(newsletter|channel|mailing list)|"
        r"sign up (for|to) (our|the) (\w+ )?(newsletter|mailing list|daily|weekly)|"
        r"already (a subscriber|have an account)|subscribers? only|"
        r"(this|the) (article|content|story) is (only )?(available|for|reserved for) "
        r"(to )?(subscribers|members|premium)|(get |for )?(unlimited|full) (digital )?access|"
        r"you('ve| have) (reached|read) (your|\d+|all).{0,30}(free|limit)|\d+ free articles?|"
        r"become a (member|subscriber|patron|supporter)|support (our|independent) journalism|"
        r"start your free trial|enter your e-?mail( address)?|"
        r"get (our|the) (\w+ )?newsletter|delivered to your inbox",
    ),
    ("copyright", r"all rights reserved"),
)
_NOTICE_MAX_WORDS = 60

#: List headers whose following lines are link titles (``True``) or menu fragments (``False``).
_LIST_KINDS = {"related": True, "prev-next": True, "navigation": False, "share": False}

_FULL_RE = [(kind, re.compile(rf"(?:{pat})", re.I)) for kind, pat in _FULL]
_CONTAINS_RE = [(kind, re.compile(rf"\b(?:{pat})", re.I)) for kind, pat in _CONTAINS]
_EDGE_CHARS = " \t•·*#»«›‹|>–—-:=_~\u00a0\u200b"
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*$")
_WORD = re.compile(r"\w+(?:['’.-]\w+)*")


def _norm(line: str) -> str:
    line = " ".join(line.split())
    line = re.sub(r"(?:\.{2,}|…)$", "", line.strip(_EDGE_CHARS))  # "Loading comments..."
    return line.rstrip(_EDGE_CHARS)


def _is_menu_row(norm: str) -> bool:
    """``Contact us | About us | Advertise``: three or more short items split by bars or bullets."""
    parts = [p.strip() for p in re.split(r"\s[|•·]\s|\s/\s", norm)]
    if len(parts) < 3 or norm[:3].lower() == "by ":
        return False
    return all(
        0 < len(p.split()) <= 3 and p[:1].isupper() and not re.search(r"\d", p) for p in parts
    )


def residue_kind(line: str) -> str | None:
    """The kind of page furniture ``line`` is, or ``None`` if it may be article text."""
    norm = _norm(line)
    if not norm:
        # bullets, rules ("* * *", "----") are separators, not residue
        return None
    for kind, rx in _FULL_RE:
        if rx.fullmatch(norm):
            return kind
    if _is_menu_row(norm):
        return "navigation"
    words = len(_WORD.findall(norm))
    if words <= _NOTICE_MAX_WORDS:
        for kind, rx in _CONTAINS_RE:
            m = rx.search(norm)
            # the notice must be what the line is about, not a phrase quoted inside it
            if m and (words <= 25 or m.start() <= len(norm) // 3):
                return kind
    return None


def _is_list_item(line: str) -> bool:
    """A link title: short, and at most one sentence (headlines may end with a period)."""
    words = _WORD.findall(line)
    if not 0 < len(words) <= 20:
        return False
    line = line.rstrip()
    return not _SENTENCE_END.search(line) or (
        len(words) <= 15 and not re.search(r"[a-z][.!?][\"'”’]?\s+[A-Z]", line)
    )


def _is_fragment(line: str) -> bool:
    """A menu fragment: a few words, no sentence punctuation."""
    words = _WORD.findall(line)
    return len(words) <= 4 and not _SENTENCE_END.search(line.rstrip()) and '"' not in line


def boilerplate_kinds(lines: list[Line]) -> list[str | None]:
    """Residue kind per line (``None`` for non-residue), after all three passes."""
    kinds: list[str | None] = [residue_kind(ln.text) for ln in lines]
    strong = [k is not None for k in kinds]
    # a short line right before a by-line or dateline is a headline, never a menu item
    headline = [i + 1 < len(lines) and _is_meta(lines[i + 1].text) for i in range(len(lines))]
    # 2. list absorption: link titles after a list header
    i = 0
    while i < len(lines):
        kind = kinds[i]
        if kind in _LIST_KINDS and _is_list_item(lines[i].text):
            item = _is_list_item if _LIST_KINDS[kind] else _is_fragment
            j = i + 1
            while j < len(lines) and kinds[j] is None and item(lines[j].text) and not headline[j]:
                kinds[j] = kind
                j += 1
            i = j
        else:
            i += 1
    # 3. edge absorption: fragments sandwiched by residue at the start and at the end
    n = len(lines)
    lead = 0
    while lead < n and (
        kinds[lead] is not None or (_is_fragment(lines[lead].text) and not headline[lead])
    ):
        lead += 1
    last_strong = max((k for k in range(lead) if strong[k]), default=-1)
    for k in range(last_strong):
        if kinds[k] is None:
            kinds[k] = "navigation"
    tail = n
    while tail > 0 and (kinds[tail - 1] is not None or _is_fragment(lines[tail - 1].text)):
        tail -= 1
    first_strong = min((k for k in range(tail, n) if strong[k]), default=n)
    for k in range(first_strong + 1, n):
        if kinds[k] is None:
            kinds[k] = kinds[k - 1]
    return kinds


# -- by-line and dateline -------------------------------------------------------------------

_NAME_TOKEN = (
    r"(?:[A-Z][\w'’.\-]*|[A-Z]\.|(?:de|da|di|du|del|van|von|der|den|bin|ibn|al|el|la|le|ter|ten)\b)"
)
_NAME = rf"{_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{0,4}}"
_BYLINE_RE = re.compile(
    rf"^(?i:(?:(?:written|words|story|reported|posted|compiled)\s+)?by:?)\s+"
    rf"(?P<names>{_NAME}(?:\s*(?:,|\band\b|&)\s*{_NAME})*)"
    r"(?P<tail>\s*(?:[,|•·/–—-]|\bfor\b|\bin\b|\bon\b).*)?$"
)
_AUTHOR_LABEL_RE = re.compile(r"^(?:author|authors|reporter)\s*:\s*(?P<names>.+)$", re.I)
_TAIL_OK = re.compile(
    r"^(?:[A-Z0-9][\w'’.&-]*|of|the|for|and|at|in|on|de|staff|writer|correspondent|"
    r"reporter|editor|contributor)$"
)


def byline_authors(line: str) -> tuple[list[str], str | None] | None:
    """``(authors, date)`` if ``line`` is a by-line ("By Jafar Razi Khan"), else ``None``."""
    norm = _norm(line)
    if len(norm.split()) > 20:
        return None
    m = _BYLINE_RE.match(norm)
    if m is not None:
        names, tail = _split_names(m.group("names"), m.group("tail") or "")
        tail = tail.strip(_EDGE_CHARS + ",/")
        found = find_date(tail) if tail else None
        date = found.iso if found else None  # None too when the date is ambiguous (03/04/2019)
        if tail and found is None and not all(_TAIL_OK.match(w) for w in tail.split()):
            return None
    else:
        m = _AUTHOR_LABEL_RE.match(norm)
        if m is None or len(m.group("names").split()) > 12:
            return None
        names, date = m.group("names"), None
    authors = [_name_case(a) for a in re.split(r"\s*(?:,|\band\b|&)\s*", names) if a.strip()]
    if not authors or any(not a[:1].isupper() for a in authors):
        return None
    return authors, date


def _split_names(names: str, tail: str) -> tuple[str, str]:
    """Without "and"/"&", a comma starts the tail ("By John Smith, Associated Press")."""
    joiner = list(re.finditer(r"\band\b|&", names))
    head, last = (names[: joiner[-1].end()], names[joiner[-1].end() :]) if joiner else ("", names)
    if "," in last:
        last, extra = last.split(",", 1)
        tail = "," + extra + tail
    return head + last, tail


def _name_case(name: str) -> str:
    name = " ".join(name.split()).strip(" .,")
    return name.title() if name.isupper() and len(name) > 3 else name


def _is_meta(line: str) -> bool:
    return byline_authors(line) is not None or is_dateline(line)


# -- title ----------------------------------------------------------------------------------


def _is_title_like(line: str) -> bool:
    words = _WORD.findall(line)
    return 0 < len(words) <= 40 and len(line) <= 300 and not line.rstrip().endswith((":", ","))


def _followed_by_blank(text: str, line: Line) -> bool:
    return _BLANK_AFTER.match(text, line.end) is not None


# -- the analyzer ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LineLabel:
    line: Line
    label: str  # title | byline | dateline | body | boilerplate
    kind: str | None = None  # residue kind for boilerplate


#: How many non-residue lines at the top may hold the title, by-line and dateline.
_HEADER_LINES = 6


def label_lines(text: str, html_title: str | None = None) -> list[LineLabel]:
    """Label every non-blank line of ``text``; the basis of the ``regions`` layer."""
    lines = split_lines(text)
    kinds = boilerplate_kinds(lines)
    labels: list[str] = ["boilerplate" if k is not None else "body" for k in kinds]
    content = [i for i, k in enumerate(kinds) if k is None]
    header = content[:_HEADER_LINES]
    title_done = False
    for i in header:
        line = lines[i]
        if byline_authors(line.text) is not None:
            labels[i] = "byline"
            title_done = True  # the headline comes before the by-line, never after
            continue
        if is_dateline(line.text):
            labels[i] = "dateline"
            continue
        if title_done:
            break
        title_done = True
        if _is_title(text, lines, i, content, html_title):
            labels[i] = "title"
        else:
            break
    return [LineLabel(ln, lab, k) for ln, lab, k in zip(lines, labels, kinds, strict=True)]


def _is_title(
    text: str, lines: list[Line], i: int, content: list[int], html_title: str | None
) -> bool:
    line = lines[i]
    if content[-1] == i:  # a lone line is the article, not its title
        return False
    if html_title is not None:
        return _same(line.text, html_title)
    if not _is_title_like(line.text):
        return False
    nxt = content[content.index(i) + 1]
    nxt_is_meta = byline_authors(lines[nxt].text) is not None or is_dateline(lines[nxt].text)
    return bool(
        _followed_by_blank(text, line)
        or nxt_is_meta
        or not _SENTENCE_END.search(line.text)
        or _is_headline_cry(line.text)
    )


def _is_headline_cry(line: str) -> bool:
    """A short exclamation or question in headline case: "Yikes!", "From Bad To Worse?".

    Ends in ``!`` or ``?``, at most 12 words, and one word or every word of four letters or
    more capitalised: a sentence-case question opening the body ("Why does it matter?") is not.
    """
    if not re.search(r"[!?][\"'”’»)]*$", line):
        return False
    words = _WORD.findall(line)
    if not 0 < len(words) <= 12:
        return False
    return len(words) == 1 or all(w[:1].isupper() for w in words if len(w) >= 4)


def _same(a: str, b: str) -> bool:
    def key(s: str) -> str:
        return " ".join(_WORD.findall(s.casefold()))

    return key(a) == key(b)


class Cleaner:
    """Write the ``regions`` layer and fill title / authors / published from the header.

    For HTML input (trafilatura metadata present) the metadata is kept; the text's own
    header only fills fields the metadata left empty. When ingest seeded the regions from the
    page (body found by trafilatura, the rest of the page as boilerplate), they are refined
    rather than guessed again: see :func:`label_html_regions`.

    A publication date read from the text (:func:`spinscope.dates.publication_date`: by-line,
    dateline, or a wire dateline opening the body) is recorded with where it came from:
    ``meta["published_source"]`` (the region) and ``meta["published_span"]`` (its offsets).
    ``today`` bounds plausible dates (default: the current UTC date).
    """

    name = "clean"

    def __init__(self, today: date | None = None) -> None:
        self.today = today

    def __call__(self, doc: Document) -> Document:
        from_html = bool(doc.meta.get("html_metadata"))
        if from_html and "regions" in doc.layers:
            labelled = label_html_regions(doc.text, doc.regions, doc.authors)
        else:
            labelled = label_lines(doc.text, html_title=doc.title if from_html else None)
        doc.set_layer("regions", disjoint(doc.text, regions_from_labels(labelled)))
        for ll in labelled:
            if ll.label == "title" and not doc.title:
                doc.title = ll.line.text
            elif ll.label == "byline" and not doc.authors:
                parsed = byline_authors(ll.line.text)
                if parsed is not None:
                    doc.authors = parsed[0]
        if not doc.published:  # the input's metadata always wins over the text
            lines = [Span(ll.line.start, ll.line.end, ll.label) for ll in labelled]
            found = publication_date(doc.text, lines, today=self.today)
            if found is not None:
                doc.published = found.iso
                doc.meta.update(found.meta())
        return doc

    def pipe(self, docs: Iterable[Document]) -> Iterable[Document]:
        return [self(d) for d in docs]


def label_html_regions(
    text: str, seeded: list[Span], authors: Iterable[str] = ()
) -> list[LineLabel]:
    """Refine the regions ingest seeded for an HTML page (``spinscope.ingest.html``).

    Outside trafilatura's body everything stays boilerplate (the title stays title), except
    a by-line or dateline between the headline and the body: a "By …" line, or a short line
    that opens with one of the page's ``authors`` ("Finian Cunningham Sputnik International").
    Inside the body, the residue passes still run: trafilatura lets "Share this" or "Related
    Posts" lists through.
    """
    author_keys = [k for k in (_words_key(a) for a in authors) if k]
    units = [Line(i, s.start, s.end, text[s.start : s.end]) for i, s in enumerate(seeded)]
    labels = [s.label for s in seeded]
    kinds: list[str | None] = [s.attrs.get("kind") for s in seeded]
    for i, lab in enumerate(labels):
        if lab == "boilerplate" and kinds[i] in (None, "page"):
            kinds[i] = residue_kind(units[i].text) or "page"  # "page": outside the article
    body = [i for i, lab in enumerate(labels) if lab == "body"]
    for i, kind in zip(body, boilerplate_kinds([units[i] for i in body]), strict=True):
        if kind is not None:
            labels[i], kinds[i] = "boilerplate", kind
    first_body = next((i for i, lab in enumerate(labels) if lab == "body"), len(labels))
    titles = [i for i in range(first_body) if labels[i] == "title"]
    start = titles[-1] + 1 if titles else max(0, first_body - _HEADER_LINES)
    for i in range(start, min(first_body + 2, len(units))):
        if labels[i] not in ("body", "boilerplate"):
            continue
        if byline_authors(units[i].text) is not None or _names_author(units[i].text, author_keys):
            labels[i], kinds[i] = "byline", None
        elif is_dateline(units[i].text):
            labels[i], kinds[i] = "dateline", None
    return [LineLabel(u, lab, k) for u, lab, k in zip(units, labels, kinds, strict=True)]


def _words_key(s: str) -> str:
    return " ".join(_WORD.findall(s.casefold()))


def _names_author(line: str, author_keys: list[str]) -> bool:
    """A short line without sentence punctuation that opens with a known author's name."""
    key = _words_key(line)
    if not key or len(key.split()) > 12 or _SENTENCE_END.search(line.rstrip()):
        return False
    return any(key == a or key.startswith(a + " ") for a in author_keys)


def disjoint(text: str, spans: Iterable[Span]) -> list[Span]:
    """``spans`` in order with no two overlapping: where one starts inside an earlier one, it
    starts after it instead (whitespace trimmed), or goes if nothing of it is left."""
    out: list[Span] = []
    for s in sorted(spans, key=lambda s: (s.start, -s.end)):
        start, end = (max(s.start, out[-1].end), s.end) if out else (s.start, s.end)
        while start < end and text[start].isspace():
            start += 1
        if start >= end:
            continue
        out.append(s if start == s.start else Span(start, end, s.label, dict(s.attrs)))
    return out


def regions_from_labels(labelled: list[LineLabel]) -> Iterable[Span]:
    """One span per title/by-line/dateline/boilerplate line; consecutive body lines merge."""
    body_start: int | None = None
    body_end = 0
    for ll in labelled:
        if ll.label == "body":
            if body_start is None:
                body_start = ll.line.start
            body_end = ll.line.end
            continue
        if body_start is not None:
            yield Span(body_start, body_end, "body")
            body_start = None
        attrs = {"kind": ll.kind} if ll.kind else {}
        yield Span(ll.line.start, ll.line.end, ll.label, attrs)
    if body_start is not None:
        yield Span(body_start, body_end, "body")
