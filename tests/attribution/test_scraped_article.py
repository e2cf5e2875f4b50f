"""Wrong facts read off the README example (examples/scraped-article.txt) and the shared
scraped sample, each pinned on the sentence it came from; one spaCy parse per text."""

from __future__ import annotations

import pytest

from spinscope.attribution.extract import AttributionExtractor
from spinscope.attribution.voice import VoiceAssigner
from spinscope.document import Document, Span

from .test_extract import _atts, _covering

OKONKWO = (
    "Critics were unconvinced. Grace Okonkwo, who leads the residents’ group Water For All, "
    "said the council had sold out ordinary people to faceless investors."
)


def test_a_role_never_cuts_an_organisation_name(extractor: AttributionExtractor) -> None:
    a = _covering(_atts(extractor, OKONKWO), OKONKWO, "the council had sold")
    speaker = a.attrs["speaker"]
    assert speaker["name"] == "Grace Okonkwo"
    assert speaker["role"] == "leads the residents’ group Water For All"


DECISION = (
    "The city council on Tuesday approved a 30-year contract handing control of the harbour "
    "city’s water network to a private consortium, a decision opponents called a shameful "
    "betrayal of every family that pays a water bill."
)


@pytest.mark.parametrize("technique", ["a shameful betrayal", "called a shameful betrayal"])
def test_unquoted_called_x_is_the_callers(extractor: AttributionExtractor, technique: str) -> None:
    doc = extractor(Document(DECISION))
    start = DECISION.index(technique)
    doc.set_layer("techniques", [Span(start, start + len(technique), "Loaded_Language", {})])
    voice = VoiceAssigner()(doc).layer("techniques")[0].attrs["voice"]
    assert voice["kind"] == "attributed"
    att = next(a for a in doc.layer("attributions") if a.attrs["id"] == voice["attribution"])
    assert att.attrs["cue"]["text"] == "called"
    assert att.attrs["source"]["text"] == "opponents"
    assert DECISION[att.start : att.end].startswith("a shameful betrayal")


def test_calling_a_meeting_is_not_naming(extractor: AttributionExtractor) -> None:
    text = "The mayor called a meeting of the council for Friday to discuss the budget."
    assert not any(
        a.attrs["cue"] and a.attrs["cue"]["text"] == "called" for a in _atts(extractor, text)
    )


def test_a_span_from_the_cue_into_the_content_is_the_speakers() -> None:
    text = "The mayor branded the protesters violent thugs."
    doc = Document(text)
    cue = text.index("branded")
    content = text.index("violent")
    doc.set_layer(
        "attributions",
        [
            Span(
                content,
                content + len("violent thugs"),
                "indirect",
                {"id": "a1", "cue": {"start": cue, "end": cue + 7, "text": "branded"}},
            )
        ],
    )
    doc.set_layer("techniques", [Span(cue, len(text) - 1, "Name_Calling,Labeling", {})])
    voice = VoiceAssigner()(doc).layer("techniques")[0].attrs["voice"]
    assert voice == {"kind": "attributed", "attribution": "a1"}


def test_an_unnamed_document_is_shown_by_its_description(extractor: AttributionExtractor) -> None:
    text = (
        "According to figures published by the city’s own auditor, the network loses nearly a "
        "third of its treated water to leaks every year."
    )
    a = _covering(_atts(extractor, text), text, "the network loses")
    assert a.attrs["speaker"] == {
        "name": None,
        "role": "figures published by the city’s own auditor",
        "type": "document",
    }


STANCES = (
    "Mayor Tomas Lindqvist defended the deal, saying it would bring investment to old pipes. "
    "The consortium’s chief executive, Martin Hale, rejected the claim. He said prices would "
    "be capped by the regulator."
)


def test_defending_or_rejecting_a_thing_is_not_a_statement(
    extractor: AttributionExtractor,
) -> None:
    atts = _atts(extractor, STANCES)
    contents = [STANCES[a.start : a.end] for a in atts]
    assert "the deal" not in contents and "the claim" not in contents
    # the man who rejected the claim is still the "he" who speaks next
    he = _covering(atts, STANCES, "prices would")
    assert he.attrs["speaker"] == {
        "name": "Martin Hale",
        "role": "consortium’s chief executive",
        "type": "person",
    }


def test_rejecting_a_claim_that_holds_words_stays(extractor: AttributionExtractor) -> None:
    text = "Martin Hale rejected claims that prices would double within five years."
    atts = _atts(extractor, text)
    assert any(a.attrs["cue"] and a.attrs["cue"]["text"] == "rejected" for a in atts)


ASSAD = (
    "“And in both of those endeavors, [Syrian President Bashar] Assad’s comeback in Syria has "
    "had benefits for Beijing,” it added.\n\nIn July, President Assad said government forces "
    "had turned their focus on Idlib."
)


def test_a_speaker_takes_the_fullest_name_in_the_article(extractor: AttributionExtractor) -> None:
    a = _covering(_atts(extractor, ASSAD), ASSAD, "government forces")
    assert a.attrs["speaker"]["name"] == "Bashar Assad"
    assert a.attrs["source"]["text"] == "President Assad"


def test_two_people_with_one_surname_keep_the_surname() -> None:
    from spinscope.attribution.speakers import SpeakerResolver

    resolver = SpeakerResolver("", [])
    resolver.full_names = [["Bashar", "Assad"], ["Bill", "Clinton"], ["Hillary", "Clinton"]]
    assert resolver.canonical("Assad") == "Bashar Assad"
    assert resolver.canonical("Clinton") == "Clinton"


def test_a_rule_key_whose_lemma_holds_a_bar_is_read() -> None:
    """Rule keys are ``lemma|pos|rel``; spaCy can give a lemma with a bar in it (a PTC article
    stopped ``analyze`` with a ValueError)."""
    from types import SimpleNamespace

    from spinscope.attribution.extract import _naming_key, _reporting, _stance_on_a_thing

    key = "x|y|V|dobj"
    assert _reporting(key, None)
    raw = SimpleNamespace(key=key, cue_token=SimpleNamespace(children=[]))
    assert _naming_key(raw, None, 0) == key  # type: ignore[arg-type]
    assert not _stance_on_a_thing(raw)
