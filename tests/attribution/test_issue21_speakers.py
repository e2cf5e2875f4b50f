"""Issue 21: who said what on news the project was not built around — every example under the
issue's "Why", on a text written here in the same shape. Each shows the right person or no name
at all, never another named person; rows that are not statements are not shown."""

from __future__ import annotations

import pytest

from spinscope.document import Document
from spinscope.pipeline import get_pipeline

ASSANGE = """Assange loses appeal

Julian Assange has lost his appeal against extradition to the United States, a London court ruled on Monday.

BBC diplomatic correspondent Caroline Hawley said the ruling had been widely expected.

The Wikileaks founder, who appeared by video link, argued that the case against him was politically motivated.

He said he would take the fight to the European Court of Human Rights.
"""

PRESIDENT = """Court news

President Donald Trump criticised the Federal Reserve again on Tuesday.

Federal Reserve official Richard Clarida said the central bank would act as appropriate to sustain the expansion.

The president said the Fed had made a big mistake by raising rates last year.
"""

ROYAL = """Prince faces questions

Britain's Prince Andrew, the Duke of York, said he had no recollection of ever meeting the woman.

The expert warned that the prince could still be asked to answer questions under oath.

The US lawyers are demanding that he gives evidence to the investigation.
"""

GOVERNOR = """Court news

The bill was signed into law by Indiana Governor Eric Holcomb on Friday.

House Speaker Todd Huston said the law would protect thousands of workers.

The governor said he was proud of the bipartisan effort behind the bill.
"""

DEPORTEE = """Deportation flights go on

Deportee Carlos Ramirez said he had lived in the United States for twenty years.

The officials said the deportation flights would continue through the summer.
"""

DIPLOMATS = """Impeachment inquiry hears from diplomats

Ambassador Bill Taylor told the committee that there was a quid pro quo.

Another diplomat, former special envoy to Ukraine Kurt Volker, said he had not known about the plan.
"""

SUBHEADING = """Wikileaks publishes new files

Wikileaks said on Tuesday that the documents showed widespread surveillance by the agency.

The organisation said it had verified every file before publishing it.

Founder says he will fight extradition

Assange told supporters that he would never stop publishing.
"""

NOUN_CUES = """Talks on the brink

There is growing concern among diplomats that the peace talks will collapse before the summer.

Officials expressed hopes that the ceasefire would hold through the weekend.

The minister said the talks would resume on Monday.
"""


@pytest.fixture(scope="module")
def analyse():  # type: ignore[no-untyped-def]
    pipe = get_pipeline(("clean", "sentences", "attributions"))
    return lambda text: pipe(Document(text=text))


def _speaker(doc: Document, words: str) -> dict:  # type: ignore[type-arg]
    a = doc.text.index(words)
    over = [s for s in doc.layer("attributions") if s.start <= a < s.end]
    assert over, (words, [doc.text[s.start : s.end] for s in doc.layer("attributions")])
    return min(over, key=lambda s: s.end - s.start).attrs["speaker"]  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("text", "words", "right", "wrong"),
    [
        # a correspondent named before is never the speaker of what the founder argues
        (ASSANGE, "the case against him was politically", "Julian Assange", "Caroline Hawley"),
        (ASSANGE, "he would take the fight", "Julian Assange", "Caroline Hawley"),
        # "the president" is the President named before, not the Fed official named since
        (PRESIDENT, "the Fed had made a big mistake", "Donald Trump", "Richard Clarida"),
        # an unnamed expert and "the US lawyers" are not the royal named before
        (ROYAL, "the prince could still be asked", None, "Prince Andrew"),
        (ROYAL, "he gives evidence", None, "Prince Andrew"),
        # "the governor" is not the House speaker
        (GOVERNOR, "he was proud of the bipartisan", "Eric Holcomb", "Todd Huston"),
        # "the officials" are many, not the one deportee named before
        (DEPORTEE, "the deportation flights would continue", None, "Carlos Ramirez"),
        # "another diplomat" is not the diplomat named before
        (DIPLOMATS, "he had not known about the plan", "Kurt Volker", "Bill Taylor"),
    ],
)
def test_right_person_or_no_name(analyse, text: str, words: str, right, wrong: str) -> None:  # type: ignore[no-untyped-def]
    speaker = _speaker(analyse(text), words)
    assert speaker["name"] in (None, right), (words, speaker)
    assert speaker["name"] != wrong


def test_the_president_is_the_president(analyse) -> None:  # type: ignore[no-untyped-def]
    # the title itself beats a word of its synonym group ("official")
    assert _speaker(analyse(PRESIDENT), "the Fed had made")["name"] == "Donald Trump"


def test_a_subheading_is_not_a_statement(analyse) -> None:  # type: ignore[no-untyped-def]
    doc = analyse(SUBHEADING)
    heading = doc.text.index("Founder says")
    cues = [s.attrs["cue"] for s in doc.layer("attributions") if s.attrs.get("cue")]
    assert all(not (heading <= c["start"] < heading + 40) for c in cues), cues
    # the statements around it are still found
    assert any(
        "verified every file" in doc.text[s.start : s.end] for s in doc.layer("attributions")
    )


def test_nouns_are_not_cues(analyse) -> None:  # type: ignore[no-untyped-def]
    doc = analyse(NOUN_CUES)
    cues = {
        doc.text[c["start"] : c["end"]].lower()
        for s in doc.layer("attributions")
        if (c := s.attrs.get("cue"))
    }
    assert not cues & {"concern", "hopes"}, cues
    assert "said" in cues  # the minister's statement stays


def test_unresolved_mentions_keep_the_source_as_written(analyse) -> None:  # type: ignore[no-untyped-def]
    doc = analyse(DIPLOMATS)
    a = doc.text.index("he had not known")
    row = next(s for s in doc.layer("attributions") if s.start <= a < s.end)
    assert row.attrs["speaker"]["name"] is None
    assert row.attrs["source"]["text"].startswith("Another diplomat")
