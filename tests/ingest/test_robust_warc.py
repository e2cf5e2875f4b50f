"""Issue 23: any WARC truncation is an error record (request and warcinfo records too, gzip cut
before its first byte decompresses), and WARC errors name the file and the offset."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path
from typing import Any

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from spinscope import cli
from spinscope.document import Document
from spinscope.errors import InputError
from spinscope.ingest import iter_inputs
from spinscope.ingest.warc import Skip, iter_warc_items
from spinscope.scale.synth import html_page

BODY = (
    "The senator said on Monday that the bill was a disgrace to the nation. Opponents called"
    " it a betrayal of every voter who had trusted the party, and the vote was postponed."
)


def _warc(n: int = 3) -> tuple[bytes, list[int]]:
    """warcinfo, then (request, response) per page, uncompressed; and each record's offset."""
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=False)
    offsets = [0]
    w.write_record(w.create_warcinfo_record("t.warc", {"software": "spinscope " + "x" * 300}))
    for i in range(n):
        url = f"https://news.example/{i}"
        offsets.append(buf.tell())
        req = StatusAndHeaders(
            "GET / HTTP/1.1",
            [("Host", "news.example"), ("User-Agent", "crawler " + "y" * 300)],
            is_http_request=True,
        )
        w.write_record(
            w.create_warc_record(url, "request", payload=io.BytesIO(b""), http_headers=req)
        )
        offsets.append(buf.tell())
        resp = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
        )
        page = html_page(f"Headline {i}", BODY).encode()
        w.write_record(
            w.create_warc_record(url, "response", payload=io.BytesIO(page), http_headers=resp)
        )
    return buf.getvalue(), offsets


def _in_block(data: bytes, offset: int, k: int) -> int:
    """``k`` bytes into the block (after the WARC headers) of the record at ``offset``."""
    return data.index(b"\r\n\r\n", offset) + 4 + k


def _errors(items: list[Any]) -> list[InputError]:
    return [i.result for i in items if isinstance(i.result, InputError)]


def test_cut_inside_a_request_record_is_an_error(tmp_path: Path) -> None:
    data, offsets = _warc()
    request = offsets[3]  # the second page's request record
    path = tmp_path / "cut.warc"
    path.write_bytes(data[: _in_block(data, request, 100)])  # inside its HTTP header block
    items = list(iter_warc_items(str(path)))
    assert [type(i.result) for i in items] == [Skip, Skip, Document, InputError]
    (error,) = _errors(items)
    assert items[-1].offset == request
    assert "request record cut short" in error.reason


def test_cut_inside_the_first_warcinfo_record_is_an_error(tmp_path: Path) -> None:
    data, _ = _warc()
    path = tmp_path / "cut.warc"
    path.write_bytes(data[:200])  # inside its WARC header block
    entries = list(iter_inputs([path]))
    assert len(entries) == 1
    (_, error) = entries[0]
    assert isinstance(error, InputError)
    assert error.input_name == f"{path}@0"


def test_every_cut_is_reported(tmp_path: Path) -> None:
    data, offsets = _warc(2)
    path = tmp_path / "sweep.warc"
    silent = []
    for cut in range(8, len(data), 11):
        path.write_bytes(data[:cut])
        items = list(iter_warc_items(str(path)))
        # only a cut in the blank lines that end a complete record loses nothing
        complete = any(0 <= b - cut <= 4 for b in [*offsets[1:], len(data)])
        if not _errors(items) and not complete:
            silent.append(cut)
    assert silent == []


def test_every_cut_of_a_per_record_gzip_warc_is_reported(tmp_path: Path) -> None:
    data, offsets = _warc(2)
    ends = [*offsets[1:], len(data)]
    parts = [gzip.compress(data[a:b]) for a, b in zip(offsets, ends, strict=True)]
    members = b"".join(parts)  # Common Crawl's layout: one gzip member per record
    bounds = [0]
    for part in parts:
        bounds.append(bounds[-1] + len(part))
    path = tmp_path / "sweep.warc.gz"
    path.write_bytes(members)
    assert not _errors(list(iter_warc_items(str(path))))  # the whole file: no error
    silent = []
    for cut in range(12, len(members), 3):
        if cut in bounds:
            continue
        path.write_bytes(members[:cut])
        if not _errors(list(iter_warc_items(str(path)))):
            silent.append(cut)
    assert silent == []


def test_whole_file_gzip_cut_at_60_bytes_is_a_damaged_warc(tmp_path: Path) -> None:
    data, _ = _warc()
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(gzip.compress(data)[:60])
    ((name, error),) = list(iter_inputs([path]))
    assert isinstance(error, InputError)
    assert error.input_name == f"{path}@0"
    assert "gzip stream cut short at byte 60 of 60: no record could be read" in error.reason


class _Stub:
    def pipe(self, docs: Any) -> Any:
        return iter(docs)

    def __call__(self, doc: Document) -> Document:
        return doc


def test_analyze_error_records_name_file_and_offset(tmp_path: Path) -> None:
    data, offsets = _warc()
    path = tmp_path / "cut.warc"
    path.write_bytes(data[: _in_block(data, offsets[4], 300)])  # in the 2nd response's body
    lines = [
        (json.loads(line), kind)
        for line, kind in cli._batch_records(iter_inputs([path]), _Stub())
        if line is not None
    ]
    assert sorted(kind for _, kind in lines) == ["errors", "results"]
    (error,) = [line for line, kind in lines if kind == "errors"]
    assert error["source"]["path"] == f"{path}@{offsets[4]}"
    assert error["error"].startswith(f"{path}@{offsets[4]}: record <urn:uuid:")


def test_ingest_accounts_for_every_record_of_a_cut_warc(tmp_path: Path) -> None:
    from spinscope.store import Store
    from spinscope.store.loader import ingest

    data, offsets = _warc()
    path = tmp_path / "cut.warc"
    path.write_bytes(data[: _in_block(data, offsets[5], 100)])  # in the 3rd page's request
    with Store(f"sqlite:///{tmp_path}/t.db") as store:
        summary = ingest([path], store, None)
    assert (summary.added, summary.errors, summary.skipped) == (2, 1, 3)
    (message,) = summary.error_messages
    assert message.startswith(f"{path}@{offsets[5]}: record <urn:uuid:")


@pytest.mark.parametrize("keep", [30, 60])
def test_gzip_of_other_data_cut_short_is_still_reported(tmp_path: Path, keep: int) -> None:
    path = tmp_path / "x.gz"
    path.write_bytes(gzip.compress(b"plain words, not a WARC at all " * 50)[:keep])
    ((_, error),) = list(iter_inputs([path]))
    assert isinstance(error, InputError)
