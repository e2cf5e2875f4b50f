"""One attribution before speaker resolution: what the rules and the tagger both produce."""

from __future__ import annotations

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
