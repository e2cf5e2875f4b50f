"""Article first (issue 24): the terminal and the HTML report open on title, by-line and body;
each run of page residue is one collapsed block, still there in place; JSON is unchanged."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

from rich.console import Console

from spinscope.clean import Cleaner
from spinscope.document import Document
from spinscope.ingest import load
from spinscope.outputs.html import render_document
from spinscope.outputs.terminal import renderable, residue_runs

PAGE = Path(__file__).resolve().parents[1] / "data" / "html" / "sputnik-lede-element.html"


def _doc() -> Document:
    return Cleaner()(load(PAGE))


def _terminal(doc: Document) -> str:
    console = Console(width=100, record=True, color_system=None, file=io.StringIO())
    console.print(renderable(doc, colour=False))
    return console.export_text()


def test_terminal_collapses_each_run_of_residue_into_one_row() -> None:
    doc = _doc()
    residue = [r for r in doc.regions if r.label == "boilerplate"]
    runs = residue_runs(doc)
    assert sum(len(run) for run in runs) == len(residue) and len(runs) < len(residue)
    out = _terminal(doc)
    table = out[out.index("Set aside (page residue)") :]
    assert f"Set aside (page residue): {len(residue)} lines in {len(runs)} runs" in table
    # the page's menu (World, Russia, US, Military …) is one row, not one row per item
    assert "Military" not in table and "more …" in table
    assert len(out.splitlines()) < 60
    # the article comes first: title, by-line, then the body (its opening included)
    assert out.index("Bolivian Protesters Defy") < out.index("By Finian Cunningham")
    assert out.index("By Finian Cunningham") < out.index("Thousands of supporters")
    assert out.index("Thousands of supporters") < out.index("Set aside")


def test_the_html_report_collapses_residue_in_place() -> None:
    doc = _doc()
    before = doc.to_dict()
    report = render_document(doc)
    assert doc.to_dict() == before  # the JSON is unchanged
    text = report[report.index('id="article-text"') : report.index("</article>")]
    runs = re.findall(r'<details class="residue-run" data-lines="(\d+)"><summary>([^<]*)', text)
    assert runs and int(runs[0][0]) >= 10
    assert runs[0][1].startswith(f"page residue · {runs[0][0]} lines · ")
    # every character of the page is still there, in order: offsets hold
    segs = re.findall(r'<span class="seg[^"]*"[^>]*>(.*?)</span>', text, re.S)
    shown = html.unescape(re.sub(r"<[^>]+>", "", "".join(segs)))
    assert shown == doc.text
    # the body is not inside a collapsed block
    for block in re.findall(r"<details.*?</details>", text, re.S):
        assert "r-body" not in block and "r-title" not in block
