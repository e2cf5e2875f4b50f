"""Issue 21: the phrase a statement is credited to is its speaker's — not a name inside a
description of someone else ("a spokeswoman for X"), not the subject of the clause that
"according to" qualifies, not a show's title, not a body named in the speaker's relative clause,
and not a bare title read as a name. Each text is written in the shape of a PolNeAR dev error."""

from __future__ import annotations

from attribution.rows import name_at, row_at
from spinscope.attribution.extract import AttributionExtractor
from spinscope.document import Document
from spinscope.pipeline import get_pipeline

SPOKESWOMAN = """Senator under fire over donations

Rival campaigns traded accusations on Tuesday.

A spokeswoman for Maria Delgado says neither the senator nor her staff accepted money from the fund. Delgado communications director Helen Brooks said the campaign did nothing wrong.
"""

ACCORDING = """The talent show

The show ran for six seasons on cable.

As a reality TV boss on “The Contest,” Victor Hale repeatedly demeaned women with sexist language, according to show insiders. They said he ranked singers by their looks.
"""

TV_TITLE = """Pentagon critic speaks out

The general has been critical of the administration.

“There is a lot of anger,” Palmer, a senior campaign surrogate, said Thursday morning on Fox News’s “Fox and Friends.” “I mean, there's a lot of anger within the ranks.”
"""

RELATIVE = """Mine closures

The coal industry is in trouble.

"These are strange days," said Rosa Lind, a lawyer for the River Trust, who has been challenging the mining companies over water pollution for years. "I don't know what the new owner intends."
"""

HEADLINE_TITLE = """Budget fight

Carla Munoz endorses Reyes, who says he is honored.

Senator from Nevada says she cannot allow the bill to pass.
"""


def test_a_spokeswoman_for_someone_is_not_that_someone(shown_all: AttributionExtractor) -> None:
    row = row_at(shown_all, SPOKESWOMAN, "neither the senator")
    assert row.attrs["speaker"]["name"] is None
    assert "spokeswoman" in (row.attrs["speaker"]["role"] or "")
    assert name_at(shown_all, SPOKESWOMAN, "the campaign did nothing") == "Helen Brooks"


def test_according_to_names_the_source_after_to(shown_all: AttributionExtractor) -> None:
    row = row_at(shown_all, ACCORDING, "repeatedly demeaned")
    assert row.attrs["speaker"]["name"] is None  # the insiders, never Victor Hale
    src = row.attrs["source"]
    assert ACCORDING[src["start"] : src["end"]].endswith("insiders")


def test_a_show_title_in_quotes_is_nobodys_statement(shown_all: AttributionExtractor) -> None:
    rows = shown_all(Document(TV_TITLE)).layer("attributions")
    spans = [s for s in rows if "Fox and Friends" in TV_TITLE[s.start : s.end]]
    assert all(s.attrs["speaker"]["name"] != "Fox News" for s in spans)
    # the quote that goes on is still the surrogate's, and the source mention has no quote mark
    assert name_at(shown_all, TV_TITLE, "I mean, there's") == "Palmer"
    row = row_at(shown_all, TV_TITLE, "There is a lot of anger")
    assert TV_TITLE[row.attrs["source"]["start"]] == "P"


def test_a_quote_continues_the_speaker_not_the_body_in_her_relative_clause(
    shown_all: AttributionExtractor,
) -> None:
    assert name_at(shown_all, RELATIVE, "These are strange days") == "Rosa Lind"
    assert name_at(shown_all, RELATIVE, "I don't know what") == "Rosa Lind"


def test_a_bare_title_is_no_name(shown_all: AttributionExtractor) -> None:
    row = row_at(shown_all, HEADLINE_TITLE, "she cannot allow")
    assert row.attrs["speaker"]["name"] is None
    assert row.attrs["speaker"]["role"] == "Senator from Nevada"


FORCED = """Bank chief grilled

Sen. Alma Ruiz questioned the chief executive, Tom Wexler, for hours on Tuesday.

The Democratic senator also forced Wexler, who was under questioning from the committee over his bank’s handling of the scandal, to admit that no senior executives had been fired.
"""

SHOW_SUBJECT = """General backs the candidate

Retired general Dan Kline has campaigned across Ohio.

“He's absolutely right. There's a severe disconnect between this White House and frankly the president and our military,” Kline, a top campaign surrogate, said Thursday morning on Fox News’s “Fox and Friends.” “I mean, there's a lot of frustration within the ranks.”
"""


def test_whom_the_senator_forced_to_admit_is_who_admits(shown_all: AttributionExtractor) -> None:
    assert name_at(shown_all, FORCED, "no senior executives") == "Tom Wexler"


def test_a_show_title_the_parse_reads_as_subject_is_not_the_speaker(
    shown_all: AttributionExtractor,
) -> None:
    assert name_at(shown_all, SHOW_SUBJECT, "He's absolutely right") == "Dan Kline"
    assert name_at(shown_all, SHOW_SUBJECT, "I mean, there's") == "Dan Kline"


def test_a_main_subject_across_a_paragraph_break_is_not_the_sentences() -> None:
    # "He concluded: “…”\n\nMatt Lauer faced criticism after he asked …" parsed as one
    # sentence: its main subject ("He", the earlier speaker) is no reason to pass over Lauer,
    # the subject of the new paragraph, when the next "he" is resolved
    import spacy
    from spacy.tokens import Doc

    from spinscope.attribution.speakers import _main_person_subject

    words = ["He", "concluded", ":", "“", "No", "”", "\n\n", "Lauer", "faced", "criticism", "."]
    spaces = [True, False, True, False, False, False, False, True, True, False, False]
    heads = [1, 1, 1, 4, 1, 4, 5, 8, 1, 8, 1]
    deps = [
        "nsubj",
        "ROOT",
        "punct",
        "punct",
        "dobj",
        "punct",
        "dep",
        "nsubj",
        "ccomp",
        "dobj",
        "punct",
    ]
    pos = [
        "PRON",
        "VERB",
        "PUNCT",
        "PUNCT",
        "INTJ",
        "PUNCT",
        "SPACE",
        "PROPN",
        "VERB",
        "NOUN",
        "PUNCT",
    ]
    ents = ["O"] * 7 + ["B-PERSON"] + ["O"] * 3
    doc = Doc(spacy.blank("en").vocab, words, spaces, heads=heads, deps=deps, pos=pos, ents=ents)
    assert _main_person_subject(doc[7]) is None
    same = Doc(spacy.blank("en").vocab, [w if w != "\n\n" else "and" for w in words], spaces,
               heads=heads, deps=deps, pos=pos, ents=ents)  # fmt: skip
    assert _main_person_subject(same[7]) is not None  # one paragraph: "He" is its main subject


SPLIT_QUOTE = """Council vote

The council met on Monday.

“We will win this fight,” said Ana Ruiz, the mayor of the city. “And we will win it by a large margin this time.”

“Nobody here doubts it at all.”

“The argument would be aided,” Devine said, “by the upcoming primary calendar in the South.”
"""


def test_a_quotation_that_goes_on_is_one_statement_in_pieces() -> None:
    doc = get_pipeline(("clean", "sentences", "attributions"))(Document(SPLIT_QUOTE))
    rows = {SPLIT_QUOTE[s.start : s.end][:12]: s.attrs for s in doc.layer("attributions")}
    first = rows["“We will win"]
    assert "continues" not in first
    assert rows["“And we will"]["continues"] == first["id"]  # after the cue, same paragraph
    assert "continues" not in rows["“Nobody here"]  # a new paragraph: a statement of its own
    assert rows["“Nobody here"]["speaker"]["name"] == "Ana Ruiz"  # by the same speaker
    assert rows["“by the upco"]["continues"] == rows["“The argumen"]["id"]  # one cue, two quotes
    # a person NER read as a body is a person when her title says so
    assert first["speaker"] == {"name": "Ana Ruiz", "role": "mayor of the city", "type": "person"}


LIST_ITEMS = """Can you imagine?

He ran a university that bilked people out of thousands of dollars.

Keeps saying she opposed the Iraq War, when there are radio clips of her supporting it.

Calls men derogatory names, like "pigs," and operates male beauty pageants.
"""

RUN_IN_HEADING = """College savings

They needed help until they had their own financial affairs sorted out.

THE BORROWING Back when he wrote his book, Mr. McKinley said that he considered debt a last resort. These days, he has changed his tune.
"""


def test_a_list_line_without_a_subject_has_no_speaker() -> None:
    doc = get_pipeline(("clean", "sentences", "attributions"))(Document(LIST_ITEMS))
    described = [
        (s.attrs["speaker"]["role"] or "", LIST_ITEMS[s.start : s.end])
        for s in doc.layer("attributions")
    ]
    # "Keeps" (a verb read as a noun) and "men" (whom he calls names) are nobody's description
    assert not [d for d in described if d[0] in ("Keeps", "men")], described


def test_a_heading_run_into_its_paragraph_is_no_speaker() -> None:
    doc = get_pipeline(("clean", "sentences", "attributions"))(Document(RUN_IN_HEADING))
    pos = RUN_IN_HEADING.index("he considered debt")
    row = next(s for s in doc.layer("attributions") if s.start <= pos < s.end)
    assert "BORROWING" not in (row.attrs["speaker"]["role"] or "")
    src = row.attrs["source"]
    assert src is None or RUN_IN_HEADING[src["start"] : src["end"]] == "Mr. McKinley"


BOOK = """The president's reading

Mr. Obama recalled talking about "Collapse of Nations," Martin Reyes's 2005 best seller, which explored the environmental changes that wiped out ancient societies like Easter Island.
"""


def test_a_book_is_not_its_author(shown_all: AttributionExtractor) -> None:
    row = row_at(shown_all, BOOK, "the environmental changes")
    assert row.attrs["speaker"]["name"] != "Martin Reyes"


COUNCILLOR = """Bus strike

The transport authority said the offer was fair.

Councillor Helen Brooks, who chairs the city's transport committee, urged both sides to return to talks. "Every day this goes on, it is nurses, cleaners and schoolchildren who pay the price," she said.
"""


def test_a_titled_person_in_charge_of_a_committee_is_a_person() -> None:
    # NER reads "Councillor Helen Brooks" and the committee she chairs could make her a body;
    # then "she said" found no woman named before
    doc = get_pipeline(("clean", "sentences", "attributions"))(Document(COUNCILLOR))

    def speaker(words: str) -> dict:  # type: ignore[type-arg]
        pos = COUNCILLOR.index(words)
        return next(s for s in doc.layer("attributions") if s.start <= pos < s.end).attrs["speaker"]  # type: ignore[no-any-return]

    assert speaker("to return to") == {
        "name": "Helen Brooks",
        "role": "chairs the city's transport committee",
        "type": "person",
    }
    assert speaker("Every day this")["name"] == "Helen Brooks"


def test_the_pieces_of_one_statement_show_one_speaker() -> None:
    doc = get_pipeline(("clean", "sentences", "attributions"))(Document(SPLIT_QUOTE))
    rows = {s.attrs["id"]: s.attrs for s in doc.layer("attributions")}
    for attrs in rows.values():
        if "continues" in attrs:
            assert attrs["speaker"] == rows[attrs["continues"]]["speaker"]


AGES = """Long wait at the border

Hundreds of drivers queued overnight.

Jake Tompkins, 31, said the line had been closed since noon. Maria Lopez, 45, a nurse from Tucson, said the clinic nearby had no beds left.
"""


def test_an_age_is_not_a_role() -> None:
    doc = get_pipeline(("clean", "sentences", "attributions"))(Document(AGES))

    def speaker(words: str) -> dict:  # type: ignore[type-arg]
        pos = AGES.index(words)
        return next(s for s in doc.layer("attributions") if s.start <= pos < s.end).attrs["speaker"]  # type: ignore[no-any-return]

    assert speaker("the line had") == {"name": "Jake Tompkins", "role": None, "type": "person"}
    assert speaker("the clinic nearby") == {
        "name": "Maria Lopez",
        "role": "nurse from Tucson",
        "type": "person",
    }


TWO_QUOTES = """Strategist calls on doctor to apologize

Dean then defended the remark, saying, “I don’t think this is a ridiculous idea. Something funny was going on with him last night. You know, this man has already proven himself to be unstable, the question is, why is he unstable?”

“There are plenty of valid reasons to critique him, but that was a really outrageous tweet,” Axelrod said. “He ought to pull that back.”
"""


def test_a_quote_in_the_paragraph_before_is_not_the_next_speakers() -> None:
    """The parse ran "… said" back over the paragraph break into Dean's quote: Axelrod's
    statement then held Dean's words, and his own next quote went to Dean (PolNeAR dev)."""
    doc = get_pipeline(("clean", "sentences", "attributions"))(Document(TWO_QUOTES))
    rows = doc.layer("attributions")

    def row(words: str):  # type: ignore[no-untyped-def]
        pos = TWO_QUOTES.index(words)
        return [s for s in rows if s.start <= pos < s.end]

    (dean,) = row("ridiculous idea")  # one row: Dean's (a one-word name may stay unnamed)
    assert dean.attrs["speaker"]["name"] in ("Dean", None)
    (axelrod,) = row("valid reasons")
    assert axelrod.attrs["speaker"]["name"] == "Axelrod"
    assert TWO_QUOTES[axelrod.start : axelrod.end].startswith("“There are plenty")
    (more,) = row("pull that back")
    assert more.attrs["speaker"]["name"] == "Axelrod"


DATELINE = """Candidate removed from debate site

HEMPSTEAD, N.Y., Sept. 26 (UPI) — Green Party presidential candidate Jill Stein was escorted off the premises on Monday afternoon.

Stein said she plans to join her supporters at the protest.
"""


def test_a_dateline_is_not_part_of_a_role() -> None:
    doc = get_pipeline(("clean", "sentences", "attributions"))(Document(DATELINE))
    (row,) = doc.layer("attributions")
    assert row.attrs["speaker"] == {
        "name": "Jill Stein",
        "role": "Green Party presidential candidate",
        "type": "person",
    }


CALLED_ON = """Strategist calls on rival to apologize

Marcus Webb on Thursday called on Lena Ortiz to apologize to the governor for accusing him of taking bribes.

Ortiz has not responded.
"""


def test_whom_someone_called_on_to_apologize_is_who_accused(
    shown_all: AttributionExtractor,
) -> None:
    """ "X called on Y to apologize … for accusing him": Y accused, never X (PolNeAR dev:
    David Axelrod was shown as the one accusing)."""
    assert name_at(shown_all, CALLED_ON, "taking bribes") == "Lena Ortiz"


TIME_CLAUSE = """Candidate escorted out

Campaign spokeswoman Rita Alvarez said the candidate was headed to the hall to give interviews, which she was doing when campus police located her and told her to leave.
"""


def test_who_told_her_to_leave_is_the_time_clauses_subject(
    shown_all: AttributionExtractor,
) -> None:
    """The parse joins "told" to "doing", whose subject is "she": the spokeswoman was shown as
    the one who told the candidate to leave (PolNeAR dev); it is the police."""
    row = row_at(shown_all, TIME_CLAUSE, "to leave")
    assert row.attrs["speaker"]["name"] is None
    src = row.attrs["source"]
    assert TIME_CLAUSE[src["start"] : src["end"]].endswith("police")


LIVE_BLOG = """The Latest: Senate race

1:21 p.m.

Mark Dalton is drawing criticism after appearing to mock the state's farmers.

Dalton said the remarks were misquoted.
"""


def test_a_time_stamp_on_the_line_above_is_no_role(shown_all: AttributionExtractor) -> None:
    """A live blog's "1:21 p.m." line was shown as Donald Trump's role (PolNeAR dev), with the
    headline above it."""
    row = row_at(shown_all, LIVE_BLOG, "the remarks were")
    assert row.attrs["speaker"]["name"] == "Mark Dalton"
    assert row.attrs["speaker"]["role"] is None


NOMINEES = """Debate night

Republican nominee Carl Brandt said he would cut taxes.

Democratic nominee Joan Pierce said she would raise the minimum wage.

The Republican nominee said the economy was failing.
"""

MET = """Debate night

Republican nominee Carl Brandt and Democratic nominee Joan Pierce met in Ohio.

Brandt said he would cut taxes.
"""


def test_the_description_tells_two_title_holders_apart(shown_all: AttributionExtractor) -> None:
    """ "The Republican nominee" with a Republican and a Democratic nominee named: the one the
    description says (PolNeAR dev: shown unnamed)."""
    assert name_at(shown_all, NOMINEES, "the economy was failing") == "Carl Brandt"


def test_a_headline_on_the_line_above_is_no_role(shown_all: AttributionExtractor) -> None:
    row = row_at(shown_all, MET, "he would cut")
    assert row.attrs["speaker"]["role"] == "Republican nominee"  # was "Debate night\n\nRe…"


OWNED_PEOPLE = """Campaign trail

Senator Mark Dalton spoke in Des Moines on Wednesday.

“My reaction, that was outrageous,” Dalton's former campaign strategist said in an interview.

Dalton's wife said the senator was tired but happy.
"""


def test_whose_strategist_or_wife_is_not_the_speaker(shown_all: AttributionExtractor) -> None:
    """ "Obama's former campaign strategist said" was shown as Obama (PolNeAR dev, with every
    name shown): a person known by whom they belong to is not that one."""
    strategist = row_at(shown_all, OWNED_PEOPLE, "My reaction")
    assert strategist.attrs["speaker"]["name"] is None
    assert "strategist" in strategist.attrs["speaker"]["role"]
    assert name_at(shown_all, OWNED_PEOPLE, "the senator was tired") is None


HEADLINE_VERB = """Black Lawmakers Rip Mark Dalton Over Birther Lie

Mark Dalton said on Friday that the senator was born in Ohio.

Dalton did not apologize, and he said the matter was closed.
"""


def test_a_headline_verb_is_no_first_name() -> None:
    """NER reads "Rip Donald Trump" in a title-case headline as one name, and every row of
    Donald Trump showed "Rip Donald Trump" (PolNeAR dev, unannotated)."""
    doc = get_pipeline(("clean", "sentences", "attributions"))(Document(HEADLINE_VERB))
    names = {row.attrs["speaker"]["name"] for row in doc.layer("attributions")}
    assert names == {"Mark Dalton"}


ONE_OF_A_GROUP = """Hearing ends badly

The meeting deteriorated from there. One Republican threatened to make Kadzik testify in a public setting.
"""


def test_one_member_of_a_group_is_not_a_speaker_called_so(shown_all: AttributionExtractor) -> None:
    """ "One Republican threatened …" was shown with the name "Republican" (PolNeAR dev)."""
    row = row_at(shown_all, ONE_OF_A_GROUP, "to make Kadzik")
    assert row.attrs["speaker"]["name"] is None
    assert row.attrs["speaker"]["role"] == "One Republican"


NYT_QUOTES = """Keep the returns

During the debate, Donald Trump ''doesn't want the American people to know,'' his rival said of him.

Mr. Trump hardly clarified the matter. It's also impossible to evaluate Mr. Trump's broader tax proposals without knowing how they would affect him.
"""


def test_nyt_quote_marks_are_no_part_of_a_name(shown_all: AttributionExtractor) -> None:
    """The New York Times writes '' for a quotation mark: every Trump row of a PolNeAR dev text
    showed "Donald Trump ''"; and "It's impossible to evaluate" is nobody's statement (it was
    credited to a poll through "it")."""
    doc = shown_all(Document(NYT_QUOTES))
    names = {row.attrs["speaker"]["name"] for row in doc.layer("attributions")}
    assert not any("'" in (n or "") for n in names)
    pos = NYT_QUOTES.index("broader tax")
    assert not [r for r in doc.layer("attributions") if r.start <= pos < r.end]


MR_AND_WIFE = """Senator urges turnout

The senator told voters this weekend he would consider it a personal insult if they stayed home.

"My name may not be on the ballot, but our progress is," Mr. Dalton said on Saturday.

The campaign plans to send Mr. Dalton and his wife, Karen Dalton, to Ohio.
"""


def test_mr_is_not_the_only_woman_of_that_name_written_in_full(
    shown_all: AttributionExtractor,
) -> None:
    """ "Mr. Obama" was shown as "Michelle Obama" — the only Obama the PolNeAR dev text wrote in
    full was "the first lady, Michelle Obama"."""
    assert name_at(shown_all, MR_AND_WIFE, "My name may not") == "Dalton"


VETERAN = """Party rules

"The locus of activity would then move to the members," said Elaine Kamarck, a two-decade veteran of the Rules Committee.

The rule says it is prohibited when voting to fill a vacancy.
"""


def test_a_person_described_by_a_committee_is_still_a_person(
    shown_all: AttributionExtractor,
) -> None:
    """ "Elaine Kamarck, a two-decade veteran of the DNC Rules Committee" was typed a body, and
    a later "it" became her (PolNeAR dev)."""
    row = row_at(shown_all, VETERAN, "The locus")
    assert row.attrs["speaker"]["name"] == "Elaine Kamarck"
    assert row.attrs["speaker"]["type"] == "person"
    for r in shown_all(Document(VETERAN)).layer("attributions"):
        if r.start > VETERAN.index("The rule"):
            assert r.attrs["speaker"]["name"] != "Elaine Kamarck"


MARKUP = """Fact checks

PolitiFact rated a claim by Senator Mark Dalton last year.

<a href="http://example.com/dalton">Dalton said that for young workers, “the real unemployment rate … is 51 percent.”
"""


def test_markup_left_in_a_scraped_text_is_no_part_of_a_name(
    shown_all: AttributionExtractor,
) -> None:
    """A PolNeAR dev text keeps '">Sanders said' from its web page: the name shown was
    ">Sanders" (and here 'href="…">Dalton')."""
    assert name_at(shown_all, MARKUP, "that for young workers") == "Mark Dalton"


TWO_COUNTRIES = """Climate deal

India and Pakistan said on Monday that they would not attend the talks.

His greatest legacy is the agreement reached in Paris. It showed that the United Nations can come up with global solutions.
"""


def test_it_is_never_two_countries(shown_all: AttributionExtractor) -> None:
    """ "It showed that the United Nations can …" (the agreement) was credited to "India and
    Pakistan", the last body named (PolNeAR dev): "it" is one body or document."""
    assert name_at(shown_all, TWO_COUNTRIES, "the United Nations can") != "India and Pakistan"


RAN_ON = """Florida push

According to a new report by Politico, Democratic party insiders are desperately trying to mobilize black Florida voters.
"""


def test_a_name_does_not_run_over_a_comma(shown_all: AttributionExtractor) -> None:
    """NER read "Politico, Democratic party" as one body: the report was shown as theirs
    (PolNeAR dev)."""
    assert name_at(shown_all, RAN_ON, "Democratic party insiders") == "Politico"


FULL_STOP = """Reactions to the test

Japan branded the North an "outlaw nation in the neighborhood." Russia insisted that Pyongyang "stop its dangerous escapades."
"""


def test_a_quote_closed_by_a_full_stop_is_not_the_next_sentences(
    shown_all: AttributionExtractor,
) -> None:
    """'Japan branded North Korea an "outlaw nation in the neighborhood." Russia insisted …':
    Japan's words were credited to Russia (PolNeAR dev)."""
    doc = shown_all(Document(FULL_STOP))
    pos = FULL_STOP.index("outlaw nation")
    for row in doc.layer("attributions"):
        if row.start <= pos < row.end:
            assert row.attrs["speaker"]["name"] != "Russia"


ACCUSED = """Visa program under scrutiny

The program has drawn investors for years.

Mr. Quiros was accused of using $50 million for personal expenses including a luxury condominium. He has denied wrongdoing.
"""


def test_the_accused_is_not_the_accuser(shown_all: AttributionExtractor) -> None:
    """ "Mr. Quiros was accused of using $50 million …" showed Quiros as the one accusing
    (PolNeAR dev, not in the speaker set): the tagger's source filled the passive cue the rules
    had left without one. Only a "by" agent says a passive cue's words."""
    doc = shown_all(Document(ACCUSED))
    pos = ACCUSED.index("using $50 million")
    for row in doc.layer("attributions"):
        if row.start <= pos < row.end:
            assert row.attrs["speaker"]["name"] is None, row.attrs


STUDY = """Tax havens

An exhaustive study being released on Tuesday by a group of researchers shows how companies shelter profits offshore.

Instead, the study -- which notes that 58 companies would owe $212 billion, ''equal to the entire state budgets of California, Virginia and Indiana combined,'' if they were taxed properly -- should be a call to voters.
"""


def test_a_document_is_not_named_by_a_place_in_its_words(shown_all: AttributionExtractor) -> None:
    """ "the study -- which notes that … the budgets of California …" was shown as
    "California"'s (PolNeAR dev, not in the speaker set): the parse hung the quoted words on
    "study", and a proper noun there was taken for the document's name."""
    assert name_at(shown_all, STUDY, "58 companies would owe") is None


NEXT_SUBJECT = """Police protests

Republican vice-presidential nominee Mike Pence echoed the campaign's line on Sunday.

"At the end of the day, we need to step away from efforts to paint law enforcement with the broad brush of racial bias," Pence said on CNN.

On "Face the Nation," Sen. Bernie Sanders (Vt.), who lost the primaries to Clinton, identified young voters' exhaustion with bigotry as one of the reasons to back her. "The younger people are sick and tired of discrimination and racism."
"""


def test_a_bare_quote_after_another_persons_sentence_is_not_the_last_speakers(
    shown_all: AttributionExtractor,
) -> None:
    """Sanders's quote, after a sentence whose subject he is, was shown as Mike Pence's, the
    speaker of the paragraph before (PolNeAR dev, not in the speaker set)."""
    assert name_at(shown_all, NEXT_SUBJECT, "The younger people") == "Bernie Sanders"
    assert name_at(shown_all, NEXT_SUBJECT, "At the end of the day") == "Mike Pence"


JOINT_STUDY = """Charlotte after the shooting

The city has grown fast.

But a 2014 study by Harvard and the University of California at Berkeley found that poor children in Charlotte have the worst odds in the nation.
"""


def test_a_study_by_two_bodies_is_neither_ones(shown_all: AttributionExtractor) -> None:
    """ "a 2014 study by Harvard and the University of California at Berkeley found …" was shown
    as Harvard's (PolNeAR dev, not in the speaker set)."""
    assert name_at(shown_all, JOINT_STUDY, "poor children") is None


REDUCED_RELATIVE = """Immunity deals

The probe goes on.

Several people Republicans have tried to talk to about the Clinton email matter have refused to cooperate.
"""


def test_a_group_in_a_relative_clause_without_whom_is_not_the_speaker(
    shown_all: AttributionExtractor,
) -> None:
    """ "Several people Republicans have tried to talk to … have refused to cooperate" was shown
    as the Republicans' (PolNeAR dev, not in the speaker set): the people refused."""
    assert name_at(shown_all, REDUCED_RELATIVE, "to cooperate") is None
