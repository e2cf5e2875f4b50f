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
            owner = voice_of(t, atts)
            if owner is None:
                voice = {"kind": "outlet", "attribution": None}
            else:
                voice = {"kind": "attributed", "attribution": owner}
            attrs: dict[str, Any] = {**t.attrs, "voice": voice}
            out.append(replace(t, attrs=attrs))  # Span is frozen
        doc.set_layer("techniques", out)
        return doc


def voice_of(span: Span, attributions: list[Span]) -> str | None:
    """The id of the innermost attribution containing ``span``, or None (the outlet)."""
    inside = [a for a in attributions if a.contains(span)]
    if not inside:
        return None
    return min(inside, key=lambda a: a.end - a.start).attrs.get("id")
