"""Property: arbitrary bytes or Unicode through ingest + cleaning never raise anything but
InputError (one line naming the input and the problem), the regions always lie inside the text
without overlapping, and text that is plainly text is always accepted and kept as given."""

from __future__ import annotations

import importlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spinscope.clean import Cleaner
from spinscope.document import Document
from spinscope.errors import InputError
from spinscope.ingest import load


@pytest.fixture(autouse=True, scope="module")
def _no_fetching() -> object:
    """Text that reads as a URL ("http://a") is fetched by ``load``: never from a property test."""

    def refuse(url: str, **_: object) -> None:
        raise InputError(url, "not fetched in this test")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(importlib.import_module("spinscope.ingest.load"), "load_url", refuse)
        yield


RESIDUE = ["Related Articles", "Back to top", "Share", "By Ann Lee", "March 3, 2019", "\n", "\r\n"]


def _check(doc: Document) -> None:
    Cleaner()(doc)
    regions = doc.regions
    for r in regions:
        assert 0 <= r.start < r.end <= len(doc.text)
        text = doc.span_text(r)
        assert text == text.strip() or not text.strip(), "regions are whitespace-trimmed"
    for a, b in zip(regions, regions[1:], strict=False):
        assert a.end <= b.start, f"overlap {a} {b}"
    assert doc.to_json()


def _run(value: str | bytes) -> None:
    try:
        doc = load(value, name="prop")
    except InputError as e:
        # refused: one clear line that names the input and the problem
        assert e.input_name == "prop" and str(e) == f"prop: {e.reason}"
        assert e.reason.strip() and "\n" not in e.reason
        return
    _check(doc)


#: Letters, digits, punctuation and spaces: what an article is made of, never refused.
_PLAIN = st.characters(categories=("L", "N", "P", "Zs"))
_PLAIN_TEXT = st.lists(st.text(_PLAIN, min_size=1, max_size=80), min_size=1, max_size=20).map(
    lambda lines: "Headline words\n\n" + "\n".join(lines)
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_PLAIN_TEXT)
def test_plain_text_is_always_accepted(text: str) -> None:
    for value in (text, text.encode("utf-8")):
        doc = load(value, name="prop")
        assert doc.text == text  # never rewritten
        _check(doc)
        assert doc.regions, "cleaning marks the text's regions"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_arbitrary_bytes(data: bytes) -> None:
    _run(data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=2000))
def test_arbitrary_unicode(text: str) -> None:
    _run(text)
    _run(text.encode("utf-8", "surrogatepass"))


@pytest.mark.parametrize("text", ["HTTP://", "http://a", "https://x.test/a"])
def test_url_like_text_errors_name_the_input(text: str) -> None:
    _run(text)  # found by the property test: the error named the URL, not the input


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(RESIDUE), st.text(max_size=80)), max_size=30))
def test_line_soup(parts: list[str]) -> None:
    _run("\n".join(parts))
