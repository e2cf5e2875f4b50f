from hypothesis import given, settings
from hypothesis import strategies as st

from spinscope.attribution.quotes import find_quotes


def _texts(text: str) -> list[str]:
    return [text[q.start : q.end] for q in find_quotes(text)]


def test_curly_and_straight_quotes() -> None:
    text = '“Curly one,” he said. "Straight one," she said.'
    assert _texts(text) == ["“Curly one,”", '"Straight one,"']


def test_nested_unbalanced_quote_runs_to_sentence_end() -> None:
    text = "He said it was “extremely unlikely that China “will get involved” in Syria. “Next.”"
    quotes = find_quotes(text)
    assert [text[q.start : q.end] for q in quotes] == [
        "“extremely unlikely that China “will get involved” in Syria.",
        "“Next.”",
    ]
    assert quotes[0].open_ended and not quotes[1].open_ended


def test_paragraph_continuation_convention() -> None:
    text = "“First paragraph of the quote.\n\n“Second paragraph,” she said."
    quotes = find_quotes(text)
    assert len(quotes) == 2
    assert quotes[0].open_ended and quotes[0].paragraph_start
    assert text[quotes[0].start : quotes[0].end] == "“First paragraph of the quote."


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(list('ab .,\n“”"—:') + ["said"]), max_size=40).map("".join))
def test_never_crashes_and_spans_are_ordered(text: str) -> None:
    last = 0
    for q in find_quotes(text):
        assert last <= q.start < q.end <= len(text)
        last = q.end
