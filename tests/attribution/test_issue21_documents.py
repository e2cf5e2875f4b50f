"""Issue 21, the name a document or body speaks under: each text is written here in the shape of a
wrong name found on PolNeAR train (never a dev sentence). Names are shown without abstention
(``speaker_scorer=None``) so that the resolution itself is tested, not the threshold."""

from __future__ import annotations

from attribution.rows import name_at as _name


def test_a_place_in_a_relative_clause_does_not_name_the_document(shown_all) -> None:  # type: ignore[no-untyped-def]
    # "The complaint, which was filed in federal district court in Washington, alleged …" was
    # shown as said by "Washington"
    text = (
        "The union sued the city council on Monday.\n\n"
        "The complaint, which was filed in the county court in Springfield, alleged that the "
        "council “ignored every safety report it received.”"
    )
    assert _name(shown_all, text, "ignored every safety report") != "Springfield"


def test_a_person_who_runs_a_website_is_not_the_website(shown_all) -> None:  # type: ignore[no-untyped-def]
    # "The project's website, run by Michael McDonald, …, said …" was shown as McDonald's words
    text = (
        "Turnout rose in every county this spring.\n\n"
        "The survey's website, run by Laura Brennan, a professor of statistics at a state "
        "university, said the estimate is based on the number of ballots counted in each county."
    )
    assert _name(shown_all, text, "the estimate is based") != "Laura Brennan"


def test_an_entity_that_runs_over_a_verb_is_no_name(shown_all) -> None:  # type: ignore[no-untyped-def]
    # NER read "Trump told The Associated Press of the prospects for peace" as one work of art,
    # and the row was shown as said by an organisation of that name; the misread is set here by
    # hand, as the parser's NER does not make it on every sentence of that shape
    from spacy.tokens import Span

    from spinscope.attribution.speakers import _name_tokens

    sdoc = shown_all._get_nlp()(
        '"It is up to the union," Pence told The Associated Press of the prospects for a deal.'
    )
    at = next(t.i for t in sdoc if t.text == "Pence")
    end = next(t.i for t in sdoc if t.text == "deal")
    sdoc.ents = [Span(sdoc, at, end, label="WORK_OF_ART")]
    assert [t.text for t in _name_tokens(sdoc[at])] == ["Pence"]


def test_a_title_is_no_part_of_the_name(shown_all) -> None:  # type: ignore[no-untyped-def]
    # "Representative Brooks, who has welcomed support from the Tea Party, …" was shown under
    # the name "Representative Brooks", which is no one's name
    text = (
        "Some conservative members of Congress have backed free trade in the past, but "
        "Representative Kowalski, who has welcomed support from farm groups, said the deals had "
        "cost her district thousands of jobs."
    )
    name = _name(shown_all, text, "cost her district")
    assert name is None or not name.startswith("Representative")
