"""Quoted stretches of text: curly and straight quotes, unbalanced ones, paragraph continuations.

News text is messy: opening quotes without a closing one, a nested opening quote that never
closes, and the print convention where a quote running over several paragraphs reopens each
paragraph with “ but closes only at the end. Rather than fail, each unmatched opening quote runs
to the next top-level opening quote or to the end of its paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OPEN_CURLY = "“„«"
CLOSE_CURLY = "”»"
STRAIGHT = '"'
_PARA = re.compile(r"[^\n]+")


@dataclass(frozen=True)
class Quote:
    """``[start, end)`` includes the quote marks; ``open_ended`` when no closing mark was found."""

    start: int
    end: int
    open_ended: bool = False
    paragraph_start: bool = False

    @property
    def inner(self) -> tuple[int, int]:
        end = self.end if self.open_ended else self.end - 1
        return self.start + 1, max(self.start + 1, end)


def _is_open_straight(text: str, i: int, para_start: int, para_end: int) -> bool | None:
    before = text[i - 1] if i > para_start else " "
    after = text[i + 1] if i + 1 < para_end else " "
    if (before.isspace() or before in "([{—–-") and not after.isspace():
        return True
    if after.isspace() or after in ".,;:!?)]}—–-":
        return False
    return None


def find_quotes(text: str, start: int = 0, end: int | None = None) -> list[Quote]:
    """Outermost quoted stretches in ``text[start:end]``, in order, offsets into ``text``."""
    end = len(text) if end is None else end
    out: list[Quote] = []
    for m in _PARA.finditer(text, start, end):
        out.extend(_paragraph_quotes(text, m.start(), m.end()))
    return out


def _paragraph_quotes(text: str, ps: int, pe: int) -> list[Quote]:
    first = ps
    while first < pe and text[first].isspace():
        first += 1
    stack: list[int] = []
    closed: list[tuple[int, int]] = []
    opened_unmatched: list[int] = []
    for i in range(ps, pe):
        ch = text[i]
        if ch in OPEN_CURLY:
            stack.append(i)
        elif ch in CLOSE_CURLY:
            if stack:
                closed.append((stack.pop(), i + 1))
        elif ch == STRAIGHT:
            opening = _is_open_straight(text, i, ps, pe)
            if opening is None:
                opening = not (stack and text[stack[-1]] == STRAIGHT)
            if opening:
                stack.append(i)
            elif stack:
                closed.append((stack.pop(), i + 1))
    opened_unmatched.extend(stack)
    # Unmatched openings run to the next top-level opening after them, or the paragraph end.
    spans: list[tuple[int, int, bool]] = [(a, b, False) for a, b in closed]
    for o in opened_unmatched:
        stop = pe
        for a in sorted([a for a, _ in closed] + opened_unmatched):
            if a > o and _sentence_initial(text, a, ps):
                stop = a
                break
        while stop > o + 1 and text[stop - 1].isspace():
            stop -= 1
        spans.append((o, stop, True))
    spans.sort(key=lambda t: (t[0], -t[1]))
    result: list[Quote] = []
    for a, b, open_ended in spans:
        if result and a < result[-1].end:
            continue  # nested inside an outer quote
        if b - a < 2:
            continue
        result.append(Quote(a, b, open_ended, paragraph_start=(a == first)))
    return result


def _sentence_initial(text: str, i: int, ps: int) -> bool:
    j = i - 1
    while j >= ps and text[j].isspace():
        j -= 1
    return j < ps or text[j] in ".!?:…;"
