"""The learned SOURCE / CUE / CONTENT tagger (ONNX Runtime on CPU, no torch).

Its own int8 MiniLM encoder (the technique encoder is the other of the two passes a window may
take) and one head of six sigmoid channels per wordpiece: inside a SOURCE, CUE or CONTENT, and
starting one. ``Tagged`` holds the word-pooled probabilities of one document; ``tag_spans``
decodes them into runs and ``link`` ties each content to its cue and source. How the tagger and
the rules are combined is ``attribution.hybrid``; the model card says which way was measured best.
"""

from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from spinscope.attribution.head import AttributionHead
from spinscope.attribution.spans import tidy
from spinscope.document import Document
from spinscope.encoder import Encoded
from spinscope.onnx_session import cpu_session
from spinscope.techniques.decode import pool_words
from spinscope.techniques.windows import (
    Tokens,
    Window,
    batch_inputs,
    load_tokenizer,
    make_windows,
    tokenize_ranges,
)

LABELS = ("SOURCE", "CUE", "CONTENT")
CHANNELS = (
    "in_source",
    "in_cue",
    "in_content",
    "begin_source",
    "begin_cue",
    "begin_content",
)
SOURCE, CUE, CONTENT = range(3)


def default_model_dir() -> Path:
    return Path(str(resources.files("spinscope") / "models" / "attribution"))


def head_model_dir() -> Path:
    """The one-pass head on the shared encoder (``analyze --one-pass``)."""
    return Path(str(resources.files("spinscope") / "models" / "attribution_head"))


@dataclass
class Tagged:
    """Word-pooled channel probabilities of one text's wordpieces (offsets index the text)."""

    text: str
    tokens: Tokens
    probs: np.ndarray  # (n_tokens, 6)

    def _inside(self, start: int, end: int) -> np.ndarray:
        """Which tokens overlap ``[start, end)``."""
        t = self.tokens
        return (t.starts < end) & (t.ends > start)  # type: ignore[no-any-return]

    def covers(self, start: int, end: int) -> bool:
        """Whether the tagger read any token of ``[start, end)`` (it reads the body only)."""
        return bool(self._inside(start, end).any())

    def mean(self, label: int, start: int, end: int) -> float:
        """Mean probability of ``label`` over the tokens overlapping ``[start, end)``."""
        inside = self._inside(start, end)
        if not inside.any():
            return 0.0
        return float(self.probs[inside, label].mean())


def tag_spans(
    tagged: Tagged, threshold: float = 0.5, begin: float = 0.5
) -> list[tuple[int, int, int, float]]:
    """Runs ``(start, end, label, mean probability)``: consecutive tokens whose inside
    probability reaches ``threshold``; a token whose begin probability reaches ``begin`` starts
    a new run. A source or cue never crosses a line break; a content never crosses a blank line
    unless the model keeps it inside across the paragraph (PolNeAR contents do span them)."""
    text, t, p = tagged.text, tagged.tokens, tagged.probs
    out: list[tuple[int, int, int, float]] = []
    for label in (SOURCE, CUE, CONTENT):
        on = p[:, label] >= threshold
        runs: list[list[int]] = []
        for i in range(len(t.ids)):
            if not on[i]:
                if runs and runs[-1]:
                    runs.append([])
                continue
            run = runs[-1] if runs else None
            if run:
                gap = text[int(t.ends[run[-1]]) : int(t.starts[i])]
                new_word = t.words[i] != t.words[run[-1]]
                split = new_word and p[i, 3 + label] >= begin
                if split or (label != CONTENT and "\n" in gap) or "\n\n" in gap:
                    run = None
            if run is None:
                runs.append([i])
            else:
                run.append(i)
        for run in runs:
            if not run:
                continue
            a, b = tidy(text, int(t.starts[run[0]]), int(t.ends[run[-1]]))
            if b > a:
                out.append((a, b, label, float(p[run, label].mean())))
    return sorted(out)


def _gap(a: tuple[int, int], b: tuple[int, int]) -> int:
    if a[1] <= b[0]:
        return b[0] - a[1]
    if b[1] <= a[0]:
        return a[0] - b[1]
    return 0


@dataclass
class Linked:
    content: tuple[int, int]
    cue: tuple[int, int] | None
    source: tuple[int, int] | None
    score: float


def link(
    text: str, spans: list[tuple[int, int, int, float]], max_cue_gap: int = 120
) -> list[Linked]:
    """Each content takes the nearest cue outside it (same paragraph, within ``max_cue_gap``
    characters); contents sharing a cue are one attribution (“A,” he said, “B.”); the source is
    the nearest source run to the cue, outside the content. A content with no cue is dropped:
    every PolNeAR attribution has one."""
    contents = [(a, b, s) for a, b, lab, s in spans if lab == CONTENT]
    cues = [(a, b, s) for a, b, lab, s in spans if lab == CUE]
    sources = [(a, b, s) for a, b, lab, s in spans if lab == SOURCE]
    by_cue: dict[tuple[int, int], list[tuple[int, int, float]]] = {}
    cue_score: dict[tuple[int, int], float] = {}
    # Only spans within reach are compared (cost linear in the text, not quadratic): spans of
    # one label are sorted by start, so those that can lie within ``gap`` of [lo, hi) are one
    # slice of the list, in the same order as before.
    cue_starts = [ca for ca, _, _ in cues]
    cue_len = max((cb - ca for ca, cb, _ in cues), default=0)
    src_starts = [sa for sa, _, _ in sources]
    src_len = max((sb - sa for sa, sb, _ in sources), default=0)

    def near(starts: list[int], longest: int, lo: int, hi: int, gap: int) -> range:
        return range(bisect_left(starts, lo - gap - longest), bisect_right(starts, hi + gap))

    for a, b, s in contents:
        best = None
        for j in near(cue_starts, cue_len, a, b, max_cue_gap):
            ca, cb, cs = cues[j]
            if a <= ca and cb <= b:
                continue  # a cue inside the content belongs to an attribution nested in it
            g = _gap((a, b), (ca, cb))
            between = text[min(b, cb) : max(a, ca)]
            if g > max_cue_gap or "\n\n" in between:
                continue
            if best is None or g < best[0]:
                best = (g, (ca, cb), cs)
        if best is None:
            continue
        by_cue.setdefault(best[1], []).append((a, b, s))
        cue_score[best[1]] = best[2]
    out: list[Linked] = []
    for cue, parts in by_cue.items():
        lo = min(a for a, _, _ in parts)
        hi = max(b for _, b, _ in parts)
        src = None
        best_gap = 10**9
        for j in near(src_starts, src_len, cue[0], cue[1], 80):
            sa, sb, _ = sources[j]
            if any(a <= sa < b for a, b, _ in parts):
                continue  # inside the content: a speaker quoted, not the one quoting
            g = _gap(cue, (sa, sb))
            between = text[min(cue[1], sb) : max(cue[0], sa)]
            if g <= 80 and "\n" not in between and g < best_gap:
                src, best_gap = (sa, sb), g
        score = float(np.mean([s for *_, s in parts])) * cue_score[cue]
        out.append(Linked((lo, hi), cue, src, score))
    return sorted(out, key=lambda x: x.content)


class AttributionTagger:
    """SOURCE / CUE / CONTENT probabilities of a document's analysed regions (or any ranges).

    A model folder with ``head.npz`` holds a head on the shared encoder (``config.json``'s
    ``encoder``: a model folder beside it, ``techniques``): the hidden states are the ones the
    technique model computes anyway, so the document is encoded once. A folder with its own
    ``encoder.onnx`` (the 0.1 tagger) runs that encoder: a second pass.
    """

    def __init__(self, model_dir: Path, threads: int | None = None) -> None:
        self.model_dir = model_dir
        self.config: dict[str, Any] = json.loads(
            (model_dir / "config.json").read_text(encoding="utf-8")
        )
        self.head: AttributionHead | None = None
        if (model_dir / "head.npz").exists():
            from spinscope.encoder import get_encoder

            self.head = AttributionHead.load(model_dir / "head.npz")
            self.encoder = get_encoder(model_dir.parent / self.config["encoder"], threads)
            self.tokenizer = self.encoder.tokenizer
            self.session = None
        else:
            self.tokenizer = load_tokenizer(model_dir / "tokenizer.json")
            self.session = cpu_session(model_dir / "encoder.onnx", threads)

    @classmethod
    def load(cls, model_dir: Path | None = None, **kwargs: Any) -> AttributionTagger | None:
        """The tagger in ``model_dir`` (default: the shipped one), or None when there is none."""
        d = model_dir or default_model_dir()
        if not (d / "config.json").exists():
            return None
        if not (d / "head.npz").exists() and not (d / "encoder.onnx").exists():
            return None
        return cls(d, **kwargs)

    @property
    def decoding(self) -> dict[str, Any]:
        return dict(self.config.get("decoding", {}))

    def tag_ranges(
        self,
        text: str,
        ranges: list[tuple[int, int]],
        progress: Callable[[int, int], None] | None = None,
    ) -> Tagged:
        if self.head is not None:
            (enc,) = self.encoder.encode([(text, ranges)], progress)
            return self._tagged(enc)
        tokens = tokenize_ranges(self.tokenizer, text, ranges)
        probs = np.zeros((len(tokens.ids), len(CHANNELS)), np.float32)
        wins: list[Window] = make_windows(
            len(tokens.ids), 0, self.config["max_tokens"], self.config["stride"]
        )
        # one window per run: int8 activations are scaled per tensor, so padding would change
        # the scores of a window batched with a shorter one (as in the technique tagger)
        for k, w in enumerate(wins):
            ids, mask = batch_inputs([w], [tokens])
            assert self.session is not None
            (p,) = self.session.run(None, {"input_ids": ids, "attention_mask": mask})
            a, b = w.keep_lo - w.lo + 1, w.keep_hi - w.lo + 1
            probs[w.keep_lo : w.keep_hi] = p[0, a:b]
            if progress is not None:
                progress(k + 1, len(wins))
        return Tagged(text, tokens, pool_words(probs, tokens.words))

    def tag(self, doc: Document) -> Tagged:
        def progress(done: int, total: int) -> None:
            doc.progress("attribution tagger", done, total)

        if self.head is not None:  # the technique model's pass, when it has run, is reused
            (enc,) = self.encoder.encode_docs([doc], progress)
            return self._tagged(enc)
        return self.tag_ranges(doc.text, [(s.start, s.end) for s in doc.body_spans()], progress)

    def _tagged(self, enc: Encoded) -> Tagged:
        assert self.head is not None
        return Tagged(enc.text, enc.tokens, pool_words(self.head(enc.hidden), enc.tokens.words))
