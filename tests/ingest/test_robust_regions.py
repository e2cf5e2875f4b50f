"""Issue 23: regions never overlap — a headline that trafilatura counted as the opening line
of the first paragraph splits that paragraph instead of sitting inside it."""

from __future__ import annotations

from spinscope.clean import Cleaner, disjoint
from spinscope.document import Document, Source, Span
from spinscope.ingest.html import from_html, page_regions

PARA = "The council said on Monday that the new bridge would cost more than planned."
#: The headline is the first text of the block that also holds the first paragraph.
PAGE = (
    "<html><head><title>Bridge vote delayed</title></head><body><article>"
    f"<div>Bridge vote delayed<div>{PARA}</div></div><p>{PARA} Again.</p>"
    "</article></body></html>"
)


def _overlaps(spans: list[Span]) -> list[tuple[Span, Span]]:
    out = []
    ordered = sorted(spans, key=lambda s: (s.start, s.end))
    for i, a in enumerate(ordered):
        out += [(a, b) for b in ordered[i + 1 :] if b.start < a.end]
    return out


def test_headline_inside_the_first_paragraph_splits_it() -> None:
    doc = from_html(PAGE, Source())
    assert _overlaps(doc.regions) == []
    labels = [(r.label, doc.span_text(r)) for r in doc.regions]
    assert labels[:2] == [("title", "Bridge vote delayed"), ("body", PARA)]
    cleaned = Cleaner()(doc)
    assert _overlaps(cleaned.regions) == []
    assert [r.label for r in cleaned.regions][:2] == ["title", "body"]


def test_page_regions_never_overlap() -> None:
    page = "x" * 15 + "T" * 248 + "\n" + "y" * 295 + "\n"
    spans = list(page_regions(page, [(0, 559), (500, 559), (300, 400)], (15, 263)))
    assert _overlaps(spans) == []
    assert [(s.start, s.end, s.label) for s in spans] == [
        (0, 15, "body"),
        (15, 263, "title"),
        (264, 559, "body"),
    ]


def test_cleaner_output_is_disjoint_even_from_overlapping_seeds() -> None:
    text = "a" * 600
    regions = disjoint(text, [Span(0, 559, "body"), Span(15, 263, "title")])
    assert _overlaps(regions) == [] and [(r.start, r.end) for r in regions] == [(0, 559)]
    doc = Document(text=text, source=Source())
    doc.meta["html_metadata"] = True
    doc.set_layer("regions", [Span(0, 559, "body"), Span(15, 263, "title")])
    assert _overlaps(Cleaner()(doc).regions) == []
