"""``spinscope review export``: the reviewed articles with their corrected layers.

- ``ptc``: the PTC training layout that :mod:`spinscope.techniques.ptc` reads and
  ``train calibrate --extra`` / ``train techniques --extra`` take — ``splits.json`` (one split,
  ``reviewed``), ``train/articles/article{id}.txt``, ``train/labels/article{id}.labels`` (the
  final spans, ``ID TECHNIQUE START END``) — and the model's shown highlights as predictions in
  the official formats, ``predictions/si.txt``, ``predictions/tc.txt`` and
  ``predictions/flc.txt``: ``spinscope ptc score OUT/train/labels OUT/predictions/tc.txt --task
  tc`` prints the precision ``review report`` prints (the same spans, the same scorer).
- ``brat``: ``{id}.txt`` and ``{id}.ann`` per article, each final statement as brat standoff
  (``Source`` / ``Cue`` / ``Content`` text-bounds and an ``Attribution`` event, PolNeAR's
  scheme) with its speaker as an ``AnnotatorNotes`` note — what ``train attribution --extra``
  reads.
- ``jsonl``: ``reviews.jsonl``, one record per reviewed article: its text and the model's and the
  corrected technique and attribution layers.

Every format also writes ``manifest.json`` (the articles, whose review each is, the format).
Ids are the store's document ids; offsets are character offsets into the text as written.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from spinscope.review.report import (
    Reviewed,
    effective_speaker,
    final_spans,
    final_statements,
    model_statements,
    ptc_gold,
    ptc_pred,
    shown_spans,
)
from spinscope.techniques.ptc import format_si, format_tc

FORMATS = ("ptc", "brat", "jsonl")


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:  # offsets: no newline translation
        f.write(text)


def export(reviews: Sequence[Reviewed], out: Path, fmt: str) -> dict[str, Any]:
    """Write ``reviews`` to the folder ``out`` in format ``fmt``; returns the manifest."""
    if fmt not in FORMATS:
        raise ValueError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if not reviews:
        raise ValueError("no reviewed articles to export")
    for r in reviews:
        if "\r" in r.text:
            raise ValueError(
                f"document {r.doc_id}: its text holds a carriage return, which text readers "
                "turn into a line break, so no offset would hold; not exported"
            )
    if out.is_dir() and any(out.iterdir()):
        raise ValueError(f"{out}: the folder is not empty (an export writes into a new one)")
    out.mkdir(parents=True, exist_ok=True)
    files = {"ptc": _ptc, "brat": _brat, "jsonl": _jsonl}[fmt](reviews, out)
    manifest = {
        "format": fmt,
        "documents": [{"id": r.doc_id, "reviewer": r.reviewer} for r in reviews],
        "files": files,
    }
    _write(out / "manifest.json", json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
    return manifest


def _ptc(reviews: Sequence[Reviewed], out: Path) -> list[str]:
    gold = ptc_gold(reviews)
    pred = ptc_pred(reviews)
    _write(out / "splits.json", json.dumps({"reviewed": [r.doc_id for r in reviews]}) + "\n")
    for r in reviews:
        _write(out / "train" / "articles" / f"article{r.doc_id}.txt", r.text)
        _write(
            out / "train" / "labels" / f"article{r.doc_id}.labels",
            format_tc(g for g in gold if g.article == r.doc_id),
        )
    _write(out / "predictions" / "si.txt", format_si(pred))
    _write(out / "predictions" / "tc.txt", format_tc(pred))
    _write(out / "predictions" / "flc.txt", format_tc(pred))
    return ["splits.json", "train/articles", "train/labels", "predictions"]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def brat_ann(r: Reviewed) -> str:
    """The final statements of one review as brat standoff (speaker in an AnnotatorNotes)."""
    lines: list[str] = []
    t = 0

    def bound(kind: str, span: dict[str, Any]) -> str:
        nonlocal t
        t += 1
        a, b = int(span["start"]), int(span["end"])
        lines.append(f"T{t}\t{kind} {a} {b}\t{_one_line(r.text[a:b])}")
        return f"T{t}"

    for e, item in enumerate(final_statements(r.state), 1):
        content = bound("Content", item["content"])
        cue = bound("Cue", item["cue"]) if item.get("cue") else None
        source = bound("Source", item["source"]) if item.get("source") else None
        trigger = bound("Attribution", item["cue"] or item["content"])
        args = f"Attribution:{trigger} Content:{content}"
        args += f" Cue:{cue}" if cue else ""
        args += f" Source:{source}" if source else ""
        lines.append(f"E{e}\t{args}")
        speaker = effective_speaker(item)
        if speaker:
            lines.append(f"#{e}\tAnnotatorNotes E{e}\tspeaker: {_one_line(speaker)}")
    return "".join(line + "\n" for line in lines)


def _brat(reviews: Sequence[Reviewed], out: Path) -> list[str]:
    for r in reviews:
        _write(out / f"{r.doc_id}.txt", r.text)
        _write(out / f"{r.doc_id}.ann", brat_ann(r))
    return [f"{r.doc_id}.{ext}" for r in reviews for ext in ("txt", "ann")]


def _statement(item: dict[str, Any], speaker: str | None) -> dict[str, Any]:
    return {
        "content": item.get("content"),
        "cue": item.get("cue"),
        "source": item.get("source"),
        "speaker": speaker,
    }


def record(r: Reviewed) -> dict[str, Any]:
    """One JSONL record: the article and its model and corrected layers."""
    state = r.state
    return {
        "document_id": r.doc_id,
        "reviewer": r.reviewer,
        "text": r.text,
        "model": {
            "techniques": [
                {"start": a, "end": b, "technique": t, "confidence": c, "shown": True}
                for a, b, t, c in shown_spans(state)
            ],
            "attributions": [
                _statement(a, a.get("speaker")) | {"attribution_id": a.get("attribution_id")}
                for a in model_statements(state)
            ],
        },
        "corrected": {
            "techniques": [
                {"start": a, "end": b, "technique": t} for a, b, t in final_spans(state)
            ],
            "attributions": [
                _statement(a, effective_speaker(a)) | {"status": a.get("status")}
                for a in final_statements(state)
            ],
        },
        "items": {
            "techniques": state.get("techniques", []),
            "attributions": state.get("attributions", []),
        },
    }


def _jsonl(reviews: Sequence[Reviewed], out: Path) -> list[str]:
    _write(
        out / "reviews.jsonl",
        "".join(json.dumps(record(r), ensure_ascii=False) + "\n" for r in reviews),
    )
    return ["reviews.jsonl"]
