"""Span confidence that is a probability: features of a candidate span → P(an annotator marked it).

A candidate is a run of one technique's token probabilities above a low threshold. Its raw
scores (mean token probability, the span head's label probability, …) rank spans well but are
not probabilities: class-balanced training inflates them. A logistic regression over a handful of
span features, fitted on out-of-fold predictions (``cv.py``), turns them into one; an optional
isotonic step on top corrects what is left of the curve. Inference needs numpy only: the fitted
numbers live in the model's ``config.json``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

from spinscope.techniques import decode

#: the model's own scores of a candidate span (0.1.0's calibrator features, and v2's)
SCORE_FEATURES: tuple[str, ...] = (
    "mean_p",
    "max_p",
    "min_p",
    "mean_any",
    "begin_p",
    "head_p",
    "head_max",
    "head_agrees",
    "log_words",
    "stop_share",
    "one_word",
    "context_p",
    "lexicon_max",
    "lexicon_mean",
) + tuple(f"technique_{t}" for t in range(decode.N_TECH))
#: the span's text within its article (:func:`text_features`): how often the same phrase and its
#: longest word occur again (Repetition, repeated labels), inside quotation marks, in the title,
#: share of capitalised words, relative position. On the 2-epoch fold models' held-out outputs
#: they raised the default view's recall at the same precision (BENCHMARKS.md, Techniques).
TEXT_FEATURES: tuple[str, ...] = (
    "again",
    "word_again",
    "quoted",
    "in_title",
    "capitalised",
    "position",
)
#: names of the columns of :func:`features`, in order (the model card lists them). A calibrator
#: uses those it was fitted on (:attr:`Calibrator.features`): a model calibrated before the text
#: features existed keeps its numbers.
FEATURES: tuple[str, ...] = SCORE_FEATURES + TEXT_FEATURES


def features(
    probs: np.ndarray,
    head: np.ndarray,
    spans: list[decode.TokenSpan],
    words: np.ndarray,
    stop: np.ndarray,
    lexical: np.ndarray,
    text: str = "",
    chars: list[tuple[int, int]] | None = None,
) -> np.ndarray:
    """One row per candidate span.

    ``probs``: word-pooled token probabilities (n, N_OUT); ``head``: the span head's label
    distribution for each span (len(spans), N_TECH); ``words``: word number of each token;
    ``stop``: whether each token belongs to a stop word; ``lexical``: (len(spans), 2), the
    highest and mean training-set rate of the span's words inside its technique
    (:meth:`Lexicon.rates`); ``text`` and ``chars``: the article and each span's character
    offsets in it (:func:`text_features`; zeros without them).
    """
    x = np.zeros((len(spans), len(FEATURES)), dtype=np.float32)
    n = len(probs)
    for i, s in enumerate(spans):
        t, a, b = s.technique, s.first, s.last
        inside = probs[a : b + 1, 1 + t]
        ctx = np.concatenate([probs[max(0, a - 3) : a, 1 + t], probs[b + 1 : min(n, b + 4), 1 + t]])
        n_words = len(np.unique(words[a : b + 1]))
        x[i, 0] = inside.mean()
        x[i, 1] = inside.max()
        x[i, 2] = inside.min()
        x[i, 3] = probs[a : b + 1, 0].mean()
        x[i, 4] = probs[a, 1 + decode.N_TECH + t]
        x[i, 5] = head[i, t]
        x[i, 6] = head[i].max()
        x[i, 7] = float(int(head[i].argmax()) == t)
        x[i, 8] = np.log1p(n_words)
        x[i, 9] = stop[a : b + 1].mean()
        x[i, 10] = float(n_words == 1)
        x[i, 11] = ctx.mean() if len(ctx) else 0.0
        x[i, 12:14] = lexical[i]
        x[i, 14 + t] = 1.0
    if chars is not None and len(chars):
        x[:, len(SCORE_FEATURES) :] = text_features(text, chars)
    return x


_WORD = re.compile(r"\w+")
_OPEN_QUOTES = "“«"
_CLOSE_QUOTES = "”»"


def text_features(text: str, chars: list[tuple[int, int]]) -> np.ndarray:
    """:data:`TEXT_FEATURES` of each span ``(start, end)`` of ``text`` (linear in the text plus
    the spans: a long article has thousands of candidates)."""
    low = text.lower()
    counts = Counter(_WORD.findall(low))
    first_break = text.find("\n")
    out = np.zeros((len(chars), len(TEXT_FEATURES)), dtype=np.float32)
    for i, (start, end) in enumerate(chars):
        span = text[start:end]
        words = _WORD.findall(span)
        again = low.count(span.lower()) - 1 if span.strip() else 0
        longest = max(words, key=len).lower() if words else ""
        before = text[text.rfind("\n", 0, start) + 1 : start]  # the span's line, before it
        opened = sum(before.count(q) for q in _OPEN_QUOTES)
        closed = sum(before.count(q) for q in _CLOSE_QUOTES)
        out[i, 0] = np.log1p(max(0, again))
        out[i, 1] = np.log1p(max(0, counts[longest] - 1)) if longest else 0.0
        out[i, 2] = float(opened > closed or before.count('"') % 2 == 1)
        out[i, 3] = float(first_break < 0 or start < first_break)
        out[i, 4] = float(np.mean([w[:1].isupper() for w in words])) if words else 0.0
        out[i, 5] = start / max(1, len(text))
    return out


@dataclass
class Lexicon:
    """How often each word of the training articles lies inside a span of each technique.

    What the encoder does not see: that "country" is mostly *not* Flag-Waving in news, while
    "massacre" mostly is Loaded_Language. Learnt from the articles a model trained on, never
    from the ones it is evaluated on. Smoothed towards the technique's overall rate.
    """

    prior: np.ndarray  # (N_TECH,) share of all words inside each technique
    words: dict[str, np.ndarray]

    def rates(
        self, text: str, spans: list[tuple[int, int, int]], stop: frozenset[str]
    ) -> np.ndarray:
        out = np.zeros((len(spans), 2), dtype=np.float32)
        for i, (a, b, t) in enumerate(spans):
            ws = [w for w in _WORD.findall(text[a:b].lower()) if w not in stop] or ["\0"]
            r = [float(self.words[w][t]) if w in self.words else float(self.prior[t]) for w in ws]
            out[i] = (max(r), sum(r) / len(r))
        return out

    @classmethod
    def build(
        cls, texts: dict[str, str], gold: list[tuple[str, int, int, int]], smoothing: float = 5.0
    ) -> Lexicon:
        """From ``texts`` and gold ``(article, start, end, technique index)`` of those texts."""
        count: dict[str, int] = {}
        inside: dict[str, np.ndarray] = {}
        by: dict[str, list[tuple[int, int, int]]] = {}
        for art, a, b, t in gold:
            by.setdefault(art, []).append((a, b, t))
        total = 0
        tot_in = np.zeros(decode.N_TECH)
        for art, text in texts.items():
            spans = by.get(art, [])
            for m in _WORD.finditer(text):
                w = m.group().lower()
                count[w] = count.get(w, 0) + 1
                total += 1
                hit = np.zeros(decode.N_TECH)
                for a, b, t in spans:
                    if a <= m.start() and m.end() <= b:
                        hit[t] = 1.0
                if hit.any():
                    inside[w] = inside.get(w, np.zeros(decode.N_TECH)) + hit
                    tot_in += hit
        prior = tot_in / max(1, total)
        words = {
            w: (inside[w] + smoothing * prior) / (count[w] + smoothing)
            for w in inside
            if count[w] >= 2
        }
        return cls(prior, words)

    def to_json(self) -> dict[str, Any]:
        return {
            "prior": [round(float(v), 5) for v in self.prior],
            "words": {w: [round(float(v), 4) for v in r] for w, r in sorted(self.words.items())},
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Lexicon:
        return cls(
            np.asarray(d["prior"], dtype=np.float32),
            {w: np.asarray(r, dtype=np.float32) for w, r in d["words"].items()},
        )


@dataclass
class Calibrator:
    """Standardise → logistic regression → (optional) isotonic map, all in numpy."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    iso_x: np.ndarray | None = None
    iso_y: np.ndarray | None = None
    #: the columns of :data:`FEATURES` it was fitted on, in order
    features: tuple[str, ...] = FEATURES

    def logit(self, x: np.ndarray) -> np.ndarray:
        """The logistic regression's log-odds of each row of ``x`` (before any isotonic map)."""
        if len(x) == 0:
            return np.zeros(0, dtype=np.float64)
        x = x[:, columns(self.features)]
        return np.asarray(((x - self.mean) / self.scale) @ self.coef + self.intercept, np.float64)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """Confidence of each row of ``x`` (all :data:`FEATURES` columns)."""
        if len(x) == 0:
            return np.zeros(0, dtype=np.float64)
        z = self.logit(x)
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
        if self.iso_x is not None and self.iso_y is not None:
            p = np.interp(p, self.iso_x, self.iso_y)
        return np.asarray(p, dtype=np.float64)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "features": list(self.features),
            "mean": [round(float(v), 6) for v in self.mean],
            "scale": [round(float(v), 6) for v in self.scale],
            "coef": [round(float(v), 6) for v in self.coef],
            "intercept": round(float(self.intercept), 6),
        }
        if self.iso_x is not None and self.iso_y is not None:
            out["isotonic"] = {
                "x": [round(float(v), 6) for v in self.iso_x],
                "y": [round(float(v), 6) for v in self.iso_y],
            }
        return out

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Calibrator:
        names = tuple(d["features"])
        unknown = [n for n in names if n not in FEATURES]
        if unknown:
            raise ValueError(
                f"calibrator was fitted on span features this version does not compute: {unknown}"
            )
        if not len(names) == len(d["coef"]) == len(d["mean"]) == len(d["scale"]):
            raise ValueError("calibrator's numbers do not match its list of features")
        iso = d.get("isotonic")
        return cls(
            np.asarray(d["mean"], dtype=np.float64),
            np.asarray(d["scale"], dtype=np.float64),
            np.asarray(d["coef"], dtype=np.float64),
            float(d["intercept"]),
            np.asarray(iso["x"], dtype=np.float64) if iso else None,
            np.asarray(iso["y"], dtype=np.float64) if iso else None,
            names,
        )


def columns(names: tuple[str, ...]) -> list[int]:
    """Indices of the named features in :data:`FEATURES`."""
    return [FEATURES.index(n) for n in names]


def fit(
    x: np.ndarray,
    y: np.ndarray,
    isotonic: bool = False,
    c: float = 1.0,
    names: tuple[str, ...] = FEATURES,
) -> Calibrator:
    """Fit on candidate features ``x`` (all :data:`FEATURES` columns; the calibrator uses
    ``names``) and outcomes ``y`` (1 = an annotated span of its technique overlaps it). Needs
    scikit-learn (the ``train`` extra)."""
    from sklearn.linear_model import LogisticRegression

    full = x
    x = x[:, columns(names)]
    mean = x.mean(axis=0).astype(np.float64)
    scale = x.std(axis=0).astype(np.float64)
    scale[scale < 1e-6] = 1.0
    lr = LogisticRegression(C=c, max_iter=2000)
    lr.fit((x - mean) / scale, y)
    coef = lr.coef_[0].astype(np.float64)
    cal = Calibrator(mean, scale, coef, float(lr.intercept_[0]), features=names)
    if isotonic:
        from sklearn.isotonic import IsotonicRegression

        p = cal(full)
        iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(p, y)
        cal.iso_x = np.asarray(iso.X_thresholds_, dtype=np.float64)
        cal.iso_y = np.asarray(iso.y_thresholds_, dtype=np.float64)
    return cal


def recalibrate(cal: Calibrator, x: np.ndarray, y: np.ndarray, c: float = 1.0) -> Calibrator:
    """``cal`` refitted to new outcomes: Platt scaling of its log-odds, ``z' = a·z + b``, with
    ``a`` and ``b`` fitted by logistic regression on candidates ``x`` (all :data:`FEATURES`
    columns) and outcomes ``y``. Two numbers, so a few reviewed articles are enough, and the
    result is a :class:`Calibrator` over the same features (its coefficients times ``a``, its
    intercept ``a·intercept + b``); an isotonic step, fitted on other outcomes, is dropped.
    Needs scikit-learn."""
    from sklearn.linear_model import LogisticRegression

    if len(set(np.asarray(y).tolist())) < 2:
        raise ValueError("recalibration needs outcomes of both kinds (kept and not kept)")
    z = cal.logit(x)
    lr = LogisticRegression(C=c, max_iter=1000).fit(z[:, None], y)
    a, b = float(lr.coef_[0, 0]), float(lr.intercept_[0])
    return Calibrator(
        cal.mean.copy(), cal.scale.copy(), cal.coef * a, cal.intercept * a + b, None, None,
        cal.features,
    )  # fmt: skip


def brier(conf: np.ndarray, y: np.ndarray) -> float:
    """Mean squared error of the confidences against the outcomes."""
    return float(np.mean((np.asarray(conf, np.float64) - y) ** 2)) if len(y) else 0.0


def reliability(conf: np.ndarray, y: np.ndarray, bins: int = 10) -> list[dict[str, float]]:
    """Equal-width bins over [0, 1]: count, mean confidence, observed rate."""
    rows = []
    edges = np.linspace(0.0, 1.0, bins + 1)
    idx = np.clip(np.digitize(conf, edges[1:-1], right=False), 0, bins - 1)
    for b in range(bins):
        m = idx == b
        rows.append(
            {
                "lo": float(edges[b]),
                "hi": float(edges[b + 1]),
                "count": int(m.sum()),
                "confidence": float(conf[m].mean()) if m.any() else 0.0,
                "observed": float(y[m].mean()) if m.any() else 0.0,
            }
        )
    return rows


def ece(conf: np.ndarray, y: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error over equal-width bins."""
    n = max(1, len(conf))
    return float(
        sum(
            r["count"] / n * abs(r["observed"] - r["confidence"])
            for r in reliability(conf, y, bins)
        )
    )


def refit_on_reviewed(
    model_dir: Any,
    texts: dict[str, str],
    gold: dict[str, list[Any]],
    log: Any = print,
) -> tuple[Calibrator, dict[str, Any]]:
    """The calibrator of the technique model in ``model_dir`` refitted (:func:`recalibrate`) on
    reviewed articles ``texts`` with their final spans ``gold`` (``ptc.Gold`` by article id):
    the model's view candidates of each article, an outcome of 1 where a final span of the
    candidate's technique overlaps it (the outcome the shipped calibrator was fitted to).

    Returns the new calibrator and a report: counts; ECE and Brier score of the old and new
    confidences on these candidates, in-sample, and cross-fitted over two halves of the
    articles where each half has outcomes of both kinds (None otherwise). ValueError when the
    model has no calibrated view or the candidates' outcomes are all of one kind.
    """
    from spinscope.techniques.model import TechniqueTagger
    from spinscope.techniques.ptc import PTC_TECHNIQUES

    tagger = TechniqueTagger.load(model_dir)
    view = tagger.config.get("view")
    old = tagger.calibrator
    if view is None or old is None:
        raise ValueError(f"{model_dir}: this technique model has no calibrated view")
    ids = sorted(texts)
    log(f"encoding {len(ids)} reviewed articles with {model_dir}")
    encs = tagger.encode([(texts[a], [(0, len(texts[a]))]) for a in ids])
    rows: list[np.ndarray] = []
    ys: list[int] = []
    part: list[int] = []
    for i, (art, enc) in enumerate(zip(ids, encs, strict=True)):
        spans, x = tagger.candidates(
            enc,
            float(view["candidate_threshold"]),
            int(view["merge_gap"]),
            float(view.get("peak_ratio", 0.0)),
        )
        for (a, b, t), row in zip(spans, x, strict=True):
            name = PTC_TECHNIQUES[t]
            hit = any(g.technique == name and g.start < b and a < g.end for g in gold.get(art, []))
            rows.append(row)
            ys.append(int(hit))
            part.append(i % 2)
    x_all = np.stack(rows) if rows else np.zeros((0, len(FEATURES)), np.float32)
    y = np.asarray(ys, dtype=np.int64)
    kept = int(y.sum())
    if kept == 0 or kept == len(y):
        raise ValueError(
            f"the model's candidates on the {len(ids)} reviewed articles are all "
            f"{'kept' if kept else 'not kept'} ({kept} of {len(y)}): recalibration needs both"
        )
    new = recalibrate(old, x_all, y)
    halves = np.asarray(part)
    crossed: np.ndarray | None = np.zeros(len(y))
    for h in (0, 1):
        train = halves != h
        if crossed is None or len(set(y[train].tolist())) < 2 or not (halves == h).any():
            crossed = None
            continue
        crossed[halves == h] = recalibrate(old, x_all[train], y[train])(x_all[halves == h])
    before, after = old(x_all), new(x_all)
    report: dict[str, Any] = {
        "articles": len(ids),
        "candidates": len(y),
        "kept": kept,
        "platt": _platt(old.logit(x_all), new.logit(x_all)),
        "in_sample": {
            "ece_before": ece(before, y),
            "ece_after": ece(after, y),
            "brier_before": brier(before, y),
            "brier_after": brier(after, y),
        },
        "cross_fitted": None
        if crossed is None
        else {
            "ece_before": ece(before, y),
            "ece_after": ece(crossed, y),
            "brier_before": brier(before, y),
            "brier_after": brier(crossed, y),
        },
    }
    return new, report


def _platt(z_old: np.ndarray, z_new: np.ndarray) -> dict[str, float] | None:
    """``a`` and ``b`` of ``z_new = a·z_old + b`` (None when the old log-odds are all equal)."""
    if len(z_old) < 2 or float(np.ptp(z_old)) == 0.0:
        return None
    a, b = np.polyfit(z_old, z_new, 1)
    return {"a": round(float(a), 6), "b": round(float(b), 6)}
