"""Who said what on text written for this test (no ``../shared``): the shipped tagger, rules and
speaker resolution must find each statement and name its speaker, or name nobody.

Each case is a statement's words, the speaker the article means (``None``: the article names
nobody, so no name may be shown) and how it is said. A random tagger, a tagger that never fires,
or speakers left as the raw mention ("She", "he") fail here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spinscope.document import Document
from spinscope.pipeline import get_pipeline

DATA = Path(__file__).resolve().parents[1] / "data" / "behaviour"

# (file, words inside the statement, speaker's surname or None, label)
CASES = [
    ("statements-senator.txt", "We will not back down", "Miller", "direct"),
    ("statements-senator.txt", "This bill is about the families", "Miller", "direct"),
    ("statements-senator.txt", "the plan would cost about $2 billion", "Miller", "indirect"),
    (
        "statements-senator.txt",
        "the plan would add $300 million to the deficit",
        "Congressional Budget Office",
        "indirect",
    ),
    ("statements-senator.txt", "the bill was rushed through", None, "indirect"),
    # the first line, which the cleaner takes for a title: a title's statements are listed
    # too, their speakers as the body names them (here a body it never names: no name)
    ("statements-ministry.txt", "45 new cases of the virus", None, "indirect"),
    ("statements-ministry.txt", "the number could double within a week", "Karimi", "indirect"),
    ("statements-ministry.txt", "We are seeing clusters in schools", "Karimi", "direct"),
    ("statements-ministry.txt", "the schools would stay open", None, "indirect"),
]


@pytest.fixture(scope="module")
def analysed() -> dict[str, Document]:
    pipe = get_pipeline(("clean", "sentences", "attributions"))
    return {
        name: pipe(Document(text=(DATA / name).read_text(encoding="utf-8")))
        for name in sorted({c[0] for c in CASES})
    }


def _statement(doc: Document, words: str):  # type: ignore[no-untyped-def]
    a = doc.text.index(words)
    b = a + len(words)
    over = [s for s in doc.layer("attributions") if s.start <= a and b <= s.end]
    assert len(over) == 1, (words, [(doc.text[s.start : s.end], s.label) for s in over])
    return over[0]


@pytest.mark.parametrize(("name", "words", "speaker", "label"), CASES)
def test_each_statement_is_found_with_its_speaker(
    analysed: dict[str, Document], name: str, words: str, speaker: str | None, label: str
) -> None:
    doc = analysed[name]
    st = _statement(doc, words)
    assert st.label == label
    shown = st.attrs["speaker"]["name"]
    if speaker is None:
        assert shown is None, f"{words!r}: no one is named, yet {shown!r} is shown"
    else:
        assert shown and shown.split()[-1] == speaker.split()[-1], (words, st.attrs["speaker"])
    cue = st.attrs.get("cue")
    if label == "indirect":  # an indirect statement always has its cue
        assert cue and doc.text[cue["start"] : cue["end"]] == cue["text"]


def test_only_the_statements_are_found(analysed: dict[str, Document]) -> None:
    for name, doc in analysed.items():
        expected = [c for c in CASES if c[0] == name]
        assert len(doc.layer("attributions")) == len(expected), [
            doc.text[s.start : s.end] for s in doc.layer("attributions")
        ]


def test_plain_news_has_no_statements() -> None:
    plain = json.loads((DATA / "techniques.json").read_text(encoding="utf-8"))["plain"]
    # sentences that report someone's words are statements; the others must stay empty
    reported = ("reported", "said", "expected")
    pipe = get_pipeline(("clean", "sentences", "attributions"))
    quiet = [t for t in plain if not any(w in t for w in reported)]
    assert len(quiet) >= 15
    found = [t for t in quiet if pipe(Document(text=t)).layer("attributions")]
    # one slip allowed (measured: "The minister met her counterpart … to discuss fishing quotas"
    # is taken as a statement cued by "discuss"); a tagger that fires at random finds many
    assert len(found) <= 1, found


def test_a_quoted_technique_is_in_the_speakers_voice() -> None:
    text = (DATA / "voice-quote.txt").read_text(encoding="utf-8")
    doc = get_pipeline()(Document(text=text))
    atts = {s.attrs["id"]: s for s in doc.layer("attributions")}
    techs = doc.layer("techniques")
    inside = [t for t in techs if "savages" in text[t.start : t.end]]
    outside = [t for t in techs if "wreaking havoc" in text[t.start : t.end]]
    assert inside and outside, [(text[t.start : t.end], t.label) for t in techs]
    for t in inside:
        voice = t.attrs["voice"]
        assert voice["kind"] == "attributed", voice
        att = atts[voice["attribution"]]
        assert att.attrs["speaker"]["name"].endswith("Miller")
    for t in outside:
        assert t.attrs["voice"] == {"kind": "outlet", "attribution": None}
