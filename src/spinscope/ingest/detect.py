"""What an input is (text, HTML, JSONL, WARC, binary) and how its bytes decode.

Kind is sniffed from content, never only from the file name: scraped files are often misnamed.
Decoding order: BOM → strict UTF-8 → legacy single-byte encoding detected by charset-normalizer.
A file that is *mostly* UTF-8 but has broken sequences is refused rather than guessed, because
decoding it as cp1252 would silently turn every non-ASCII character into mojibake.
"""

from __future__ import annotations

import codecs
import json
import re
import zlib

#: Bytes read to decide the kind of a file before reading all of it.
HEAD_BYTES = 64 * 1024

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

#: Magic numbers of common binary formats, so the error can say what the file is.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or DOCX/XLSX/EPUB)"),
    (b"\x7fELF", "an executable"),
    (b"RIFF", "a RIFF media file"),
    (b"BZh", "bzip2-compressed data"),
    (b"\xfd7zXZ\x00", "xz-compressed data"),
    (b"SQLite format 3\x00", "an SQLite database"),
)

_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 27)) + b"\x7f"
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_HTML_START = re.compile(
    r"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head)\b", re.I | re.S
)
_BLOCKS = (
    r"p|div|article|section|main|header|footer|nav|aside|h[1-6]|ul|ol|li|table|tr|td|th|"
    r"blockquote|figure|figcaption|pre|dl|dt|dd|form|span|a|title|script|style"
)
#: A fragment must open with a real element ...
_HTML_FRAGMENT_START = re.compile(rf"\A\s*(?:<!--.*?-->\s*)*<(?:{_BLOCKS})\b[^<>]*>", re.I | re.S)
#: ... and close at least three of them: text that merely mentions "<div>" never closes it.
_HTML_CLOSE = re.compile(rf"</(?:{_BLOCKS})\s*>", re.I)
_HTML_BODY = re.compile(r"<body\b[^<>]*>", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


class DecodeError(ValueError):
    """Bytes that are not text in any encoding we accept; the message is the user-facing reason."""


def binary_kind(head: bytes) -> str | None:
    """Name of the binary format ``head`` starts with, or ``None`` if it may be text."""
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return what
    if head.startswith(b"\x1f\x8b"):
        return "gzip-compressed data"
    if bom_encoding(head) is None and head:
        sample = head[:8192]
        bad = sum(sample.count(bytes([c])) for c in _CONTROL)
        if bad / len(sample) > 0.01:
            return "binary data (control bytes)"
    return None


def is_gzip_warc(head: bytes) -> bool:
    """A gzip stream whose first member starts a WARC record (``.warc.gz``)."""
    if not head.startswith(b"\x1f\x8b"):
        return False
    try:
        out = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 64)
    except zlib.error:
        return False
    return out.startswith(b"WARC/")


def is_cut_gzip_warc(head: bytes) -> bool:
    """A gzip stream that ends before any byte that would rule out WARC came out of it.

    A ``.warc.gz`` cut a few dozen bytes in decompresses to nothing (deflate has not emitted its
    first block yet): it is a damaged WARC, for the WARC reader to report, not opaque binary.
    ``head`` must be the whole file when it is that short.
    """
    if not head.startswith(b"\x1f\x8b") or len(head) >= HEAD_BYTES:
        return False
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = d.decompress(head, 64)
    except zlib.error:
        return False
    return not d.eof and b"WARC/".startswith(out[:5]) and len(out) < 5


def bom_encoding(data: bytes) -> str | None:
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return enc
    return None


def decode(data: bytes) -> tuple[str, str]:
    """Decode ``data`` to ``(text, encoding)``; raise :class:`DecodeError` with a reason."""
    enc = bom_encoding(data)
    if enc is not None:
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError as e:
            raise DecodeError(
                f"invalid {enc.upper()} after its byte-order mark at byte {e.start}"
            ) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as e:
        first_bad = e.start
    valid_multibyte = len(_UTF8_MULTIBYTE.findall(data))
    invalid = _count_invalid_utf8(data)
    if valid_multibyte and valid_multibyte >= invalid:
        raise DecodeError(
            f"invalid UTF-8 at byte {first_bad} ({invalid} bad byte(s) in otherwise UTF-8 text)"
        )
    return _decode_legacy(data, first_bad)


def _count_invalid_utf8(data: bytes) -> int:
    return sum(1 for ch in data.decode("utf-8", "replace") if ch == "\ufffd") - data.decode(
        "utf-8", "ignore"
    ).count("\ufffd")


def _decode_legacy(data: bytes, first_bad: int) -> tuple[str, str]:
    """Single-byte legacy text: charset-normalizer decides; cp1252 wins ties (English news)."""
    import charset_normalizer
    from charset_normalizer.md import mess_ratio

    best = charset_normalizer.from_bytes(data).best()
    if best is None or best.chaos > 0.2:
        raise DecodeError(f"not UTF-8 (first bad byte at {first_bad}) and no text encoding fits")
    choice, text = best.encoding, str(best)
    try:
        cp = data.decode("cp1252")
    except UnicodeDecodeError:
        cp = None
    if cp is not None and choice != "cp1252" and mess_ratio(cp, 0.5) <= best.chaos + 0.02:
        choice, text = "cp1252", cp
    return text, choice


def decode_body(body: bytes, content_type: str) -> tuple[str, str]:
    """Decode an HTTP body: charset from the header, then ``<meta>``, then detection."""
    for candidate in (_header_charset(content_type), _meta_charset(body)):
        if candidate is None:
            continue
        try:
            codec = codecs.lookup(candidate).name
            return body.decode(codec), codec
        except (LookupError, UnicodeDecodeError):
            continue
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(body).best()
    if best is not None:
        return str(best), best.encoding
    return body.decode("utf-8", errors="replace"), "utf-8 (with replacements)"


def _header_charset(content_type: str) -> str | None:
    m = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", content_type, re.I)
    return m.group(1) if m else None


def _meta_charset(body: bytes) -> str | None:
    m = _META_CHARSET.search(body[:4096])
    return m.group(1).decode("ascii") if m else None


def looks_like_html(text: str) -> bool:
    """HTML by content, never by a few angle brackets in prose.

    A page: it opens with a doctype, ``<html>`` or ``<head>``. A fragment (a saved
    ``<article>…``): it opens with an HTML element and, in its first 4 KiB, holds a ``<body>``
    or closes at least three block-level elements. Text that starts with "<" and mentions
    tags ("<b>Note</b>: …", "<3 …<div>…") stays text.
    """
    head = text[:4096]
    if _HTML_START.match(head):
        return True
    if not _HTML_FRAGMENT_START.match(head):
        return False
    return bool(_HTML_BODY.search(head)) or len(_HTML_CLOSE.findall(head)) >= 3


def looks_like_jsonl(text: str) -> bool:
    """JSON Lines of records: the first non-empty line is an object with "text" or "html"."""
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if not line.startswith("{"):
            return False
        try:
            obj = json.loads(line)
        except ValueError:
            return False
        return isinstance(obj, dict) and ("text" in obj or "html" in obj)
    return False


def sniff_kind(head: bytes) -> str:
    """``warc`` | ``binary`` | ``text-like`` from the first bytes (text kinds need decoding)."""
    if head.startswith(b"WARC/") or is_gzip_warc(head):
        return "warc"
    if binary_kind(head) is not None:
        return "binary"
    return "text-like"


def head_kind(head: bytes) -> str:
    """``warc`` | ``binary`` | ``jsonl`` | ``text-like`` from an input's first bytes: the one
    sniff a file or stream gets before it goes to its reader.

    ``jsonl``: the first line, read as UTF-8, is a JSONL record, so the input is read record by
    record without decoding it whole. ``text-like`` content is told text from HTML (or from
    JSONL whose first record is longer than ``head`` or not UTF-8) once decoded, by
    :func:`text_kind`.
    """
    kind = sniff_kind(head)
    if kind == "text-like" and looks_like_jsonl(head.decode("utf-8", "ignore")):
        return "jsonl"
    return kind


def text_kind(text: str) -> str:
    """``jsonl`` | ``html`` | ``text`` for decoded content."""
    if looks_like_jsonl(text):
        return "jsonl"
    if looks_like_html(text):
        return "html"
    return "text"
