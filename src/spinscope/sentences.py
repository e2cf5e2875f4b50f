"""Sentence layer over the body regions, and the shared spaCy parse other analyzers reuse.

Long bodies are parsed in chunks of at most :data:`CHUNK_CHARS` characters, cut between
paragraphs where possible, else between lines, else after a sentence end, else at a space,
and only as a last resort inside a word (never inside a grapheme). spaCy refuses a text over
``nlp.max_length`` (error E088) and its memory grows with the length of one parse; chunks keep
both bounded, so cost is linear in the input. Each chunk's offset maps its sentences and
tokens back to exact offsets in ``Document.text``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from typing import Any

from spinscope.document import Document, Span
from spinscope.nlp import load_spacy

#: Key in ``Document.runtime``: list of ``(char_offset, spacy.tokens.Doc)``, one per body
#: region, or per chunk of a long body region, in text order.
PARSES = "spacy_parses"

#: Longest text handed to spaCy at once (~5k tokens; most news articles are shorter). spaCy
#: warns its parser needs about 1 GB of working memory per 100k characters; with 100k-character
#: chunks a 1 MB single-line text still peaked at 1.1 GB, hence a quarter of that.
CHUNK_CHARS = 25_000
#: Characters parsed together in one ``nlp.pipe`` batch: bounds the parser's working memory.
_BATCH_CHARS = 50_000

_PARAGRAPH = re.compile(r"\n[^\S\n]*\n|\u2029")
_LINE = re.compile(r"\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028]")
_SENTENCE = re.compile(r"[.!?…][\"'”’»)\]]*\s+")
_SPACE = re.compile(r"\s+")


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
        jobs: list[tuple[int, int]] = []  # (doc index, chunk start)
        texts: list[str] = []
        total = [0] * len(docs)  # characters to parse, per document (for progress)
        for i, doc in enumerate(docs):
            doc.runtime[PARSES] = []
            for region in doc.body_spans():
                for start, end in chunks(doc.text, region.start, region.end):
                    jobs.append((i, start))
                    texts.append(doc.text[start:end])
                    total[i] += end - start
            doc.progress(self.name, 0, total[i])
        longest = max((len(t) for t in texts), default=1)
        batch_size = max(1, min(self.batch_size, _BATCH_CHARS // max(longest, 1)))
        done = [0] * len(docs)
        for (i, offset), text, parsed in zip(
            jobs, texts, self.nlp.pipe(texts, batch_size=batch_size), strict=True
        ):
            _drop_tensor(parsed)
            docs[i].runtime[PARSES].append((offset, parsed))
            done[i] += len(text)
            docs[i].progress(self.name, done[i], total[i])
        for doc in docs:
            spans: list[Span] = []
            for offset, parsed in doc.runtime[PARSES]:
                for sent in parsed.sents:
                    start, end = _strip(doc.text, offset + sent.start_char, offset + sent.end_char)
                    if end > start:
                        spans.append(Span(start, end, "sentence"))
            doc.set_layer("sentences", spans)
        return docs


def chunks(text: str, start: int, end: int, limit: int | None = None) -> Iterator[tuple[int, int]]:
    """``[start, end)`` cut into whitespace-trimmed pieces of at most ``limit`` characters.

    A region within the limit is one piece (unchanged). Cuts fall at the last paragraph
    break, line break, sentence end or space in the second half of the window, else at the
    window's end moved back to a grapheme boundary.
    """
    limit = limit or CHUNK_CHARS
    start, end = _strip(text, start, end)
    while end - start > limit:
        cut = _cut(text, start, start + limit)
        piece = _strip(text, start, cut)
        if piece[1] > piece[0]:
            yield piece
        start, end = _strip(text, cut, end)
    if end > start:
        yield start, end


def _cut(text: str, start: int, stop: int) -> int:
    """Where to end a chunk that starts at ``start`` and may not pass ``stop``."""
    lo = start + (stop - start) // 2
    for rx in (_PARAGRAPH, _LINE, _SENTENCE, _SPACE):
        last = None
        for m in rx.finditer(text, lo, stop):
            last = m
        if last is not None:
            return last.end() if rx is _SENTENCE else last.start()
    cut = stop
    while cut > lo and _joins(text, cut):
        cut -= 1
    return cut if cut > lo else stop


def _joins(text: str, i: int) -> bool:
    """Whether a cut before ``text[i]`` would split a grapheme (combining mark, ZWJ, modifier)."""
    c = text[i]
    prev = text[i - 1]
    if unicodedata.category(c) in ("Mn", "Mc", "Me") or c == "\u200d" or prev == "\u200d":
        return True
    cp = ord(c)
    if 0xFE00 <= cp <= 0xFE0F or 0x1F3FB <= cp <= 0x1F3FF or 0xE0020 <= cp <= 0xE007F:
        return True  # variation selectors, skin tones, tag characters
    regional = 0x1F1E6 <= cp <= 0x1F1FF and 0x1F1E6 <= ord(prev) <= 0x1F1FF
    return regional or (prev == "\r" and c == "\n")


def _drop_tensor(parsed: Any) -> None:
    """Free the tok2vec output kept on each parse: nothing downstream reads it, and on a long
    input it is the largest part of the parse (96 floats per token)."""
    try:
        import numpy as np

        parsed.tensor = np.zeros((0,), dtype="float32")
    except (AttributeError, ValueError, TypeError):
        pass


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
