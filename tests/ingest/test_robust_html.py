"""Issue 23: hostile HTML shapes — deep nesting keeps its text, tag bombs are refused before
parsing with a clear error, and a parse error names its cause."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from spinscope.errors import InputError
from spinscope.ingest import iter_inputs, load
from spinscope.ingest.markup import MAX_HTML_ELEMENTS, check_elements, unwrap_deep

P1 = "The first paragraph of the story tells what happened at the council meeting on Monday."
P2 = "The second paragraph, deep inside nested blocks, says the council voted for the bridge."
P3 = "The third paragraph ends the story with a quote from the mayor about next year's budget."


def _deep_page(depth: int) -> bytes:
    return (
        "<!doctype html><html><head><title>Bridge vote</title></head><body><article>"
        f"<p>{P1}</p>" + "<div>" * depth + f"<p>{P2}</p>" + "</div>" * depth + f"<p>{P3}</p>"
        "</article><footer>Contact us</footer></body></html>"
    ).encode()


@pytest.mark.parametrize("depth", [254, 300, 10_000])
def test_deeply_nested_text_survives(depth: int) -> None:
    doc = load(_deep_page(depth), name="deep.html")
    body = [doc.span_text(r) for r in doc.regions if r.label == "body"]
    assert body == [P1, P2, P3]
    assert doc.text.index(P1) < doc.text.index(P2) < doc.text.index(P3)
    assert "Contact us" in doc.text
    assert doc.meta["html_unwrapped_tags"] > 0  # the document says its markup was unwrapped


def test_shallow_pages_are_not_touched() -> None:
    doc = load(_deep_page(20), name="shallow.html")
    assert "html_unwrapped_tags" not in doc.meta


def test_unwrap_keeps_text_and_separates_blocks() -> None:
    html = "<div>" * 5 + "<p>a</p><p>b<b>c</b></p>" + "</div>" * 5 + "<!-- <div> --><p>d</p>"
    out, removed = unwrap_deep(html, max_depth=3)
    assert removed == 4 + 4 + 2  # two divs, two ps and one b (inline: no break), both tags
    assert "<p>" not in out.split("<!--")[0] and "<!-- <div> --><p>d</p>" in out
    assert "a<br><br>b" in out and "bc" in out


def test_tag_bomb_is_refused_fast_with_a_clear_error() -> None:
    # 8 MB of a million tiny elements: minutes and gigabytes before this check
    page = b"<html><body><article><p>" + P1.encode() + b"</p>" + b"<b>x</b>" * 1_000_000
    started = time.monotonic()
    with pytest.raises(InputError) as e:
        load(page + b"</article></body></html>", name="bomb.html")
    assert time.monotonic() - started < 5
    assert str(e.value) == (
        f"bomb.html: HTML page has too many elements (more than {MAX_HTML_ELEMENTS:,} tags):"
        " not a news article"
    )


def test_element_limit_counts_start_tags_only() -> None:
    at_limit = "<i>x</i>" * MAX_HTML_ELEMENTS + "</i> a < b <!-- x -->"
    check_elements(at_limit)  # no error
    with pytest.raises(ValueError, match="too many elements"):
        check_elements(at_limit + "<i>")


def test_parse_error_names_lxmls_cause(monkeypatch: pytest.MonkeyPatch) -> None:
    import html_text

    def broken(html: str) -> None:
        raise ValueError("Document is empty, line 1, column 7")

    monkeypatch.setattr(html_text, "parse_html", broken)
    page = f"<html><body><article><p>{P1} {P2}</p></article></body></html>".encode()
    with pytest.raises(InputError, match=r"cannot be parsed \(ValueError: Document is empty"):
        load(page, name="p.html")


def test_unexpected_extraction_error_is_one_records_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import trafilatura

    real = trafilatura.bare_extraction

    def fragile(html: str, **kw: object) -> object:
        if "POISON" in html:
            raise RuntimeError("XPath evaluation returned no result")
        return real(html, **kw)

    monkeypatch.setattr(trafilatura, "bare_extraction", fragile)
    page = f"<html><body><article><p>{P1}</p><p>{P2}</p></article></body></html>"
    records = [{"html": page}, {"html": page.replace("<p>", "<p>POISON ", 1)}, {"html": page}]
    path = tmp_path / "pages.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    results = list(iter_inputs([path]))
    assert [type(r).__name__ for _, r in results] == ["Document", "InputError", "Document"]
    assert str(results[1][1]) == (
        f"{path}:2: HTML extraction failed (RuntimeError: XPath evaluation returned no result)"
    )
