"""Real page shapes (issue 24): the article's opening is kept as body when the page's own markup
declares it (a lede element just before the body container, ``og:description``, JSON-LD
``articleBody``); "Also on …" and related-link blocks inside the body are residue; by-lines
carry no outlet name and the outlet is the name the page gives itself, not a handle."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from spinscope.clean import Cleaner, residue_kind
from spinscope.document import Document, Source
from spinscope.ingest import load
from spinscope.ingest.html import from_html

HTML = Path(__file__).resolve().parents[1] / "data" / "html"
SPUTNIK = HTML / "sputnik-lede-element.html"
RT = HTML / "rt-summary-also-on.html"
LEDE = "Thousands of supporters of Evo Morales marched on La Paz on Friday"


def _clean(html: str) -> Document:
    return Cleaner()(from_html(html, Source(path="page.html")))


def _labelled(doc: Document) -> list[tuple[str, str]]:
    return [(r.label, doc.span_text(r)) for r in doc.regions]


def _body(doc: Document) -> list[str]:
    return [t for lab, t in _labelled(doc) if lab == "body"]


def _without_meta(html: str) -> str:
    html = re.sub(r'<meta (property|name)="(og:|twitter:)?description"[^>]*>', "", html)
    return re.sub(r'<script type="application/ld\+json">.*?</script>', "", html, flags=re.S)


def test_a_lede_element_before_the_body_container_is_body() -> None:
    # no metadata at all: only the page's structure says the lede opens the article
    doc = _clean(_without_meta(SPUTNIK.read_text(encoding="utf-8")))
    body = _body(doc)
    assert body[0].startswith(LEDE)
    assert "the self-declared “interim” government that ousted Evo Morales" in body[0]


def test_a_summary_separated_from_the_body_by_a_photo_credit_is_body() -> None:
    doc = Cleaner()(load(RT))
    body = _body(doc)
    assert body[0].startswith("Twitter has suspended dozens of accounts")
    assert ("boilerplate", "© Getty Images / Chesnot") in _labelled(doc)


def _header_lede(html: str) -> str:
    """The lede moved inside the article's header, beside the headline: structure alone
    no longer tells it from the header's furniture."""
    lede = re.search(r'<div class="article__announce-text">.*?</div>\n', html, re.S)
    assert lede is not None
    html = html.replace(lede.group(), "")
    return html.replace(
        '<div class="article__info-date">',
        lede.group().replace("div", "p") + '<div class="article__info-date">',
    )


def test_og_description_keeps_the_opening() -> None:
    html = _header_lede(SPUTNIK.read_text(encoding="utf-8"))
    html = re.sub(r'<script type="application/ld\+json">.*?</script>', "", html, flags=re.S)
    assert _body(_clean(html))[0].startswith(LEDE)
    # without the description nothing vouches for the line: it stays page residue
    assert not any(b.startswith(LEDE) for b in _body(_clean(_without_meta(html))))


def test_json_ld_article_body_keeps_the_opening() -> None:
    html = _header_lede(SPUTNIK.read_text(encoding="utf-8"))
    html = re.sub(r'<meta (property|name)="(og:|twitter:)?description"[^>]*>', "", html)
    assert _body(_clean(html))[0].startswith(LEDE)


def test_a_truncated_description_still_vouches_for_its_line() -> None:
    html = _without_meta(_header_lede(SPUTNIK.read_text(encoding="utf-8")))
    html = html.replace(
        "</head>",
        '<meta property="og:description" content="Thousands of supporters of Evo Morales '
        'marched on La Paz on Friday, protesting against the self-declared…"></head>',
    )
    assert _body(_clean(html))[0].startswith(LEDE)


def test_a_description_of_other_text_promotes_nothing() -> None:
    html = _without_meta(_header_lede(SPUTNIK.read_text(encoding="utf-8")))
    html = html.replace(
        "</head>",
        '<meta property="og:description" content="Read the latest news from Bolivia and '
        'the rest of Latin America on our website every day.">\n</head>',
    )
    assert not any(b.startswith(LEDE) for b in _body(_clean(html)))


@pytest.mark.parametrize("page", [SPUTNIK, RT])
def test_also_on_blocks_inside_the_body_are_residue(page: Path) -> None:
    doc = Cleaner()(load(page))
    body = " ".join(_body(doc))
    assert "Also on" not in body
    assert "Evo Morales Lands in Mexico" not in body
    assert "Journalists & politicians slam" not in body
    residue = [t for lab, t in _labelled(doc) if lab == "boilerplate"]
    assert any(t.startswith("Also on ") for t in residue)
    # the text is the page as received: the block is still there, only labelled
    assert "Also on" in doc.text


def test_also_on_needs_a_site_name() -> None:
    assert residue_kind("Also on rt.com") == "related"
    assert residue_kind("Also on rt.com: MPs vote to ban the broadcaster") == "related"
    assert residue_kind("Also on Tuesday, the minister resigned.") is None
    assert residue_kind("Also on the U.S. side, talks stalled.") is None


def test_a_byline_with_the_outlet_glued_on_names_only_the_author() -> None:
    html = SPUTNIK.read_text(encoding="utf-8")
    html = html.replace('"author":{"@type":"Person","name":"Finian Cunningham"},', "")
    doc = _clean(html)
    assert doc.authors == ["Finian Cunningham"]
    assert ("byline", "Finian Cunningham Sputnik International") in _labelled(doc)


def test_a_byline_widget_without_a_name_gives_no_author() -> None:
    assert Cleaner()(load(RT)).authors == []  # its "by-line" box says "Get short URL"


def test_outlet_from_the_page_not_its_handle() -> None:
    html = SPUTNIK.read_text(encoding="utf-8")
    no_site = html.replace('<meta property="og:site_name" content="Sputnik International">', "")
    assert _clean(no_site).outlet == "Sputnik International"  # the JSON-LD publisher
    bare = re.sub(r'<script type="application/ld\+json">.*?</script>', "", no_site, flags=re.S)
    assert _clean(bare).outlet == "Sputnik International"  # the <title> suffix spells it out
    assert Cleaner()(load(RT)).outlet == "RT World News"  # not "RT_com"


def test_offsets_stay_exact_and_nothing_is_dropped() -> None:
    for page in (SPUTNIK, RT):
        doc = Cleaner()(load(page))
        covered = [False] * len(doc.text)
        for r in doc.regions:
            assert doc.text[r.start : r.end] == doc.text[r.start : r.end].strip()
            for k in range(r.start, r.end):
                assert not covered[k], "regions overlap"
                covered[k] = True
        missing = [
            c for c, cov in zip(doc.text, covered, strict=True) if not cov and not c.isspace()
        ]
        assert missing == []
