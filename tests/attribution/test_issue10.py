"""Regression cases for issue 10 (wrong facts in "who said what"), on short texts in the same
shapes as the ones users reported; one spaCy parse per text."""

from __future__ import annotations

import unicodedata

import pytest
import regex

from spinscope.attribution.extract import AttributionExtractor
from spinscope.attribution.voice import VoiceAssigner
from spinscope.document import Document, Span


@pytest.fixture(scope="module")
def extractor() -> AttributionExtractor:
    return AttributionExtractor()


def _atts(extractor: AttributionExtractor, text: str) -> list[Span]:
    return extractor(Document(text)).layer("attributions")


def _cues(atts: list[Span]) -> list[str]:
    return [a.attrs["cue"]["text"] for a in atts if a.attrs["cue"]]


def _covering(atts: list[Span], text: str, needle: str) -> Span:
    pos = text.index(needle)
    hits = [a for a in atts if a.start <= pos < a.end]
    assert hits, f"no attribution covers {needle!r}"
    return min(hits, key=lambda a: a.end - a.start)


def _speaker_names(atts: list[Span]) -> set[str | None]:
    return {a.attrs["speaker"]["name"] for a in atts}


# -- cues must be reporting words ---------------------------------------------------------------


def test_pointing_to_a_named_policy_is_not_a_statement(extractor: AttributionExtractor) -> None:
    text = (
        "Pointing to China’s “One Belt, One Road” policy, the expert said that the Chinese "
        "have become stronger."
    )
    atts = _atts(extractor, text)
    assert "Pointing" not in _cues(atts)
    assert not any(text[a.start : a.end] == "“One Belt, One Road”" for a in atts)
    said = _covering(atts, text, "the Chinese have become")
    assert said.attrs["cue"]["text"] == "said"
    assert "expert" not in text[said.start : said.end]


@pytest.mark.parametrize(
    "text",
    [
        "Referring to the protests, the mayor said that the city would stay calm.",
        "Citing the new figures, the minister said that unemployment had fallen.",
    ],
)
def test_a_framing_participle_is_not_a_statement(
    extractor: AttributionExtractor, text: str
) -> None:
    atts = _atts(extractor, text)
    assert _cues(atts) == ["said"]
    assert text[atts[0].start : atts[0].end].startswith("that ")


def test_expected_and_offering_are_not_statements(extractor: AttributionExtractor) -> None:
    text = (
        "Beijing is widely expected to play an important role in the reconstruction, but it "
        "has shied away from offering direct military support to the army."
    )
    cues = _cues(_atts(extractor, text))
    assert "expected" not in cues and "offering" not in cues


def test_remembered_as_is_not_a_statement(extractor: AttributionExtractor) -> None:
    text = "The former mayor will be remembered as the man who rebuilt the harbour after the war."
    assert "remembered" not in _cues(_atts(extractor, text))


def test_an_abstract_noun_is_not_a_speaker(extractor: AttributionExtractor) -> None:
    text = (
        "The analyst noted that China’s willingness to assist the army shows that Beijing has "
        "now been “fed up” with the policy."
    )
    atts = _atts(extractor, text)
    assert not any("willingness" in (a.attrs["source"] or {}).get("text", "") for a in atts)
    assert _covering(atts, text, "Beijing has now").attrs["cue"]["text"] == "noted"


def test_a_poll_still_shows(extractor: AttributionExtractor) -> None:
    text = "A poll published on Sunday shows that most voters oppose the new tax."
    a = _covering(_atts(extractor, text), text, "most voters oppose")
    assert a.attrs["cue"]["text"] == "shows"


# -- questions put to a speaker ---------------------------------------------------------------


def test_asked_about_is_not_the_speakers_statement(extractor: AttributionExtractor) -> None:
    text = (
        "Asked about the possibility that his country would take part in the campaign, the "
        "envoy replied that China “is following the situation closely.”"
    )
    atts = _atts(extractor, text)
    assert not any(a.start <= text.index("the possibility") < a.end for a in atts)
    answer = _covering(atts, text, "is following the situation")
    assert answer.attrs["cue"]["text"] == "replied"


def test_in_response_to_a_question_is_not_a_statement(extractor: AttributionExtractor) -> None:
    text = (
        "In response to a question about the possibility of China’s participation in the "
        "operation, the attaché said, “The military cooperation between our armies is ongoing.”"
    )
    atts = _atts(extractor, text)
    assert "question" not in _cues(atts)
    assert not any(a.start <= text.index("the possibility") < a.end for a in atts)
    assert _covering(atts, text, "The military cooperation").attrs["cue"]["text"] == "said"


def test_the_reporters_own_question_stays(extractor: AttributionExtractor) -> None:
    text = "The senator asked whether the army had been told about the plan before the vote."
    a = _covering(_atts(extractor, text), text, "the army had been told")
    assert a.attrs["cue"]["text"] == "asked"


# -- the right speaker for a trailing participle; one statement listed once -------------------


def test_noting_belongs_to_the_subject_of_said(extractor: AttributionExtractor) -> None:
    text = (
        "In July, President Assad said government forces had turned their focus on Idlib, "
        "noting that liberation of the northwestern province is one of the military’s priorities."
    )
    atts = _atts(extractor, text)
    noting = _covering(atts, text, "liberation of the")
    assert noting.attrs["cue"]["text"] == "noting"
    assert noting.attrs["source"]["text"] == "President Assad"
    assert noting.attrs["speaker"]["name"] == "Assad"
    said = _covering(atts, text, "government forces had turned")
    assert "noting" not in text[said.start : said.end]


def test_two_statements_joined_by_and_are_two_rows(extractor: AttributionExtractor) -> None:
    text = (
        "The attaché said there is “ongoing” military cooperation between the two countries "
        "and said China wishes to promote its relations with the army."
    )
    atts = _atts(extractor, text)
    first = _covering(atts, text, "military cooperation")
    second = _covering(atts, text, "China wishes")
    assert first is not second
    assert first.end <= second.start


def test_no_content_listed_twice(extractor: AttributionExtractor) -> None:
    text = (
        "“We will not leave this city until the work is done,” the mayor said on Monday.\n\n"
        "She said: “We will not leave this city until the work is done.”"
    )
    atts = _atts(extractor, text)
    spans = [(a.start, a.end) for a in atts]
    assert len(spans) == len(set(spans))


# -- speakers must be people, bodies or documents --------------------------------------------


@pytest.mark.parametrize(
    ("text", "bad"),
    [
        ("A lot of people say the new bridge is ugly.", "lot"),
        ("A man in the crowd said the police had started the fight.", "man"),
        ("Some members said the union should strike next week.", "members"),
        ("The research project found that most children sleep less than they should.", "project"),
        ("His voice quivering, he said the drought had taken everything he owned.", "voice"),
    ],
)
def test_descriptions_are_not_speaker_names(
    extractor: AttributionExtractor, text: str, bad: str
) -> None:
    atts = _atts(extractor, text)
    assert atts, text
    for name in _speaker_names(atts):
        assert name is None or bad not in name.lower(), (text, name)


def test_unnamed_speaker_keeps_its_description(extractor: AttributionExtractor) -> None:
    text = "A man in the crowd said the police had started the fight. He added that nobody ran."
    atts = _atts(extractor, text)
    first = _covering(atts, text, "the police had")
    second = _covering(atts, text, "nobody ran")
    assert first.attrs["speaker"] == {"name": None, "role": "man in the crowd", "type": "person"}
    assert second.attrs["speaker"] == first.attrs["speaker"]


def test_a_pronoun_without_antecedent_is_unnamed(extractor: AttributionExtractor) -> None:
    text = "He said the drought had taken everything."
    a = _covering(_atts(extractor, text), text, "the drought")
    assert a.attrs["speaker"]["name"] is None


def test_a_menu_line_is_not_part_of_the_speaker(extractor: AttributionExtractor) -> None:
    text = "Share on Twitter\nCNN said the storm would reach the coast by Friday."
    a = _covering(_atts(extractor, text), text, "the storm would")
    assert a.attrs["source"]["text"] == "CNN"
    assert a.attrs["speaker"]["name"] == "CNN"
    assert a.attrs["speaker"]["role"] is None


@pytest.mark.parametrize(
    ("text", "name", "role"),
    [
        ("The group Water for All said the plan would raise prices.", "Water for All", "group"),
        (
            "“The river is dead,” said the group Clean Water Action in a statement.",
            "Clean Water Action",
            "group",
        ),
        (
            "The environmental group Water Defense said the spill had poisoned the river.",
            "Water Defense",
            "environmental group",
        ),
    ],
)
def test_organisation_names_and_roles(
    extractor: AttributionExtractor, text: str, name: str, role: str
) -> None:
    atts = _atts(extractor, text)
    assert atts
    speaker = atts[0].attrs["speaker"]
    assert speaker == {"name": name, "role": role, "type": "organization"}


# -- span hygiene ---------------------------------------------------------------------------------


def _boundaries(text: str) -> set[int]:
    out = {0}
    for m in regex.finditer(r"\X", text):
        out.add(m.end())
    return out


@pytest.mark.parametrize(
    "text",
    [
        "“We won 🇺🇸🇺🇸,” she said.\n\nHe said the team won again 👍🏽\n\nThen he left.",
        "She said the family was fine 👩‍👩‍👧\n\n“Back soon 🇫🇷”",
        "“We are going home now 🇪🇸 and staying there for good\n\n“Later,” she said 🙋🏾‍♀️.\n\n",
        "The minister said that the budget would be cut.\n\n\n",
        "“The water came faster than anyone expected.\n\n",
    ],
)
def test_spans_have_clean_edges(extractor: AttributionExtractor, text: str) -> None:
    ok = _boundaries(text)
    atts = _atts(extractor, text)
    assert atts
    for a in atts:
        pieces = [(a.start, a.end)] + [
            (a.attrs[k]["start"], a.attrs[k]["end"]) for k in ("cue", "source") if a.attrs[k]
        ]
        for s, e in pieces:
            assert s < e
            assert not text[s].isspace() and not text[e - 1].isspace(), repr(text[s:e])
            assert s in ok and e in ok, repr(text[s:e])


def test_tidy_keeps_whole_clusters() -> None:
    from spinscope.attribution.spans import tidy

    flag = "🇺🇸"
    text = f"won {flag}{flag} ok"
    start = text.index(flag)
    # cutting between the two regional indicators of the second flag widens to take it whole
    assert tidy(text, 0, start + 3) == (0, start + 4)
    thumbs = "👍🏽"
    text2 = f" great {thumbs}\n\n"
    assert tidy(text2, 0, len(text2)) == (1, len(text2) - 2)
    assert tidy(text2, 0, text2.index(thumbs) + 1) == (1, text2.index(thumbs) + 2)
    combining = " \u0301abc "
    s, e = tidy(combining, 0, len(combining))
    assert combining[s:e] == "abc" and unicodedata.combining(combining[s - 1])
    empty = tidy("   \n\n ", 0, 7)
    assert empty[0] == empty[1]


# -- voice: scare quotes belong to whoever the text says used them ---------------------------


def _voice(extractor: AttributionExtractor, text: str, technique: str) -> dict:
    doc = extractor(Document(text))
    start = text.index(technique)
    doc.set_layer("techniques", [Span(start, start + len(technique), "Loaded_Language", {})])
    VoiceAssigner()(doc)
    voice = doc.layer("techniques")[0].attrs["voice"]
    if voice["attribution"] is not None:
        att = next(a for a in doc.layer("attributions") if a.attrs["id"] == voice["attribution"])
        voice = {**voice, "source": att.attrs["source"]["text"] if att.attrs["source"] else None}
    return voice


@pytest.mark.parametrize(
    ("text", "technique", "source"),
    [
        ("Opponents called it “a shameful betrayal” of the workers.", "shameful betrayal", "Opponents"),
        ("Union leaders dubbed the plan “a disgraceful giveaway” on Monday.", "disgraceful", "Union leaders"),
        ("Environmental groups have labelled the pipeline a “reckless gamble”.", "reckless gamble", "Environmental groups"),
        ("The mayor branded the protesters “violent thugs” in an interview.", "violent thugs", "The mayor"),
        ("The deal is part of the critics’ “corporate” takeover of the city.", "“corporate” takeover", "the critics"),
    ],
)  # fmt: skip
def test_scare_quotes_are_the_callers(
    extractor: AttributionExtractor, text: str, technique: str, source: str
) -> None:
    voice = _voice(extractor, text, technique)
    assert voice["kind"] == "attributed"
    assert voice["source"] == source


def test_outlet_adjectives_stay_the_outlets(extractor: AttributionExtractor) -> None:
    text = "The council approved the “historic” plan on Tuesday, a shameful day for the city."
    assert _voice(extractor, text, "shameful day")["kind"] == "outlet"
