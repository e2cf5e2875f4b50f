"""WARC reading: every record is a Document, a Skip or an InputError, and ranges re-read alike."""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import pytest

from spinscope.document import Document
from spinscope.errors import InputError
from spinscope.ingest import iter_inputs
from spinscope.ingest.warc import (
    Skip,
    decode_body,
    is_warc,
    iter_warc,
    iter_warc_items,
    scan_offsets,
)
from spinscope.scale.synth import write_warc

BODY = "\n".join(
    [
        "The senator said on Monday that the bill was a disgrace to the nation.",
        "Opponents called it a betrayal of every voter who had trusted the party.",
        "The vote is expected next week, officials said, after months of debate.",
    ]
)


@pytest.fixture(scope="module")
def warc(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    path = tmp_path_factory.mktemp("warc") / "edge.warc.gz"
    pages = [(f"https://news.example/{i}", f"Headline {i}", BODY) for i in range(3)]
    return path, write_warc(path, pages, edge_cases=True)


@pytest.fixture(scope="module")
def items(warc: tuple[Path, dict[str, int]]) -> list:
    return list(iter_warc_items(str(warc[0])))


def _kinds(items: list) -> dict[str, int]:
    out = {"documents": 0, "skips": 0, "errors": 0}
    for it in items:
        key = {Document: "documents", Skip: "skips", InputError: "errors"}[type(it.result)]
        out[key] += 1
    return out


def test_every_record_accounted_for(warc, items) -> None:
    _, expected = warc
    assert len(items) == expected["records"]
    assert _kinds(items) == {k: expected[k] for k in ("documents", "skips", "errors")}
    offsets = [it.offset for it in items]
    assert offsets == sorted(set(offsets))


def test_documents_carry_warc_identity(warc, items) -> None:
    docs = [it for it in items if isinstance(it.result, Document)]
    first = docs[0]
    assert first.result.source.kind == "warc"
    assert first.result.source.url == "https://news.example/0" == first.url
    assert first.result.source.record_id == first.record_id
    assert first.record_id.startswith("<urn:uuid:")
    assert first.result.source.path == str(warc[0])
    assert "disgrace to the nation" in first.result.text


def test_gzip_chunked_body_and_meta_charset(items) -> None:
    (cp,) = [it for it in items if it.url == "https://example.com/cp1252"]
    assert isinstance(cp.result, Document)
    assert cp.result.meta["encoding"] == "cp1252"
    assert "Café budget “row” deepens" in cp.result.title
    assert "\ufffd" not in cp.result.text


def test_skip_reasons(items) -> None:
    reasons = {it.url: it.result.reason for it in items if isinstance(it.result, Skip)}
    assert reasons["https://example.com/a.png"] == "not HTML (image/png)"
    assert reasons["https://example.com/old"] == "HTTP status 301"
    assert reasons["https://example.com/x"] == "WARC request record"
    assert reasons["https://example.com/big"].startswith("truncated by the crawler")
    assert reasons[None] == "WARC warcinfo record"


def test_errors_name_the_record(warc, items) -> None:
    errors = [it for it in items if isinstance(it.result, InputError)]
    assert len(errors) == 3
    messages = [str(e.result) for e in errors]
    assert any("no article" in m for m in messages)
    assert any("malformed WARC data" in m and f"{warc[0]}@" in m for m in messages)
    assert any("record truncated" in m and m.startswith("<urn:uuid:") for m in messages)
    assert all("\n" not in m for m in messages)


def test_record_after_malformed_stretch_is_recovered(items) -> None:
    (after,) = [it for it in items if it.url == "https://example.com/after"]
    assert isinstance(after.result, Document)


def test_byte_ranges_reread_identically(warc, items) -> None:
    path = str(warc[0])
    offsets = [it.offset for it in items]
    assert list(scan_offsets(path)) == offsets
    for k, start in enumerate(offsets):
        end = offsets[k + 1] if k + 1 < len(offsets) else None
        (again,) = list(iter_warc_items(path, start, end))
        assert again.offset == start
        assert type(again.result) is type(items[k].result)


def _decompress_members(data: bytes) -> bytes:
    out = b""
    while data:
        d = zlib.decompressobj(31)
        out += d.decompress(data)
        data = d.unused_data
        if not d.eof:
            break
    return out


@pytest.mark.parametrize("layout", ["plain", "whole-file-gzip"])
def test_other_layouts_give_same_results(tmp_path, warc, items, layout) -> None:
    plain = _decompress_members(warc[0].read_bytes())
    path = tmp_path / ("x.warc" if layout == "plain" else "x.warc.gz")
    path.write_bytes(plain if layout == "plain" else gzip.compress(plain))
    assert is_warc(str(path))
    again = list(iter_warc_items(str(path)))
    assert [type(i.result) for i in again] == [type(i.result) for i in items]
    assert [i.record_id for i in again] == [i.record_id for i in items]
    offsets = [i.offset for i in again]
    mid = offsets[len(offsets) // 2]
    tail = list(iter_warc_items(str(path), mid))
    assert [i.offset for i in tail] == offsets[len(offsets) // 2 :]


def test_iter_warc_and_iter_inputs_use_record_ids(warc, items) -> None:
    names = [name for name, _ in iter_warc(str(warc[0]))]
    assert names == [it.identity(str(warc[0])) for it in items]
    via_ingest = list(iter_inputs([str(warc[0])]))
    assert [n for n, _ in via_ingest] == names


def test_not_a_warc_file(tmp_path) -> None:
    p = tmp_path / "no.warc"
    p.write_bytes(b"hello, this is text\n")
    assert not is_warc(str(p))
    (item,) = list(iter_warc_items(str(p)))
    assert isinstance(item.result, InputError)
    missing = tmp_path / "missing.warc.gz"
    with pytest.raises(InputError, match="cannot open"):
        list(iter_warc_items(str(missing)))


@pytest.mark.parametrize(
    ("body", "ctype", "expected"),
    [
        ("naïve".encode("latin-1"), "text/html; charset=ISO-8859-1", "naïve"),
        (b'<meta charset="windows-1252"><p>\x93quoted\x94</p>', "text/html", "“quoted”"),
        ("ünïcode".encode(), "text/html; charset=bogus-charset", "ünïcode"),
        ("ünïcode".encode(), "text/html", "ünïcode"),
    ],
)
def test_decode_body(body: bytes, ctype: str, expected: str) -> None:
    text, _ = decode_body(body, ctype)
    assert expected in text


def _clean_pages(tmp_path: Path, n: int = 12) -> bytes:
    """A clean WARC (warcinfo + ``n`` articles), decompressed, for re-gzipping as one stream."""
    src = tmp_path / "clean.warc.gz"
    pages = [(f"https://news.example/{i}", f"Headline {i}", BODY * 3) for i in range(n)]
    write_warc(src, pages)
    return _decompress_members(src.read_bytes())


def test_whole_file_gzip_cut_short_keeps_records_before_and_reports_the_cut(tmp_path) -> None:
    whole = gzip.compress(_clean_pages(tmp_path), compresslevel=1)
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(whole[: len(whole) * 2 // 3])
    good = tmp_path / "good.txt"
    good.write_text("A fine article about the harbour and the mayor.\n", encoding="utf-8")
    entries = list(iter_inputs([cut, good]))  # must not raise
    docs = [r for _, r in entries if isinstance(r, Document)]
    errors = [r for _, r in entries if isinstance(r, InputError)]
    assert len(errors) == 1, errors
    assert str(cut) in str(errors[0]) and "cut short" in str(errors[0])
    assert "\n" not in str(errors[0])
    assert 2 <= len(docs) - 1 < 12  # the records before the cut, and good.txt after it
    assert entries[-1][0] == str(good) and isinstance(entries[-1][1], Document)


def test_whole_file_gzip_cut_inside_its_first_record_is_an_error(tmp_path) -> None:
    whole = gzip.compress(_clean_pages(tmp_path, 2))
    for keep in (120, 200):
        cut = tmp_path / f"cut{keep}.warc.gz"
        cut.write_bytes(whole[:keep])
        items = list(iter_warc_items(str(cut)))
        errors = [i for i in items if isinstance(i.result, InputError)]
        assert len(errors) == 1 and "no record could be read" in errors[0].result.reason
        assert str(cut) in str(errors[0].result)
        assert not any(isinstance(i.result, Document) for i in items)


def test_whole_file_gzip_cut_between_partitions_is_reported_once(tmp_path) -> None:
    whole = gzip.compress(_clean_pages(tmp_path), compresslevel=1)
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(whole[: len(whole) * 2 // 3])
    items = list(iter_warc_items(str(cut)))
    offsets = [i.offset for i in items]
    assert offsets == list(scan_offsets(str(cut)))
    again = []
    for k, start in enumerate(offsets):
        end = offsets[k + 1] if k + 1 < len(offsets) else None
        again += list(iter_warc_items(str(cut), start, end))
    assert [(i.offset, type(i.result)) for i in again] == [
        (i.offset, type(i.result)) for i in items
    ]
