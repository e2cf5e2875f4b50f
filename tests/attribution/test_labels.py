"""Statements a label introduces: a headline's "Graham: …" and a transcript's "TAPPER: …" (issue
21; PolNeAR train annotates 78 of its 840 titles and 26 transcript turns so, none of which the
rules found). Each speaker is the one the article names under that label, or nobody."""

from __future__ import annotations

from typing import Any

import pytest

from spinscope.document import Document
from spinscope.pipeline import get_pipeline

BODY = (
    "Republican presidential candidate Sen. Lindsey Graham (R-SC) called out his rival Donald "
    "Trump on Thursday at a conference in Washington.\n\n"
    "Graham said, “I believe we’re losing the Hispanic vote because they think we don’t like "
    "them.”\n"
)


def _rows(text: str) -> list[dict[str, Any]]:
    doc = get_pipeline(("clean", "sentences", "attributions"))(Document(text=text))
    return [
        {
            "content": doc.text[a.start : a.end],
            "cue": (a.attrs.get("cue") or {}).get("text"),
            "source": (a.attrs.get("source") or {}).get("text"),
            "name": a.attrs["speaker"]["name"],
            "role": a.attrs["speaker"]["role"],
        }
        for a in doc.layer("attributions")
    ]


def _headline_rows(text: str) -> list[dict[str, Any]]:
    first = text.split("\n", 1)[0]
    return [r for r in _rows(text) if r["content"] in first]


@pytest.mark.parametrize("stop", [".", ""])  # PolNeAR's titles end in a stop; web titles do not
def test_a_headline_label_is_its_speaker(stop: str) -> None:
    text = f"Graham: Trump’s ‘Hateful Rhetoric’ Destroying GOP’s Chance to Win{stop}\n\n" + BODY
    (row,) = _headline_rows(text)
    assert row["cue"] == ":" and row["source"] == "Graham"
    assert row["content"].startswith("Trump’s ‘Hateful Rhetoric’")
    assert row["name"] == "Lindsey Graham"


@pytest.mark.parametrize(
    "title",
    [
        "The Latest: Trump’s Rhetoric Destroying GOP’s Chance to Win.",  # a rubric
        "Big Win For Graham: Trump’s Rhetoric Destroying GOP’s Chance.",  # not one name
        "Lindsey Graham Endorses Jeb Bush: A Long Road Ahead For Trump.",  # a sentence
        "Marco Rubio: Trump’s Rhetoric Destroying GOP’s Chance to Win.",  # named nowhere else
    ],
)
def test_a_headline_rubric_or_sentence_is_no_label(title: str) -> None:
    assert _headline_rows(title + "\n\n" + BODY) == []


def test_a_label_two_people_share_is_nobodys() -> None:
    text = (
        "Clinton: The Economy Is Rigged Against Working Families.\n\n"
        "Former President Bill Clinton campaigned in Ohio on Monday for Hillary Clinton, who "
        "spoke in Florida.\n"
    )
    (row,) = _headline_rows(text)
    assert row["name"] is None and row["role"] == "Clinton"


def test_a_poll_label_is_the_poll() -> None:
    text = (
        "Poll: Donald Trump Ties Hillary Clinton in a Three-Way Race.\n\n"
        "A new Morning Consult poll finds the race tied at 37 percent each.\n"
    )
    (row,) = _headline_rows(text)
    assert row["name"] is None and row["role"] == "Poll"


TRANSCRIPT = (
    "On CNN’s “State of the Union,” Gov. Mary Fallin (R-OK) said Donald Trump is trying to "
    "campaign as a racial healer.\n\n"
    "Partial transcript as follows:\n\n"
    "JAKE TAPPER: Donald Trump released a video on Friday talking about racial healing.\n\n"
    "(BEGIN VIDEO CLIP.)\n\n"
    "TRUMP: The deaths of two men in Louisiana and Minnesota make clear how much work remains.\n\n"
    "(END VIDEO CLIP.)\n\n"
    "TAPPER: Do you think Donald Trump has campaigned as a racial healer?\n\n"
    "FALLIN: I think he is trying to campaign as a racial healer.\n"
)


def test_each_unquoted_turn_is_its_labels() -> None:
    turns = {r["content"][:20]: r for r in _rows(TRANSCRIPT) if r["cue"] == ":"}
    want = {
        "Donald Trump release": "Jake Tapper",  # the transcript's own full label
        "The deaths of two me": "Donald Trump",
        "Do you think Donald ": "Jake Tapper",  # "TAPPER:" after "JAKE TAPPER:"
        "I think he is trying": "Mary Fallin",
    }
    assert {k: r["name"] for k, r in turns.items()} == want


@pytest.mark.parametrize(
    "text",
    [
        "WASHINGTON: The Senate voted on Tuesday to keep the government open for a week.\n",
        "UPDATE: The vote was moved to Wednesday.\n\nThe Senate met.\n\nUPDATE: It passed 60-40.\n",
    ],
)
def test_a_dateline_or_an_update_is_no_turn(text: str) -> None:
    assert [r for r in _rows(text) if r["cue"] == ":"] == []


def test_a_headline_name_the_body_never_writes_is_not_shown() -> None:
    """NER reads a title-case headline's verb into a name ("Retired General Reveals …" gave
    "General Reveals", PolNeAR dev): a title row shows a name only where the body writes it."""
    text = (
        "Retired General Reveals ‘Demoralizing’ Experience Of Serving Under Obama.\n\n"
        "Retired U.S. Air Force Gen. Norman Ham is speaking out ahead of the election about the "
        "problems he has with the current commander in chief.\n"
    )
    rows = _headline_rows(text)
    assert rows, "the headline's statement is listed"
    for row in rows:
        assert row["name"] in (None, "Norman Ham"), row


def test_a_title_statement_has_a_verb_for_cue() -> None:
    """A title-case headline parses badly: "31 Latinos Share Their Most Honest Thoughts On
    Donald Trump" gave a row cued by "Thoughts" with "Their" for source (PolNeAR dev)."""
    text = (
        "31 Latinos Share Their Most Honest Thoughts On Donald Trump.\n\n"
        "Latino voters told HuffPost what they think of Donald Trump's campaign.\n"
    )
    assert _headline_rows(text) == []


def test_an_unnamed_headline_speaker_says_what_it_is() -> None:
    """ "… as critics warn of “corporate takeover”" (the shipped example's title) showed the
    critics as of unknown kind; they are people, unnamed."""
    text = (
        "Harbour city’s water deal sparks outrage as critics warn of “corporate takeover”\n\n"
        "The city council on Tuesday approved a 30-year contract for the water network.\n"
    )
    (row,) = _headline_rows(text)
    assert row["name"] is None and row["role"] == "critics"
    doc = get_pipeline(("clean", "sentences", "attributions"))(Document(text=text))
    assert doc.layer("attributions")[0].attrs["speaker"]["type"] == "person"


def test_a_web_title_without_a_stop_says_who_said_it() -> None:
    """A page's title has no full stop ("De Blasio says Chelsea explosion was an intentional
    act"): it is the headline's statement all the same, not a sub-heading to drop."""
    text = (
        "De Blasio says Chelsea explosion was an intentional act\n\n"
        "Twenty-nine people were injured in an explosion that Mayor Bill de Blasio described "
        "as “an intentional act.”\n"
    )
    (row,) = _headline_rows(text)
    assert row["cue"] == "says" and row["name"] == "Bill de Blasio"
