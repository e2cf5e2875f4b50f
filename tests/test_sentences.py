"""Sentence splitting of long bodies in chunks: bounded pieces, exact offsets, no E088."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spinscope import sentences
from spinscope.document import Document
from spinscope.sentences import PARSES, SentenceSplitter, chunks

SENT = "The council met on Monday. It voted to approve the pier! Was it wise? Critics doubt it."


def _check(text: str, pieces: list[tuple[int, int]], limit: int) -> None:
    covered = "".join(text[s:e] for s, e in pieces)
    assert "".join(covered.split()) == "".join(text.split()), "every visible character, once"
    for s, e in pieces:
        assert 0 < e - s <= limit
        assert not text[s].isspace() and not text[e - 1].isspace()
    assert all(a[1] <= b[0] for a, b in zip(pieces, pieces[1:], strict=False))


def test_short_region_is_one_piece() -> None:
    assert list(chunks(SENT, 0, len(SENT))) == [(0, len(SENT))]


def test_long_text_is_cut_at_paragraph_breaks_first() -> None:
    text = "\n\n".join([SENT * 3] * 40)
    pieces = list(chunks(text, 0, len(text), limit=1000))
    _check(text, pieces, 1000)
    for _s, e in pieces[:-1]:
        assert text[e : e + 2] == "\n\n"  # the cut is a paragraph break


def test_single_line_monster_is_cut_after_sentences() -> None:
    text = " ".join([SENT] * 200)
    pieces = list(chunks(text, 0, len(text), limit=1000))
    _check(text, pieces, 1000)
    for _s, e in pieces[:-1]:
        assert text[e - 1] in ".!?"


def test_text_without_spaces_is_never_cut_inside_a_grapheme() -> None:
    unit = "e\u0301" + "👩\u200d👩\u200d👧" + "🇫🇷" + "👍🏽" + "x"
    text = unit * 400
    pieces = list(chunks(text, 0, len(text), limit=257))
    _check(text, pieces, 257)
    for _, e in pieces[:-1]:
        assert text[e] in ("e", "x", "👩", "🇫"), repr(text[e - 1 : e + 1])
        if text[e] == "🇫":
            assert text[e - 1] != "🇷" or text[e - 2] == "🇫"


@settings(max_examples=60, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("ab .!?\n\u2028\u2029 \t") + ["\u0301"]), max_size=3000),
    st.integers(min_value=20, max_value=400),
)
def test_chunks_property(text: str, limit: int) -> None:
    _check(text, list(chunks(text, 0, len(text), limit=limit)), limit)


@pytest.fixture
def small_nlp():  # a real spaCy pipeline with a tiny max_length, so E088 is cheap to reach
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.max_length = 5_000
    return nlp


def test_splitter_parses_a_body_beyond_max_length(small_nlp, monkeypatch) -> None:
    monkeypatch.setattr(sentences, "CHUNK_CHARS", 2_000)
    text = "Headline\n\n" + " ".join([SENT] * 400)  # one 35k-character line
    doc = Document(text=text)
    with pytest.raises(ValueError, match="E088"):
        small_nlp(text)
    SentenceSplitter(nlp=small_nlp).pipe([doc])
    parses = doc.runtime[PARSES]
    assert len(parses) > 10
    for offset, parsed in parses:
        assert text[offset : offset + len(parsed.text)] == parsed.text
    sents = [doc.span_text(s) for s in doc.layer("sentences")]
    assert sents[0].endswith("The council met on Monday.")  # the headline has no full stop
    assert sents[1:4] == ["It voted to approve the pier!", "Was it wise?", "Critics doubt it."]
    assert sents[-1] == "Critics doubt it."
    assert len(sents) == 4 * 400  # no sentence lost or split at a chunk boundary
