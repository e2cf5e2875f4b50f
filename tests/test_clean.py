"""Cleaner: the shared sample, residue anywhere, by-lines, datelines, and clean corpus text."""

from __future__ import annotations

from pathlib import Path

import pytest

from spinscope.clean import Cleaner, byline_authors, dateline_date, label_lines, residue_kind
from spinscope.document import Document, Source
from spinscope.paths import missing_message, shared_path

SAMPLE = shared_path("samples", "scraped-news-article.txt")
EXAMPLE = Path(__file__).resolve().parents[1] / "examples/scraped-article.txt"


def _clean(text: str) -> Document:
    return Cleaner()(Document(text=text, source=Source(kind="text")))


@pytest.mark.skipif(not SAMPLE.exists(), reason=missing_message(SAMPLE))
def test_shared_sample() -> None:
    doc = _clean(SAMPLE.read_text(encoding="utf-8"))
    assert doc.title == "China’s military role in Syria, step forward in fighting terror"
    assert doc.authors == ["Jafar Razi Khan"]
    residue = [doc.span_text(r) for r in doc.regions if r.label == "boilerplate"]
    assert residue == [
        "Related Articles",
        "Back to top button",
        "Adblock Detected",
        "Please consider supporting us by disabling your ad blocker",
    ]
    body = [r for r in doc.regions if r.label == "body"]
    assert len(body) == 1
    assert doc.span_text(body[0]).startswith("China has recently indicated")
    assert doc.span_text(body[0]).endswith("by the country.")


def test_example_article_ships_and_cleans() -> None:
    doc = _clean(EXAMPLE.read_text(encoding="utf-8"))
    assert doc.title and doc.title.startswith("Harbour city")
    assert doc.authors == ["Elena Marsh"]
    body = [doc.span_text(r) for r in doc.regions if r.label == "body"]
    assert body[-1].endswith("take effect in January.")
    assert sum(r.label == "boilerplate" for r in doc.regions) >= 5


def test_residue_at_start_inside_and_end() -> None:
    text = (
        "Home › World › Asia\nMenu\n"
        "Quake hits coast\n\nBy Ann Lee and Bo Chen | Reuters\n\nPublished: 3 March 2019 10:32 GMT\n\n"
        "A strong earthquake struck on Sunday.\n\nAdvertisement\n\n"
        "Officials said there was no tsunami risk.\n\n"
        "READ MORE: Why quakes are hard to predict\n\n"
        "Rescue teams were sent north.\n\n"
        "We use cookies to improve your experience. Accept\n"
        "© 2019 Example News. All rights reserved.\n"
    )
    doc = _clean(text)
    labels = [(ll.label, ll.line.text) for ll in label_lines(text)]
    assert labels[0] == ("boilerplate", "Home › World › Asia")
    assert ("title", "Quake hits coast") in labels
    assert ("boilerplate", "Advertisement") in labels
    assert ("boilerplate", "READ MORE: Why quakes are hard to predict") in labels
    assert labels[-1][0] == labels[-2][0] == "boilerplate"
    assert doc.authors == ["Ann Lee", "Bo Chen"]
    assert doc.published == "2019-03-03"
    assert [doc.span_text(r) for r in doc.regions if r.label == "body"] == [
        "A strong earthquake struck on Sunday.",
        "Officials said there was no tsunami risk.",
        "Rescue teams were sent north.",
    ]


@pytest.mark.parametrize(
    "line",
    [
        "Share this:",
        "Related Posts",
        "You may also like",
        "Back to top",
        "Skip to content",
        "Continue reading",
        "Tags: politics, budget",
        "Leave a Reply",
        "Loading comments...",
        "Please disable your ad blocker to continue",
        "This site uses cookies to analyse traffic.",
        "Subscribe to our newsletter for the latest updates",
        "Copyright © 2021 Foo Media Ltd",
        "Follow us on Twitter",
        "Story continues below advertisement",
        "Privacy Policy | Terms of Use | Contact",
    ],
)
def test_residue_lines(line: str) -> None:
    assert residue_kind(line) is not None


@pytest.mark.parametrize(
    "line",
    [
        "The minister said she would share the report with parliament.",
        "Facebook said on Monday it would appeal the ruling.",
        "Related charges were filed against two other men.",
        "Back to top form, the striker scored twice.",
        "He told reporters the company uses cookies to track users, which he called illegal.",
        "Home prices rose 4 percent in March.",
        "© AFP Cardinal O'Malley accompanied the Pope",
        "Twitter.",
    ],
)
def test_article_sentences_are_not_residue(line: str) -> None:
    assert residue_kind(line) is None


@pytest.mark.parametrize(
    "line, authors",
    [
        ("By Jafar Razi Khan", ["Jafar Razi Khan"]),
        ("BY JOHN SMITH, Associated Press", ["John Smith"]),
        ("Written by Tom Brady and Aisha Khan", ["Tom Brady", "Aisha Khan"]),
        ("By Paul Adams | Sports Desk | August 2, 2019", ["Paul Adams"]),
        ("Author: Maria de la Cruz", ["Maria de la Cruz"]),
    ],
)
def test_bylines(line: str, authors: list[str]) -> None:
    parsed = byline_authors(line)
    assert parsed is not None and parsed[0] == authors


@pytest.mark.parametrize(
    "line",
    ["By Monday, the troops had left the city.", "by the way", "By the time he arrived"],
)
def test_not_bylines(line: str) -> None:
    assert byline_authors(line) is None


@pytest.mark.parametrize(
    "line, iso",
    [
        ("March 12, 2021", "2021-03-12"),
        ("Posted on June 3, 2020 at 10:15 AM", "2020-06-03"),
        ("14/02/2023", "2023-02-14"),
        ("2019-11-05T08:00:00Z", "2019-11-05"),
        ("Updated: Tue 5 Nov 2019 08.00 GMT", "2019-11-05"),
    ],
)
def test_datelines(line: str, iso: str) -> None:
    assert dateline_date(line) == iso


def test_dateline_inside_a_sentence_is_not_a_dateline() -> None:
    assert dateline_date("The vote on March 12, 2021 was postponed by the speaker.") is None


def test_html_metadata_is_kept() -> None:
    doc = Document(
        text="Dam plan approved\nThe plan was approved on Monday.\nBy the river, people cheered.",
        source=Source(kind="html"),
        title="Dam plan approved",
        authors=["Jane Doe"],
        meta={"html_metadata": True},
    )
    Cleaner()(doc)
    assert doc.authors == ["Jane Doe"] and doc.title == "Dam plan approved"
    assert doc.regions[0].label == "title"


def test_clean_corpus_style_article_has_no_boilerplate() -> None:
    text = (
        "Next plague outbreak in Madagascar could be 'stronger': WHO\n\n"
        "Geneva - The World Health Organisation chief on Wednesday said the epidemic was over.\n"
        "He praised the rapid response.\n"
        "Share prices of drug makers rose.\n"
    )
    assert all(ll.label != "boilerplate" for ll in label_lines(text))


_BODY = (
    "The minister said the plan would cost billions. Critics disagreed strongly with him.\n\n"
    "More text follows here in the second paragraph of the article."
)


@pytest.mark.parametrize("sep", ["\u2028", "\u2029", "\x85", "\r", "\v", "\f", "\r\n", "\n"])
def test_every_unicode_line_break_separates_title_and_byline(sep: str) -> None:
    text = f"Ministers clash over subsidy{sep}By Ann Lee{sep}{sep}{_BODY}"
    doc = _clean(text)
    assert doc.text == text  # never rewritten
    assert doc.title == "Ministers clash over subsidy"
    assert doc.authors == ["Ann Lee"]
    labels = [(r.label, doc.span_text(r)) for r in doc.regions]
    assert labels[:2] == [("title", "Ministers clash over subsidy"), ("byline", "By Ann Lee")]
    assert all(sep not in doc.span_text(r) for r in doc.regions if r.label != "body")


@pytest.mark.parametrize("title", ["Yikes!", "From Bad To Worse?", "Shocking!", "What Now?"])
def test_short_headline_exclamations_and_questions_are_titles(title: str) -> None:
    doc = _clean(f"{title}\n{_BODY}")
    assert doc.title == title
    assert doc.regions[0].label == "title"


@pytest.mark.parametrize("first", ["Why does it matter?", "Is this the end of the road for it?"])
def test_sentence_case_question_opening_the_body_is_not_a_title(first: str) -> None:
    doc = _clean(f"{first}\n{_BODY}")
    assert doc.title is None
    assert doc.regions[0].label == "body"
