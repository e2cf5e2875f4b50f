"""A long body is analysed in parts: bounded memory, same offsets, ids unique, voices intact."""

from __future__ import annotations

from pathlib import Path

import pytest

import spinscope.pipeline as pipeline_mod
from spinscope.document import Document, Span
from spinscope.pipeline import get_pipeline, merge_parts, parts

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "scraped-article.txt"
STEPS = ("sentences", "techniques", "attributions", "voice")


def _body() -> str:
    """The example's article paragraphs (no title, by-line or residue)."""
    text = EXAMPLE.read_text(encoding="utf-8")
    start = text.index("The city council on Tuesday")
    end = text.index("take effect in January.") + len("take effect in January.")
    return text[start:end]


def test_parts_cut_between_paragraphs_and_cover_the_body() -> None:
    body = _body()
    doc = Document(text=body + "\n\n" + body)
    assert parts(doc, limit=len(doc.text)) is None
    pieces = parts(doc, limit=len(body) + 2)
    assert pieces is not None and len(pieces) == 2
    assert [(s.start, s.end) for p in pieces for s in p] == [
        (0, len(body)),
        (len(body) + 2, len(doc.text)),
    ]
    small = parts(doc, limit=400)
    assert small is not None
    flat = [s for p in small for s in p]
    for s in flat:
        assert doc.text[s.start] not in " \n" and doc.text[s.end - 1] not in " \n"
    assert all(sum(s.end - s.start for s in p) <= 400 for p in small)
    # nothing lost but the white space between parts
    joined = "".join(doc.text[s.start : s.end] for s in flat)
    assert "".join(joined.split()) == "".join(doc.text.split())


def _shifted(spans: list[Span], by: int) -> list[tuple[int, int, str]]:
    return [(s.start + by, s.end + by, s.label) for s in spans]


def _renumbered(voice: dict, by: int) -> dict:
    if voice["kind"] != "attributed":
        return voice
    return {"kind": "attributed", "attribution": f"a{int(voice['attribution'][1:]) + by}"}


def test_each_part_is_analysed_like_the_text_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    body = _body()
    pipe = get_pipeline(STEPS)
    alone = pipe(Document(text=body))
    assert alone.layer("techniques") and alone.layer("attributions")
    monkeypatch.setattr(pipeline_mod, "PART_CHARS", len(body) + 2)
    twice = pipe(Document(text=body + "\n\n" + body))
    shift = len(body) + 2
    for name in ("sentences", "techniques", "attributions"):
        one = _shifted(alone.layer(name), 0)
        assert _shifted(twice.layer(name), 0) == one + _shifted(alone.layer(name), shift), name
    atts = twice.layer("attributions")
    ids = [a.attrs["id"] for a in atts]
    assert ids == [f"a{k}" for k in range(1, len(atts) + 1)]  # renumbered, unique
    # each copy's voices are the text's alone, the second copy's pointing at its own (renumbered)
    # attributions; the example has a technique inside a quote, so an attributed voice is checked
    n_alone = len(alone.layer("attributions"))
    voices = [t.attrs["voice"] for t in alone.layer("techniques")]
    assert any(v["kind"] == "attributed" for v in voices)
    assert [t.attrs["voice"] for t in twice.layer("techniques")] == voices + [
        _renumbered(v, n_alone) for v in voices
    ]
    by_id = {a.attrs["id"]: a for a in atts}
    quoted = [t for t in twice.layer("techniques") if t.attrs["voice"]["kind"] == "attributed"]
    assert len(quoted) >= 2  # one in each copy
    for t in quoted:
        att = by_id[t.attrs["voice"]["attribution"]]
        assert att.start <= t.start and t.end <= att.end  # the voice is the quote it is in
    back = Document.from_json(twice.to_json())
    assert back.to_dict() == twice.to_dict()


def test_merge_keeps_the_documents_regions_and_errors() -> None:
    doc = Document(text="One. Two.")
    doc.set_layer("regions", [Span(0, 9, "body")])
    a = Document(text=doc.text)
    a.set_layer("regions", [Span(0, 4, "body")])
    a.set_layer("attributions", [Span(0, 4, "direct", {"id": "a1"})])
    a.set_layer(
        "techniques", [Span(0, 3, "X", {"voice": {"kind": "attributed", "attribution": "a1"}})]
    )
    a.errors.append("techniques: model busy")
    b = Document(text=doc.text)
    b.set_layer("attributions", [Span(5, 9, "direct", {"id": "a1"})])
    b.set_layer(
        "techniques", [Span(5, 8, "X", {"voice": {"kind": "attributed", "attribution": "a1"}})]
    )
    b.errors.append("techniques: model busy")
    merge_parts(doc, [a, b])
    assert doc.regions == [Span(0, 9, "body")]
    assert [s.attrs["id"] for s in doc.layer("attributions")] == ["a1", "a2"]
    assert [s.attrs["voice"]["attribution"] for s in doc.layer("techniques")] == ["a1", "a2"]
    assert doc.errors == ["techniques: model busy"]
