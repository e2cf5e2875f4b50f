"""The cue lexicon: how often each ``lemma|POS|relation`` candidate was a real attribution.

Built from PolNeAR *train* only (``python -m spinscope.attribution.lexicon``) and shipped as a
small JSON of counts under ``spinscope/models/attribution/``; dev is never looked at here.
"""

from __future__ import annotations

import functools
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spinscope.attribution.polnear import GoldArticle
from spinscope.attribution.quotes import find_quotes
from spinscope.attribution.rules import raw_candidates

LEXICON_PATH = Path(__file__).resolve().parent.parent / "models" / "attribution" / "cues.json"


@dataclass(frozen=True)
class CueLexicon:
    """``counts[key] = (hits, total)``; weight is a smoothed precision."""

    counts: dict[str, tuple[int, int]]

    def weight(self, key: str) -> float:
        hits, total = self.counts.get(key, (0, 0))
        return hits / (total + 1.0)

    def lemma_weight(self, lemma: str, pos: str = "V") -> float:
        """Best weight of a lemma over the relations a quote can take (for quote linking)."""
        best = 0.0
        for rel in ("ccomp", "head_parataxis", "head_ccomp", "dobj", "head_advcl"):
            best = max(best, self.weight(f"{lemma}|{pos}|{rel}"))
        return best

    def best_weight(self, lemma: str, pos: str) -> float:
        """Best weight of ``lemma|pos`` over every relation it was seen with (tagger vetoes)."""
        return self._best_by_lemma.get(f"{lemma}|{pos}", 0.0)

    @functools.cached_property
    def _best_by_lemma(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for key in self.counts:
            lemma_pos = key.rsplit("|", 1)[0]
            out[lemma_pos] = max(out.get(lemma_pos, 0.0), self.weight(key))
        return out

    def to_json(self) -> str:
        return json.dumps({k: list(v) for k, v in sorted(self.counts.items())}, indent=0)

    @classmethod
    def from_json(cls, s: str) -> CueLexicon:
        return cls({k: (int(v[0]), int(v[1])) for k, v in json.loads(s).items()})


@functools.lru_cache(maxsize=2)
def load_lexicon(path: Path = LEXICON_PATH) -> CueLexicon:
    return CueLexicon.from_json(path.read_text(encoding="utf-8"))


def _covers(pred: tuple[int, int], pieces: Sequence[tuple[int, int]]) -> bool:
    total = sum(b - a for a, b in pieces)
    got = sum(max(0, min(b, pred[1]) - max(a, pred[0])) for a, b in pieces)
    return total > 0 and got * 2 >= total


def build_lexicon(
    articles: Iterable[GoldArticle], parses: Iterable[Any], min_total: int = 2
) -> CueLexicon:
    """Count, per candidate key, occurrences and hits (cue overlaps gold cue, content covers it)."""
    hits: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for art, sdoc in zip(articles, parses, strict=True):
        quotes = find_quotes(art.text)
        for cand in raw_candidates(sdoc, 0, quotes):
            total[cand.key] += 1
            c0, c1 = cand.cue
            for g in art.attributions:
                if any(a < c1 and c0 < b for a, b in g.cue) and _covers(cand.content, g.content):
                    hits[cand.key] += 1
                    break
    counts = {k: (hits[k], n) for k, n in total.items() if n >= min_total and hits[k] > 0}
    return CueLexicon(counts)


def main() -> None:
    import argparse

    from spacy.tokens import DocBin

    from spinscope.attribution.polnear import load_split
    from spinscope.nlp import load_spacy
    from spinscope.paths import shared_path

    ap = argparse.ArgumentParser(description="Build the cue lexicon from PolNeAR train.")
    ap.add_argument("--polnear", default=str(shared_path("data", "polnear")))
    ap.add_argument("--parses", help="DocBin of the train texts (sorted order) to skip parsing")
    ap.add_argument("-o", "--out", default=str(LEXICON_PATH))
    args = ap.parse_args()
    articles = load_split(args.polnear, "train")
    nlp = load_spacy()
    if args.parses:
        parses = list(DocBin().from_disk(args.parses).get_docs(nlp.vocab))
    else:
        parses = list(nlp.pipe((a.text for a in articles), batch_size=16))
    lex = build_lexicon(articles, parses)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(lex.to_json(), encoding="utf-8")
    print(f"{len(lex.counts)} keys -> {args.out}")


if __name__ == "__main__":
    main()
