"""The PTC corpus (SemEval-2020 Task 11): reading articles and labels, official formats and scores."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from spinscope.techniques.labels import TECHNIQUES

#: The 14 technique names exactly as they appear in PTC labels (and in our JSON output);
#: their order is the model's label order.
PTC_TECHNIQUES: tuple[str, ...] = tuple(TECHNIQUES)


@dataclass(frozen=True)
class Gold:
    """One labelled fragment: article id, technique (or ``?`` in a TC template), ``[start, end)``."""

    article: str
    technique: str
    start: int
    end: int


def read_articles(articles_dir: Path) -> dict[str, str]:
    """``{article_id: text}``; ids are the digits of ``articleNNN.txt``."""
    out: dict[str, str] = {}
    for p in sorted(Path(articles_dir).glob("article*.txt")):
        out[p.stem.removeprefix("article")] = p.read_text(encoding="utf-8")
    return out


def read_labels(path: Path) -> list[Gold]:
    """Read an FLC/TC file (``ID TECH START END``) or an SI file (``ID START END``), or a folder of them."""
    path = Path(path)
    files = sorted(path.glob("*.labels")) if path.is_dir() else [path]
    out: list[Gold] = []
    for f in files:
        for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 4:
                out.append(Gold(parts[0], parts[1], int(parts[2]), int(parts[3])))
            elif len(parts) == 3:
                out.append(Gold(parts[0], "propaganda", int(parts[1]), int(parts[2])))
            else:
                raise ValueError(f"{f}:{n}: expected 3 or 4 tab-separated fields")
    return out


def read_splits(data_dir: Path) -> dict[str, list[str]]:
    data = json.loads((Path(data_dir) / "splits.json").read_text(encoding="utf-8"))
    return {k: [str(x) for x in v] for k, v in data.items()}


def all_ids(data_dir: Path) -> list[str]:
    """Every training article id (all splits of ``splits.json``), sorted."""
    return sorted({a for ids in read_splits(data_dir).values() for a in ids})


#: how cross-validation folds are cut: random articles, or whole topic clusters
FOLD_SPLITS = ("random", "grouped")
#: topic clusters of the grouped split (371 articles: about 15 per cluster, 8 per fold of 3)
TOPIC_CLUSTERS = 24


def fold_ids(data_dir: Path, k: int, seed: int, split: str = "random") -> list[list[str]]:
    """``k`` disjoint folds over :func:`all_ids` (same on every machine).

    ``random``: the ids shuffled with ``seed``, every ``k``-th to a fold. ``grouped``: whole
    topic clusters (:func:`topic_clusters`) to a fold, so a fold model never saw an article
    of the topics it is scored on — closer to news from outlets and stories it never met
    (PTC ids carry no source to group by).
    """
    import random

    if split == "grouped":
        return assign_groups(topic_clusters(data_dir, TOPIC_CLUSTERS, seed), k)
    if split != "random":
        raise ValueError(f"fold split must be one of {', '.join(FOLD_SPLITS)}, not {split!r}")
    ids = all_ids(data_dir)
    random.Random(seed).shuffle(ids)
    return [sorted(ids[i::k]) for i in range(k)]


def topic_clusters(data_dir: Path, n_clusters: int, seed: int) -> dict[str, int]:
    """``{article id: cluster}``: k-means (``random_state=seed``, 10 starts) over TF-IDF
    vectors of the training articles (English stop words out, words in 2 to 50 % of articles,
    sublinear term frequency). Clusters are numbered by their smallest article id."""
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    ids = all_ids(data_dir)
    texts = read_articles(Path(data_dir) / "train" / "articles")
    missing = [a for a in ids if a not in texts]
    if missing:
        raise FileNotFoundError(f"{data_dir}: articles missing: {missing[:3]}")
    vec = TfidfVectorizer(
        stop_words="english",
        min_df=2,
        max_df=0.5,
        sublinear_tf=True,
        token_pattern=r"(?u)\b[^\W\d_]{2,}\b",
    )
    x = vec.fit_transform([texts[a] for a in ids])
    labels = KMeans(n_clusters=n_clusters, n_init=10, random_state=seed).fit_predict(x)
    first: dict[int, str] = {}
    for a, c in zip(ids, labels, strict=True):
        first.setdefault(int(c), a)  # ids are sorted: the first seen is the smallest
    order = {c: i for i, c in enumerate(sorted(first, key=lambda c: first[c]))}
    return {a: order[int(c)] for a, c in zip(ids, labels, strict=True)}


def assign_groups(groups: dict[str, int], k: int) -> list[list[str]]:
    """Whole groups to ``k`` folds: largest group first, each to the fold with the fewest
    articles so far (the lower fold on a tie). Every id lands in exactly one fold."""
    members: dict[int, list[str]] = {}
    for a, g in groups.items():
        members.setdefault(g, []).append(a)
    folds: list[list[str]] = [[] for _ in range(k)]
    for g in sorted(members, key=lambda g: (-len(members[g]), min(members[g]))):
        smallest = min(range(k), key=lambda i: (len(folds[i]), i))
        folds[smallest].extend(members[g])
    return [sorted(f) for f in folds]


def format_si(spans: Iterable[Gold]) -> str:
    return "".join(f"{g.article}\t{g.start}\t{g.end}\n" for g in spans)


def format_tc(spans: Iterable[Gold]) -> str:
    return "".join(f"{g.article}\t{g.technique}\t{g.start}\t{g.end}\n" for g in spans)


# -- official scores ------------------------------------------------------------------------


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _overlap_sums(
    pred: dict[str, list[tuple[int, int, str]]], gold: dict[str, list[tuple[int, int, str]]]
) -> tuple[float, float, int, int]:
    """Σ_s Σ_t |s∩t|/|s| and Σ_t Σ_s |s∩t|/|t| over articles (label must match)."""
    p_sum = r_sum = 0.0
    n_pred = sum(len(v) for v in pred.values())
    n_gold = sum(len(v) for v in gold.values())
    for art in set(pred) | set(gold):
        ps, gs = pred.get(art, []), gold.get(art, [])
        for s0, s1, sl in ps:
            for t0, t1, tl in gs:
                if sl != tl:
                    continue
                inter = min(s1, t1) - max(s0, t0)
                if inter > 0:
                    if s1 > s0:
                        p_sum += inter / (s1 - s0)
                    if t1 > t0:
                        r_sum += inter / (t1 - t0)
    return p_sum, r_sum, n_pred, n_gold


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float

    def __str__(self) -> str:
        return f"P={self.precision:.4f} R={self.recall:.4f} F1={self.f1:.4f}"


def _prf(p_sum: float, r_sum: float, n_pred: int, n_gold: int) -> Score:
    p = p_sum / n_pred if n_pred else 0.0
    r = r_sum / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return Score(p, r, f)


def score_si(gold: Iterable[Gold], pred: Iterable[Gold]) -> Score:
    """SI: overlapping spans merged per article (gold and predicted), partial-overlap P/R."""

    def merged(items: Iterable[Gold]) -> dict[str, list[tuple[int, int, str]]]:
        by: dict[str, list[tuple[int, int]]] = {}
        for g in items:
            by.setdefault(g.article, []).append((g.start, g.end))
        return {a: [(s, e, "") for s, e in _merge(v)] for a, v in by.items()}

    return _prf(*_overlap_sums(merged(pred), merged(gold)))


def score_flc(gold: Iterable[Gold], pred: Iterable[Gold]) -> Score:
    """FLC: the SI formula without merging; a pair counts only if the techniques match."""

    def grouped(items: Iterable[Gold]) -> dict[str, list[tuple[int, int, str]]]:
        by: dict[str, list[tuple[int, int, str]]] = {}
        for g in items:
            by.setdefault(g.article, []).append((g.start, g.end, g.technique))
        return by

    return _prf(*_overlap_sums(grouped(pred), grouped(gold)))


def score_tc(gold: Iterable[Gold], pred: Iterable[Gold]) -> Score:
    """TC: micro-F1 over (article, start, end, technique) matched as a multiset."""
    g = Counter((x.article, x.start, x.end, x.technique) for x in gold)
    p = Counter((x.article, x.start, x.end, x.technique) for x in pred)
    tp = sum((g & p).values())
    n_p, n_g = sum(p.values()), sum(g.values())
    prec = tp / n_p if n_p else 0.0
    rec = tp / n_g if n_g else 0.0
    f = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return Score(prec, rec, f)
