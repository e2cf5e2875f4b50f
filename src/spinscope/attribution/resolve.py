"""Speaker decisions scored: how sure is the shown name, and is it shown at all.

The resolver (:mod:`spinscope.attribution.speakers`) proposes one speaker per attribution and
records *how* it got there (a name in the mention, a pronoun, a title, a continuation, …) with
features of the decision (distance to the antecedent, how many other people would fit, gender
and number agreement, whether the name stands in the mention's head or only in a modifier, the
tagger's belief that the mention is a source, …). :class:`DecisionScorer` turns those features
into a calibrated probability that the shown name is the person the article means — a logistic
model whose weights are plain JSON (``models/attribution/speakers.json``, fitted on PolNeAR
train by ``python -m spinscope.attribution.resolve fit``) — and the extractor shows a name only
above the abstain threshold chosen there for a wrong-name rate ≤ 2 %; below it the row shows the
mention as written, marked unresolved.

Runtime needs numpy and the JSON only; scikit-learn is imported by ``fit`` alone.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

#: How a speaker was found. Each is one indicator feature.
HOWS = (
    "name",  # the mention's head is a name of the speaker ("Trump", "Sen. Graham")
    "name_part",  # a name inside the mention but not its head ("a spokeswoman for Clinton")
    "appos",  # the name is an apposition of the mention's head noun ("the group X")
    "pronoun",  # he / she / they / it → an earlier speaker
    "role",  # a description whose noun matches a named person's title ("the senator")
    "role_fallback",  # a description with no matching title → the latest titled person
    "continues",  # a quote or clause that continues the previous attribution's speaker
    "text",  # a mention without a parse, matched by name words
    "unnamed",  # no name: a description or a pronoun with nobody to refer to
    "none",  # no source mention at all
)

FEATURES = (
    *(f"how_{h}" for h in HOWS),
    "rivals",  # other people of the same kind mentioned since the antecedent (0–3)
    "distance",  # log1p(characters between antecedent and mention) / 10
    "gender_agree",  # pronoun / title gender known on both sides and equal
    "same_sentence",  # the antecedent is in the mention's sentence
    "prev_speaker",  # the antecedent spoke in the previous attribution
    "surname_shared",  # the name's last word belongs to two different people here
    "caps_mention",  # the mention is in capitals ("WALLACE:" in a transcript)
    "possessive",  # the mention holds a possessive name ("Trump's campaign")
    "tagger_source",  # the tagger's mean SOURCE probability over the mention
    "from_tagger",  # the attribution came from the tagger, not the rules
    "nested",  # the cue stands inside a quotation
    "mentions",  # log1p(mentions of this speaker so far)
    "org",  # the speaker is an organisation or a document
)


@dataclass
class Decision:
    """How one attribution's speaker was found, with the features of that decision."""

    how: str
    feats: dict[str, float] = field(default_factory=dict)

    def vector(self) -> np.ndarray:
        f = dict(self.feats)
        f[f"how_{self.how}"] = 1.0
        return np.array([float(f.get(k, 0.0)) for k in FEATURES], dtype=np.float64)


def model_path() -> Path:
    return Path(__file__).resolve().parent.parent / "models" / "attribution" / "speakers.json"


@dataclass
class DecisionScorer:
    """Logistic model over :data:`FEATURES`; ``threshold``: the least probability shown."""

    weights: np.ndarray
    bias: float
    threshold: float
    mean: np.ndarray
    scale: np.ndarray
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None = None) -> DecisionScorer:
        p = path or model_path()
        try:
            cfg = json.loads(p.read_text(encoding="utf-8"))
            names = cfg["features"]
            w = cfg["weights"]
        except (OSError, ValueError, KeyError) as exc:
            raise ValueError(f"{p}: not a speaker model ({exc})") from None
        if list(names) != list(FEATURES):
            raise ValueError(f"{p}: features differ from this code's; refit the speaker model")
        n = len(FEATURES)
        return cls(
            np.asarray(w, dtype=np.float64),
            float(cfg["bias"]),
            float(cfg["threshold"]),
            np.asarray(cfg.get("mean", [0.0] * n), dtype=np.float64),
            np.asarray(cfg.get("scale", [1.0] * n), dtype=np.float64),
            {k: v for k, v in cfg.items() if k not in ("weights", "mean", "scale")},
        )

    def prob(self, d: Decision) -> float:
        z = float((d.vector() - self.mean) / self.scale @ self.weights) + self.bias
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def shown(self, d: Decision) -> bool:
        return self.prob(d) >= self.threshold


@lru_cache(maxsize=1)
def default_scorer() -> DecisionScorer | None:
    """The shipped model, or None when it is not installed (names then shown as resolved)."""
    try:
        return DecisionScorer.load()
    except ValueError:
        return None


# -- names -------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _detector() -> Any:
    import gender_guesser.detector as gd

    return gd.Detector(case_sensitive=False)


_TITLE_GENDER = {
    "mr": "m", "mister": "m", "sir": "m", "lord": "m", "king": "m", "prince": "m",
    "mrs": "f", "ms": "f", "miss": "f", "madam": "f", "lady": "f", "queen": "f",
    "princess": "f", "dame": "f",
}  # fmt: skip


@lru_cache(maxsize=4096)
def name_gender(name: str) -> str | None:
    """ "m" / "f" from a person's title or first name (``nameparser`` splits it,
    ``gender-guesser`` knows the first name's usual gender, offline); None when unsure."""
    from nameparser import HumanName

    if not name or not name.strip():
        return None
    hn = HumanName(name)
    for t in str(hn.title).lower().replace(".", " ").split():
        if t in _TITLE_GENDER:
            return _TITLE_GENDER[t]
    firsts = f"{hn.first} {hn.middle}".split()
    for first in firsts:
        # only a first name that is clearly one gender: "Terry", "Bernie" settle nothing
        g = _detector().get_gender(first.strip(".,"))
        if g == "male":
            return "m"
        if g == "female":
            return "f"
    return None


def surname(name: str) -> str:
    from nameparser import HumanName

    hn = HumanName(name)
    return str(hn.last or (name.split()[-1] if name.split() else "")).lower()


def rivals_between(
    kinds: Sequence[str], lasts: Sequence[int], chosen_last: int, pos: int, cap: int = 3
) -> float:
    """How many other speakers of the wanted kind were mentioned after the chosen antecedent
    and before ``pos`` (or near it): the more, the less a pronoun or title settles who it is."""
    n = sum(1 for last in lasts if chosen_last < last <= pos or abs(last - chosen_last) < 80)
    return float(min(cap, n))
