"""A reason with every highlight: the technique's definition and the training phrases most like it.

The index (``models/techniques/evidence.npz``, built by ``spinscope train evidence``) holds, for
every gold span of the PTC training articles, the shared encoder's hidden states mean-pooled over
the span's wordpieces (L2-normalised, float16), its technique, its phrase (at most
:data:`MAX_CHARS` characters, cut at a word boundary), its article id and offsets, and the
fingerprint of the encoder that produced them. At inference a shown technique span is pooled the
same way from the hidden states the technique heads already read (``doc.runtime``, no second
encoder pass) and gets ``evidence``: the definition and the :data:`EXAMPLES` most similar
training phrases (cosine similarity) of the same technique.

An index built with another encoder is refused (:class:`EvidenceIndexError` names both
fingerprints); without an index, spans carry no evidence and the document gets a one-line note.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from spinscope.document import Document, Span
from spinscope.encoder import ENCODED, HIDDEN, Encoded, get_encoder
from spinscope.techniques import decode
from spinscope.techniques.labels import TECHNIQUES

INDEX_FILE = "evidence.npz"
#: Training phrases shown per span.
EXAMPLES = 3
#: Longest phrase kept in the index (longer ones are cut at a word boundary, with "…").
MAX_CHARS = 120
#: ``errors`` note of a document analysed without an index.
NO_INDEX_NOTE = "evidence: no evidence index ({path}); highlights carry no training examples"

__all__ = [
    "EXAMPLES",
    "EvidenceAnnotator",
    "EvidenceIndex",
    "EvidenceIndexError",
    "build_index",
    "encoder_fingerprint",
    "phrase",
    "pooled",
]


class EvidenceIndexError(ValueError):
    """An evidence index that cannot be used (unreadable, or built with another encoder)."""


def encoder_fingerprint(model_dir: Path) -> str:
    """SHA-256 (first 16 hex digits) of the encoder weights and the tokenizer: what makes the
    hidden states (window settings only move them slightly, so they are left out)."""
    model_dir = Path(model_dir)
    files = [model_dir / "encoder.onnx", model_dir / "tokenizer.json"]
    stamp = tuple((str(f.resolve()), f.stat().st_size, f.stat().st_mtime_ns) for f in files)
    return _fingerprint(stamp)


@functools.lru_cache(maxsize=8)
def _fingerprint(stamp: tuple[tuple[str, int, int], ...]) -> str:
    h = hashlib.sha256()
    for path, _, _ in stamp:
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()[:16]


def phrase(text: str, start: int, end: int, limit: int = MAX_CHARS) -> str:
    """The span's text on one line, at most ``limit`` characters, cut at a word boundary."""
    s = " ".join(text[start:end].split())
    if len(s) <= limit:
        return s
    cut = s.rfind(" ", 0, limit)  # leaves room for the ellipsis
    if cut <= 0:  # one very long word
        cut = limit - 1
    return s[:cut].rstrip(" ,;:") + "…"


def pooled(enc: Encoded, start: int, end: int) -> np.ndarray | None:
    """Mean of the hidden states of the wordpieces covering ``[start, end)``, L2-normalised;
    None when no wordpiece falls inside (a span outside the analysed regions)."""
    rng = decode.token_range(enc.tokens.starts, enc.tokens.ends, start, end)
    if rng is None:
        return None
    v = enc.hidden[rng[0] : rng[1] + 1].astype(np.float32).mean(axis=0)
    norm = float(np.linalg.norm(v))
    return v / norm if norm > 0 else None


@dataclass
class EvidenceIndex:
    """Pooled training spans, grouped by nothing: ``technique[i]`` indexes :attr:`techniques`."""

    vectors: np.ndarray  # (n, hidden) float16, rows L2-normalised
    technique: np.ndarray  # (n,) int16
    texts: list[str]
    articles: list[str]
    offsets: np.ndarray  # (n, 2) int32: [start, end) of the full gold span in its article
    techniques: list[str]
    fingerprint: str

    def __len__(self) -> int:
        return len(self.texts)

    def save(self, path: Path) -> None:
        blob = "\n".join(self.texts).encode("utf-8")
        meta = {
            "fingerprint": self.fingerprint,
            "techniques": self.techniques,
            "articles": self.articles,
            "max_chars": MAX_CHARS,
        }
        with open(path, "wb") as f:
            np.savez_compressed(
                f,
                vectors=self.vectors.astype(np.float16),
                technique=self.technique.astype(np.int16),
                offsets=self.offsets.astype(np.int32),
                texts=np.frombuffer(blob, dtype=np.uint8),
                meta=np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8),
            )

    @classmethod
    def load(cls, path: Path, fingerprint: str | None = None) -> EvidenceIndex:
        """Read ``path``; with ``fingerprint``, refuse an index built with another encoder."""
        try:
            with np.load(path, allow_pickle=False) as z:
                meta = json.loads(z["meta"].tobytes().decode("utf-8"))
                texts = z["texts"].tobytes().decode("utf-8").split("\n")
                index = cls(
                    vectors=z["vectors"],
                    technique=z["technique"],
                    texts=texts if z["vectors"].shape[0] else [],
                    articles=[str(a) for a in meta["articles"]],
                    offsets=z["offsets"],
                    techniques=[str(t) for t in meta["techniques"]],
                    fingerprint=str(meta["fingerprint"]),
                )
        except (OSError, ValueError, KeyError) as exc:
            raise EvidenceIndexError(f"{path}: not a readable evidence index ({exc})") from exc
        n = index.vectors.shape[0]
        if not (len(index.texts) == len(index.articles) == len(index.technique) == n):
            raise EvidenceIndexError(f"{path}: evidence index arrays disagree in length")
        if fingerprint is not None and index.fingerprint != fingerprint:
            raise EvidenceIndexError(
                f"{path}: evidence index built with encoder {index.fingerprint}, but the "
                f"technique model's encoder is {fingerprint}; rebuild it with "
                "`spinscope train evidence --data PTC --model MODEL_DIR`"
            )
        return index

    @functools.cached_property
    def _by_technique(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for t, name in enumerate(self.techniques):
            rows = np.flatnonzero(self.technique == t)
            out[name] = (rows, self.vectors[rows].astype(np.float32))
        return out

    def nearest(
        self, vector: np.ndarray, technique: str, k: int = EXAMPLES
    ) -> list[dict[str, Any]]:
        """The ``k`` training phrases of ``technique`` most similar to ``vector`` (normalised),
        most similar first, one per distinct phrase (case and spacing ignored)."""
        return self.nearest_many(vector[None, :], technique, k)[0]

    def nearest_many(
        self, vectors: np.ndarray, technique: str, k: int = EXAMPLES
    ) -> list[list[dict[str, Any]]]:
        """:meth:`nearest` for each row of ``vectors`` (one matrix product for them all)."""
        rows, vecs = self._by_technique.get(technique, (np.empty(0, np.int64), None))
        if vecs is None or not len(rows):
            return [[] for _ in range(len(vectors))]
        # einsum, not BLAS: a product this small pays more for BLAS threads waking on a busy
        # 2-core machine than it saves (24 ms vs 2.4 ms for 5 spans × 2123 phrases, measured)
        sims = np.einsum("ij,kj->ik", vectors.astype(np.float32), vecs)
        return [self._top(rows, row, k) for row in sims]

    def _top(self, rows: np.ndarray, sims: np.ndarray, k: int) -> list[dict[str, Any]]:
        # the few best first (a partial sort); all of them only if duplicates crowd those out
        m = min(len(sims), 8 * k)
        best = np.argpartition(-sims, m - 1)[:m] if m < len(sims) else np.arange(len(sims))
        order = best[np.lexsort((best, -sims[best]))]
        out = self._distinct(rows, sims, order, k)
        if len(out) < k and m < len(sims):
            out = self._distinct(rows, sims, np.lexsort((np.arange(len(sims)), -sims)), k)
        return out

    def _distinct(
        self, rows: np.ndarray, sims: np.ndarray, order: np.ndarray, k: int
    ) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        seen: set[str] = set()
        for j in order:
            text = self.texts[int(rows[j])]
            key = " ".join(text.casefold().split())
            if key in seen:
                continue
            seen.add(key)
            out.append({"text": text, "similarity": round(float(sims[j]), 3)})
            if len(out) == k:
                break
        return out


def build_index(
    articles: dict[str, str],
    gold: Iterable[Any],
    model_dir: Path,
    progress: Callable[[int, int], None] | None = None,
    chunk: int = 16,
) -> EvidenceIndex:
    """Pool every gold span (``article, technique, start, end``) over the hidden states of its
    article, encoded whole (as ``ptc predict`` does) by the shared encoder of ``model_dir``."""
    encoder = get_encoder(model_dir)
    techniques = list(TECHNIQUES)
    by_article: dict[str, list[Any]] = {}
    for g in gold:
        if g.technique in TECHNIQUES and g.article in articles:
            by_article.setdefault(g.article, []).append(g)
    ids = sorted(by_article)
    vectors: list[np.ndarray] = []
    tech: list[int] = []
    texts: list[str] = []
    arts: list[str] = []
    offsets: list[tuple[int, int]] = []
    for k in range(0, len(ids), chunk):
        part = ids[k : k + chunk]
        docs = [Document(articles[a]) for a in part]  # no regions: the whole text is body
        for a, doc, enc in zip(part, docs, encoder.encode_docs(docs), strict=True):
            for g in sorted(by_article[a], key=lambda g: (g.start, g.end, g.technique)):
                v = pooled(enc, g.start, g.end)
                if v is None:
                    continue
                vectors.append(v)
                tech.append(techniques.index(g.technique))
                texts.append(phrase(doc.text, g.start, g.end))
                arts.append(a)
                offsets.append((g.start, g.end))
            doc.runtime.clear()
        if progress is not None:
            progress(min(k + chunk, len(ids)), len(ids))
    return EvidenceIndex(
        vectors=np.asarray(vectors, np.float32).reshape(-1, HIDDEN),
        technique=np.asarray(tech, np.int16),
        texts=texts,
        articles=arts,
        offsets=np.asarray(offsets, np.int32).reshape(-1, 2),
        techniques=techniques,
        fingerprint=encoder_fingerprint(model_dir),
    )


@functools.lru_cache(maxsize=4)
def _load_index(path: str, fingerprint: str) -> EvidenceIndex:
    return EvidenceIndex.load(Path(path), fingerprint)


class EvidenceAnnotator:
    """Adds ``evidence`` to each span of the ``techniques`` layer (run after the tagger).

    Reads the shared encoder's hidden states kept on the document (``doc.runtime``) by the
    technique tagger; encodes only a document that has none (e.g. one read back from JSON).
    """

    name = "evidence"
    #: reads only the techniques layer and the encoder states: may run beside the parse
    parallel_with_parse = True

    def __init__(
        self,
        model_dir: Path | None = None,
        index_path: Path | None = None,
        threads: int | None = None,
    ) -> None:
        from spinscope.techniques.model import default_model_dir

        self.model_dir = Path(model_dir or default_model_dir())
        self.key = str(self.model_dir.resolve())
        self.threads = threads
        self.index_path = Path(index_path or self.model_dir / INDEX_FILE)
        self.index: EvidenceIndex | None = None
        self.note: str | None = None
        if not self.index_path.exists():
            self.note = NO_INDEX_NOTE.format(path=self.index_path)
        else:
            fingerprint = encoder_fingerprint(self.model_dir)
            self.index = _load_index(str(self.index_path.resolve()), fingerprint)

    def __call__(self, doc: Document) -> Document:
        return self.pipe([doc])[0]

    def pipe(self, docs: Iterable[Document]) -> list[Document]:
        docs = list(docs)
        if self.index is None:
            for doc in docs:
                if doc.layer("techniques") and self.note and self.note not in doc.errors:
                    doc.errors.append(self.note)
            return docs
        todo = [d for d in docs if d.layer("techniques")]
        missing = [d for d in todo if self.key not in d.runtime.get(ENCODED, {})]
        if missing:  # not encoded by the tagger in this run: encode once now
            get_encoder(self.model_dir, self.threads).encode_docs(missing)
        for doc in todo:
            enc: Encoded = doc.runtime[ENCODED][self.key]
            spans = doc.layer("techniques")
            for span, ev in zip(spans, self.evidence_many(enc, spans), strict=True):
                span.attrs["evidence"] = ev
        return docs

    def evidence_many(self, enc: Encoded, spans: list[Span]) -> list[dict[str, Any]]:
        """``{"definition", "examples": [{"text", "similarity"}, …]}`` for each span (the
        spans of one technique are looked up together)."""
        assert self.index is not None
        found: list[list[dict[str, Any]]] = [[] for _ in spans]
        by: dict[str, list[tuple[int, np.ndarray]]] = {}
        for i, span in enumerate(spans):
            v = pooled(enc, span.start, span.end)
            if v is not None:
                by.setdefault(span.label, []).append((i, v))
        for technique, items in by.items():
            answers = self.index.nearest_many(np.stack([v for _, v in items]), technique)
            for (i, _), examples in zip(items, answers, strict=True):
                found[i] = examples
        return [
            {"definition": TECHNIQUES.get(s.label, ""), "examples": ex}
            for s, ex in zip(spans, found, strict=True)
        ]
