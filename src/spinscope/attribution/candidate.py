"""One attribution before speaker resolution: what the rules and the tagger both produce."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from spinscope.attribution.rules import Token


@dataclass
class Candidate:
    """One attribution before speaker resolution; offsets index the full text."""

    content: tuple[int, int]
    cue: tuple[int, int] | None
    source: tuple[int, int] | None
    score: float
    origin: str
    cue_token: Token | None = None
    source_token: Token | None = None
    continues: int | None = None  # index of the candidate whose speaker this one continues
    extra: dict[str, Any] = field(default_factory=dict)


def continues_statement(text: str, cands: Sequence[Candidate], i: int) -> int | None:
    """The earlier row whose statement row ``i`` goes on with, if any: a quotation that goes on
    after the cue in the same paragraph ("“…,” she said. “…”"), or a second quote of the same
    cue ("“…,” Devine said, “…”"). PolNeAR annotates such pieces as one attribution; the row
    says so with ``continues``. A bare quote in a later paragraph keeps the speaker before it
    but is a statement of its own."""
    c = cands[i]
    j = c.continues
    if j is None and c.cue is not None:
        j = next((k for k in range(i - 1, -1, -1) if cands[k].cue == c.cue), None)
    if j is None or not 0 <= j < i:
        return None
    prev = cands[j]
    if prev.content[1] > c.content[0] or "\n" in text[prev.content[1] : c.content[0]]:
        return None
    return j
