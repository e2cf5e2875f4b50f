"""HTML: the whole visible page is the text; trafilatura's body, the headline and the residue
are regions over it, with exact offsets; nothing the page showed is dropped."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spinscope.clean import Cleaner
from spinscope.document import Document
from spinscope.errors import InputError
from spinscope.ingest import load
from spinscope.ingest.html import align_body

PAGE = Path(__file__).resolve().parents[1] / "data" / "html" / "harbour-pier.html"


@pytest.fixture(scope="module")
def doc() -> Document:
    return Cleaner()(load(PAGE))


def _labelled(doc: Document) -> list[tuple[str, str]]:
    return [(r.label, doc.span_text(r)) for r in doc.regions]


def test_page_residue_and_byline_stay_in_the_text(doc: Document) -> None:
    for shown in (
        "Home | News | Sport",
        "Subscribe",
        "By Ann Lee",
        "Related Posts",
        "Ferry fares rise again",
        "Copyright 2024 Harbour Gazette. All rights reserved.",
        "Privacy | Terms | Contact",
    ):
        assert shown in doc.text
    assert "do not show" not in doc.text and "color:red" not in doc.text  # script, style
    assert "<" not in doc.text


def test_regions_mark_title_byline_dateline_body_and_residue(doc: Document) -> None:
    labelled = _labelled(doc)
    assert ("title", "Council backs harbour pier") in labelled
    assert ("byline", "By Ann Lee") in labelled
    assert ("dateline", "May 6, 2024") in labelled
    (body,) = [t for lab, t in labelled if lab == "body"]
    assert body.startswith("The city council voted 7-2") and body.endswith("in the autumn.")
    residue = [t for lab, t in labelled if lab == "boilerplate"]
    assert "Related Posts" in residue and "Ferry fares rise again" in residue
    assert "Share this: Facebook Twitter" in residue and "Home | News | Sport" in residue
    assert doc.title == "Council backs harbour pier" and doc.authors == ["Ann Lee"]
    assert doc.outlet == "Harbour Gazette" and doc.published == "2024-05-06"


def test_every_visible_line_is_in_some_region(doc: Document) -> None:
    covered = [False] * len(doc.text)
    for r in doc.regions:
        for k in range(r.start, r.end):
            assert not covered[k], "regions overlap"
            covered[k] = True
    missing = [c for c, cov in zip(doc.text, covered, strict=True) if not cov and not c.isspace()]
    assert missing == []


def test_regions_before_cleaning_are_seeded_by_ingest() -> None:
    raw = load(PAGE)
    labels = {r.label for r in raw.regions}
    assert {"title", "body", "boilerplate"} <= labels
    for r in raw.regions:
        text = raw.span_text(r)
        assert text == text.strip() and text


def test_align_body_ignores_whitespace_and_list_markers() -> None:
    page = "Menu\n\nFirst   para\ngoes on.\n\n• An item\n\nFooter"
    spans, unaligned = align_body(page, "First para goes on.\n- An item\nNot on the page")
    assert [page[s:e] for s, e in spans] == ["First   para\ngoes on.", "An item"]
    assert unaligned == 1


def test_no_article_is_an_error() -> None:
    with pytest.raises(InputError, match="no article"):
        load(b"<html><body><nav><a href='/'>Home</a></nav></body></html>", name="x.html")


_PARA = "The harbour authority approved the new pier on Monday after years of heated debate."


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    junk=st.lists(
        st.text(st.characters(blacklist_categories=("Cs", "Cc", "Co", "Cn")), max_size=40),
        max_size=6,
    ),
    ws=st.sampled_from([" ", "\n", "\t", "\u00a0", "\u2028", "  \n "]),
)
def test_offsets_exact_for_hostile_pages(junk: list[str], ws: str) -> None:
    import html as h

    residue = "".join(f"<div>{h.escape(j)}</div>" for j in junk)
    page = (
        f"<html><body>{residue}<article><h1>Pier{ws}approved</h1>"
        f"<p>{_PARA.replace(' ', ws)}</p><p>{_PARA}</p></article>{residue}</body></html>"
    )
    doc = Cleaner()(load(page.encode()))
    assert "heated" in doc.text
    for r in doc.regions:
        text = doc.span_text(r)
        assert text and text == text.strip()
    for a, b in zip(doc.regions, doc.regions[1:], strict=False):
        assert a.end <= b.start
    assert any(r.label == "body" for r in doc.regions)


ARTICLE_P = "<p>" + "The mayor said the deal was good for the city and its people. " * 5 + "</p>"


def test_a_copyright_year_is_not_a_publication_date() -> None:
    page = f"<html><body><article><h1>Harbour deal</h1>{ARTICLE_P}</article><footer>© 2024 Gazette</footer></body></html>"
    assert load(page.encode(), name="page.html").published is None


def test_a_published_time_in_the_metadata_is_kept() -> None:
    meta = '<meta property="article:published_time" content="2019-03-05T10:00:00Z">'
    page = f"<html><head>{meta}</head><body><article>{ARTICLE_P}</article><footer>© 2024</footer></body></html>"
    assert load(page.encode(), name="page.html").published == "2019-03-05"
