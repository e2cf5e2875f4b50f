"""Extraction on short texts covering the tricky forms; one spaCy parse per text."""

from __future__ import annotations

import pytest

from spinscope.attribution.extract import AttributionExtractor, attribution_kind
from spinscope.document import Document, Span
from spinscope.paths import missing_message, shared_path

SAMPLE = shared_path("samples", "scraped-news-article.txt")


def _atts(extractor: AttributionExtractor, text: str) -> list[Span]:
    return extractor(Document(text)).layer("attributions")


def _covering(atts: list[Span], text: str, needle: str) -> Span:
    pos = text.index(needle)
    hits = [a for a in atts if a.start <= pos < a.end]
    assert hits, f"no attribution covers {needle!r}"
    return min(hits, key=lambda a: a.end - a.start)


def test_attrs_contract(extractor: AttributionExtractor) -> None:
    text = "The minister said that the budget would be cut."
    atts = _atts(extractor, text)
    assert len(atts) == 1
    a = atts[0]
    assert a.label == "indirect"
    assert a.attrs["id"] == "a1"
    assert a.attrs["cue"]["text"] == "said"
    assert a.attrs["source"]["text"] == "The minister"
    assert set(a.attrs["speaker"]) == {"name", "role", "type"}
    assert a.attrs["venue"] is None
    assert "the budget would be cut" in text[a.start : a.end]


def test_multi_paragraph_quote_is_attributed(extractor: AttributionExtractor) -> None:
    text = (
        "Mayor John Carver spoke about the flood.\n\n"
        "“The water came faster than anyone expected. We lost three bridges in one night.\n\n"
        "“We will rebuild every one of them, and we will do it this year,” Carver said."
    )
    atts = _atts(extractor, text)
    first = _covering(atts, text, "The water came")
    second = _covering(atts, text, "We will rebuild")
    assert first.label == second.label == "direct"
    assert first.attrs["speaker"]["name"] == "John Carver"
    assert second.attrs["speaker"]["name"] == "John Carver"


def test_pronoun_speaker(extractor: AttributionExtractor) -> None:
    text = "Senator Maria Delgado spoke on Tuesday.\n\nShe said the cuts would fall on defence."
    a = _covering(_atts(extractor, text), text, "the cuts would fall")
    assert a.attrs["source"]["text"] == "She"
    assert a.attrs["speaker"]["name"] == "Maria Delgado"


def test_according_to(extractor: AttributionExtractor) -> None:
    text = "According to the World Health Organization, the outbreak has spread to four countries."
    a = _covering(_atts(extractor, text), text, "the outbreak has spread")
    assert a.attrs["cue"]["text"] == "According to"
    assert "World Health Organization" in a.attrs["source"]["text"]
    assert a.attrs["speaker"]["type"] == "organization"
    assert "According" not in text[a.start : a.end]


def test_quote_with_no_speaker(extractor: AttributionExtractor) -> None:
    text = "The hall was silent.\n\n“Nobody here will ever forget what happened on that night.”"
    a = _covering(_atts(extractor, text), text, "Nobody here")
    assert a.label == "direct"
    assert a.attrs["cue"] is None and a.attrs["source"] is None
    assert a.attrs["speaker"] == {"name": None, "role": None, "type": "unknown"}


def test_non_person_source(extractor: AttributionExtractor) -> None:
    text = (
        "A report published by the Global Energy Institute said that coal use fell.\n\n"
        "“Renewables are now cheaper than coal in most markets,” it added."
    )
    atts = _atts(extractor, text)
    first = _covering(atts, text, "coal use fell")
    second = _covering(atts, text, "Renewables are")
    assert first.attrs["speaker"]["type"] == "document"
    assert second.attrs["source"]["text"] == "it"
    assert second.attrs["speaker"] == first.attrs["speaker"]


@pytest.mark.parametrize(
    ("text", "content", "cue"),
    [
        # an unclosed quote runs to the end of its paragraph (as a quote continued over
        # paragraphs does), "he said" included: it has no cue of its own
        (
            "“Unbalanced quote that never closes, he said",
            "Unbalanced quote that never closes",
            None,
        ),
        ('He said "this is odd and never ends', "this is odd and never ends", "said"),
        ("Trump — who said nothing — left. “Fine,” said Smith. ——", "Fine", "said"),
        ("”Closing first,“ backwards quotes said.", "Closing first", "said"),
    ],
)
def test_hostile_quotes_do_not_crash(
    extractor: AttributionExtractor, text: str, content: str, cue: str | None
) -> None:
    """Unbalanced, backwards and dash-ridden quotes: the one statement is still found, inside
    the text, with its content and its cue where they are."""
    (a,) = extractor(Document(text)).layer("attributions")
    assert 0 <= a.start < a.end <= len(text) and content in text[a.start : a.end]
    at = text.rfind(cue or "\0")  # the cue is the text's last "said"
    expected = None if cue is None else {"start": at, "end": at + len(cue), "text": cue}
    assert a.attrs["cue"] == expected


@pytest.mark.parametrize("text", ["“\n\n”", "", "   \n\n  ", "—— “” ——"])
def test_hostile_text_without_a_statement_gives_none(
    extractor: AttributionExtractor, text: str
) -> None:
    assert extractor(Document(text)).layer("attributions") == []


def test_offsets_into_full_text_with_body_region(extractor: AttributionExtractor) -> None:
    head = "Title line\n\nBy Someone\n\n"
    body = "The minister said that the budget would be cut."
    doc = Document(head + body)
    doc.set_layer("regions", [Span(len(head), len(head) + len(body), "body")])
    atts = extractor(doc).layer("attributions")
    assert atts and doc.text[atts[0].start : atts[0].end].startswith("that the budget")
    assert doc.text[atts[0].attrs["cue"]["start"] : atts[0].attrs["cue"]["end"]] == "said"


def test_reuses_sentence_parse(extractor: AttributionExtractor) -> None:
    from spinscope.sentences import PARSES, SentenceSplitter

    doc = SentenceSplitter()(Document("The minister said that taxes would rise."))
    parse = doc.runtime[PARSES][0][1]
    extractor(doc)
    assert doc.runtime[PARSES][0][1] is parse
    assert len(doc.layer("attributions")) == 1


def test_kind() -> None:
    assert attribution_kind("“All of it.”", (0, 12)) == "direct"
    assert attribution_kind("that it was “fed up” with it", (0, 28)) == "mixed"
    assert attribution_kind("that taxes rise", (0, 15)) == "indirect"


@pytest.mark.skipif(not SAMPLE.exists(), reason=missing_message(SAMPLE))
def test_sample_article_speakers(extractor: AttributionExtractor) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    atts = _atts(extractor, text)

    def speaker(needle: str) -> dict:
        return _covering(atts, text, needle).attrs["speaker"]

    welch = [
        "China’s willingness to assist",
        "There are new indications",
        "China and Russia pose a challenge",
        "With this sign that the Chinese",
        "extremely unlikely",
        "If a political decision",
        "the Chinese have become stronger",
        "how messed up this system is",
    ]
    for needle in welch:
        assert speaker(needle)["name"] == "Daniel Patrick Welch", needle
    assert speaker("China and Russia pose")["role"] == "political analyst"
    for needle in [
        "Beijing could soon deploy",
        "they were monitoring the conflict",
        "There is positive military cooperation",
        "is following the situation in Syria",
    ]:
        assert speaker(needle)["name"] == "Qi Qianjin", needle
    assert speaker("they were monitoring")["role"] == "Chinese Ambassador to Syria"
    for needle in [
        "there is “ongoing”",
        "First, the Chinese government opposes",
        "The military cooperation between the Syrian",
        "there were military advisers",
    ]:
        assert speaker(needle)["name"] == "Wong Roy Chang", needle
    article = speaker("China could likely deploy")
    assert article["type"] == "document"
    assert speaker("Chinese President Xi Jinping has committed") == article
    names = {a.attrs["speaker"]["name"] for a in atts}
    assert "Press TV" not in names and not any("Al-Watan" in (n or "") for n in names)
    venues = {a.attrs["venue"] for a in atts}
    assert "Press TV" in venues
    assert any(v and "Al-Watan" in v for v in venues)
