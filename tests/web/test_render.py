from __future__ import annotations

import re

from spinscope.document import Document, Source, Span
from spinscope.outputs.html import render_document
from spinscope.web.render import _levels, build_view, safe_url, technique_class

PAYLOAD = "<script>window.__pwned=1</script>\"'><img src=x onerror=alert(1)></textarea>"


def test_overlapping_spans_get_distinct_levels() -> None:
    # nested, partial overlap, disjoint
    assert _levels([(0, 10), (2, 5), (8, 14), (20, 30)]) == [0, 1, 1, 0]


def test_segments_cover_text_and_nest_overlaps(analysed_sample: Document) -> None:
    view = build_view(analysed_sample)
    assert "".join(s.text for s in view.segments) == analysed_sample.text
    nested = [s for s in view.segments if len(s.techniques) > 1]
    assert nested, "the sample has nested technique spans"
    anchors = [s.anchor for s in view.segments if s.anchor is not None]
    assert sorted(anchors) == list(range(len(view.attributions)))
    assert {sp["name"] for sp in view.speakers} == {"Daniel Patrick Welch", "Qi Qianjin"}
    welch = next(t for t in view.techniques if t["text"] == "coup factory")
    assert welch["voice"] == "attributed" and welch["speaker"] == "Daniel Patrick Welch"


def test_technique_class_and_safe_url() -> None:
    assert technique_class("Appeal_to_Authority") == "tc0"
    assert technique_class('x" onmouseover="') == "tcx"
    assert safe_url("https://example.org/a?b=1") == "https://example.org/a?b=1"
    assert safe_url("javascript:alert(1)") is None
    assert safe_url(" JaVaScRiPt:alert(1)") is None
    assert safe_url("data:text/html,x") is None


def test_standalone_report_is_self_contained_and_escaped() -> None:
    text = f"{PAYLOAD}\n\nBody with {PAYLOAD} inside."
    doc = Document(
        text=text,
        source=Source(url="javascript:alert(1)"),
        title=PAYLOAD,
        authors=[PAYLOAD],
        outlet=PAYLOAD,
    )
    s = text.index("Body")
    doc.set_layer("regions", [Span(s, len(text), "body")])
    doc.set_layer(
        "techniques",
        [Span(s, len(text), PAYLOAD, {"confidence": 0.5, "voice": {"kind": "outlet"}})],
    )
    html = render_document(doc)
    assert html.startswith("<!doctype html>")
    assert "<style>" in html and "<script>" in html
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "/static/" not in html
    assert "<script>window.__pwned" not in html
    assert "<img src=x" not in html
    assert "</textarea>" not in html
    assert 'href="javascript:' not in html
    assert "\\u003cscript\\u003e" in html  # the JSON data island is escaped too


def test_confidence_slider_starts_at_the_models_default() -> None:
    from spinscope.techniques.model import REVEAL_FLOOR, default_view_confidence
    from spinscope.web.render import render_article

    doc = Document("Some text.")
    doc.set_layer("regions", [Span(0, 10, "body")])
    html = render_article(doc, standalone=True)
    default = default_view_confidence()
    assert default > REVEAL_FLOOR > 0
    assert (
        f'name="confidence" min="{REVEAL_FLOOR:.3f}" max="1" step="0.025" value="{default:.3f}"'
        f' data-default="{default:.3f}" data-analysed="{default:.3f}">'
    ) in html  # standalone: no data-reveal, nothing to ask a server for


def test_counts_are_of_the_spans_shown_at_the_start() -> None:
    from spinscope.web.render import default_min_confidence, render_article

    text = "Wreaking havoc and a coup factory."
    doc = Document(text)
    doc.set_layer("regions", [Span(0, len(text), "body")])
    doc.set_layer(
        "techniques",
        [
            Span(0, 14, "Loaded_Language", {"confidence": 0.7}),
            Span(21, 33, "Name_Calling,Labeling", {"confidence": 0.2}),
        ],
    )
    view = build_view(doc, start=0.4)
    assert view.shown == 1
    assert {x["name"]: x["count"] for x in view.legend} == {
        "Loaded_Language": 1,
        "Name_Calling,Labeling": 0,  # its chip stays: the slider can reveal it
    }
    html = render_article(doc, standalone=True, start_confidence=0.4, analysed_confidence=0.1)
    assert '<span id="shown-count">1</span> technique spans' in html
    assert 'value="0.400"' in html and 'data-analysed="0.100"' in html
    assert build_view(doc, start=0.1).shown == 2
    # the note on spans below the default is in the page, hidden unless the start is below it
    default = default_min_confidence()
    at_default = render_article(doc, standalone=True, start_confidence=default)
    assert 'id="below-default" hidden>' in at_default
    below = render_article(doc, standalone=True, start_confidence=default - 0.1)
    assert 'id="below-default">' in below


def test_a_statement_that_goes_on_is_listed_as_continued() -> None:
    text = "“We will win this fight,” Ana Ruiz said. “And we will win it big.”"
    doc = Document(text, Source(kind="text"))
    src = text.index("Ana Ruiz")
    spk = {"name": "Ana Ruiz", "role": None, "type": "person"}
    cue = {"start": src + 9, "end": src + 13, "text": "said"}
    first = {"id": "a1", "cue": cue, "source": {"start": src, "end": src + 8}, "speaker": spk}
    doc.set_layer(
        "attributions",
        [
            Span(0, src - 1, "direct", first),
            Span(text.index("“And"), len(text), "direct", {**first, "id": "a2", "continues": "a1"}),
        ],
    )
    from spinscope.web.render import render_article

    html = render_article(doc, standalone=True)
    assert "<em>said</em>: “We will win" in html
    assert "<em>… continued</em>: “And we will win it big.”" in html
