"""Which analyzers run, in what order; models are loaded once per pipeline.

Data flows one way: ingest → Document → clean → sentences (spaCy parse) → techniques →
evidence → attributions → voice (→ watch, when the user gives watch terms). Every analyzer is a
callable ``Document -> Document`` that adds its own layer (evidence and voice add a field to each
technique span); those with a ``pipe`` method are batched.

A body longer than :data:`PART_CHARS` is analysed in parts (cut between paragraphs) after
cleaning: each part is a view of the same text whose body regions are that part's, so every
span keeps its offsets, and a part's parse and encoder states are freed before the next one.
Time and memory stay linear in the input; context does not cross a part boundary (a speaker
named in one part is not resolved in the next).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spinscope.document import Document, Span

Analyzer = Callable[[Document], Document]

DEFAULT_STEPS = ("clean", "sentences", "techniques", "evidence", "attributions", "voice")

#: Bodies longer than this many characters are analysed in parts of at most this size
#: (about 0.1 MB: a long feature article is one part; memory per part ≈ 100 MB).
PART_CHARS = 100_000


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
    if name == "evidence":  # definition + nearest training phrases on each technique span
        from spinscope.techniques.evidence import EvidenceAnnotator

        return EvidenceAnnotator(threads=options.get("threads"))
    if name == "watch":  # the user's watch terms (``terms``: a tuple of terms)
        from spinscope.watch import WatchTerms

        return WatchTerms(tuple(options.get("terms") or ()))
    if name == "attributions":
        from spinscope.attribution.extract import AttributionExtractor

        if options.get("one_pass"):  # the head on the shared encoder: no second encoder pass
            from spinscope.attribution.tagger import head_model_dir

            return AttributionExtractor(tagger=head_model_dir())
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
        steps = with_watch(steps, options)
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
        names = [name for name, _ in self.steps]
        head = names.index("clean") + 1 if "clean" in names else 0
        docs = self._run_steps(self.steps[:head], docs)
        tail = self.steps[head:]
        parted = [parts(d) if tail else None for d in docs]
        done = iter(
            self._run_steps(tail, [d for d, p in zip(docs, parted, strict=True) if p is None])
        )
        docs = [
            next(done) if pieces is None else self._run_parts(tail, doc, pieces)
            for doc, pieces in zip(docs, parted, strict=True)
        ]
        for d in docs:
            d.runtime.clear()
        return docs

    def _run_parts(
        self, steps: list[tuple[str, Analyzer]], doc: Document, pieces: list[list[Span]]
    ) -> Document:
        """Run ``steps`` on each part of a long ``doc`` in turn and merge their layers."""
        views = []
        for k, body in enumerate(pieces):
            # the first part also carries the title (techniques read it) and the other regions
            extra = [r for r in doc.regions if r.label != "body"] if k == 0 else []
            view = Document(text=doc.text, source=doc.source, title=doc.title)
            view.set_layer("regions", extra + body)
            (view,) = self._run_steps(steps, [view])
            view.runtime.clear()
            views.append(view)
            doc.progress("parts", k + 1, len(pieces))
        merge_parts(doc, views)
        return doc

    def _run_steps(self, named: list[tuple[str, Analyzer]], docs: list[Document]) -> list[Document]:
        if not docs or not named:
            return docs
        steps = [step for _, step in named]
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
        return docs

    def analyze(self, text_or_path: str | Path | bytes, name: str | None = None) -> Document:
        from spinscope.ingest import load

        return self(load(text_or_path, name=name))


def parts(doc: Document, limit: int | None = None) -> list[list[Span]] | None:
    """The body regions of ``doc`` cut into parts of at most ``limit`` (:data:`PART_CHARS`)
    characters, between paragraphs where possible; None when the body fits in one part."""
    from spinscope.sentences import chunks

    limit = limit or PART_CHARS
    body = doc.body_spans()
    if sum(r.end - r.start for r in body) <= limit:
        return None
    out: list[list[Span]] = [[]]
    size = 0
    for region in body:
        for a, b in chunks(doc.text, region.start, region.end, limit):
            if size and size + (b - a) > limit:
                out.append([])
                size = 0
            out[-1].append(Span(a, b, "body"))
            size += b - a
    return out


def merge_parts(doc: Document, views: list[Document]) -> None:
    """Set ``doc``'s layers from its parts' (regions stay ``doc``'s own). Attribution ids are
    renumbered through the whole document and the voices that point at them follow."""
    layers: dict[str, list[Span]] = {}
    n = 0
    for view in views:
        renamed: dict[str, str] = {}
        for att in view.layer("attributions"):
            if "id" in att.attrs:
                n += 1
                renamed[str(att.attrs["id"])] = att.attrs["id"] = f"a{n}"
        for span in view.layer("techniques"):
            voice = span.attrs.get("voice")
            if isinstance(voice, dict) and voice.get("attribution") in renamed:
                voice["attribution"] = renamed[voice["attribution"]]
        for name, spans in view.layers.items():
            if name != "regions":
                layers.setdefault(name, []).extend(spans)
        doc.errors.extend(e for e in view.errors if e not in doc.errors)
    for name, spans in layers.items():
        doc.set_layer(name, spans)


def _side(steps: list[Analyzer], prep: list[Any], docs: list[Document]) -> None:
    _run_steps(steps, docs)
    for step in prep:
        step.prepare(docs)


def _run_steps(steps: list[Analyzer], docs: list[Document]) -> list[Document]:
    for step in steps:
        piper = getattr(step, "pipe", None)
        docs = list(piper(docs)) if piper is not None else [step(d) for d in docs]
    return docs


def with_watch(steps: Iterable[str], options: dict[str, Any]) -> tuple[str, ...]:
    """``steps``, with ``watch`` last when watch ``terms`` are given and it is not there."""
    steps = tuple(steps)
    if options.get("terms") and "watch" not in steps:
        steps = (*steps, "watch")
    return steps


@functools.lru_cache(maxsize=4)
def _cached(steps: tuple[str, ...], options: tuple[tuple[str, Any], ...]) -> Pipeline:
    return Pipeline.build(steps, **dict(options))


def get_pipeline(steps: Iterable[str] = DEFAULT_STEPS, **options: Any) -> Pipeline:
    """A pipeline per distinct configuration, built once per process (models load once)."""
    if "terms" in options:  # a list of terms is cached by value
        options["terms"] = tuple(options["terms"] or ())
    return _cached(with_watch(steps, options), tuple(sorted(options.items())))
