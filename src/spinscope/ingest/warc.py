"""WARC / CC-NEWS input: HTTP response records holding HTML become Documents.

Every record in the file is accounted for as exactly one of: a :class:`~spinscope.document.Document`,
a :class:`Skip` (not an article by construction: request/warcinfo records, non-HTML, redirects,
captures truncated by the crawler) or an :class:`~spinscope.errors.InputError` (a record that
should have been an article but cannot be read: cut short, malformed, undecodable, no text).

Records are identified by their byte offset, so a batch can split a file into byte ranges and
read each range independently (:func:`iter_warc_items` with ``start``/``end``). A malformed
stretch becomes one error and reading resynchronises at the next record, instead of losing the
rest of the file. Gzip WARCs must be gzipped per record (as Common Crawl writes them) to be
split; a whole-file gzip is read as one decompressed stream (correct, just not seekable).
"""

from __future__ import annotations

import gzip
import os
import re
import zlib
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any, NamedTuple, cast

from spinscope.document import Document, Source
from spinscope.errors import InputError
from spinscope.ingest.detect import decode_body
from spinscope.ingest.html import NoArticleError, describe_error, from_html

#: Largest HTTP body we decode; CC-NEWS truncates captures at 1 MiB, so this only stops oddities.
MAX_BODY_BYTES = 20 * 1024 * 1024

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_GZIP_MAGIC = b"\x1f\x8b\x08"
_WARC_MAGIC = b"WARC/1."
_RESYNC_CHUNK = 1 << 20
_HTML_SNIFF = re.compile(rb"\A\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head)\b", re.I | re.S)


@dataclass(frozen=True)
class Skip:
    """A record that is not an article by construction; counted under ``reason``, not an error."""

    reason: str


Result = Document | InputError | Skip


class WarcItem(NamedTuple):
    """One record (or one unreadable stretch) of a WARC file, identified by its byte offset."""

    offset: int
    record_id: str | None
    url: str | None
    result: Result

    def identity(self, path: str) -> str:
        return self.record_id or f"{path}@{self.offset}"


def iter_warc(path: str) -> Iterator[tuple[str, Result]]:
    """``(identity, result)`` per record: identity is the WARC-Record-ID (or ``path@offset``).

    An error always names the file and the record's offset (``path@offset: record <id>:
    reason``), so it can be found again without the record id.
    """
    for item in iter_warc_items(path):
        yield item.identity(path), _located(item, path)


def _located(item: WarcItem, path: str) -> Result:
    result = item.result
    if not isinstance(result, InputError):
        return result
    where = f"{path}@{item.offset}"
    reason = result.reason.removeprefix(f"{where}: ")
    if item.record_id and item.record_id not in reason:
        reason = f"record {item.record_id}: {reason}"
    return (
        result
        if result.input_name == where and reason == result.reason
        else InputError(where, reason)
    )


def is_warc(path: str) -> bool:
    """Whether ``path`` holds WARC data (plain or gzipped), judged by content."""
    try:
        with open(path, "rb") as f:
            head = f.read(64)
            if head.startswith(b"\x1f\x8b"):
                f.seek(0)
                head = zlib.decompressobj(31).decompress(f.read(4096), 64)
    except (OSError, zlib.error):
        return False
    return head.startswith(_WARC_MAGIC)


def scan_offsets(path: str) -> Iterator[int]:
    """Offsets of every item :func:`iter_warc_items` would yield, reading headers only."""
    for item in iter_warc_items(path, parse=False):
        yield item.offset


def iter_warc_items(
    path: str, start: int = 0, end: int | None = None, parse: bool = True
) -> Iterator[WarcItem]:
    """Records whose offset lies in ``[start, end)``; ``start`` must be a record offset.

    Reading from any record offset yields the same items as reading from 0, which is what lets
    a batch split a file into independent partitions.
    """
    with _open(path) as (fh, gz_members):
        pos = start
        while end is None or pos < end:
            fh.seek(pos)
            stopped = yield from _read_from(fh, path, end, parse)
            if stopped is None:
                break
            bad_at, reported = stopped
            if end is not None and bad_at >= end:
                return  # the bad stretch belongs to the next partition
            nxt = _resync(fh, bad_at + 1, gz_members)
            if not reported:
                damage = _damage(fh)
                if damage is not None:
                    reason = damage.describe(bad_at)
                    damage.reported = True
                else:
                    extent = f"up to offset {nxt}" if nxt is not None else "to the end of the file"
                    reason = f"malformed WARC data at offset {bad_at} ({extent} unreadable)"
                yield WarcItem(bad_at, None, None, InputError(f"{path}@{bad_at}", reason))
            if nxt is None:
                break
            pos = nxt
        damage = _damage(fh)
        if damage is not None and not damage.reported and (end is None or damage.at < end):
            # the stream broke between records: nothing half-read, but the rest is lost
            damage.reported = True
            name = f"{path}@{damage.at}"
            yield WarcItem(damage.at, None, None, InputError(name, damage.describe(damage.at)))


@contextmanager
def _open(path: str) -> Iterator[tuple[IO[bytes], bool]]:
    """Open for record-offset seeking: raw for plain and per-record gzip, else one gzip stream."""
    try:
        raw = open(path, "rb")  # noqa: SIM115 - closed below
    except OSError as e:
        raise InputError(path, f"cannot open ({e.strerror})") from None
    try:
        head = raw.read(2)
        raw.seek(0)
        if head == b"\x1f\x8b" and not _gzip_per_record(raw):
            with gzip.GzipFile(fileobj=raw, mode="rb") as stream:
                yield cast(IO[bytes], _GzipStream(stream, raw)), False
        else:
            yield raw, head == b"\x1f\x8b"
    finally:
        raw.close()


@dataclass
class _Damage:
    """Where a whole-file gzip stream broke (cut short or corrupt)."""

    at: int  # decompressed offset (the record offsets' coordinate) where data stopped
    compressed_at: int  # bytes of the file consumed when it broke
    size: int  # the file's size
    why: str
    reported: bool = False

    def describe(self, offset: int) -> str:
        lost = (
            "no record could be read"
            if offset == 0
            else f"records before offset {offset} were read, the rest is lost"
        )
        return f"gzip stream {self.why} at byte {self.compressed_at:,} of {self.size:,}: {lost}"


class _GzipStream:
    """A whole-file gzip stream that ends, instead of raising, where the file is damaged.

    ``gzip`` raises ``EOFError`` for a truncated stream and ``zlib.error`` / ``BadGzipFile`` for
    corrupt data; warcio would pass either up mid-record. Here the stream just ends, and
    :attr:`damage` says where and why, so the reader reports it once as an error record.
    """

    def __init__(self, gz: gzip.GzipFile, raw: IO[bytes]) -> None:
        self._gz = gz
        self._raw = raw
        self.damage: _Damage | None = None

    def read(self, size: int = -1) -> bytes:
        # read1 pieces: GzipFile.read(n) drops what it decompressed when the stream breaks
        parts: list[bytes] = []
        got = 0
        while size < 0 or got < size:
            try:
                part = self._gz.read1(size - got if size >= 0 else 1 << 16)
            except (EOFError, zlib.error, gzip.BadGzipFile) as e:
                self._broken(e)
                break
            if not part:
                break
            parts.append(part)
            got += len(part)
        return b"".join(parts)

    def seek(self, pos: int, whence: int = 0) -> int:
        try:
            return self._gz.seek(pos, whence)
        except (EOFError, zlib.error, gzip.BadGzipFile) as e:
            self._broken(e)
            return self._gz.tell()

    def tell(self) -> int:
        return self._gz.tell()

    def _broken(self, e: Exception) -> None:
        if self.damage is not None:
            return
        why = "cut short" if isinstance(e, EOFError) else f"corrupt ({e})"
        try:
            size = os.fstat(self._raw.fileno()).st_size
        except (OSError, ValueError):
            size = 0
        self.damage = _Damage(self._gz.tell(), self._raw.tell(), size, why)


def _damage(fh: object) -> _Damage | None:
    return fh.damage if isinstance(fh, _GzipStream) else None


def _gzip_per_record(raw: IO[bytes]) -> bool:
    """True when the first gzip member holds at most one record (Common Crawl's layout)."""
    d = zlib.decompressobj(31)
    out = b""
    raw.seek(0)
    while not d.eof:
        chunk = raw.read(65536)
        if not chunk:
            break
        try:
            out += d.decompress(chunk)
        except zlib.error:  # corrupt: read as one stream, which reports where it breaks
            break
        if len(out) > 64 * 1024 * 1024:  # an enormous first member: assume one stream
            break
    raw.seek(0)
    return d.eof and out.count(b"\r\nWARC/1.") == 0


def _read_from(
    fh: IO[bytes], path: str, end: int | None, parse: bool = True
) -> Generator[WarcItem, None, tuple[int, bool] | None]:
    """Yield items until EOF or ``end`` (return None) or a malformed record.

    For a malformed record it returns ``(offset, reported)``: ``reported`` when an error item
    for that offset was already yielded (header read, body corrupt).
    """
    from warcio.archiveiterator import ArchiveIterator

    it = ArchiveIterator(fh, check_digests=False)
    records = iter(it)
    while True:
        offset = it.offset
        if end is not None and offset >= end:
            return None
        try:
            record = next(records)
        except StopIteration:
            damage = _damage(fh)
            if damage is not None and not damage.reported and damage.at > offset:
                return offset, False  # warcio took the cut for the end: this record is lost
            if damage is None and _left_over(fh, offset):
                return offset, False  # a record header cut short: warcio took it for the end
            return None
        except Exception:  # warcio raises plain Exceptions for bad headers/formats
            return offset, False
        if not _is_warc_record(record):
            return offset, False
        try:
            if parse:
                item = _item(record, offset, path)
            else:
                item = WarcItem(offset, None, None, Skip("not parsed"))
            it.read_to_end()
        except (zlib.error, EOFError, OSError, ValueError) as e:
            ident = _header(record, "WARC-Record-ID")
            name = ident or f"{path}@{offset}"
            yield WarcItem(offset, ident, None, InputError(name, f"unreadable record ({e})"))
            return offset, True
        damage = _damage(fh)
        if damage is not None and not damage.reported and _cut_short(record):
            # the file broke inside this record (read-ahead may set the flag earlier, so only
            # a record that came out cut short is the damaged one): its error says why, once
            damage.reported = True
            name = item.record_id or f"{path}@{offset}"
            reason = damage.describe(offset)
            if item.record_id:
                reason = f"{path}@{offset}: {reason}"
            item = item._replace(result=InputError(name, reason))
        elif not isinstance(item.result, InputError) and _member_cut(it, fh):
            # per-record gzip: the file ends inside this record's gzip member (its checksum)
            name = item.record_id or f"{path}@{offset}"
            reason = "gzip member cut short at the end of the file (no checksum): not verified"
            item = item._replace(result=InputError(name, reason))
        elif isinstance(item.result, Skip):
            cut = _cut_by(record)
            if cut is not None:  # a request, warcinfo… record that lacks bytes it promised
                name = item.record_id or f"{path}@{offset}"
                item = item._replace(result=InputError(name, cut))
        yield item


def _member_cut(it: Any, fh: IO[bytes]) -> bool:
    """A record read to its end whose gzip member did not end, with the file at its end."""
    decompressor = getattr(getattr(it, "reader", None), "decompressor", None)
    if isinstance(fh, _GzipStream) or decompressor is None or decompressor.eof:
        return False
    here = fh.tell()
    size = fh.seek(0, os.SEEK_END)
    fh.seek(here)
    return here >= size


def _left_over(fh: IO[bytes], offset: int) -> bool:
    """Whether anything but blank lines follows ``offset`` where warcio saw the end."""
    if isinstance(fh, _GzipStream):
        return False  # the stream's damage says where it broke
    fh.seek(offset)
    return bool(fh.read(4096).strip())


def _cut_by(record: Any) -> str | None:
    """Why a record read to its end is incomplete (fewer bytes than its Content-Length)."""
    declared = _header(record, "Content-Length")
    if not declared or not declared.strip().isdigit():  # every WARC record has one
        return f"WARC {record.rec_type} record without a valid Content-Length (header cut short?)"
    left = int(getattr(record.raw_stream, "limit", 0) or 0)
    if left <= 0:
        return None
    total = int(declared)
    return f"WARC {record.rec_type} record cut short ({total - left:,} of {total:,} bytes present)"


def _cut_short(record: Any) -> bool:
    """A record read to its end that lacks bytes its header promised (or has no length)."""
    if not _header(record, "Content-Length"):
        return True
    return int(getattr(record.raw_stream, "limit", 0) or 0) > 0


def _is_warc_record(record: Any) -> bool:
    """warcio also parses ARC, and will read garbage as an ARC header line; we accept WARC only."""
    return str(getattr(record, "format", "")).startswith("warc")


def _header(record: Any, name: str) -> str | None:
    value = record.rec_headers.get_header(name)
    return str(value) if value else None


def _item(record: Any, offset: int, path: str) -> WarcItem:
    rid = _header(record, "WARC-Record-ID")
    url = _header(record, "WARC-Target-URI")
    return WarcItem(offset, rid, url, _result(record, rid or f"{path}@{offset}", url, path, rid))


def _result(record: Any, name: str, url: str | None, path: str, rid: str | None) -> Result:
    rtype = record.rec_type
    if rtype != "response":
        return Skip(f"WARC {rtype} record")
    http = record.http_headers
    if http is None:
        return Skip("response without HTTP headers")
    status = (http.get_statuscode() or "").strip()
    if status != "200":
        return Skip(f"HTTP status {status or 'missing'}")
    ctype = (http.get_header("Content-Type") or "").lower()
    if _header(record, "WARC-Truncated"):
        return Skip(f"truncated by the crawler ({_header(record, 'WARC-Truncated')})")
    if ctype and ctype.split(";")[0].strip() not in _HTML_TYPES:
        return Skip(f"not HTML ({ctype.split(';')[0].strip()})")
    raw = record.raw_stream
    declared = getattr(raw, "limit", None)  # bytes the WARC header promises are still to come
    try:
        body = record.content_stream().read(MAX_BODY_BYTES + 1)
    except Exception as e:  # bad gzip / chunking inside the HTTP body
        return InputError(name, f"cannot decode HTTP body ({describe_error(e)})")
    while raw.read(65536):
        pass
    if declared is not None and raw.limit > 0:
        got = declared - raw.limit
        return InputError(name, f"record truncated ({got} of {declared} body bytes present)")
    if len(body) > MAX_BODY_BYTES:
        return InputError(name, f"HTML body larger than {MAX_BODY_BYTES} bytes")
    if not ctype and not _HTML_SNIFF.match(body[:4096]):
        return Skip("not HTML (no Content-Type, content is not HTML)")
    if not body.strip():
        return InputError(name, "empty HTML body")
    html, encoding = decode_body(body, ctype)
    return _to_document(
        html, encoding, Source(path=path, url=url, kind="warc", record_id=rid), name
    )


def _to_document(html: str, encoding: str, source: Source, name: str) -> Document | InputError:
    try:
        doc = from_html(html, source, encoding=encoding)
    except NoArticleError as e:
        return InputError(name, str(e))
    except Exception as e:  # trafilatura/lxml on hostile markup: an error for this record only
        return InputError(name, f"HTML extraction failed ({describe_error(e)})")
    doc.source.kind = "warc"
    return doc


def _resync(fh: IO[bytes], pos: int, gz_members: bool) -> int | None:
    """Offset of the next readable record at or after ``pos``, or None at end of file."""
    from warcio.archiveiterator import ArchiveIterator

    magic = _GZIP_MAGIC if gz_members else _WARC_MAGIC
    while True:
        fh.seek(pos)
        buf = fh.read(_RESYNC_CHUNK + len(magic))
        if not buf:
            return None
        i = buf.find(magic)
        if i < 0:
            if len(buf) <= len(magic):
                return None
            pos += len(buf) - len(magic)
            continue
        cand = pos + i
        fh.seek(cand)
        try:
            if _is_warc_record(next(iter(ArchiveIterator(fh, check_digests=False)))):
                return cand
        except StopIteration:
            return None
        except Exception:  # not a record here; keep scanning
            pass
        pos = cand + 1
