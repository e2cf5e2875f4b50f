"""What the shipped technique model must find on text written for this test (no ``../shared``).

``tests/data/behaviour/techniques.json`` holds sentences nobody trained on: loaded ones, each with
the phrase a reader would mark and the PTC techniques accepted for it, and plain news sentences
where nothing should be shown. The thresholds sit well below what the shipped model scores
(23 of 24 phrases found, 15 at the default view, 0 plain sentences with a shown span, 8 techniques
among the hits) and far above what a random, constant, one-label or miscalibrated model can reach
(see ``test_the_measure_rejects_broken_models``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from spinscope.document import Document
from spinscope.sentences import SentenceSplitter
from spinscope.techniques import decode
from spinscope.techniques.labels import TECHNIQUE_NAMES
from spinscope.techniques.model import REVEAL_FLOOR, TechniqueTagger

DATA = Path(__file__).resolve().parents[1] / "data" / "behaviour" / "techniques.json"

#: Share of loaded phrases with a candidate of an accepted technique (at the reveal floor).
MIN_FOUND = 0.75
#: Share of loaded phrases shown in the default view with an accepted technique.
MIN_SHOWN = 0.45
#: Plain sentences allowed a shown span.
MAX_PLAIN_SHOWN = 1
#: Distinct techniques among the found phrases (a one-label model has 1).
MIN_TECHNIQUES = 4


@dataclass
class Behaviour:
    found: float
    shown: float
    plain_shown: int
    techniques: int
    loaded_mean: float  # mean best confidence on the loaded phrases
    plain_max: float  # highest candidate confidence anywhere in the plain sentences


def measure(tagger: TechniqueTagger) -> Behaviour:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    split = SentenceSplitter()
    default = tagger.default_confidence
    found = shown = 0
    labels: set[str] = set()
    best_conf: list[float] = []
    for item in data["loaded"]:
        text, phrase = item["text"], item["phrase"]
        a = text.index(phrase)
        b = a + len(phrase)
        doc = tagger(split(Document(text=text)))
        over = [s for s in doc.layer("techniques") if s.start < b and s.end > a]
        right = [s for s in over if s.label in item["techniques"]]
        conf = max((s.attrs["confidence"] for s in right), default=0.0)
        best_conf.append(conf)
        if right:
            found += 1
            labels.add(max(right, key=lambda s: s.attrs["confidence"]).label)
        shown += conf >= default
    plain_shown = 0
    plain_max = 0.0
    for text in data["plain"]:
        doc = tagger(split(Document(text=text)))
        confs = [s.attrs["confidence"] for s in doc.layer("techniques")]
        plain_shown += any(c >= default for c in confs)
        plain_max = max([plain_max, *confs])
    n = len(data["loaded"])
    return Behaviour(
        found / n, shown / n, plain_shown, len(labels), float(np.mean(best_conf)), plain_max
    )


def passes(b: Behaviour) -> list[str]:
    """Why a measured behaviour falls short (empty: it passes)."""
    out = []
    if b.found < MIN_FOUND:
        out.append(f"found {b.found:.2f} < {MIN_FOUND}")
    if b.shown < MIN_SHOWN:
        out.append(f"shown {b.shown:.2f} < {MIN_SHOWN}")
    if b.plain_shown > MAX_PLAIN_SHOWN:
        out.append(f"{b.plain_shown} plain sentences with a shown span")
    if b.techniques < MIN_TECHNIQUES:
        out.append(f"{b.techniques} techniques among the hits")
    if b.loaded_mean <= b.plain_max:
        out.append(f"loaded mean {b.loaded_mean:.2f} <= plain max {b.plain_max:.2f}")
    return out


@pytest.fixture(scope="module")
def shipped() -> Behaviour:
    return measure(TechniqueTagger.load(min_confidence=REVEAL_FLOOR))


def test_the_data_is_what_the_test_says() -> None:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    assert len(data["loaded"]) >= 20 and len(data["plain"]) >= 20
    for item in data["loaded"]:
        assert item["phrase"] in item["text"]
        assert item["techniques"] and set(item["techniques"]) <= set(TECHNIQUE_NAMES), item


def test_shipped_model_finds_the_loaded_phrases(shipped: Behaviour) -> None:
    assert shipped.found >= MIN_FOUND, shipped
    assert shipped.shown >= MIN_SHOWN, shipped
    assert shipped.techniques >= MIN_TECHNIQUES, shipped


def test_shipped_model_shows_nothing_on_plain_news(shipped: Behaviour) -> None:
    assert shipped.plain_shown <= MAX_PLAIN_SHOWN, shipped
    assert shipped.loaded_mean > shipped.plain_max, shipped


class _Broken:
    """Stands in for the ONNX encoder session."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.label = TECHNIQUE_NAMES.index("Loaded_Language")

    def run(self, _names: object, feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
        ids = feeds["input_ids"]
        shape = ids.shape
        rng = np.random.default_rng(int(ids.sum()) + ids.size)
        hidden = rng.normal(size=(*shape, 384)).astype(np.float32)
        if self.kind == "random":
            return [hidden, rng.random((*shape, decode.N_OUT)).astype(np.float32)]
        out = np.zeros((*shape, decode.N_OUT), np.float32)
        if self.kind == "one-label":  # one technique, everywhere, with high probability
            out[..., 0] = 0.9
            out[..., 1 + self.label] = 0.9
            out[..., 1 + decode.N_TECH + self.label] = 0.9
        return [hidden, out]


@pytest.mark.parametrize("kind", ["random", "constant", "one-label"])
def test_the_measure_rejects_broken_models(kind: str) -> None:
    tagger = TechniqueTagger.load(min_confidence=REVEAL_FLOOR)
    tagger.session = _Broken(kind)  # type: ignore[assignment]
    b = measure(tagger)
    assert passes(b), (kind, b)
