"""Publication dates from the text: date shapes, datelines, wire datelines, plausibility, the
cleaner filling ``published`` (metadata first), and the date reaching the store."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pytest

from spinscope.clean import Cleaner, label_lines
from spinscope.dates import (
    dateline_date,
    dateline_match,
    find_date,
    parse_date,
    plausible,
    publication_date,
    wire_dateline,
)
from spinscope.document import Document, Source, Span
from spinscope.paths import missing_message, shared_path

TODAY = date(2024, 6, 1)
SAMPLE = shared_path("samples", "scraped-news-article.txt")
EXAMPLE = Path(__file__).resolve().parents[1] / "examples/scraped-article.txt"
BODY = (
    "The council approved the plan on Tuesday after a long debate.\n\n"
    "Critics said the decision would cost the city dearly in the years to come."
)


def _clean(text: str, **kw: object) -> Document:
    return Cleaner(today=TODAY)(Document(text=text, source=Source(kind="text"), **kw))  # type: ignore[arg-type]


# -- shapes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line, iso",
    [
        ("Published: 12 March 2019", "2019-03-12"),
        ("Updated 3:45 PM ET, Tue June 4, 2019", "2019-06-04"),
        ("March 5, 2019 |", "2019-03-05"),
        ("March 5, 2019 | Politics", "2019-03-05"),
        ("Sept. 9, 2019", "2019-09-09"),
        ("Thursday, 5th of March, 2020", "2020-03-05"),
        ("Posted on June 3, 2020 at 10:15 AM", "2020-06-03"),
        ("2019-11-05T08:00:00Z", "2019-11-05"),
        ("2019/03/05", "2019-03-05"),
        ("14/02/2023", "2023-02-14"),  # only one reading is a date
        ("2/14/2023", "2023-02-14"),
        ("04/04/2019", "2019-04-04"),  # both readings agree
        ("03.04.2019", "2019-04-03"),  # dotted: day-first
        ("Published: March 2019", "2019-03"),  # no day: month precision
        ("March 2019", "2019-03"),
    ],
)
def test_dateline_shapes(line: str, iso: str) -> None:
    assert dateline_date(line) == iso


def test_month_names_match_case_insensitively_and_safely() -> None:
    assert parse_date("SEPT. 9, 2019") == "2019-09-09"
    assert parse_date("ſept. 9, 2019") == "2019-09-09"  # matches "sept" under re.I
    assert parse_date("Mayor 5, 2019") is None and parse_date("grammar 5, 2019") is None


def test_offsets_index_the_line_as_received() -> None:
    line = "  Updated:   Tue 5 Nov 2019 08.00 GMT"
    m = dateline_match(line)
    assert m is not None and line[m.start : m.end] == "Tue 5 Nov 2019"


def test_ambiguous_numeric_date_is_a_dateline_without_a_date() -> None:
    """03/04/2019 is 4 March in the US and 3 April elsewhere: no date is better than a wrong
    one. The line is still dateline-shaped (so the cleaner still labels it a dateline)."""
    m = dateline_match("03/04/2019")
    assert m is not None and m.ambiguous and m.iso is None
    assert parse_date("Published 03/04/2019") is None
    found = find_date("Published 03/04/2019")
    assert found is not None and found.ambiguous and (found.start, found.end) == (10, 20)
    assert [ll.label for ll in label_lines(f"Title here\n\n03/04/2019\n\n{BODY}")][:2] == [
        "title",
        "dateline",
    ]
    assert _clean(f"Title here\n\n03/04/2019\n\n{BODY}").published is None


@pytest.mark.parametrize(
    "text",
    [
        "Feb 30, 2019",  # not a calendar date
        "13/14/2019",  # neither order is a date (not "ambiguous")
        "2019-13-01",
        "Nov. 3",  # no year: never guessed
        "3/4/19",  # two-digit year
        "in March the minister resigned",
    ],
)
def test_no_date(text: str) -> None:
    assert parse_date(text) is None


@pytest.mark.parametrize(
    "line",
    [
        "The vote on March 12, 2021 was postponed by the speaker.",
        "Since March 2019",  # month precision only on a line of its own
        "In March 2019 the minister resigned",
        "in March the minister resigned",
    ],
)
def test_prose_is_not_a_dateline(line: str) -> None:
    assert dateline_match(line) is None


@pytest.mark.parametrize(
    "line, iso, date_text",
    [
        ("WASHINGTON, Nov. 3, 2019 (Reuters) - The U.S. said", "2019-11-03", "Nov. 3, 2019"),
        ("KYIV, Ukraine, March 5, 2019 (AP) — Troops", "2019-03-05", "March 5, 2019"),
        ("LONDON, 12 March 2019 /PRNewswire/ -- A firm", "2019-03-12", "12 March 2019"),
        ("Geneva, 5 March 2019 - The WHO chief", "2019-03-05", "5 March 2019"),
        ("March 5, 2019 | The council met", "2019-03-05", "March 5, 2019"),
        ("March 5, 2019 10:32 GMT — The council met", "2019-03-05", "March 5, 2019"),
    ],
)
def test_wire_datelines(line: str, iso: str, date_text: str) -> None:
    m = wire_dateline(line)
    assert m is not None and m.iso == iso and line[m.start : m.end] == date_text


@pytest.mark.parametrize(
    "line",
    [
        "WASHINGTON, Nov. 3 (Reuters) - The U.S. said",  # no year
        "MOSCOW (AP) — The Kremlin said",  # no date at all
        "March 5, 2019 was a day to remember.",  # a date opening a sentence
        "Officials said on March 5, 2019 - nothing changed.",
        "LONDON, March 2019 — Prices rose",  # month precision: not from the body
    ],
)
def test_not_wire_datelines(line: str) -> None:
    assert wire_dateline(line) is None


def test_plausible_dates() -> None:
    assert plausible("2019-03-05", TODAY) and plausible("2019-03", TODAY)
    assert plausible("2024-06-04", TODAY)  # a few days ahead: time zones, embargoes
    assert not plausible("2024-06-05", TODAY)
    assert not plausible("2030-01-01", TODAY)
    assert not plausible("1899-12-31", TODAY) and plausible("1900-01-01", TODAY)
    assert not plausible("2019-13", TODAY) and not plausible("garbage", TODAY)


# -- the cleaner ----------------------------------------------------------------------------


def _date_text(doc: Document) -> str:
    span = doc.meta["published_span"]
    return doc.text[span["start"] : span["end"]]


def test_dateline_fills_published_with_its_source() -> None:
    doc = _clean(f"Dam plan approved\n\nBy Ann Lee\n\nPublished: 12 March 2019\n\n{BODY}")
    assert doc.published == "2019-03-12"
    assert doc.meta["published_source"] == "dateline"
    assert _date_text(doc) == "12 March 2019"
    assert doc.authors == ["Ann Lee"]


def test_byline_with_iso_date() -> None:
    doc = _clean(f"Dam plan approved\n\nBy Ann Lee | 2019-03-05T10:00:00Z\n\n{BODY}")
    assert doc.published == "2019-03-05" and doc.meta["published_source"] == "byline"
    assert _date_text(doc) == "2019-03-05"


def test_wire_dateline_opening_the_body() -> None:
    text = f"U.S. imposes tariffs\n\nWASHINGTON, Nov. 3, 2019 (Reuters) - {BODY}"
    doc = _clean(text)
    assert doc.published == "2019-11-03" and doc.meta["published_source"] == "body"
    assert _date_text(doc) == "Nov. 3, 2019"
    assert doc.text == text  # never rewritten


def test_month_precision_from_a_dateline() -> None:
    doc = _clean(f"Dam plan approved\n\nPublished: March 2019\n\n{BODY}")
    assert doc.published == "2019-03"


def test_published_beats_updated_whatever_the_order() -> None:
    doc = _clean(f"Title\n\nUpdated: 5 June 2019\n\nPublished: 3 June 2019\n\n{BODY}")
    assert doc.published == "2019-06-03"
    only_updated = _clean(f"Title\n\nUpdated 3:45 PM ET, Tue June 4, 2019\n\n{BODY}")
    assert only_updated.published == "2019-06-04"


def test_implausible_dates_are_skipped() -> None:
    future = _clean(f"Title\n\nPublished: 1 January 2031\n\n{BODY}")
    assert future.published is None and "published_source" not in future.meta
    old = _clean(f"Title\n\nPublished: 1 January 1850\n\n{BODY}")
    assert old.published is None
    # a later plausible candidate is still taken
    both = _clean(f"Title\n\nPublished: 1 January 2031\n\nBy Ann Lee, March 5, 2019\n\n{BODY}")
    assert both.published == "2019-03-05"


def test_metadata_date_always_wins() -> None:
    doc = _clean(f"Title\n\nPublished: 12 March 2019\n\n{BODY}", published="2019-03-13")
    assert doc.published == "2019-03-13"
    assert "published_source" not in doc.meta and "published_span" not in doc.meta


@pytest.mark.parametrize(
    "text",
    [
        f"Minister resigns\n\nIn March the minister resigned after a scandal.\n\n{BODY}",
        f"Minister resigns\n\n{BODY}\n\nThe vote on March 12, 2021 was postponed.",
        # a dated line deep in the body is not a dateline of the article
        f"Minister resigns\n\n{BODY}\n\n{BODY}\n\nMarch 5, 2019 | The council met again.",
        f"Minister resigns\n\nMOSCOW (AP) — {BODY}",
    ],
)
def test_no_date_from_prose(text: str) -> None:
    assert _clean(text).published is None


def test_publication_date_on_explicit_lines() -> None:
    text = "Head\nMarch 5, 2019 | The council met."
    lines = [Span(0, 4, "title"), Span(5, len(text), "body")]
    found = publication_date(text, lines, today=TODAY)
    assert found is not None and (found.iso, found.source) == ("2019-03-05", "body")
    assert publication_date(text, [Span(5, len(text), "boilerplate")], today=TODAY) is None


def test_shipped_example_has_no_date() -> None:
    doc = _clean(EXAMPLE.read_text(encoding="utf-8"))
    assert doc.published is None


@pytest.mark.skipif(not SAMPLE.exists(), reason=missing_message(SAMPLE))
def test_shared_sample_has_no_date_and_gains_one_with_a_dateline() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    assert _clean(text).published is None
    head, rest = text.split("\n\n", 1)
    dated = _clean(f"{head}\n\nUpdated: Tue 5 Nov 2019 08.00 GMT\n\n{rest}")
    assert dated.published == "2019-11-05" and dated.title == head


# -- the store ------------------------------------------------------------------------------


def test_dateline_date_reaches_the_store(tmp_path: Path) -> None:
    from spinscope.store import Store, stats
    from spinscope.store.loader import ingest

    path = tmp_path / "wire.txt"
    path.write_text(f"Tariffs imposed\n\nWASHINGTON, Nov. 3, 2019 (Reuters) - {BODY}\n", "utf-8")
    cleaner = Cleaner(today=TODAY)

    def analyze(docs: Iterable[Document]) -> list[Document]:
        out = []
        for doc in cleaner.pipe(docs):
            s = doc.text.index("long debate")
            doc.set_layer(
                "techniques",
                [Span(s, s + 11, "Loaded_Language", {"confidence": 0.9, "voice": None})],
            )
            out.append(doc)
        return out

    with Store(f"sqlite:///{tmp_path}/corpus.db") as store:
        summary = ingest([path], store, analyze)
        assert summary.added == 1
        item = store.search().items[0]
        assert item.published == "2019-11-03"
        doc = store.get(item.id)
        assert doc is not None and doc.published == "2019-11-03"
        assert doc.meta["published_source"] == "body" and _date_text(doc) == "Nov. 3, 2019"
        assert [(r.group, r.spans) for r in stats(store, "month")] == [("2019-11", 1)]
