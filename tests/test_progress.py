"""Long single inputs report progress per stage; the CLI shows it as bars on stderr."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from spinscope.cli import LONG_INPUT, run_with_progress
from spinscope.document import PROGRESS, Document
from spinscope.ingest import load
from spinscope.pipeline import get_pipeline

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "scraped-article.txt"


def test_every_stage_reports_until_done() -> None:
    doc = load(EXAMPLE)
    seen: dict[str, list[tuple[int, int]]] = {}
    doc.runtime[PROGRESS] = lambda stage, done, total: seen.setdefault(stage, []).append(
        (done, total)
    )
    get_pipeline()(doc)
    assert set(seen) == {"sentences", "techniques", "attribution tagger", "attributions"}
    for stage, events in seen.items():
        dones = [d for d, _ in events]
        assert dones == sorted(dones), stage
        assert events[-1][0] == events[-1][1] > 0, stage
    assert seen["sentences"][-1][1] == sum(r.end - r.start for r in doc.body_spans())
    assert PROGRESS not in doc.runtime  # scratch is cleared after the run


class _Stages:
    """A stand-in pipeline that reports two stages, as the real analyzers do."""

    def __call__(self, doc: Document) -> Document:
        for k in range(5):
            doc.progress("sentences", k + 1, 5)
        doc.progress("techniques", 3, 3)
        return doc


def _terminal() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, force_terminal=True, width=100), out


def test_a_long_input_gets_a_bar_per_stage() -> None:
    console, out = _terminal()
    doc = Document(text="word " * (LONG_INPUT // 5 + 1))
    run_with_progress(_Stages(), doc, console)  # type: ignore[arg-type]
    assert "parsing (spaCy)" in out.getvalue() and "techniques" in out.getvalue()
    assert PROGRESS not in doc.runtime


def test_a_short_input_gets_none() -> None:
    console, out = _terminal()
    run_with_progress(_Stages(), Document(text="A short text."), console)  # type: ignore[arg-type]
    assert out.getvalue() == ""
