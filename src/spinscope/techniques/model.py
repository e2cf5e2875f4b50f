"""Technique tagging at inference time: ONNX Runtime on CPU, no torch.

One encoder pass per window gives both the token probabilities (which fragments, and which
technique) and the hidden states the span head classifies. Windows from many documents are
sorted by length and batched together, which is where most of the CPU time is saved.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from spinscope.document import Document, Span
from spinscope.encoder import Encoded, default_encoder_dir, get_encoder
from spinscope.techniques import calibrate, decode

__all__ = ["Encoded", "TechniqueTagger", "REVEAL_FLOOR", "default_model_dir"]


def default_model_dir() -> Path:
    """The shipped technique model's folder: the shared encoder's (one folder holds both)."""
    return default_encoder_dir()


#: The lowest confidence a view reveals (the HTML report and the web slider hold candidates down
#: to it, hidden below the default view). Of the cross-validated candidates between 0.1 and 0.2,
#: 13 % were right; below 0.1, 5 % (model card, reliability table): not worth a highlight.
REVEAL_FLOOR = 0.1


def default_view_confidence(model_dir: Path | None = None) -> float:
    """The default ``min_confidence`` of the user-facing view, read from the model's config
    (no model loading: for the web slider and help texts)."""
    cfg = json.loads(((model_dir or default_model_dir()) / "config.json").read_text("utf-8"))
    return float(cfg["view"]["min_confidence"])


class TechniqueTagger:
    """Adds the ``techniques`` layer: phrase spans with technique and calibrated confidence.

    ``confidence`` is a probability (of the spans shown at ≈ 0.7, about 70 % were marked by
    annotators with that technique, on held-out folds). ``min_confidence`` is the lowest shown;
    ``None`` uses the default chosen by cross-validation (SI precision ≥ 0.55 on held-out folds).
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
        cfg_path = model_dir / "config.json"
        if not cfg_path.exists():
            raise FileNotFoundError(f"technique model not found in {model_dir}")
        self.config: dict[str, Any] = json.loads(cfg_path.read_text(encoding="utf-8"))
        self.techniques: list[str] = list(self.config["techniques"])
        #: the shared encoder (one per process, read by every head); ``session`` is its ONNX
        #: session unless a test replaces this tagger's outputs
        self.encoder = get_encoder(model_dir, threads)
        self.tokenizer = self.encoder.tokenizer
        self.session = self.encoder.session
        heads = np.load(model_dir / "span_head.npz")
        self.span_head = decode.SpanHead(
            *(heads[k].astype(np.float32) for k in ("w1", "b1", "w2", "b2"))
        )
        self.lexicon = calibrate.Lexicon.from_json(
            json.loads((model_dir / "lexicon.json").read_text(encoding="utf-8"))
        )
        # A freshly trained fold model has no view yet: cv.py calibrates it from its outputs.
        view = self.config.get("view")
        self.calibrator = calibrate.Calibrator.from_json(view["calibrator"]) if view else None
        #: the default view's threshold, chosen by cross-validation (see the model card)
        self.default_confidence = float(view["min_confidence"]) if view else 0.5
        self.min_confidence = (
            self.default_confidence if min_confidence is None else float(min_confidence)
        )
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

    def encode(
        self,
        items: list[tuple[str, list[tuple[int, int]]]],
        progress: Callable[[int, int], None] | None = None,
    ) -> list[Encoded]:
        """Run the shared encoder over ``(text, ranges)`` items (probabilities word-pooled).
        ``progress(done, total)`` is called with encoder windows done."""
        encs = self.encoder.encode(items, progress, self.session, self.batch_size)
        return [self._pooled(e) for e in encs]

    @staticmethod
    def _pooled(e: Encoded) -> Encoded:
        return replace(e, probs=decode.pool_words(e.probs, e.tokens.words))

    # -- decoding ------------------------------------------------------------------------------

    def stop_mask(self, enc: Encoded) -> np.ndarray:
        return decode.stop_mask(enc.text, enc.tokens.starts, enc.tokens.words, _stop_words())

    def candidates(
        self, enc: Encoded, threshold: float, gap: int, peak_ratio: float = 0.0
    ) -> tuple[list[tuple[int, int, int]], np.ndarray]:
        """Phrase candidates ``(start, end, technique index)`` and their calibration features.

        A candidate is a run of one technique's word probabilities above ``threshold`` (dips of
        ``gap`` words bridged), never a lone function word, trimmed of edge punctuation and of
        quote marks or brackets that only wrap it. Word-pooled probabilities mean a span never
        cuts a word in two.
        """
        stop = self.stop_mask(enc)
        breaks = decode.sentence_ends(enc.text, enc.tokens.starts, enc.tokens.ends)
        spans: list[tuple[int, int, int]] = []
        kept: list[decode.TokenSpan] = []
        for s in decode.technique_spans(enc.probs, threshold, gap, peak_ratio, breaks):
            if stop[s.first : s.last + 1].all():
                continue
            s = decode.shed_edges(s, stop, enc.text, enc.tokens.starts, enc.tokens.ends)
            a, b = decode.char_span(enc.tokens.starts, enc.tokens.ends, s.first, s.last)
            t = decode.trim(enc.text, a, b)
            if t is not None:
                spans.append((t[0], t[1], s.technique))
                kept.append(s)
        head = self.span_head.classify(enc.hidden, [(s.first, s.last) for s in kept])
        lexical = self.lexicon.rates(enc.text, spans, _stop_words())
        # text features only where they are read: a fold model (being calibrated) or a
        # calibrator fitted on them (the shipped v2's is not: zeros there, as it was fitted)
        cal = self.calibrator
        textual = cal is None or any(n in calibrate.TEXT_FEATURES for n in cal.features)
        x = calibrate.features(
            enc.probs,
            head,
            kept,
            enc.tokens.words,
            stop,
            lexical,
            enc.text,
            [(a, b) for a, b, _ in spans] if textual else None,
        )
        return spans, x

    def spans(self, enc: Encoded) -> list[tuple[int, int, str, float]]:
        """Every candidate span ``(start, end, technique, confidence)``, confidence calibrated:
        the probability, estimated on held-out folds, that an annotator marked that technique
        there. :meth:`pipe` keeps those at or above ``min_confidence``."""
        view = self.config.get("view")
        if view is None or self.calibrator is None:
            raise RuntimeError("this technique model has no calibrated view (run techniques.cv)")
        spans, x = self.candidates(
            enc,
            view["candidate_threshold"],
            int(view["merge_gap"]),
            float(view.get("peak_ratio", 0.0)),
        )
        conf = self.calibrator(x)
        return [
            (a, b, self.techniques[t], float(c)) for (a, b, t), c in zip(spans, conf, strict=True)
        ]

    def flc(self, enc: Encoded) -> list[tuple[int, int, str]]:
        """Spans with techniques for the benchmark (the FLC task), F1-optimal decoding."""
        if self.config["flc_mode"] == "calibrated":
            thr = float(self.config["flc_threshold"])
            return [(a, b, t) for a, b, t, c in self.spans(enc) if c >= thr]
        st, en = enc.tokens.starts, enc.tokens.ends
        out = []
        for s in decode.technique_spans(enc.probs, float(self.config["flc_threshold"])):
            out.append((*decode.char_span(st, en, s.first, s.last), self.techniques[s.technique]))
        return out

    def si(self, enc: Encoded) -> list[tuple[int, int, float]]:
        """Propaganda fragments, technique not named (the SI task), F1-optimal decoding."""
        return si_fragments(enc, self.stop_mask(enc), self.config)

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

        def progress(done: int, total: int) -> None:
            for d in docs:
                d.progress(self.name, done, total)

        # encoded once per document: the attribution head reads the same hidden states
        encs = self.encoder.encode_docs(docs, progress, self.session, self.batch_size)
        for doc, enc in zip(docs, map(self._pooled, encs), strict=True):
            spans = [
                Span(a, b, tech, {"confidence": round(conf, 4)})
                for a, b, tech, conf in self.spans(enc)
                if conf >= self.min_confidence
            ]
            doc.set_layer("techniques", spans)
        return docs


@functools.lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def si_fragments(
    enc: Encoded, stop: np.ndarray, cfg: dict[str, Any]
) -> list[tuple[int, int, float]]:
    """SI spans ``(start, end, confidence)`` under the decoding settings ``cfg`` (``si_mode``,
    ``si_threshold``, ``merge_gap``, ``trim``): shared by the tagger and cross-validation."""
    st, en = enc.tokens.starts, enc.tokens.ends
    probs = decode.si_probs(enc.probs, cfg.get("si_mode", "any"))
    out = []
    for s in decode.si_spans(probs, cfg["si_threshold"], int(cfg["merge_gap"])):
        if stop[s.first : s.last + 1].all():
            continue
        a, b = decode.char_span(st, en, s.first, s.last)
        t = decode.trim(enc.text, a, b) if cfg.get("trim") else (a, b)
        if t is not None:
            out.append((t[0], t[1], s.confidence))
    return out
