"""Whose voice each technique span is in: the outlet's narration or a quoted speaker's.

A technique inside an attribution's content is the speaker's; anywhere else it is the outlet's.
When contents nest (a speaker quoting someone), the innermost (shortest) content wins.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from spinscope.document import Document, Span


class VoiceAssigner:
    """Callable ``Document -> Document``: sets ``attrs["voice"]`` on every ``techniques`` span."""

    name = "voice"

    def __call__(self, doc: Document) -> Document:
        atts = doc.layer("attributions")
        techniques = doc.layer("techniques")
        if not techniques:
            return doc
        out = []
        for t in techniques:
            owner = voice_of(t, atts, doc.text)
            if owner is None:
                voice = {"kind": "outlet", "attribution": None}
            else:
                voice = {"kind": "attributed", "attribution": owner}
            attrs: dict[str, Any] = {**t.attrs, "voice": voice}
            out.append(replace(t, attrs=attrs))  # Span is frozen
        doc.set_layer("techniques", out)
        return doc


def voice_of(span: Span, attributions: list[Span], text: str | None = None) -> str | None:
    """The id of the innermost attribution containing ``span``, or None (the outlet).

    A span that runs a little past a quoted attribution ("critics’ “corporate” takeover",
    "called it “a shameful betrayal” of the workers") is the quoted speaker's when the quote
    holds the span's first word and at most ``SPILL_WORDS`` words lie outside it: the scare
    quotes say whose word it is; the outlet only adds the noun it qualifies."""
    inside = [a for a in attributions if a.contains(span)]
    if inside:
        return min(inside, key=lambda a: a.end - a.start).attrs.get("id")
    if text is None:
        return None
    led = _led_by_cue(span, attributions, text)
    if led is not None:
        return led
    best = None
    for a in attributions:
        if a.label not in ("direct", "mixed") or not (a.start <= span.start < a.end):
            continue
        outside = text[a.end : span.end].split()
        if len(outside) <= SPILL_WORDS and (
            best is None or a.end - a.start < best.end - best.start
        ):
            best = a
    return best.attrs.get("id") if best is not None else None


SPILL_WORDS = 1

CUE_GAP_WORDS = 4


def _led_by_cue(span: Span, attributions: list[Span], text: str) -> str | None:
    """ "opponents [called a shameful betrayal]", "branded [the protesters violent thugs]": a
    span that starts at an attribution's cue, or between the cue and its content, and ends in
    that content is the caller's words (the cue and its object add nothing of the outlet's)."""
    best = None
    for a in attributions:
        cue = a.attrs.get("cue")
        if not isinstance(cue, dict) or "start" not in cue or cue["end"] > a.start:
            continue  # only a cue that comes before its content
        if not (cue["start"] <= span.start <= a.start and a.start < span.end <= a.end):
            continue
        gap = text[cue["end"] : a.start]
        if len(gap.split()) > CUE_GAP_WORDS or any(ch in gap for ch in ".!?\n"):
            continue
        if best is None or a.end - a.start < best.end - best.start:
            best = a
    return best.attrs.get("id") if best is not None else None
