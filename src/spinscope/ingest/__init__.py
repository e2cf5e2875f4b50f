"""Turn what a user hands us (a path, text, bytes, a directory, stdin) into Documents.

Two entry points:

- :func:`load` — exactly one document, or :class:`InputError` with a one-line reason
  (:mod:`spinscope.ingest.load`).
- :func:`iter_inputs` — many inputs (paths, directories, ``-`` for stdin, JSONL/WARC files
  expanded to their records), yielding ``(name, Document | InputError)`` so that every input
  is accounted for: nothing is skipped silently (:mod:`spinscope.ingest.walk`).

Readers per kind: :mod:`~spinscope.ingest.text`, :mod:`~spinscope.ingest.html`,
:mod:`~spinscope.ingest.jsonl`, :mod:`~spinscope.ingest.warc`, :mod:`~spinscope.ingest.url`;
decoded text or HTML to a Document in :mod:`~spinscope.ingest.content` (shared by all of
them); kind, encoding and HTTP-body charset sniffing in :mod:`~spinscope.ingest.detect`;
bounds on hostile markup in :mod:`~spinscope.ingest.markup`. Imports go one way (load and
walk on top, the readers below), with no circle.
"""

from spinscope.errors import InputError
from spinscope.ingest.jsonl import Item
from spinscope.ingest.load import MAX_INPUT_BYTES, Entry, document_from_content, load
from spinscope.ingest.walk import is_batch_input, iter_inputs

__all__ = [
    "MAX_INPUT_BYTES",
    "InputError",
    "Entry",
    "Item",
    "document_from_content",
    "is_batch_input",
    "iter_inputs",
    "load",
]
