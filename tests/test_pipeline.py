"""The full default pipeline on the archetypal input: what a reader of the sample should see."""

from __future__ import annotations

import pytest

from spinscope.document import Document
from spinscope.paths import missing_message, shared_path
from spinscope.pipeline import Pipeline, get_pipeline

SAMPLE = shared_path("samples", "scraped-news-article.txt")

pytestmark = pytest.mark.skipif(not SAMPLE.exists(), reason=missing_message(SAMPLE))


@pytest.fixture(scope="module")
def doc() -> Document:
    return get_pipeline().analyze(SAMPLE)


def _covering(doc: Document, phrase: str) -> list:
    at = doc.text.index(phrase)
    return [s for s in doc.layer("techniques") if s.start < at + len(phrase) and at < s.end]


@pytest.fixture(scope="module")
def doc_all() -> Document:
    """Every candidate, however unsure (the default view shows only the confident few)."""
    return get_pipeline(min_confidence=0.1).analyze(SAMPLE)


def test_sample_techniques_and_voice(doc: Document, doc_all: Document) -> None:
    havoc = _covering(doc, "wreaking havoc")
    assert havoc and havoc[0].label == "Loaded_Language"
    assert havoc[0].attrs["voice"] == {"kind": "outlet", "attribution": None}
    # a technique inside a quote is in the quoted speaker's voice
    condemn = _covering(doc, "condemn this")
    assert condemn, "the envoy's “we condemn this, and express our sorrow …” should be flagged"
    voice = condemn[0].attrs["voice"]
    assert voice["kind"] == "attributed"
    att = {a.attrs["id"]: a for a in doc.layer("attributions")}[voice["attribution"]]
    assert att.attrs["speaker"]["name"] == "Wong Roy Chang"
    assert att.start <= condemn[0].start and condemn[0].end <= att.end
    # a less certain one (shown from 0.1) in the analyst's quoted words
    turndown = _covering(doc_all, "the turndown")
    assert turndown and turndown[0].attrs["voice"]["kind"] == "attributed"
    att = {a.attrs["id"]: a for a in doc_all.layer("attributions")}[
        turndown[0].attrs["voice"]["attribution"]
    ]
    assert att.attrs["speaker"]["name"] == "Daniel Patrick Welch"
    for s in doc_all.layer("techniques"):
        assert any(r.label == "body" and r.contains(s) for r in doc.regions)


def test_sample_json_round_trip(doc: Document) -> None:
    back = Document.from_json(doc.to_json())
    assert back.to_dict() == doc.to_dict()


def test_pipe_equals_one_by_one(doc: Document) -> None:
    """Batching (and running the tagger beside the parser) changes nothing."""
    pipe = Pipeline.build()
    text = SAMPLE.read_text(encoding="utf-8")
    from spinscope.ingest import load

    batch = list(pipe.pipe([load(text), load(text[: len(text) // 2])], batch_size=2))
    assert batch[0].to_dict()["techniques"] == doc.to_dict()["techniques"]
    assert batch[0].to_dict()["attributions"] == doc.to_dict()["attributions"]


def test_prepare_runs_beside_the_parse_before_its_step() -> None:
    """A step's parse-free ``prepare`` (the attribution tagger's pass) runs in the side thread
    while spaCy parses, and its step then reads the result."""
    import threading

    seen: dict[str, object] = {}

    class Prep:
        name = "probe"

        def prepare(self, docs: list[Document]) -> None:
            seen["thread"] = threading.current_thread() is not threading.main_thread()
            for d in docs:
                d.runtime["probe"] = len(d.text)

        def __call__(self, doc: Document) -> Document:
            seen["value"] = doc.runtime.get("probe")
            return doc

    base = Pipeline.build(("clean", "sentences"))
    pipe = Pipeline([*base.steps, ("probe", Prep())])
    pipe(Document("The minister said that the budget would be cut."))
    assert seen == {"thread": True, "value": 47}
    # without overlap the step still works (prepare is skipped; the step falls back)
    seen.clear()
    Pipeline([*base.steps, ("probe", Prep())], overlap=False)(Document("Short text here."))
    assert seen == {"value": None}
