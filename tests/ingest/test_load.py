"""load(): encodings, kinds, path-vs-text, and every bad input as an InputError."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

import pytest

from spinscope.errors import InputError
from spinscope.ingest import MAX_INPUT_BYTES, load

ARTICLE = "Ministers clash over “fuel” subsidy\n\nBy Ann Lee\n\nThe café owner said prices rose.\n"


@pytest.mark.parametrize(
    "encoded, encoding",
    [
        (ARTICLE.encode("utf-8"), None),
        (codecs.BOM_UTF8 + ARTICLE.encode("utf-8"), "utf-8-sig"),
        (ARTICLE.encode("utf-16"), "utf-16"),  # with BOM
        (ARTICLE.encode("utf-16-be").join([codecs.BOM_UTF16_BE, b""]), "utf-16"),
        (ARTICLE.encode("cp1252"), "cp1252"),
    ],
)
def test_encodings_decode_to_the_same_text(encoded: bytes, encoding: str | None) -> None:
    doc = load(encoded)
    assert doc.text == ARTICLE
    assert doc.meta.get("encoding") == encoding


def test_latin1_text_is_detected_not_mangled() -> None:
    text = "Le président a déclaré à la presse que la réforme était nécessaire. " * 5
    assert load(text.encode("latin-1")).text == text


def test_path_objects_and_path_like_strings(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text(ARTICLE, encoding="utf-8")
    assert load(f).source.path == str(f)
    assert load(str(f)).text == ARTICLE
    # multi-line str is text, even if short
    assert load("Line one.\nLine two.").source.path is None
    # a one-word str that is not a file and has no file suffix is text
    assert load("Hello").text == "Hello"


def test_missing_path_is_an_error_not_text() -> None:
    with pytest.raises(InputError, match="no such file"):
        load("does/not/exist.txt")
    with pytest.raises(InputError, match="no such file"):
        load(Path("nope"))


def test_html_with_metadata() -> None:
    html = (
        "<html><head><title>Dam plan | Daily</title><meta name='author' content='Jane Doe'>"
        "<meta property='og:site_name' content='The Daily'>"
        "<meta property='article:published_time' content='2020-03-04'></head><body>"
        "<nav>Home</nav><article><h1>Dam plan approved</h1>"
        "<p>The regional government approved the dam plan on Monday after years of delay.</p>"
        "<p>Opponents said the reservoir would flood three villages and promised to appeal.</p>"
        "</article></body></html>"
    )
    doc = load(html.encode())
    assert doc.source.kind == "html"
    assert doc.authors == ["Jane Doe"]
    assert doc.outlet == "The Daily"
    assert doc.published == "2020-03-04"
    assert "flood three villages" in doc.text and "<p>" not in doc.text


def test_html_detected_by_content_not_extension(tmp_path: Path) -> None:
    f = tmp_path / "page.txt"
    f.write_text(
        "<!DOCTYPE html><html><body><article><p>"
        + "A long enough paragraph of article text about the harbour. " * 3
        + "</p></article></body></html>",
        encoding="utf-8",
    )
    assert load(f).source.kind == "html"


def test_jsonl_single_record_and_many(tmp_path: Path) -> None:
    one = load(b'{"text": "Only record here.", "url": "https://x.test/a", "id": 7}\n')
    assert one.text == "Only record here." and one.source.url == "https://x.test/a"
    assert one.source.record_id == "7" and one.source.kind == "jsonl"
    with pytest.raises(InputError, match="2 records"):
        load(b'{"text": "a"}\n{"text": "b"}\n')


def test_jsonl_record_metadata_is_kept() -> None:
    """A corpus dump's own title, outlet and date are the document's (the dashboard groups by
    them); non-string or blank values are ignored."""
    doc = load(
        b'{"text": "Body here.", "title": " Dam breaks ", "outlet": "Daily Wire",'
        b' "published": "2019-03-01"}\n'
    )
    assert (doc.title, doc.outlet, doc.published) == ("Dam breaks", "Daily Wire", "2019-03-01")
    bare = load(b'{"text": "Body here.", "outlet": 7, "published": "  "}\n')
    assert bare.outlet is None and bare.published is None


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "empty file"),
        (b"  \n\t\n", "only whitespace"),
        (b"\x89PNG\r\n\x1a\n" + os.urandom(200), "PNG"),
        (b"%PDF-1.7\n" + os.urandom(200), "PDF"),
        (bytes(range(256)) * 8, "binary"),
        ("caf\u00e9 na\u00efve ok ".encode() + b"\xff\xfe broken", "invalid UTF-8"),
        (b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "no article"),
    ],
)
def test_bad_bytes_raise_input_error(data: bytes, reason: str) -> None:
    with pytest.raises(InputError, match=reason) as info:
        load(data, name="in.txt")
    assert "\n" not in str(info.value) and str(info.value).startswith("in.txt: ")


def test_random_bytes_are_refused() -> None:
    rng = __import__("random").Random(1)
    with pytest.raises(InputError):
        load(bytes(rng.randrange(256) for _ in range(4096)))


def test_too_large_file_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    f = tmp_path / "big.txt"
    with f.open("wb") as fh:
        line = b"A real looking line of article text, repeated to fifty megabytes.\n"
        fh.write(line * (50 * 1024 * 1024 // len(line) + 1))
    with pytest.raises(InputError, match="too large") as info:
        load(f)
    assert f"{MAX_INPUT_BYTES:,}" in str(info.value)


def test_directory_fifo_and_broken_link(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="directory"):
        load(tmp_path)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="FIFO"):
        load(fifo)
    link = tmp_path / "dangling.txt"
    link.symlink_to(tmp_path / "gone.txt")
    with pytest.raises(InputError, match="broken symbolic link"):
        load(link)


def test_unsupported_type() -> None:
    with pytest.raises(InputError, match="unsupported input type"):
        load(42)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    [
        "<b>Note</b>: this is <i>plain</i> text with <u>three</u> tags, not a page.",
        "<3 you all. I wrote <div> and <p> and <span> in my notes about HTML.",
        "<p>I use <div> and <span> and <a> in my notes.</p> That is the whole story, folks.",
        "<Editor's note> The <div>, <p> and <table> tags were stripped by our CMS.",
    ],
)
def test_text_starting_with_a_tag_is_not_taken_for_html(text: str) -> None:
    doc = load(text)
    assert doc.source.kind == "text" and doc.text == text


def test_html_fragment_without_doctype_is_html() -> None:
    para = "The harbour authority approved the new pier after a long and heated debate."
    doc = load(f"<article><h1>Pier approved</h1>\n<p>{para}</p>\n<p>{para}</p>\n</article>")
    assert doc.source.kind == "html" and "<p>" not in doc.text
