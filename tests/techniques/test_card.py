"""The technique model card: hand-maintained sections survive a retrained card."""

from __future__ import annotations

from pathlib import Path

from spinscope.techniques.card import KEPT_MARKER, kept_sections

CARD = Path(__file__).resolve().parents[2] / "src/spinscope/models/techniques/MODEL_CARD.md"


def test_kept_sections_are_the_tail_from_the_marker() -> None:
    old = f"# Card\n\n## Limits\n\nold text\n\n{KEPT_MARKER}\n\n## Evidence index\n\nby hand\n"
    assert kept_sections(old) == f"\n{KEPT_MARKER}\n\n## Evidence index\n\nby hand\n"
    assert kept_sections("# Card without a marker\n") == ""


def test_the_shipped_card_keeps_its_hand_sections() -> None:
    tail = kept_sections(CARD.read_text(encoding="utf-8"))
    for heading in ("## Beyond the training corpus", "## Windows", "## Evidence index"):
        assert heading in tail
