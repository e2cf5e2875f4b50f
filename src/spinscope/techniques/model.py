"""Technique tagging at inference time: ONNX Runtime on CPU, no torch.

One encoder pass per window gives both the token probabilities (which fragments, and which
technique) and the hidden states the span head classifies. Windows from many documents are
sorted by length and batched together, which is where most of the CPU time is saved.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from spinscope.document import Document, Span
from spinscope.techniques import decode
from spinscope.techniques.windows import (
    Tokens,
    Window,
    batch_inputs,
    load_tokenizer,
    make_windows,
    tokenize_ranges,
)


def default_model_dir() -> Path:
    return Path(str(resources.files("spinscope") / "models" / "techniques"))


@dataclass
class Encoded:
    """Stitched per-token outputs for one list of character ranges."""

    text: str
    tokens: Tokens
    hidden: np.ndarray  # (n, hidden)
    probs: np.ndarray  # (n, N_OUT)


class TechniqueTagger:
    """Adds the ``techniques`` layer: spans with technique, confidence (0..1).

    ``min_confidence`` is the per-word probability a span must reach; ``None`` uses the
    threshold chosen on validation, so defaults reproduce the model card's figures.
    """

    name = "techniques"
    #: reads only regions, never the spaCy parse: the pipeline may run it beside the parser
    parallel_with_parse = True

    def __init__(
        self,
        model_dir: Path,
        min_confidence: float | None = None,
        batch_size: int = 1,
        threads: int | None = None,
    ) -> None:
        import onnxruntime as ort

        cfg_path = model_dir / "config.json"
        if not cfg_path.exists():
            raise FileNotFoundError(f"technique model not found in {model_dir}")
        self.config: dict[str, Any] = json.loads(cfg_path.read_text(encoding="utf-8"))
        self.techniques: list[str] = list(self.config["techniques"])
        self.tokenizer = load_tokenizer(model_dir / "tokenizer.json")
        opts = ort.SessionOptions()
        if threads:
            opts.intra_op_num_threads = threads
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # No busy-waiting between ops: spinning threads burn the CPU that spaCy, attribution
        # and other Dask workers on the same laptop need.
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(
            str(model_dir / "encoder.onnx"), opts, providers=["CPUExecutionProvider"]
        )
        heads = np.load(model_dir / "span_head.npz")
        self.span_head = decode.SpanHead(
            *(heads[k].astype(np.float32) for k in ("w1", "b1", "w2", "b2"))
        )
        self.min_confidence = min_confidence
        # One window per run: int8 dynamic quantisation scales activations per tensor, so a
        # window batched with others (and their padding) would score slightly differently;
        # alone, an article gets the same result however it is batched. On CPU this costs
        # little (no padding) and keeps the ONNX Runtime arena small (1 → 227 MB peak vs
        # 16 → 643 MB); the tagger runs beside the spaCy parse anyway.
        self.batch_size = batch_size

    @classmethod
    def load(cls, model_dir: Path | None = None, **kwargs: Any) -> TechniqueTagger:
        return cls(model_dir or default_model_dir(), **kwargs)

    # -- encoder ------------------------------------------------------------------------------

    def encode(self, items: list[tuple[str, list[tuple[int, int]]]]) -> list[Encoded]:
        """Run the encoder over ``(text, ranges)`` items; windows of all items share batches."""
        tokens = [tokenize_ranges(self.tokenizer, text, ranges) for text, ranges in items]
        wins: list[Window] = []
        for i, t in enumerate(tokens):
            wins.extend(
                make_windows(len(t.ids), i, self.config["max_tokens"], self.config["stride"])
            )
        wins.sort(key=lambda w: w.hi - w.lo)
        hidden: list[np.ndarray] = []
        probs: list[np.ndarray] = []
        for t in tokens:
            hidden.append(np.zeros((len(t.ids), 384), np.float32))
            probs.append(np.zeros((len(t.ids), decode.N_OUT), np.float32))
        for k in range(0, len(wins), self.batch_size):
            chunk = wins[k : k + self.batch_size]
            ids, mask = batch_inputs(chunk, tokens)
            h, p = self.session.run(None, {"input_ids": ids, "attention_mask": mask})
            for r, w in enumerate(chunk):
                a, b = w.keep_lo - w.lo + 1, w.keep_hi - w.lo + 1
                hidden[w.doc][w.keep_lo : w.keep_hi] = h[r, a:b]
                probs[w.doc][w.keep_lo : w.keep_hi] = p[r, a:b]
        return [
            Encoded(text, t, h, decode.pool_words(p, t.words))
            for (text, _), t, h, p in zip(items, tokens, hidden, probs, strict=True)
        ]

    # -- decoding ------------------------------------------------------------------------------

    def _keep(self, enc: Encoded, first: int, last: int) -> bool:
        """Drop spans made only of function words ("the", "if"): never a technique alone."""
        if not self.config.get("drop_function_words", False):
            return True
        words = enc.text[int(enc.tokens.starts[first]) : int(enc.tokens.ends[last])].split()
        cores = (w.strip(_PUNCT).lower() for w in words)
        return any(c and c not in _stop_words() for c in cores)

    def spans(self, enc: Encoded) -> list[tuple[int, int, str, float]]:
        """Technique spans ``(start, end, technique, confidence)`` from one encoded text."""
        st, en = enc.tokens.starts, enc.tokens.ends
        gap = int(self.config.get("merge_gap", 0))
        out: list[tuple[int, int, str, float]] = []
        if self.config.get("flc_mode") == "si_plus_head":
            sis = [(s.first, s.last, s.confidence) for s in self._si_token_spans(enc)]
            dist = self.span_head.classify(enc.hidden, [(a, b) for a, b, _ in sis])
            for (first, last, conf), d in zip(sis, dist, strict=True):
                t = int(d.argmax())
                a, b = decode.char_span(st, en, first, last)
                out.append((a, b, self.techniques[t], conf * float(d[t])))
        else:
            threshold = self.config["flc_threshold"]
            if self.min_confidence is not None:
                threshold = self.min_confidence
            for s in decode.technique_spans(enc.probs, threshold, gap):
                if self._keep(enc, s.first, s.last):
                    a, b = decode.char_span(st, en, s.first, s.last)
                    out.append((a, b, self.techniques[s.technique], s.confidence))
        return out

    def _si_token_spans(self, enc: Encoded) -> list[decode.TokenSpan]:
        probs = decode.si_probs(enc.probs, self.config.get("si_mode", "any"))
        gap = int(self.config.get("merge_gap", 0))
        spans = decode.si_spans(probs, self.config["si_threshold"], gap)
        return [s for s in spans if self._keep(enc, s.first, s.last)]

    def si(self, enc: Encoded) -> list[tuple[int, int, float]]:
        """Propaganda fragments, technique not named (the SI task)."""
        st, en = enc.tokens.starts, enc.tokens.ends
        return [
            (*decode.char_span(st, en, s.first, s.last), s.confidence)
            for s in self._si_token_spans(enc)
        ]

    def classify(self, enc: Encoded, spans: list[tuple[int, int]]) -> list[tuple[str, float]]:
        """A technique for each given character span (the TC task)."""
        out: list[tuple[str, float]] = []
        st, en = enc.tokens.starts, enc.tokens.ends
        for start, end in spans:
            rng = decode.token_range(st, en, start, end)
            if rng is None:
                out.append((self.techniques[self.config.get("tc_default", 8)], 0.0))
                continue
            a, b = rng
            if self.config.get("tc_mode") == "tagging":
                d = enc.probs[a : b + 1, 1 : 1 + decode.N_TECH].mean(axis=0)
                d = d / max(float(d.sum()), 1e-9)
            else:
                d = self.span_head.classify(enc.hidden, [(a, b)])[0]
            t = int(d.argmax())
            out.append((self.techniques[t], float(d[t])))
        return out

    # -- analyzer -----------------------------------------------------------------------------

    def __call__(self, doc: Document) -> Document:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Document]) -> list[Document]:
        docs = list(docs)
        items = [(d.text, [(s.start, s.end) for s in _analysed_regions(d)]) for d in docs]
        for doc, enc in zip(docs, self.encode(items), strict=True):
            spans = [
                Span(a, b, tech, {"confidence": round(conf, 4)})
                for a, b, tech, conf in self.spans(enc)
                if conf >= (self.min_confidence or 0.0)
            ]
            doc.set_layer("techniques", spans)
        return docs


_PUNCT = "\"'“”‘’.,;:!?()[]{}—–-…"


@functools.lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def _analysed_regions(doc: Document) -> list[Span]:
    """Title and body: headlines carry techniques too (PTC labels them)."""
    keep = [s for s in doc.regions if s.label == "title"]
    return sorted(keep + doc.body_spans(), key=lambda s: s.start)
