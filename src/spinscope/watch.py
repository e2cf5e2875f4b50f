"""Watch terms: a user's own list of words and phrases, marked wherever they occur (``watch`` layer).

A terms file has one term per line; blank lines and lines starting with ``#`` are skipped (write
``\\#tag`` for a term that itself starts with ``#``). Matching is case-insensitive (Unicode
case folding as Python's ``re`` does it), on whole words only ("coup" is not found in "coups"),
and a space inside a term matches any run of white space, so a multi-word term is found across a
line break. A match never ends before a combining mark or a joiner, so it never cuts a
character a reader sees as one.

The layer is the user's, not the model's: its spans (label: the term as written in the file) are
kept apart from ``techniques``, drawn in their own colour, and counted in no technique statistic.
Like the techniques, terms are looked for in the analysed regions (title and body).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

from spinscope.document import Document, Span

LAYER = "watch"
#: Most terms a list may hold (one regular expression of all terms is built per list).
MAX_TERMS = 2000
#: Longest term, in characters.
MAX_TERM_CHARS = 200

__all__ = ["LAYER", "WatchTerms", "WatchTermsError", "find_terms", "parse_terms", "read_terms"]


class WatchTermsError(ValueError):
    """A terms file or list that cannot be used; the message is one line and names the file."""


def parse_terms(lines: Iterable[str], where: str = "terms") -> tuple[str, ...]:
    """The terms of a list's lines, in order, without duplicates (case and spacing ignored)."""
    out: list[str] = []
    seen: set[str] = set()
    for n, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("\\#"):
            line = line[1:]
        term = " ".join(line.split())
        if len(term) > MAX_TERM_CHARS:
            raise WatchTermsError(f"{where}:{n}: term longer than {MAX_TERM_CHARS} characters")
        if not any(ch.isalnum() for ch in term):
            raise WatchTermsError(f"{where}:{n}: term {term[:40]!r} has no letter or digit")
        key = term.casefold()
        if key not in seen:
            seen.add(key)
            out.append(term)
        if len(out) > MAX_TERMS:
            raise WatchTermsError(f"{where}: more than {MAX_TERMS} terms")
    return tuple(out)


def read_terms(path: Path | str) -> tuple[str, ...]:
    """Read a terms file (UTF-8, BOM allowed); any problem is one :class:`WatchTermsError`."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise WatchTermsError(f"{path}: terms file not found") from None
    except IsADirectoryError:
        raise WatchTermsError(f"{path}: is a folder, not a terms file") from None
    except UnicodeDecodeError as exc:
        raise WatchTermsError(
            f"{path}: not UTF-8 text (byte {exc.start}); save the terms file as UTF-8"
        ) from None
    except OSError as exc:
        raise WatchTermsError(f"{path}: cannot read terms file ({exc.strerror})") from None
    if "\x00" in text:
        raise WatchTermsError(f"{path}: a binary file, not a list of terms")
    terms = parse_terms(text.splitlines(), str(path))
    if not terms:
        raise WatchTermsError(f"{path}: no terms (one per line; '#' starts a comment line)")
    return terms


def _pattern(terms: Sequence[str]) -> re.Pattern[str]:
    # longest first, so that of two terms starting at one place the longer one is tried first
    alts = [
        r"\s+".join(re.escape(w) for w in t.split())
        for t in sorted(terms, key=lambda t: (-len(t), t))
    ]
    # whole words: no word character just before or after (a term's own edge may be a symbol,
    # e.g. '#tag'; then the edge check below still keeps it off the middle of a word)
    return re.compile(r"(?<!\w)(?:" + "|".join(alts) + r")(?!\w)", re.IGNORECASE)


def _glued(text: str, i: int) -> bool:
    """Whether a boundary before ``text[i]`` would split one user-perceived character."""
    if i <= 0 or i >= len(text):
        return False
    nxt, prev = text[i], text[i - 1]
    return (
        unicodedata.category(nxt) in ("Mn", "Me", "Mc")
        or nxt in "\u200d\ufe0e\ufe0f"
        or prev == "\u200d"
        or 0x1F3FB <= ord(nxt) <= 0x1F3FF
    )


def find_terms(
    text: str, terms: Sequence[str], ranges: Sequence[tuple[int, int]] | None = None
) -> list[Span]:
    """Every whole-word occurrence of each term inside ``ranges`` (default: all of ``text``),
    labelled with the term as listed. Occurrences of different terms may overlap ("regime" and
    "regime change"): both are kept."""
    if not terms:
        return []
    anywhere = _pattern(terms)
    singles = [(t, _single(t)) for t in terms]
    found: set[tuple[int, int, str]] = set()
    for a, b in ranges if ranges is not None else [(0, len(text))]:
        pos = a
        while pos < b:
            m = anywhere.search(text, pos, b)
            if m is None:
                break
            start = m.start()
            for term, pat in singles:  # every term that starts here, not only the longest
                hit = pat.match(text, start, b)
                if hit is not None and not (_glued(text, start) or _glued(text, hit.end())):
                    found.add((start, hit.end(), term))
            pos = start + 1
    return [Span(a, b, t) for a, b, t in sorted(found)]


_SINGLE: dict[str, re.Pattern[str]] = {}


def _single(term: str) -> re.Pattern[str]:
    pat = _SINGLE.get(term)
    if pat is None:
        if len(_SINGLE) > 4 * MAX_TERMS:
            _SINGLE.clear()
        pat = _SINGLE[term] = _pattern([term])
    return pat


class WatchTerms:
    """Adds the ``watch`` layer: each occurrence of the user's terms in the analysed regions."""

    name = LAYER
    #: reads only regions and text
    parallel_with_parse = True

    def __init__(self, terms: Sequence[str]) -> None:
        self.terms = tuple(terms)

    @classmethod
    def from_file(cls, path: Path | str) -> WatchTerms:
        return cls(read_terms(path))

    def __call__(self, doc: Document) -> Document:
        doc.set_layer(LAYER, self.spans(doc))
        return doc

    def spans(self, doc: Document) -> list[Span]:
        """The occurrences in ``doc``'s title and body (all of its text when it has no
        regions), without touching ``doc``."""
        if "regions" in doc.layers:
            ranges = [(r.start, r.end) for r in doc.regions if r.label in ("title", "body")]
        else:
            ranges = [(0, len(doc.text))]
        return find_terms(doc.text, self.terms, sorted(ranges))
