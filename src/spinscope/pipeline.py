"""Which analyzers run, in what order; models are loaded once per pipeline.

Data flows one way: ingest → Document → clean → sentences (spaCy parse) → techniques →
attributions → voice. Every analyzer is a callable ``Document -> Document`` that adds its own
layer; those with a ``pipe`` method are batched.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spinscope.document import Document

Analyzer = Callable[[Document], Document]

DEFAULT_STEPS = ("clean", "sentences", "techniques", "attributions", "voice")


def _make(name: str, options: dict[str, Any]) -> Analyzer:
    if name == "clean":
        from spinscope.clean import Cleaner

        return Cleaner()
    if name == "sentences":
        from spinscope.sentences import SentenceSplitter

        return SentenceSplitter()
    if name == "techniques":
        from spinscope.techniques.model import TechniqueTagger

        return TechniqueTagger.load(
            min_confidence=options.get("min_confidence"), threads=options.get("threads")
        )
    if name == "attributions":
        from spinscope.attribution.extract import AttributionExtractor

        return AttributionExtractor()
    if name == "voice":
        from spinscope.attribution.voice import VoiceAssigner

        return VoiceAssigner()
    raise ValueError(f"unknown analyzer {name!r}")


@dataclass
class Pipeline:
    steps: list[tuple[str, Analyzer]] = field(default_factory=list)
    #: run steps marked ``parallel_with_parse`` in a thread beside the spaCy parse
    overlap: bool = True

    @classmethod
    def build(cls, steps: Iterable[str] = DEFAULT_STEPS, **options: Any) -> Pipeline:
        return cls(
            [(name, _make(name, options)) for name in steps],
            overlap=options.get("overlap", True),
        )

    def __call__(self, doc: Document) -> Document:
        return self._run_batch([doc])[0]

    def pipe(self, docs: Iterable[Document], batch_size: int = 8) -> Iterator[Document]:
        """Analyse many documents, batching the steps that support it.

        Batches of 8 are as fast as 16 here and keep peak RSS under 800 MB (BENCHMARKS.md).
        """
        batch: list[Document] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= batch_size:
                yield from self._run_batch(batch)
                batch = []
        if batch:
            yield from self._run_batch(batch)

    def _run_batch(self, docs: list[Document]) -> list[Document]:
        steps = [step for _, step in self.steps]
        i = 0
        while i < len(steps):
            step = steps[i]
            # Steps that need no parse (the ONNX tagger) run beside the spaCy parse: ONNX
            # Runtime releases the GIL, so the two share the cores instead of taking turns.
            # Analyzers add their layer to the same Document objects, so nothing is merged.
            # A later step may also have parse-free work to do first (``prepare``: the
            # attribution tagger's encoder pass); it joins the side thread.
            side: list[Analyzer] = []
            prep: list[Any] = []
            if self.overlap and getattr(step, "name", "") == "sentences":
                while i + 1 < len(steps) and getattr(steps[i + 1], "parallel_with_parse", False):
                    i += 1
                    side.append(steps[i])
                prep = [s for s in steps[i + 1 :] if callable(getattr(s, "prepare", None))]
            if side or prep:
                with ThreadPoolExecutor(max_workers=1) as pool:
                    future = pool.submit(_side, side, prep, docs)
                    docs = _run_steps([step], docs)
                    future.result()
            else:
                docs = _run_steps([step], docs)
            i += 1
        for d in docs:
            d.runtime.clear()
        return docs

    def analyze(self, text_or_path: str | Path | bytes, name: str | None = None) -> Document:
        from spinscope.ingest import load

        return self(load(text_or_path, name=name))


def _side(steps: list[Analyzer], prep: list[Any], docs: list[Document]) -> None:
    _run_steps(steps, docs)
    for step in prep:
        step.prepare(docs)


def _run_steps(steps: list[Analyzer], docs: list[Document]) -> list[Document]:
    for step in steps:
        piper = getattr(step, "pipe", None)
        docs = list(piper(docs)) if piper is not None else [step(d) for d in docs]
    return docs


@functools.lru_cache(maxsize=4)
def _cached(steps: tuple[str, ...], options: tuple[tuple[str, Any], ...]) -> Pipeline:
    return Pipeline.build(steps, **dict(options))


def get_pipeline(steps: Iterable[str] = DEFAULT_STEPS, **options: Any) -> Pipeline:
    """A pipeline per distinct configuration, built once per process (models load once)."""
    return _cached(tuple(steps), tuple(sorted(options.items())))
