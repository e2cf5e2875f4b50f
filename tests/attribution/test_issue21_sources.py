"""Issue 21, the source phrase and the name in it: each text is written here in the shape of a
wrong name found on PolNeAR train (never a dev sentence). Names are shown without abstention
(``speaker_scorer=None``) so that the resolution itself is tested, not the threshold."""

from __future__ import annotations

from typing import Any

import pytest

from attribution.rows import name_at as _name
from attribution.rows import row_at as _row
from spinscope.attribution.candidate import Candidate
from spinscope.attribution.extract import AttributionExtractor, _dateline, choose_sources
from spinscope.attribution.speaker_eval import GoldSpeaker, judge


def test_supporters_named_after_a_person_are_not_that_person(shown_all) -> None:  # type: ignore[no-untyped-def]
    # spaCy makes a new Token per access: the "Clinton supporters" test compared tokens with
    # `is` and never fired, so the group was shown as Hillary Clinton
    text = (
        "Hillary Clinton won the primary in New York on Tuesday.\n\n"
        "Several Clinton supporters said the race was over."
    )
    assert _name(shown_all, text, "the race was over") != "Hillary Clinton"


def test_a_name_inside_an_apposition_is_not_the_speaker(shown_all) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Barack Obama spoke in Texas on Monday.\n\n"
        "“Young people have a different swagger about themselves now,” said Griffin, "
        "an Obama backer."
    )
    assert _name(shown_all, text, "Young people have") != "Barack Obama"


def test_a_name_inside_a_relative_clause_is_not_the_speaker(shown_all) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Stephen Bannon ran the website for years.\n\n"
        "A female reporter, who worked for Mr. Bannon, said the newsroom was chaotic."
    )
    assert _name(shown_all, text, "the newsroom was chaotic") != "Stephen Bannon"


def test_an_indefinite_spokesman_is_nobody_named_before(shown_all) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Campaign spokesman Jason Miller said the candidate would speak on Monday.\n\n"
        "An AIPAC spokesman said the group would not comment on the speech."
    )
    assert _name(shown_all, text, "the group would not comment") is None


def test_a_name_and_others_is_several_speakers(shown_all) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Stacey Edwards was at the rally.\n\n"
        "Edwards and others said the crowd had been peaceful all evening."
    )
    assert _name(shown_all, text, "the crowd had been peaceful") is None


def _parsed(ex: AttributionExtractor, text: str) -> list[tuple[int, Any]]:
    return [(0, ex._get_nlp()(text))]


def _candidate(text: str, content: str, cue: str, source: str) -> Candidate:
    def at(words: str) -> tuple[int, int]:
        i = text.index(words)
        return (i, i + len(words))

    return Candidate(at(content), at(cue), at(source), 1.0, "tagger")


def test_a_dateline_is_never_the_speaker(shown_all) -> None:  # type: ignore[no-untyped-def]
    # the tagger's source run can take the dateline opening the paragraph
    text = (
        "CLEVELAND, July 19 (UPI) — Former Attorney General Michael Mukasey told delegates "
        "that the email server should disqualify her."
    )
    c = _candidate(text, "the email server should disqualify her", "told", "CLEVELAND")
    choose_sources(text, _parsed(shown_all, text), [c])
    assert c.source is not None
    assert text[c.source[0] : c.source[1]].endswith("Michael Mukasey")
    assert "CLEVELAND" not in text[c.source[0] : c.source[1]]


def test_a_dateline_with_no_subject_after_it_leaves_no_source(shown_all) -> None:  # type: ignore[no-untyped-def]
    text = "WASHINGTON — The vote was delayed, saying the count was not finished."
    c = _candidate(text, "the count was not finished", "saying", "WASHINGTON")
    choose_sources(text, _parsed(shown_all, text), [c])
    assert c.source is None


@pytest.mark.parametrize(
    ("s", "dateline"),
    [
        ("CLEVELAND, July 19 (UPI) — ", True),
        ("Washington (AFP) – ", True),
        ("LA CROSSE, Wisc. — ", True),
        ("WASHINGTON — ", True),
        ("Trump - ", False),
    ],
)
def test_dateline_shapes(s: str, dateline: bool) -> None:
    assert _dateline(s) is dateline


def test_an_issued_statement_speaks_for_its_issuer(shown_all) -> None:  # type: ignore[no-untyped-def]
    text = "His office put out a statement saying the country cannot vet every refugee."
    c = _candidate(text, "the country cannot vet every refugee", "saying", "a statement")
    choose_sources(text, _parsed(shown_all, text), [c])
    assert c.source is not None and text[c.source[0] : c.source[1]] == "His office"


def test_a_report_is_its_own_speaker(shown_all) -> None:  # type: ignore[no-untyped-def]
    text = "The inspector general released a report that concluded the rules were broken."
    c = _candidate(text, "the rules were broken", "concluded", "a report")
    choose_sources(text, _parsed(shown_all, text), [c])
    assert c.source is not None and text[c.source[0] : c.source[1]] == "a report"


def test_a_pronoun_takes_gender_from_the_fullest_name(shown_all) -> None:  # type: ignore[no-untyped-def]
    # "Obama" alone settles no gender; "Barack Obama" named earlier does: "she" is not him
    text = (
        "The crowd cheered for Barack Obama in Ohio.\n\n"
        "Obama said the economy was improving.\n\n"
        "She said the claim was not true."
    )
    assert _name(shown_all, text, "the claim was not true") != "Barack Obama"


def test_a_group_described_in_capitals_is_judged_by_its_description() -> None:
    gold = GoldSpeaker(0, 11, "Republicans", "Republicans", "group")
    assert judge({"name": None, "role": "Republicans", "type": "person"}, gold) == "right"
    assert judge({"name": None, "role": "Democrats", "type": "person"}, gold) == "unresolved"
    person = GoldSpeaker(0, 5, "Trump", "Donald Trump", "person")
    assert judge({"name": None, "role": "Trump", "type": "person"}, person) == "unresolved"


def test_a_quote_is_its_adjacent_speakers_not_the_previous_ones(shown_all) -> None:  # type: ignore[no-untyped-def]
    # the "say" inside the quote cued a row over the whole sentence, continued from Borger
    text = (
        "Gloria Borger spoke to the senator on the show.\n\n"
        '"That would be Hillary Clinton," Borger said.\n\n'
        '"Oh well, I don\'t wanna say so, but if you say it," Sanders responded.\n\n'
        '"I think she is the best," he said.'
    )
    row = _row(shown_all, text, "Oh well")
    assert row.attrs["speaker"]["name"] == "Sanders"
    assert text[row.start : row.end].endswith('say it,"')


def test_a_participle_after_a_closing_quote_is_the_reporters(shown_all) -> None:  # type: ignore[no-untyped-def]
    # ", adding" after a quote that holds the comma: the reporter adds, not the quoted subject
    text = (
        "Donald Trump spoke on Monday. To wit, Trump told Newsmax that Mitt Romney “had a "
        "crazy policy which was maniacal,” "
        "adding, “He lost all of the Latino vote.”"
    )
    assert _name(shown_all, text, "He lost all of the Latino vote") == "Donald Trump"
