"""Span hygiene for the attribution layer: no whitespace at a span's edges, no cut grapheme.

A grapheme cluster is what a reader sees as one character: a flag is two regional indicators,
a thumbs-up with a skin tone is two code points, a family emoji is several joined by ZWJ, an
accented letter may be a base plus combining marks. Offsets that fall inside such a cluster would
show half an emoji; ``snap`` moves them outward to the cluster's edges. This is the subset of the
Unicode extended-grapheme rules (UAX #29) that occurs in news text, kept dependency-free.
"""

from __future__ import annotations

import unicodedata

ZWJ = "\u200d"


def _is_extend(ch: str) -> bool:
    """Characters that never start a cluster: they attach to the one before."""
    cp = ord(ch)
    return (
        unicodedata.category(ch) in ("Mn", "Me", "Mc")
        or ch == ZWJ
        or 0xFE00 <= cp <= 0xFE0F  # variation selectors (emoji / text presentation)
        or 0x1F3FB <= cp <= 0x1F3FF  # skin-tone modifiers
        or 0xE0020 <= cp <= 0xE007F  # tag characters (subdivision flags)
        or cp == 0x20E3  # combining keycap
    )


def _is_regional(ch: str) -> bool:
    return 0x1F1E6 <= ord(ch) <= 0x1F1FF


def is_boundary(text: str, i: int) -> bool:
    """Whether offset ``i`` lies between two grapheme clusters of ``text``."""
    if i <= 0 or i >= len(text):
        return True
    prev, cur = text[i - 1], text[i]
    if prev == "\r" and cur == "\n":
        return False
    if _is_extend(cur):
        return False
    if prev == ZWJ:  # emoji ZWJ sequence: 👩‍👩‍👧 — the joined pictograph belongs to it
        return False
    if _is_regional(prev) and _is_regional(cur):
        # flags pair regional indicators from the start of the run: even count before → boundary
        n = 0
        j = i - 1
        while j >= 0 and _is_regional(text[j]):
            n += 1
            j -= 1
        return n % 2 == 0
    return True


def snap(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen ``[start, end)`` to grapheme-cluster edges."""
    while start > 0 and not is_boundary(text, start):
        start -= 1
    while end < len(text) and not is_boundary(text, end):
        end += 1
    return start, end


def tidy(text: str, start: int, end: int) -> tuple[int, int]:
    """Strip whitespace (paragraph breaks included) from both edges and keep whole clusters.
    A cluster cut at an edge is taken whole unless that would put whitespace at the edge (a
    combining mark after a space), in which case it is left out. All-whitespace → empty span."""
    start, end = max(0, start), min(len(text), end)
    while True:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start >= end:
            return start, start
        s2, e2 = snap(text, start, end)
        if not text[s2].isspace() and not text[e2 - 1].isspace():
            return s2, e2
        # widening reached whitespace: shrink inward past the cut cluster instead
        while start < end and not is_boundary(text, start):
            start += 1
        while end > start and not is_boundary(text, end):
            end -= 1
