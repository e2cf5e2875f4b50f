"""Turn what a user hands us (a path, text, bytes, a directory, stdin) into Documents.

Two entry points, both in the one dispatcher :mod:`spinscope.ingest.load`:

- :func:`load` — exactly one document, or :class:`InputError` with a one-line reason.
- :func:`iter_inputs` — many inputs (paths, directories, ``-`` for stdin, JSONL/WARC files
  expanded to their records), yielding ``(name, Document | InputError)`` so that every input
  is accounted for: nothing is skipped silently.

Each input is sniffed once (:func:`~spinscope.ingest.detect.head_kind`) and handed to one
reader: :mod:`~spinscope.ingest.jsonl`, :mod:`~spinscope.ingest.warc`,
:mod:`~spinscope.ingest.url`, or, for decoded text and HTML,
:mod:`~spinscope.ingest.content` (over :mod:`~spinscope.ingest.text` and
:mod:`~spinscope.ingest.html`; JSONL records and fetched pages use it too); kind, encoding and
HTTP-body charset sniffing in :mod:`~spinscope.ingest.detect`; directory listing in
:mod:`~spinscope.ingest.walk`; bounds on hostile markup in :mod:`~spinscope.ingest.markup`.
Imports go one way (load on top, the readers below, none of them importing load), with no
circle.
"""

from spinscope.errors import InputError
from spinscope.ingest.jsonl import Item
from spinscope.ingest.load import (
    MAX_INPUT_BYTES,
    Entry,
    document_from_content,
    is_batch_input,
    iter_inputs,
    load,
)

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
