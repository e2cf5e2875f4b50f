"""PolNeAR reader and the project's attribution measure (content F1, source-mention accuracy).

Kept in the package (not only in ``bench/``) because the cue lexicon is derived from PolNeAR
train and the same scorer is used by the benchmark and by tests; the corpus itself is never copied.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

_T_LINE = re.compile(r"^(T\d+)\t(\w+) ([\d ;]+)\t")
_E_LINE = re.compile(r"^(E\d+)\t(.*)$")

Pieces = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class GoldAttribution:
    content: Pieces
    cue: Pieces
    source: Pieces | None


@dataclass
class GoldArticle:
    name: str
    text: str
    attributions: list[GoldAttribution] = field(default_factory=list)


def parse_ann(ann: str) -> list[GoldAttribution]:
    """Parse one brat file; tolerant of annotator notes and text fields that span lines."""
    spans: dict[str, Pieces] = {}
    events: list[dict[str, str]] = []
    for line in ann.splitlines():
        m = _T_LINE.match(line)
        if m:
            pieces = []
            for part in m.group(3).strip().split(";"):
                a, b = part.split()
                pieces.append((int(a), int(b)))
            spans[m.group(1)] = tuple(pieces)
            continue
        m = _E_LINE.match(line)
        if m:
            args = dict(x.split(":", 1) for x in m.group(2).split() if ":" in x)
            events.append(args)
    out = []
    for ev in events:
        if ev.get("Content") not in spans or ev.get("Cue") not in spans:
            continue
        src = spans.get(ev["Source"]) if "Source" in ev else None
        out.append(GoldAttribution(spans[ev["Content"]], spans[ev["Cue"]], src))
    return out


def load_split(root: Path | str, split: str, limit: int | None = None) -> list[GoldArticle]:
    """Articles of one split with the first annotator's attributions (sorted file order)."""
    base = Path(root) / split
    anns: dict[str, Path] = {}
    for p in sorted((base / "attributions").glob("*.ann")):
        stem = p.stem.rsplit("_", 1)[0]
        anns.setdefault(stem, p)
    articles: list[GoldArticle] = []
    for txt in sorted((base / "text").glob("*.txt")):
        if limit is not None and len(articles) >= limit:
            break
        text = txt.read_text(encoding="utf-8")
        ann = anns.get(txt.stem)
        gold = parse_ann(ann.read_text(encoding="utf-8")) if ann else []
        articles.append(GoldArticle(txt.stem, text, gold))
    return articles


@dataclass(frozen=True)
class Predicted:
    """One predicted statement: its content, and ``more`` pieces where a row continues it
    (a quote the cue splits, as PolNeAR annotates one attribution in several pieces)."""

    content: tuple[int, int]
    source: tuple[int, int] | None
    more: tuple[tuple[int, int], ...] = ()

    @property
    def pieces(self) -> tuple[tuple[int, int], ...]:
        return (self.content, *self.more)


def statement_heads(continues: Sequence[int | None]) -> list[int]:
    """For each row, the first row of its statement (a row continues the earlier row its
    entry names; anything else starts a statement)."""
    head = list(range(len(continues)))
    for i, cont in enumerate(continues):
        if cont is not None and 0 <= cont < i:
            head[i] = head[cont]
    return head


def join_continuations(
    rows: Sequence[tuple[tuple[int, int], tuple[int, int] | None, int | None]],
) -> list[Predicted]:
    """Rows (content, source, index of the row it continues or None) as statements: a row
    that continues another joins it as a further piece (the extractor's ``continues``)."""
    head = statement_heads([cont for _c, _s, cont in rows])
    out: list[Predicted] = []
    at: dict[int, int] = {}
    for i, (content, source, _cont) in enumerate(rows):
        h = head[i]
        if h == i:
            at[i] = len(out)
            out.append(Predicted(content, source))
        else:
            first = out[at[h]]
            out[at[h]] = Predicted(first.content, first.source, (*first.more, content))
    return out


@dataclass
class Score:
    n_pred: int = 0
    n_gold: int = 0
    matched: int = 0
    src_total: int = 0
    src_correct: int = 0

    def add(self, other: Score) -> None:
        self.n_pred += other.n_pred
        self.n_gold += other.n_gold
        self.matched += other.matched
        self.src_total += other.src_total
        self.src_correct += other.src_correct

    @property
    def precision(self) -> float:
        return self.matched / self.n_pred if self.n_pred else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.n_gold if self.n_gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def source_accuracy(self) -> float:
        return self.src_correct / self.src_total if self.src_total else 0.0


def _chars(pieces: Iterable[tuple[int, int]]) -> set[int]:
    out: set[int] = set()
    for a, b in pieces:
        out.update(range(a, b))
    return out


def _overlaps(a: tuple[int, int], pieces: Pieces) -> bool:
    return any(a[0] < e and s < a[1] for s, e in pieces)


def match_pieces(
    pred: Sequence[Sequence[tuple[int, int]]], gold: Sequence[GoldAttribution]
) -> list[tuple[int, int]]:
    """(predicted index, gold index) pairs for predictions given as the content pieces of each
    statement: one-to-one, best overlap first; a match covers ≥ 50% of the gold content."""
    gold_chars = [_chars(g.content) for g in gold]
    pairs = []
    for i, pieces in enumerate(pred):
        pc = _chars(pieces)
        a, b = min(x for x, _ in pieces), max(y for _, y in pieces)
        for j, gc in enumerate(gold_chars):
            if not gc:
                continue
            if b <= min(gc) or a > max(gc):
                continue
            cover = len(gc & pc) / len(gc)
            if cover >= 0.5:
                pairs.append((cover, i, j))
    pairs.sort(key=lambda t: (-t[0], t[1], t[2]))
    used_p: set[int] = set()
    used_g: set[int] = set()
    out = []
    for _, i, j in pairs:
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        out.append((i, j))
    return sorted(out)


def score_article(pred: Sequence[Predicted], gold: Sequence[GoldAttribution]) -> Score:
    """One-to-one matching, best overlap first; a match covers ≥ 50% of the gold content."""
    s = Score(n_pred=len(pred), n_gold=len(gold))
    for i, j in match_pieces([p.pieces for p in pred], gold):
        s.matched += 1
        g = gold[j]
        if g.source is not None:
            s.src_total += 1
            ps = pred[i].source
            if ps is not None and _overlaps(ps, g.source):
                s.src_correct += 1
    return s
