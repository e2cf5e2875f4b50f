"""The shipped attribution tagger: it loads, reads a plain report as one, rejects what is not
a reporting word, and the models stay within the size budget."""

from __future__ import annotations

from pathlib import Path

import pytest

from spinscope.attribution.extract import AttributionExtractor
from spinscope.attribution.hybrid import MODES
from spinscope.attribution.tagger import CONTENT, CUE, SOURCE, AttributionTagger, default_model_dir
from spinscope.document import Document


@pytest.fixture(scope="module")
def tagger() -> AttributionTagger:
    t = AttributionTagger.load()
    assert t is not None, f"no attribution tagger in {default_model_dir()}"
    return t


def _mean(tagger: AttributionTagger, text: str, needle: str, label: int) -> float:
    tagged = tagger.tag_ranges(text, [(0, len(text))])
    a = text.index(needle)
    return tagged.mean(label, a, a + len(needle))


def test_a_plain_report_is_read_as_one(tagger: AttributionTagger) -> None:
    text = "The finance minister said on Monday that the budget would be cut by a tenth."
    assert _mean(tagger, text, "The finance minister", SOURCE) > 0.5
    assert _mean(tagger, text, "said", CUE) > 0.5
    assert _mean(tagger, text, "the budget would be cut by a tenth", CONTENT) > 0.5
    assert _mean(tagger, text, "on Monday", SOURCE) < 0.5


def test_words_that_report_nothing_are_not_cues(tagger: AttributionTagger) -> None:
    text = (
        "Pointing to the new harbour, the engineer said the pipes were older than the town. "
        "The plant is expected to open in May, offering jobs to hundreds of residents."
    )
    assert _mean(tagger, text, "said", CUE) > 0.5
    atts = AttributionExtractor(tagger=tagger)(Document(text)).layer("attributions")
    assert [a.attrs["cue"]["text"] for a in atts if a.attrs["cue"]] == ["said"]


def test_the_shipped_settings_are_a_known_mode(tagger: AttributionTagger) -> None:
    assert tagger.decoding["mode"] in MODES
    ex = AttributionExtractor()
    assert ex.tagger is not None and ex.settings.mode == tagger.decoding["mode"]


def test_the_extractor_runs_the_tagger_and_keeps_the_contract(tagger: AttributionTagger) -> None:
    text = "“We will not sign this deal,” the union leader told reporters on Friday."
    (a,) = AttributionExtractor(tagger=tagger)(Document(text)).layer("attributions")
    assert text[a.start : a.end].strip("“”,") == "We will not sign this deal"
    assert a.attrs["cue"]["text"] == "told"
    assert a.attrs["source"]["text"] == "the union leader"


def test_models_stay_within_the_size_budget() -> None:
    models = Path(default_model_dir()).parent
    total = sum(p.stat().st_size for p in models.rglob("*") if p.is_file())
    assert total <= 60 * 10**6, f"shipped models are {total / 1e6:.1f} MB (budget 60 MB)"
