"""The shared encoder: one int8 MiniLM, one tokenizer, one pass per window for every head.

The technique model's encoder (``models/techniques/encoder.onnx``) is the one encoder that ships.
A document's analysed regions (title and body) are tokenised and windowed once, each window runs
once, and the stitched hidden states and technique probabilities (:class:`Encoded`) are kept on
the document for the length of its analysis (``doc.runtime``). Every learned head reads them: the
technique token and span heads (``techniques/model.py``) and the attribution head
(``attribution/head.py``) — whichever runs first encodes, the others reuse (DESIGN.md, "One
encoder pass, several heads").
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from spinscope.document import Document, Span
from spinscope.onnx_session import cpu_session
from spinscope.techniques.decode import sentence_ends
from spinscope.techniques.windows import (
    Tokens,
    Window,
    batch_inputs,
    load_tokenizer,
    make_windows,
    stitch_weights,
    tokenize_ranges,
)

#: ``doc.runtime`` key of the encodings: ``{encoder key: Encoded}``.
ENCODED = "encoded"
HIDDEN = 384


def default_encoder_dir() -> Path:
    """The shipped encoder's folder, ``models/techniques`` (the technique model's too)."""
    return Path(str(resources.files("spinscope") / "models" / "techniques"))


@dataclass
class Encoded:
    """Stitched per-token outputs for one list of character ranges."""

    text: str
    tokens: Tokens
    hidden: np.ndarray  # (n, hidden)
    probs: np.ndarray  # (n, technique outputs): raw, not word-pooled


class SharedEncoder:
    """The int8 encoder of a model folder (``encoder.onnx``, ``tokenizer.json``,
    ``config.json`` with ``max_tokens`` and ``stride``)."""

    def __init__(self, model_dir: Path, threads: int | None = None) -> None:
        self.model_dir = Path(model_dir)
        self.key = str(self.model_dir.resolve())
        cfg = json.loads((self.model_dir / "config.json").read_text(encoding="utf-8"))
        self.max_tokens = int(cfg["max_tokens"])
        self.stride = int(cfg["stride"])
        #: how windows are cut and stitched (``config.json`` "windows", which may also set
        #: ``max_tokens`` and ``stride`` for inference; absent: the original token windows, each
        #: token from the window where it is most central): ``align``
        #: "tokens" | "sentences" (windows start and end at sentence edges); ``stitch`` "centre"
        #: | "average" (every window covering a token, weighted down over ``ramp`` tokens from
        #: an inner window edge)
        win = cfg.get("windows", {})
        #: inference windows may be shorter than the training windows (top-level keys)
        self.max_tokens = int(win.get("max_tokens", self.max_tokens))
        self.stride = int(win.get("stride", self.stride))
        self.align = str(win.get("align", "tokens"))
        self.stitch = str(win.get("stitch", "centre"))
        self.ramp = int(win.get("ramp", 32))
        self.tokenizer = load_tokenizer(self.model_dir / "tokenizer.json")
        self.session = cpu_session(self.model_dir / "encoder.onnx", threads)
        last = self.session.get_outputs()[-1].shape[-1]
        #: width of the model's own token outputs (technique probabilities)
        self.n_out = last if isinstance(last, int) else 0

    def encode(
        self,
        items: Sequence[tuple[str, Sequence[tuple[int, int]]]],
        progress: Callable[[int, int], None] | None = None,
        session: Any = None,
        batch_size: int = 1,
    ) -> list[Encoded]:
        """Run the encoder once over each window of ``(text, ranges)`` items.

        ``session`` stands in for this encoder's own (a model's outputs replaced in a test).
        Windows of all items are sorted by length; one window per run by default: int8 dynamic
        quantisation scales activations per tensor, so a window batched with others (and their
        padding) would score slightly differently; alone, an article gets the same result
        however it is batched, and the ONNX Runtime arena stays small.
        """
        run = (session or self.session).run
        tokens = [tokenize_ranges(self.tokenizer, text, list(ranges)) for text, ranges in items]
        wins: list[Window] = []
        for i, ((text, _), t) in enumerate(zip(items, tokens, strict=True)):
            wins.extend(self.windows(text, t, i))
        wins.sort(key=lambda w: w.hi - w.lo)
        hidden = [np.zeros((len(t.ids), HIDDEN), np.float32) for t in tokens]
        probs: list[np.ndarray | None] = [None] * len(tokens)
        average = self.stitch == "average"
        weight = [np.zeros((len(t.ids), 1), np.float32) for t in tokens] if average else []
        for k in range(0, len(wins), batch_size):
            chunk = wins[k : k + batch_size]
            ids, mask = batch_inputs(chunk, tokens)
            h, p = run(None, {"input_ids": ids, "attention_mask": mask})
            for r, w in enumerate(chunk):
                out = probs[w.doc]
                if out is None:
                    out = probs[w.doc] = np.zeros((len(tokens[w.doc].ids), p.shape[-1]), p.dtype)
                if average:  # weighted sums now, divided once every window is in
                    wt = stitch_weights(w, len(tokens[w.doc].ids), self.ramp)[:, None]
                    hidden[w.doc][w.lo : w.hi] += wt * h[r, 1 : 1 + w.hi - w.lo]
                    out[w.lo : w.hi] += wt * p[r, 1 : 1 + w.hi - w.lo]
                    weight[w.doc][w.lo : w.hi] += wt
                    continue
                a, b = w.keep_lo - w.lo + 1, w.keep_hi - w.lo + 1
                hidden[w.doc][w.keep_lo : w.keep_hi] = h[r, a:b]
                out[w.keep_lo : w.keep_hi] = p[r, a:b]
            if progress is not None:
                progress(k + len(chunk), len(wins))
        for i, wt in enumerate(weight):
            hidden[i] /= np.maximum(wt, 1e-9)
            out = probs[i]
            if out is not None:
                probs[i] = (out / np.maximum(wt, 1e-9)).astype(out.dtype)
        return [
            Encoded(
                text, t, h, p if p is not None else np.zeros((len(t.ids), self.n_out), np.float32)
            )
            for (text, _), t, h, p in zip(items, tokens, hidden, probs, strict=True)
        ]

    def windows(self, text: str, tokens: Tokens, doc: int = 0) -> list[Window]:
        """The encoder windows of one tokenised text (the encoder passes it costs)."""
        breaks = None
        if self.align == "sentences":
            breaks = sentence_ends(text, tokens.starts, tokens.ends)
        return make_windows(len(tokens.ids), doc, self.max_tokens, self.stride, breaks)

    def encode_docs(
        self,
        docs: Iterable[Document],
        progress: Callable[[int, int], None] | None = None,
        session: Any = None,
        batch_size: int = 1,
    ) -> list[Encoded]:
        """Each document's analysed regions encoded once: reused from ``doc.runtime`` when a head
        has already run, else encoded now (all missing documents' windows together) and kept."""
        docs = list(docs)
        if session is not None and session is not self.session:  # stand-in outputs: not kept
            items = [(d.text, [(s.start, s.end) for s in analysed_regions(d)]) for d in docs]
            return self.encode(items, progress, session, batch_size)
        missing = [d for d in docs if self.key not in d.runtime.get(ENCODED, {})]
        if missing:
            items = [(d.text, [(s.start, s.end) for s in analysed_regions(d)]) for d in missing]
            for d, e in zip(
                missing, self.encode(items, progress, session, batch_size), strict=True
            ):
                d.runtime.setdefault(ENCODED, {})[self.key] = e
        return [d.runtime[ENCODED][self.key] for d in docs]


def analysed_regions(doc: Document) -> list[Span]:
    """Title and body: headlines carry techniques too (PTC labels them)."""
    keep = [s for s in doc.regions if s.label == "title"]
    return sorted(keep + doc.body_spans(), key=lambda s: s.start)


@functools.lru_cache(maxsize=4)
def _cached(key: str, threads: int | None) -> SharedEncoder:
    return SharedEncoder(Path(key), threads)


def get_encoder(model_dir: Path | None = None, threads: int | None = None) -> SharedEncoder:
    """The encoder of ``model_dir`` (default: the shipped one), loaded once per process."""
    return _cached(str(Path(model_dir or default_encoder_dir()).resolve()), threads)
