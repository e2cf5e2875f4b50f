"""Speaker resolution on the hand-labelled set in tests/data/speakers (names per attribution)."""

import json
from pathlib import Path

import pytest

from spinscope.attribution.extract import AttributionExtractor
from spinscope.document import Document

DATA = Path(__file__).resolve().parent.parent / "data" / "speakers"
CASES = sorted(DATA.glob("*.json"))


@pytest.fixture(scope="module")
def extractor() -> AttributionExtractor:
    return AttributionExtractor()


def test_set_is_large_enough() -> None:
    assert len(CASES) >= 10


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_resolved_speaker_names(extractor: AttributionExtractor, path: Path) -> None:
    case = json.loads(path.read_text(encoding="utf-8"))
    atts = extractor(Document(case["text"])).layer("attributions")
    for gold in case["attributions"]:
        pos = case["text"].index(gold["anchor"])
        hits = [a for a in atts if a.start <= pos < a.end]
        assert hits, gold["anchor"]
        inner = min(hits, key=lambda a: a.end - a.start)
        assert inner.attrs["speaker"]["name"] == gold["speaker"], gold["anchor"]
