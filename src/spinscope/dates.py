"""Publication dates read from the text itself: the date shapes of news headers, as ISO dates.

Plain scraped text carries no metadata, but its header often says when it was published: a
dateline ("Published: 12 March 2019", "Updated 3:45 PM ET, Tue June 4, 2019", "March 5, 2019 |"),
a by-line with a date ("By Ann Lee | 2019-03-05"), or a wire dateline opening the first paragraph
("WASHINGTON, Nov. 3, 2019 (Reuters) - …"). The clean stage (:mod:`spinscope.clean`) labels the
lines; :func:`publication_date` picks the date from those regions. A date from the input's
metadata (HTML, a JSONL field, the web form) always wins: the cleaner only asks when there is none.

Shapes recognised (:func:`find_date`; weekday names and ordinal suffixes are allowed):

* ``March 5, 2019``, ``Mar. 5 2019``, ``5 March 2019``, ``5th of March, 2019`` → ``2019-03-05``;
* ``2019-03-05`` (a time may follow: ``2019-03-05T08:00:00Z``) and ``2019/03/05``;
* numeric day and month, ``14/02/2023`` or ``2/14/2023``: read the only way that is a date. When
  both numbers could be the month and differ (``03/04/2019``) the date is *ambiguous* and gives
  no date: US and day-first orders are both common in scraped news and a wrong date is worse
  than none. Dotted dates (``03.04.2019``) are day-first, the only order written with dots;
* ``March 2019`` → ``2019-03`` (month precision), only as a line of its own (after an optional
  "Published:") or in a by-line; never from prose.

Never invented: no two-digit years, no dates without a year (a Reuters dateline's "Nov. 3" would
need a guessed year), nothing from running prose ("in March the minister …", "on March 12, 2021
the vote …"); only dateline- and by-line-shaped lines near the top count. A date before 1900 or
more than :data:`FUTURE_SLACK_DAYS` days after today is not a publication date.

The library parsers were not used: ``dateutil``'s parser fills missing parts from a default date
(inventing a year or day), ``dateparser`` reads dates out of any prose, and neither is a direct
dependency of spinscope (both come with trafilatura).

Standard library only (as :mod:`spinscope.document`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from spinscope.document import Span

#: A date this many days after today is still accepted (time zones, embargoed copy).
FUTURE_SLACK_DAYS = 3
#: Earliest publication date accepted.
EARLIEST = date(1900, 1, 1)
#: How many body lines (from the first) may open with a wire dateline.
BODY_LINES = 2
#: ``Document.meta`` keys written when the date came from the text (absent when it came from the
#: input's metadata): the region it was read from, and the date's offsets in ``Document.text``.
SOURCE_KEY = "published_source"
SPAN_KEY = "published_span"
#: Values of ``meta["published_source"]`` (``body``: a wire dateline opening the first lines).
SOURCES = ("byline", "dateline", "body")

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH_NAMES = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)


def _month(name: str) -> str:
    return rf"\b(?P<{name}>{_MONTH_NAMES})(?![a-z])\.?"


_WEEKDAY = (
    r"(?:\b(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?(?![a-z])\.?,?\s+)?"
)
_ORD = r"(?:st|nd|rd|th)?"
_YEAR = r"(?P<{0}>\d{{4}})(?!\d)"
DATE_RE = re.compile(
    _WEEKDAY
    + r"(?:"
    + rf"{_month('m1')}\s+(?P<d1>\d{{1,2}}){_ORD},?\s+{_YEAR.format('y1')}"
    + rf"|\b(?P<d2>\d{{1,2}}){_ORD}\s+(?:of\s+)?{_month('m2')},?\s+{_YEAR.format('y2')}"
    + r"|\b(?P<y3>\d{4})(?P<s3>[-/])(?P<m3>\d{1,2})(?P=s3)(?P<d3>\d{1,2})(?!\d)"
    + r"|\b(?P<a4>\d{1,2})(?P<s4>[/.])(?P<b4>\d{1,2})(?P=s4)(?P<y4>\d{4})(?!\d)"
    + rf"|{_month('m5')},?\s+{_YEAR.format('y5')}"
    + r")",
    re.I,
)
TIME_RE = re.compile(
    r"(?:\bat\s+)?\b\d{1,2}[:.]\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?(?:\s*\(?[A-Z]{2,5}\)?)?"
    r"|T\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?",
    re.I,
)
DATE_PREFIX = re.compile(
    r"^(?:(?:first |last )?(?:published|updated|posted|modified|date|dated|released)"
    r"(?:\s+(?:on|at))?\s*:?\s*)+",
    re.I,
)
_UPDATED = re.compile(r"^(?:last\s+)?(?:updated|modified)\b", re.I)
_PUBLISHED = re.compile(r"^(?:first\s+)?(?:published|posted|released|dated?)\b", re.I)
_EDGE = " \t•·*#»«›‹|>–—-:=_~\u00a0\u200b"
#: Words a dateline may hold beside its date and time ("Updated at 10:15 GMT on …").
_FILLER = {"at", "on", "gmt", "utc", "et", "est", "edt", "pt", "pst", "pdt", "bst", "cet"}
#: A wire dateline's place: capitalised words, optionally ", Region" (up to two), then a comma.
_PLACE = r"[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}"
_WIRE_PLACE = re.compile(rf"{_PLACE}(?:,\s*{_PLACE}){{0,2}},\s*")
#: After a wire dateline's date: a time, "(Reuters)" or "/PRNewswire/", then a dash, bar or colon.
_WIRE_TAIL = re.compile(
    r",?\s*(?:(?:at\s+)?\d{1,2}[:.]\d{2}(?:\s*[aApP]\.?[mM]\.?)?(?:\s+[A-Z]{2,4})?\s*)?"
    r"(?:\([^()\n]{1,40}\)\s*|/[^/\n]{1,40}/\s*)?(?:--?|[–—|:])"
)


@dataclass(frozen=True)
class DateMatch:
    """A date shape at ``[start, end)`` of the string searched; ``iso`` is ``YYYY-MM-DD`` (or
    ``YYYY-MM`` for ``March 2019``), None when the shape is no calendar date or is ambiguous."""

    start: int
    end: int
    iso: str | None
    ambiguous: bool = False

    @property
    def precision(self) -> str:
        return "month" if self.iso is not None and len(self.iso) == 7 else "day"


@dataclass(frozen=True)
class Published:
    """A publication date read from the text: where (region label) and at which offsets."""

    iso: str
    source: str  # one of SOURCES
    start: int
    end: int

    def meta(self) -> dict[str, Any]:
        """The ``Document.meta`` entries that record where the date came from."""
        return {SOURCE_KEY: self.source, SPAN_KEY: {"start": self.start, "end": self.end}}


def _iso(y: int, mo: int, d: int | None) -> str | None:
    if not (1800 <= y <= 2200 and 1 <= mo <= 12):
        return None
    try:
        date(y, mo, d or 1)
    except ValueError:
        return None
    return f"{y:04d}-{mo:02d}" if d is None else f"{y:04d}-{mo:02d}-{d:02d}"


def _month_number(name: str) -> int:
    # casefold: under re.I a month name may match with "ſ" (long s) for "s"
    return _MONTHS.get(name[:3].casefold(), 0)


def _resolve(m: re.Match[str]) -> DateMatch:
    g = m.groupdict()
    ambiguous = False
    d: int | None
    if g["y1"]:
        y, mo, d = int(g["y1"]), _month_number(g["m1"]), int(g["d1"])
    elif g["y2"]:
        y, mo, d = int(g["y2"]), _month_number(g["m2"]), int(g["d2"])
    elif g["y3"]:
        y, mo, d = int(g["y3"]), int(g["m3"]), int(g["d3"])
    elif g["y4"]:
        a, b, y = int(g["a4"]), int(g["b4"]), int(g["y4"])
        if g["s4"] == ".":  # dotted dates are day-first wherever they are written
            d, mo = a, b
        elif a == b:
            mo = d = a
        elif a <= 12 and b <= 12:  # 03/04/2019: March 4 in the US, 3 April elsewhere
            return DateMatch(m.start(), m.end(), None, ambiguous=True)
        elif a > 12:
            d, mo = a, b
        else:
            mo, d = a, b
    else:
        y, mo, d = int(g["y5"]), _month_number(g["m5"]), None
    return DateMatch(m.start(), m.end(), _iso(y, mo, d), ambiguous)


def find_date(s: str, pos: int = 0) -> DateMatch | None:
    """The first date shape in ``s`` at or after ``pos`` (offsets index ``s``)."""
    m = DATE_RE.search(s, pos)
    return _resolve(m) if m else None


def parse_date(s: str) -> str | None:
    """ISO form of the first date in ``s``; None when there is none or it is ambiguous."""
    m = find_date(s)
    return m.iso if m else None


def plausible(iso: str, today: date | None = None) -> bool:
    """Whether ``iso`` (``YYYY-MM-DD`` or ``YYYY-MM``) can be a publication date: not before
    :data:`EARLIEST`, not more than :data:`FUTURE_SLACK_DAYS` days after ``today``."""
    try:
        y, mo, *rest = (int(p) for p in iso.split("-"))
        when = date(y, mo, rest[0] if rest else 1)
    except ValueError:
        return False
    today = today or datetime.now(timezone.utc).date()
    return EARLIEST <= when <= today + timedelta(days=FUTURE_SLACK_DAYS)


def _strip(line: str) -> str:
    return " ".join(line.split()).strip(_EDGE)


def dateline_match(line: str) -> DateMatch | None:
    """The date of ``line`` if the line is a dateline: a date, with an optional prefix
    ("Published:", "Updated"), time and weekday, and at most two other words ("| Politics");
    a month without a day ("March 2019") only on its own. Offsets index ``line``."""
    norm = _strip(line)
    if len(norm.split()) > 15:
        return None
    found = find_date(norm)
    if found is None:
        return None
    rest = DATE_PREFIX.sub("", norm)
    rest = DATE_RE.sub(" ", rest, count=1)
    rest = TIME_RE.sub(" ", rest)
    leftover = [w for w in re.findall(r"[^\W\d_]+", rest) if w.lower() not in _FILLER]
    if len(leftover) > (0 if found.precision == "month" else 2):
        return None
    return find_date(line)  # the same date, at its offsets in the line as received


def is_dateline(line: str) -> bool:
    """Whether ``line`` is dateline-shaped (even when its date is ambiguous)."""
    return dateline_match(line) is not None


def dateline_date(line: str) -> str | None:
    """ISO date if ``line`` is a dateline (see :func:`dateline_match`), else None."""
    m = dateline_match(line)
    return m.iso if m else None


def wire_dateline(line: str) -> DateMatch | None:
    """A dated wire dateline opening ``line``: "WASHINGTON, Nov. 3, 2019 (Reuters) - …",
    "LONDON, 12 March 2019 /PRNewswire/ -- …" or "March 5, 2019 | …"; day precision only.
    "MOSCOW (AP) — …" and "WASHINGTON, Nov. 3 (Reuters) -" carry no (full) date: None."""
    place = _WIRE_PLACE.match(line)
    for pos in [place.end(), 0] if place else [0]:
        m = DATE_RE.match(line, pos)
        if m is None:
            continue
        found = _resolve(m)
        if found.precision == "day" and _WIRE_TAIL.match(line, m.end()):
            return found
    return None


def _rank(label: str, line: str) -> int:
    """Which date wins when several are found: "Published" lines, then plain datelines and
    by-lines, then a wire dateline in the body, then "Updated" lines; then text order."""
    head = _strip(line)
    if label == "body":
        return 2
    if _UPDATED.match(head):
        return 3
    return 0 if _PUBLISHED.match(head) else 1


def publication_date(
    text: str, lines: Iterable[Span], today: date | None = None
) -> Published | None:
    """The publication date the text states, from its labelled lines (one span per non-blank
    line, in text order, labelled as the clean stage does: title, byline, dateline, body,
    boilerplate): by-lines and datelines, and wire datelines opening the first
    :data:`BODY_LINES` body lines. Only plausible dates (:func:`plausible`) count."""
    found: list[tuple[int, int, Published]] = []
    body_seen = 0
    for span in lines:
        line = text[span.start : span.end]
        m: DateMatch | None
        if span.label == "byline":
            m = find_date(line)
        elif span.label == "dateline":
            m = dateline_match(line)
        elif span.label == "body" and body_seen < BODY_LINES:
            body_seen += 1
            m = wire_dateline(line)
        else:
            continue
        if m is None or m.iso is None or not plausible(m.iso, today):
            continue
        pub = Published(m.iso, span.label, span.start + m.start, span.start + m.end)
        found.append((_rank(span.label, line), span.start, pub))
    return min(found, key=lambda f: (f[0], f[1]))[2] if found else None
