"""Sentence layer over the body regions, and the shared spaCy parse other analyzers reuse."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from spinscope.document import Document, Span
from spinscope.nlp import load_spacy

#: Key in ``Document.runtime``: list of ``(char_offset, spacy.tokens.Doc)`` for each body region.
PARSES = "spacy_parses"


class SentenceSplitter:
    """Parse each body region once with spaCy; write ``sentences`` and keep the parse."""

    name = "sentences"

    def __init__(self, nlp: Any | None = None, batch_size: int = 16) -> None:
        self.nlp = nlp if nlp is not None else load_spacy()
        self.batch_size = batch_size

    def __call__(self, doc: Document) -> Document:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Document]) -> Iterable[Document]:
        docs = list(docs)
        jobs: list[tuple[int, int]] = []  # (doc index, region start)
        texts: list[str] = []
        for i, doc in enumerate(docs):
            doc.runtime[PARSES] = []
            for region in doc.body_spans():
                jobs.append((i, region.start))
                texts.append(doc.text[region.start : region.end])
        for (i, offset), parsed in zip(
            jobs, self.nlp.pipe(texts, batch_size=self.batch_size), strict=True
        ):
            docs[i].runtime[PARSES].append((offset, parsed))
        for doc in docs:
            spans: list[Span] = []
            for offset, parsed in doc.runtime[PARSES]:
                for sent in parsed.sents:
                    start, end = _strip(doc.text, offset + sent.start_char, offset + sent.end_char)
                    if end > start:
                        spans.append(Span(start, end, "sentence"))
            doc.set_layer("sentences", spans)
        return docs


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
