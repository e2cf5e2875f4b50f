"""How far a technique span's confidence moves when text *outside* it changes (issue 26).

    python bench/technique_stability.py                       # the shipped model's windows
    python bench/technique_stability.py --compare             # every window scheme below
    python bench/technique_stability.py --align sentences --stitch average

Texts: with ``../shared``, the 20 PTC articles of the technique gate (``spinscope.gates``);
without it (or with ``--local``), the repository's ``examples/`` and ``tests/data/behaviour``
texts. Two measures:

(a) *edits*: for each text, words outside a span are deleted or replaced by another word, one
    edit at a time: the nearest word before and after each of a few spans (shown first, then
    candidates down to the reveal floor) in the same sentence, and a few words anywhere
    (seeded). After each edit the whole text is analysed again, and every span of the original
    that the edit did not touch is looked up at its shifted offsets: how far its confidence
    moved (max, p95, mean; for spans in the edited sentence and elsewhere), how many spans
    changed their shown / hidden state at the default view, and how many candidates vanished.
(b) *copies*: the same text with something before it (a residue line, another article's
    paragraph, both): per sentence of the text, whether it gets the same spans (default view,
    and every candidate), and how far matched confidences move.

``windows_per_article`` is the encoder passes one article costs (issue 22 counts them).
The figures print and go to ``bench/results/technique_stability.json``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from spinscope.paths import shared_path
from spinscope.techniques import decode
from spinscope.techniques.model import REVEAL_FLOOR, TechniqueTagger
from spinscope.techniques.windows import tokenize_ranges

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "results" / "technique_stability.json"
#: the replacement word of a "replace" edit (a plain word, nothing a technique reads)
REPLACEMENT = "also"
#: the schemes ``--compare`` measures: (align, stitch, max_tokens, stride)
SCHEMES = [
    ("tokens", "centre", 254, 192),
    ("sentences", "centre", 254, 192),
    ("sentences", "average", 254, 192),
    ("sentences", "average", 128, 64),
]

Key = tuple[int, int, str]  # start, end, technique


def local_texts() -> dict[str, str]:
    beh = ROOT / "tests" / "data" / "behaviour"
    out = {p.name: p.read_text(encoding="utf-8") for p in sorted(beh.glob("*.txt"))}
    for p in sorted((ROOT / "examples").rglob("*.txt")):
        out[str(p.relative_to(ROOT))] = p.read_text(encoding="utf-8")
    data = json.loads((beh / "techniques.json").read_text(encoding="utf-8"))
    out["behaviour: loaded sentences"] = "\n\n".join(i["text"] for i in data["loaded"])
    return out


def gate_texts() -> dict[str, str] | None:
    from spinscope.gates import technique_gate_ids
    from spinscope.techniques.ptc import read_articles

    data = shared_path("data", "ptc")
    if not (data / "splits.json").exists():
        return None
    ids = technique_gate_ids(data)
    arts = read_articles(data / "train" / "articles")
    return {a: arts[a] for a in ids}


def analyse(tagger: TechniqueTagger, texts: Sequence[str]) -> list[dict[Key, float]]:
    """Every candidate ``{(start, end, technique): confidence}`` of each text (whole text)."""
    encs = tagger.encode([(t, [(0, len(t))]) for t in texts])
    return [{(a, b, t): c for a, b, t, c in tagger.spans(e)} for e in encs]


def words_of(tagger: TechniqueTagger, text: str) -> tuple[list[tuple[int, int]], list[int]]:
    """Words (char ranges, alphabetic only) and each word's sentence number."""
    tok = tokenize_ranges(tagger.tokenizer, text, [(0, len(text))])
    breaks = decode.sentence_ends(text, tok.starts, tok.ends)
    sent = np.concatenate([[0], np.cumsum(breaks)[:-1]]) if len(breaks) else np.zeros(0)
    words: list[tuple[int, int]] = []
    sents: list[int] = []
    for w in np.unique(tok.words):
        idx = np.flatnonzero(tok.words == w)
        a, b = int(tok.starts[idx[0]]), int(tok.ends[idx[-1]])
        if text[a:b].isalpha():
            words.append((a, b))
            sents.append(int(sent[idx[0]]))
    return words, sents


@dataclass
class Edit:
    start: int  # characters [start, end) replaced by ``new``
    end: int
    new: str
    sentence: int

    def apply(self, text: str) -> str:
        return text[: self.start] + self.new + text[self.end :]

    def shift(self, i: int) -> int:
        return i if i <= self.start else i + len(self.new) - (self.end - self.start)


def edits_for(
    tagger: TechniqueTagger,
    text: str,
    spans: dict[Key, float],
    default: float,
    n_spans: int,
    n_random: int,
    rng: random.Random,
) -> list[Edit]:
    words, sents = words_of(tagger, text)
    if len(words) < 3:
        return []
    targets = sorted(spans, key=lambda k: (spans[k] < default, -spans[k]))
    targets = [k for k in targets if spans[k] >= REVEAL_FLOOR][:n_spans]
    picks: set[int] = set()
    for a, b, _ in targets:
        inside = [i for i, (s, e) in enumerate(words) if s < b and e > a]
        if not inside:
            continue
        sent = sents[inside[0]]
        before = [i for i in range(inside[0]) if sents[i] == sent]
        after = [i for i in range(inside[-1] + 1, len(words)) if sents[i] == sent]
        if before:
            picks.add(before[-1])
        if after:
            picks.add(after[0])
    picks.update(rng.sample(range(len(words)), min(n_random, len(words))))
    out = []
    for i in sorted(picks):
        s, e = words[i]
        # delete the word and the space after it (or before it, at a line's end)
        if e < len(text) and text[e] == " ":
            out.append(Edit(s, e + 1, "", sents[i]))
        elif s > 0 and text[s - 1] == " ":
            out.append(Edit(s - 1, e, "", sents[i]))
        if text[s:e].lower() != REPLACEMENT:
            out.append(Edit(s, e, REPLACEMENT, sents[i]))
    return out


@dataclass
class EditStats:
    deltas: dict[str, list[float]] = field(default_factory=lambda: {"same": [], "other": []})
    flips: int = 0  # spans shown before and hidden after, or the reverse (default view)
    shown: int = 0  # shown spans looked at (denominator of flips)
    vanished: int = 0  # candidates (>= reveal floor) with no candidate at the same place after
    candidates: int = 0
    edits: int = 0


def sentence_of(tagger: TechniqueTagger, text: str) -> Any:
    tok = tokenize_ranges(tagger.tokenizer, text, [(0, len(text))])
    breaks = decode.sentence_ends(text, tok.starts, tok.ends)
    sent = np.concatenate([[0], np.cumsum(breaks)[:-1]]) if len(breaks) else np.zeros(0)

    def of(char: int) -> int:
        k = int(np.searchsorted(tok.starts, char, side="right")) - 1
        return int(sent[max(k, 0)]) if len(sent) else 0

    return of


def measure_edits(
    tagger: TechniqueTagger, texts: dict[str, str], n_spans: int, n_random: int, seed: int
) -> EditStats:
    default = tagger.default_confidence
    st = EditStats()
    base = analyse(tagger, list(texts.values()))
    rng = random.Random(seed)
    for text, spans in zip(texts.values(), base, strict=True):
        edits = edits_for(tagger, text, spans, default, n_spans, n_random, rng)
        after = analyse(tagger, [e.apply(text) for e in edits])
        sent_of = sentence_of(tagger, text)
        st.edits += len(edits)
        for e, got in zip(edits, after, strict=True):
            for (a, b, t), c in spans.items():
                if (a < e.end and b > e.start) or a == e.end or b == e.start:
                    continue  # touches the edit: not "outside" it
                key = (e.shift(a), e.shift(b), t)
                c2 = got.get(key)
                st.shown += c >= default
                st.flips += (c >= default) != (c2 is not None and c2 >= default)
                if c < REVEAL_FLOOR:
                    continue
                st.candidates += 1
                if c2 is None:
                    st.vanished += 1
                    continue
                same = sent_of(a) == e.sentence
                st.deltas["same" if same else "other"].append(abs(c2 - c))
            # spans that appear in the default view after the edit, away from it
            shifted = {(e.shift(a), e.shift(b), t) for a, b, t in spans}
            end = e.start + len(e.new)
            st.flips += sum(
                1
                for k, c2 in got.items()
                if c2 >= default and k not in shifted and not (k[0] <= end and k[1] >= e.start)
            )
    return st


def summary(xs: Sequence[float]) -> dict[str, float | int]:
    if not xs:
        return {"n": 0}
    a = np.asarray(xs)
    return {
        "n": len(a),
        "max": round(float(a.max()), 4),
        "p95": round(float(np.percentile(a, 95)), 4),
        "mean": round(float(a.mean()), 4),
        "share_le_0.02": round(float((a <= 0.02).mean()), 4),
    }


#: what a copy may carry before the article (a residue line, another text's paragraph, both)
def prefixes(other: str) -> list[str]:
    para = next((p for p in other.split("\n") if len(p.split()) > 12), other[:400]).strip()
    return [
        "Share this article\n\n",
        para + "\n\n",
        "Advertisement\n\n" + para + "\n\n" + "Related: " + para[:60] + "\n\n",
    ]


def measure_copies(tagger: TechniqueTagger, texts: dict[str, str]) -> dict[str, Any]:
    default = tagger.default_confidence
    names = list(texts)
    items: list[tuple[str, str]] = []  # (original name, prefix)
    for i, n in enumerate(names):
        items += [(n, p) for p in prefixes(texts[names[(i + 1) % len(names)]])]
    base = dict(zip(names, analyse(tagger, [texts[n] for n in names]), strict=True))
    got = analyse(tagger, [p + texts[n] for n, p in items])
    sentences = same_shown = same_all = 0
    deltas: list[float] = []
    for (n, p), spans in zip(items, got, strict=True):
        text, k = texts[n], len(p)
        moved = {(a - k, b - k, t): c for (a, b, t), c in spans.items() if a >= k}
        sent_of = sentence_of(tagger, text)
        by: dict[int, tuple[set[Key], set[Key], set[Key], set[Key]]] = {}
        for s in range(sent_of(len(text) - 1) + 1):
            by[s] = (set(), set(), set(), set())
        for key, c in base[n].items():
            if c >= REVEAL_FLOOR:
                by[sent_of(key[0])][0].add(key)
                if c >= default:
                    by[sent_of(key[0])][2].add(key)
        for key, c in moved.items():
            if c >= REVEAL_FLOOR:
                by.setdefault(sent_of(key[0]), (set(), set(), set(), set()))[1].add(key)
                if c >= default:
                    by[sent_of(key[0])][3].add(key)
        for a0, a1, s0, s1 in by.values():
            sentences += 1
            same_all += a0 == a1
            same_shown += s0 == s1
        deltas += [abs(moved[k] - c) for k, c in base[n].items() if k in moved]
    return {
        "copies": len(items),
        "sentences": sentences,
        "same_shown_spans": round(same_shown / max(sentences, 1), 4),
        "same_candidates": round(same_all / max(sentences, 1), 4),
        "confidence_moves": summary(deltas),
    }


def windows_per_article(tagger: TechniqueTagger, texts: dict[str, str]) -> float:
    enc = tagger.encoder
    n = [
        len(enc.windows(t, tokenize_ranges(enc.tokenizer, t, [(0, len(t))])))
        for t in texts.values()
    ]
    return round(float(np.mean(n)), 3)


def run_scheme(
    tagger: TechniqueTagger, texts: dict[str, str], scheme: tuple[str, str, int, int], a: Any
) -> dict[str, Any]:
    enc = tagger.encoder
    enc.align, enc.stitch, enc.max_tokens, enc.stride = scheme
    t0 = time.perf_counter()
    st = measure_edits(tagger, texts, a.spans, a.random, a.seed)
    copies = measure_copies(tagger, texts)
    return {
        "windows": {
            "align": enc.align,
            "stitch": enc.stitch,
            "max_tokens": enc.max_tokens,
            "stride": enc.stride,
        },
        "windows_per_article": windows_per_article(tagger, texts),
        "edits": {
            "edits": st.edits,
            "same_sentence": summary(st.deltas["same"]),
            "other_sentences": summary(st.deltas["other"]),
            "all": summary(st.deltas["same"] + st.deltas["other"]),
            "default_view_flips": st.flips,
            "shown_spans_looked_at": st.shown,
            "candidates_vanished": st.vanished,
            "candidates_looked_at": st.candidates,
        },
        "copies": copies,
        "seconds": round(time.perf_counter() - t0, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--local", action="store_true", help="the repository's texts even with PTC")
    ap.add_argument("--compare", action="store_true", help="every scheme in SCHEMES")
    ap.add_argument("--align", choices=["tokens", "sentences"], default=None)
    ap.add_argument("--stitch", choices=["centre", "average"], default=None)
    ap.add_argument("--max-tokens", type=int, default=None)
    ap.add_argument("--stride", type=int, default=None)
    ap.add_argument("--spans", type=int, default=3, help="spans per text whose neighbours change")
    ap.add_argument("--random", type=int, default=3, help="words anywhere changed per text")
    ap.add_argument("--seed", type=int, default=26)
    ap.add_argument("--max-texts", type=int, default=None, help="only the first N texts")
    ap.add_argument("--out", type=Path, default=OUT)
    a = ap.parse_args()
    texts = None if a.local else gate_texts()
    source = "PTC technique-gate articles (validation, first 20 ids)"
    if texts is None:
        texts, source = local_texts(), "examples/ and tests/data/behaviour"
    if a.max_texts:
        texts = dict(list(texts.items())[: a.max_texts])
        source += f": the first {len(texts)} (--max-texts)"
    tagger = TechniqueTagger.load()
    enc = tagger.encoder
    shipped = (enc.align, enc.stitch, enc.max_tokens, enc.stride)
    schemes = (
        SCHEMES
        if a.compare
        else [
            (
                a.align or enc.align,
                a.stitch or enc.stitch,
                a.max_tokens or enc.max_tokens,
                a.stride or enc.stride,
            )
        ]
    )
    results = []
    for scheme in schemes:
        r = run_scheme(tagger, texts, scheme, a)
        results.append(r)
        print(json.dumps(r), flush=True)
    report = {
        "what": __doc__.split("\n\n")[0],
        "texts": source,
        "n_texts": len(texts),
        "shipped_windows": dict(
            zip(("align", "stitch", "max_tokens", "stride"), shipped, strict=True)
        ),
        "default_view": tagger.default_confidence,
        "reveal_floor": REVEAL_FLOOR,
        "settings": {"spans": a.spans, "random": a.random, "seed": a.seed},
        "command": "python bench/technique_stability.py " + " ".join(sys.argv[1:]),
        "results": results,
    }
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(f"-> {a.out}")


if __name__ == "__main__":
    main()
