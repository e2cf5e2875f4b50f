"""Synthetic WARC files for tests and benchmarks (no network, no corpus copied into the repo).

Pages are written as CC-NEWS writes them: one gzip member per record, a warcinfo record first,
HTTP responses with real headers. ``edge_cases=True`` adds the records a crawl really contains
and a reader must account for: non-HTML, redirects, requests, gzip + chunked transfer, a
legacy charset named only in ``<meta>``, a page with no article, a record cut short by the
crawler, a malformed stretch of bytes between records, and a final record cut off mid-body.
"""

from __future__ import annotations

import gzip
import html
import io
from collections.abc import Iterable
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter


def html_page(title: str, body: str, charset: str = "utf-8") -> str:
    """A news-like page: navigation and footer residue around an ``<article>``."""
    paras = "".join(f"<p>{html.escape(p)}</p>\n" for p in body.split("\n") if p.strip())
    return (
        f'<!DOCTYPE html><html><head><meta charset="{charset}">'
        f"<title>{html.escape(title)}</title></head><body>"
        '<nav><a href="/">Home</a> | <a href="/world">World</a></nav>'
        f"<article><h1>{html.escape(title)}</h1>\n{paras}</article>"
        "<footer>Copyright 2024 Example News. All rights reserved.</footer></body></html>"
    )


def _chunked(data: bytes, size: int = 500) -> bytes:
    out = b"".join(
        f"{len(data[i : i + size]):x}\r\n".encode() + data[i : i + size] + b"\r\n"
        for i in range(0, len(data), size)
    )
    return out + b"0\r\n\r\n"


def _response(
    writer: WARCWriter,
    url: str,
    body: bytes,
    headers: list[tuple[str, str]],
    status: str = "200 OK",
    warc_headers: dict[str, str] | None = None,
) -> None:
    http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
    rec = writer.create_warc_record(
        url,
        "response",
        payload=io.BytesIO(body),
        http_headers=http,
        warc_headers_dict=warc_headers or {},
    )
    writer.write_record(rec)


def write_warc(
    path: str | Path, pages: Iterable[tuple[str, str, str]], edge_cases: bool = False
) -> dict[str, int]:
    """Write ``(url, title, body)`` pages to a per-record-gzip WARC; return expected counts.

    The counts (``records``, ``documents``, ``skips``, ``errors``) are what a correct reader must
    report, so tests compare against the file they built rather than against constants.
    """
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    writer.write_record(writer.create_warcinfo_record("synth.warc.gz", {"software": "spinscope"}))
    counts = {"records": 1, "documents": 0, "skips": 1, "errors": 0}
    html_ct = [("Content-Type", "text/html; charset=utf-8")]
    for url, title, body in pages:
        _response(writer, url, html_page(title, body).encode("utf-8"), html_ct)
        counts["records"] += 1
        counts["documents"] += 1
    if edge_cases:
        _edge_cases(writer, buf, counts)
    data = buf.getvalue()
    if edge_cases:
        # A final record cut off mid-body, as a download that died would leave it.
        tail = io.BytesIO()
        w2 = WARCWriter(tail, gzip=True)
        long_body = html_page("Cut short", "Words of the article. " * 400).encode()
        _response(w2, "https://example.com/cut", long_body, html_ct)
        raw = gzip.decompress(tail.getvalue())
        data += gzip.compress(raw[: len(raw) // 2])
        counts["records"] += 1
        counts["errors"] += 1
    Path(path).write_bytes(data)
    return counts


def _edge_cases(writer: WARCWriter, buf: io.BytesIO, counts: dict[str, int]) -> None:
    article = (
        "The minister said on Tuesday that the new budget would cut spending on roads.\n"
        "Critics called the plan a disaster for rural voters, who depend on the roads."
    )
    # gzip content-encoding + chunked transfer-encoding, charset only in <meta> (cp1252).
    page = html_page("Café budget “row” deepens", article, charset="windows-1252")
    body = _chunked(gzip.compress(page.encode("cp1252")))
    _response(
        writer,
        "https://example.com/cp1252",
        body,
        [
            ("Content-Type", "text/html"),
            ("Content-Encoding", "gzip"),
            ("Transfer-Encoding", "chunked"),
        ],
    )
    counts["records"] += 1
    counts["documents"] += 1
    # Skips: an image, a redirect, a request record, a capture truncated by the crawler.
    _response(
        writer,
        "https://example.com/a.png",
        b"\x89PNG\r\n\x1a\n" + bytes(64),
        [("Content-Type", "image/png")],
    )
    _response(writer, "https://example.com/old", b"", [("Location", "/new")], "301 Moved")
    req = writer.create_warc_record(
        "https://example.com/x",
        "request",
        payload=io.BytesIO(b""),
        http_headers=StatusAndHeaders(
            "GET /x HTTP/1.1", [("Host", "example.com")], is_http_request=True
        ),
    )
    writer.write_record(req)
    _response(
        writer,
        "https://example.com/big",
        html_page("Big", article).encode(),
        [("Content-Type", "text/html")],
        warc_headers={"WARC-Truncated": "length"},
    )
    counts["records"] += 4
    counts["skips"] += 4
    # Error: an HTML page with no article in it.
    _response(
        writer,
        "https://example.com/menu",
        b"<html><body><nav>Home</nav></body></html>",
        [("Content-Type", "text/html")],
    )
    counts["records"] += 1
    counts["errors"] += 1
    # Error: a malformed stretch (a gzip member that is not a WARC record), then a good record.
    buf.write(gzip.compress(b"THIS IS NOT A WARC RECORD\r\nfoo: bar\r\n\r\n" + bytes(100)))
    counts["records"] += 1
    counts["errors"] += 1
    _response(
        writer,
        "https://example.com/after",
        html_page("After the break", article).encode(),
        [("Content-Type", "text/html; charset=utf-8")],
    )
    counts["records"] += 1
    counts["documents"] += 1
