"""The one dispatcher of ``spinscope.ingest``: inputs — paths, directories, streams, bytes, a
``str``, URLs — into Documents (or one-line errors).

Each input is sniffed once (:func:`~spinscope.ingest.detect.head_kind` on its first bytes) and
handed to one reader: WARC files to :mod:`~spinscope.ingest.warc`, JSONL to
:mod:`~spinscope.ingest.jsonl`, URLs to :mod:`~spinscope.ingest.url`, text and HTML (after
decoding, :func:`~spinscope.ingest.detect.text_kind`) to
:func:`~spinscope.ingest.content.document_from_content`. Directories are listed by
:mod:`~spinscope.ingest.walk`. No reader imports this module: imports go one way.

How :func:`load` tells a path from text, for ``str`` arguments:

- a :class:`~pathlib.Path` is always a path, ``bytes`` are always content;
- a ``str`` that starts with ``http://`` or ``https://`` (one token) is a URL, fetched with
  the limits of :mod:`spinscope.ingest.url` — the only way ingest touches the network;
- a ``str`` is a path when it is one line of at most 1024 characters and either names an
  existing file, or has no whitespace and ends in a known file suffix (``.txt``, ``.html``,
  ``.jsonl``, ``.warc``…, so a mistyped path is reported as missing rather than analysed as
  a one-word article); anything else is the article text itself.

Limits: a single text or HTML input may be at most :data:`MAX_INPUT_BYTES` (10 MiB — about a
hundred times the longest news article; larger files are logs or dumps, not articles). JSONL
and WARC files may be larger; the limit then applies to each record.
"""

from __future__ import annotations

import stat
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Union

from spinscope.document import Document, Source
from spinscope.errors import InputError
from spinscope.ingest.content import document_from_content
from spinscope.ingest.detect import (
    HEAD_BYTES,
    DecodeError,
    binary_kind,
    decode,
    head_kind,
    is_cut_gzip_warc,
    sniff_kind,
    text_kind,
)
from spinscope.ingest.jsonl import Item, iter_records
from spinscope.ingest.url import is_url, iter_url, load_url
from spinscope.ingest.walk import walk

if TYPE_CHECKING:
    from spinscope.ingest.warc import Skip

#: What :func:`iter_inputs` yields per input: a Document, an InputError, or (WARC only) a
#: ``Skip`` — a record that is not an article by construction (request, redirect, non-HTML),
#: reported with its ``reason`` so that nothing disappears silently.
Entry = tuple[str, Union[Document, InputError, "Skip"]]

#: Largest single text/HTML input (bytes, or characters for ``str`` input).
MAX_INPUT_BYTES = 10 * 1024 * 1024
_MAX_PATH_STR = 1024
_PATH_SUFFIXES = (
    *(".txt", ".text", ".md", ".htm", ".html", ".xhtml"),
    *(".jsonl", ".ndjson", ".json", ".warc", ".warc.gz"),
)


def load(text_or_path: str | Path | bytes, name: str | None = None) -> Document:
    """Exactly one Document from a path, text, or bytes; :class:`InputError` otherwise."""
    if isinstance(text_or_path, bytes):
        label = name or "<bytes>"
        return _single(_iter_bytes(text_or_path, label, Source(kind="text")), label)
    if isinstance(text_or_path, Path):
        label = name or str(text_or_path)
        return _single(_iter_path(text_or_path, label), label)
    if isinstance(text_or_path, str):
        if is_url(text_or_path):
            try:
                return load_url(text_or_path)
            except InputError as e:
                if name is None or name == e.input_name:
                    raise
                raise InputError(name, f"{e.input_name}: {e.reason}") from None
        if _is_path_like(text_or_path):
            label = name or text_or_path
            return _single(_iter_path(Path(text_or_path), label), label)
        label = name or "<text>"
        return _single(_iter_str(text_or_path, label, Source(kind="text")), label)
    label = name or "<input>"
    raise InputError(label, f"unsupported input type {type(text_or_path).__name__}")


def iter_inputs(paths: Iterable[str | Path], stdin: BinaryIO | None = None) -> Iterator[Entry]:
    """Every document (or error) from paths, directories (recursively), ``-`` (stdin) and
    ``http(s)://`` URLs (each fetched once, see :mod:`spinscope.ingest.url`).

    Every input is accounted for: a file that cannot be read, an unlistable or empty directory,
    a bad JSONL line or WARC record each yield an :class:`~spinscope.errors.InputError` entry,
    so that results + errors = inputs.
    """
    for p in paths:
        if str(p) == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            yield from _iter_stream(stream, "<stdin>", Source(path=None, kind="text"))
        elif isinstance(p, str) and is_url(p):
            yield from iter_url(p)
        elif Path(p).is_dir():
            yield from _iter_dir(Path(p))
        else:
            yield from _iter_path(Path(p), str(p))


def is_batch_input(paths: list[str | Path]) -> bool:
    """Whether ``paths`` mean a batch (JSONL output): several, a directory, or a JSONL/WARC file."""
    if len(paths) != 1:
        return True
    p = str(paths[0])
    if p == "-":
        return False
    path = Path(p)
    if path.is_dir():
        return True
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # never open a FIFO: it would block
            return False
        with path.open("rb") as fh:
            head = fh.read(HEAD_BYTES)
    except OSError:
        return False
    return head_kind(head) in ("warc", "jsonl")


def _iter_dir(root: Path) -> Iterator[Entry]:
    found = False
    for item in walk(root):
        found = True
        if isinstance(item, tuple):
            yield item
        else:
            yield from _iter_path(item, str(item))
    if not found:
        yield str(root), InputError(str(root), "directory holds no files")


def _is_path_like(s: str) -> bool:
    if not s or len(s) > _MAX_PATH_STR or "\n" in s or "\r" in s or "\x00" in s:
        return False
    try:
        if Path(s).exists() or Path(s).is_symlink():
            return True
    except OSError:
        return False
    return not any(c.isspace() for c in s) and s.lower().endswith(_PATH_SUFFIXES)


def _single(entries: Iterator[Entry], name: str) -> Document:
    items = (e for e in entries if isinstance(e[1], (Document, InputError)))
    first = next(items, None)
    if first is None:
        raise InputError(name, "holds no records")
    second = next(items, None)
    if second is not None:
        count = 2 + sum(1 for _ in items)
        raise InputError(name, f"holds {count} records; analyse it as a batch (JSONL output)")
    _, result = first
    if isinstance(result, Document):
        return result
    assert isinstance(result, InputError)
    raise result


def _iter_path(path: Path, name: str) -> Iterator[Entry]:
    source = Source(path=str(path), kind="text")
    try:
        st = path.stat()
    except FileNotFoundError:
        reason = "broken symbolic link" if path.is_symlink() else "no such file or directory"
        yield name, InputError(name, reason)
        return
    except OSError as e:
        yield name, InputError(name, f"cannot read ({e.strerror or e})")
        return
    if stat.S_ISDIR(st.st_mode):
        yield (
            name,
            InputError(name, "is a directory; pass it on the command line to analyse its files"),
        )
        return
    if not stat.S_ISREG(st.st_mode):
        yield name, InputError(name, f"not a regular file ({_file_type(st.st_mode)})")
        return
    try:
        with path.open("rb") as fh:
            head = fh.read(HEAD_BYTES)
            kind = head_kind(head)
            if kind == "warc" or is_cut_gzip_warc(head):
                kind_is_warc = True
            else:
                kind_is_warc = False
                yield from _iter_head(fh, name, source, head, kind, size=st.st_size)
    except OSError as e:
        yield name, InputError(name, f"cannot read ({e.strerror or e})")
        return
    if kind_is_warc:
        yield from _iter_warc(path, name)


def _iter_stream(fh: BinaryIO, name: str, source: Source) -> Iterator[Item]:
    """Documents from an open binary stream: one for text/HTML, one per record for JSONL."""
    head = fh.read(HEAD_BYTES)
    yield from _iter_head(fh, name, source, head, head_kind(head))


def _iter_head(
    fh: BinaryIO,
    name: str,
    source: Source,
    head: bytes,
    kind: str,
    size: int | None = None,
) -> Iterator[Item]:
    """The rest of a stream whose ``head`` was sniffed as ``kind`` (:func:`head_kind`)."""
    if kind == "warc":
        yield name, InputError(name, "WARC input must be given as a file path, not a stream")
        return
    if kind == "binary":
        yield name, InputError(name, f"not text: {binary_kind(head)}")
        return
    if kind == "jsonl":
        yield from iter_records(
            _lines(head, fh), name, document_from_content, MAX_INPUT_BYTES, path=source.path
        )
        return
    if size is None or size <= MAX_INPUT_BYTES:
        rest = fh.read(MAX_INPUT_BYTES + 1 - len(head))
        data = head + rest
        size = len(data)
    if size > MAX_INPUT_BYTES:
        yield name, InputError(name, _too_large(size))
        return
    if not data:
        yield name, InputError(name, "empty file")
        return
    yield from _iter_decoded(data, name, source)


def _iter_bytes(data: bytes, name: str, source: Source) -> Iterator[Item]:
    """Bytes handed over whole (``load(bytes)``): sniffed once, then decoded."""
    if not data:
        yield name, InputError(name, "empty file")
        return
    if len(data) > MAX_INPUT_BYTES:
        yield name, InputError(name, _too_large(len(data)))
        return
    kind = sniff_kind(data[:HEAD_BYTES])
    if kind == "warc":
        yield name, InputError(name, "WARC input must be given as a file path")
        return
    if kind == "binary":
        yield name, InputError(name, f"not text: {binary_kind(data[:HEAD_BYTES])}")
        return
    yield from _iter_decoded(data, name, source)


def _iter_decoded(data: bytes, name: str, source: Source) -> Iterator[Item]:
    """Text-like bytes decoded (BOM, UTF-8, else a legacy encoding) and read by kind."""
    try:
        text, encoding = decode(data)
    except DecodeError as e:
        yield name, InputError(name, str(e))
        return
    for item_name, result in _iter_str(text, name, source):
        if isinstance(result, Document) and encoding != "utf-8":
            result.meta["encoding"] = encoding
        yield item_name, result


def _iter_str(text: str, name: str, source: Source) -> Iterator[Item]:
    if len(text) > MAX_INPUT_BYTES:
        yield (
            name,
            InputError(name, f"too large ({len(text):,} characters; limit {MAX_INPUT_BYTES:,})"),
        )
        return
    kind = text_kind(text)
    if kind == "jsonl":
        yield from iter_records(
            text.split("\n"), name, document_from_content, MAX_INPUT_BYTES, path=source.path
        )
        return
    try:
        yield name, document_from_content(text, source, kind, name)
    except InputError as e:
        yield name, e


def _iter_warc(path: Path, name: str) -> Iterator[Entry]:
    """Hook: ``warc.iter_warc(path)`` yields ``(name, Document | InputError | Skip)``."""
    try:
        from spinscope.ingest import warc
    except ModuleNotFoundError as e:
        missing = "spinscope.ingest.warc" if e.name in (None, "spinscope.ingest.warc") else e.name
        yield name, InputError(name, f"WARC input needs {missing}")
        return
    yield from warc.iter_warc(str(path))


def _lines(head: bytes, fh: BinaryIO) -> Iterator[bytes]:
    """Lines (without ``\\n``) of ``head`` followed by the rest of the stream, read in chunks."""
    buf = head
    while True:
        *complete, buf = buf.split(b"\n")
        yield from complete
        chunk = fh.read(1 << 20)
        if not chunk:
            break
        buf += chunk
    if buf:
        yield buf


def _too_large(size: int) -> str:
    return f"too large ({size:,} bytes; limit {MAX_INPUT_BYTES:,} bytes = 10 MiB per article)"


def _file_type(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "special file"
