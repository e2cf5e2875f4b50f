"""The one object every stage reads and writes: text as received plus standoff layers.

Offsets are Python ``str`` indices into ``Document.text``. No stage rewrites the text, so every
layer stays addressable in the original and survives a JSON round trip unchanged.
Standard library only, so any consumer (store, web, batch) can import it cheaply.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

SCHEMA = "spinscope/1"

#: Layers written to JSON under their own key, in this order.
REGION_LABELS = ("title", "byline", "dateline", "body", "boilerplate")

#: The layers the JSON contract always has a key for (an array, empty when nothing was found).
CONTRACT_LAYERS = ("regions", "sentences", "techniques", "attributions")

#: ``meta`` key holding the SHA-256 of the input as received, when ``text`` was derived from it
#: (e.g. the visible text of an HTML page): two different pages with the same visible text are
#: two documents, not one.
INPUT_HASH = "input_sha256"
#: Key in ``Document.runtime``: a ``(stage, done, total)`` callback that long-running analyzers
#: call as they go (the CLI shows it as a progress bar for a long single input).
PROGRESS = "progress"


@dataclass(frozen=True)
class Span:
    """A labelled half-open character range ``[start, end)`` over ``Document.text``."""

    start: int
    end: int
    label: str
    attrs: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        if not (0 <= self.start <= self.end):
            raise ValueError(f"bad span offsets {self.start}..{self.end}")

    def text_of(self, text: str) -> str:
        return text[self.start : self.end]

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end


@dataclass
class Source:
    """Where a document came from; ``kind`` is what ingest detected, not the file extension."""

    path: str | None = None
    url: str | None = None
    kind: str = "text"
    record_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path, "url": self.url, "kind": self.kind}
        if self.record_id is not None:
            out["record_id"] = self.record_id
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Source:
        return cls(
            path=d.get("path"),
            url=d.get("url"),
            kind=d.get("kind") or "text",
            record_id=d.get("record_id"),
        )


@dataclass
class Document:
    """Text as received, metadata, and named layers of spans."""

    text: str
    source: Source = field(default_factory=Source)
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    outlet: str | None = None
    layers: dict[str, list[Span]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    #: Per-run scratch shared between analyzers (e.g. the spaCy parse); never serialised.
    runtime: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def progress(self, stage: str, done: int, total: int) -> None:
        """Report ``done`` of ``total`` units of ``stage`` to the runtime's :data:`PROGRESS`
        callback, if one was set; analyzers call it whether or not anyone listens."""
        callback = self.runtime.get(PROGRESS)
        if callback is not None:
            callback(stage, done, total)

    @property
    def id(self) -> str:
        """Content hash: the same input is the same document, wherever it came from.

        The hash covers ``text`` and, when ``text`` was derived from a different input (an HTML
        page), that input's hash (``meta["input_sha256"]``): pages that differ only in markup,
        ``<title>`` or scripts keep distinct ids instead of collapsing into one stored document.
        """
        h = hashlib.sha256(self.text.encode("utf-8", "surrogatepass"))
        raw = self.meta.get(INPUT_HASH)
        if isinstance(raw, str) and raw:
            h.update(b"\x00" + raw.encode("ascii", "replace"))
        return h.hexdigest()[:16]

    # -- layers ---------------------------------------------------------------------------

    def layer(self, name: str) -> list[Span]:
        return self.layers.get(name, [])

    def set_layer(self, name: str, spans: Iterable[Span]) -> None:
        spans = sorted(spans, key=lambda s: (s.start, s.end, s.label))
        n = len(self.text)
        for s in spans:
            if s.end > n:
                raise ValueError(f"span {s.start}..{s.end} in layer {name!r} exceeds text ({n})")
        self.layers[name] = spans

    @property
    def regions(self) -> list[Span]:
        return self.layer("regions")

    def body_spans(self) -> list[Span]:
        """Body regions: what analyzers read. Without a cleaning pass, the whole text is body."""
        if "regions" not in self.layers:
            return [Span(0, len(self.text), "body")] if self.text.strip() else []
        return [s for s in self.regions if s.label == "body"]

    def span_text(self, span: Span) -> str:
        return self.text[span.start : span.end]

    # -- JSON -----------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "schema": SCHEMA,
            "id": self.id,
            "source": self.source.to_dict(),
            "title": self.title,
            "authors": list(self.authors),
            "published": self.published,
            "outlet": self.outlet,
            "text": self.text,
            "regions": [_plain(s) for s in self.regions],
            "sentences": [{"start": s.start, "end": s.end} for s in self.layer("sentences")],
            "techniques": [
                {"start": s.start, "end": s.end, "technique": s.label, **s.attrs}
                for s in self.layer("techniques")
            ],
            "attributions": [
                {**s.attrs, "kind": s.label, "content": {"start": s.start, "end": s.end}}
                for s in self.layer("attributions")
            ],
            "errors": list(self.errors),
        }
        # The contract keys are always arrays; say which analyses did not run at all, so that
        # "ran and found nothing" and "not run" survive a round trip (an absent ``regions``
        # layer means the whole text is body, an empty one means no body).
        not_run = [name for name in CONTRACT_LAYERS if name not in self.layers]
        if not_run:
            out["not_run"] = not_run
        extra = {
            k: [_plain(s) for s in v]
            for k, v in self.layers.items()
            if k not in ("regions", "sentences", "techniques", "attributions")
        }
        if extra:
            out["layers"] = extra
        if self.meta:
            out["meta"] = self.meta
        return out

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Document:
        if d.get("schema") != SCHEMA:
            raise ValueError(f"unsupported schema {d.get('schema')!r}, expected {SCHEMA!r}")
        if "error" in d and "text" not in d:
            raise ValueError(f"record is an error record: {d['error']}")
        check_record(d)
        doc = cls(
            text=d["text"],
            source=Source.from_dict(d.get("source") or {}),
            title=d.get("title"),
            authors=list(d.get("authors") or []),
            published=d.get("published"),
            outlet=d.get("outlet"),
            errors=list(d.get("errors") or []),
            meta=dict(d.get("meta") or {}),
        )
        # A contract layer exists when its key is there and the record does not say it never ran.
        not_run = set(d.get("not_run") or ())
        present = {name for name in CONTRACT_LAYERS if name in d and name not in not_run}
        if "regions" in present:
            doc.set_layer("regions", [_from_plain(r) for r in d.get("regions") or []])
        if "sentences" in present:
            doc.set_layer(
                "sentences",
                [Span(s["start"], s["end"], "sentence") for s in d.get("sentences") or []],
            )
        if "techniques" in present:
            techs = []
            for t in d.get("techniques") or []:
                attrs = {k: v for k, v in t.items() if k not in ("start", "end", "technique")}
                techs.append(Span(t["start"], t["end"], t["technique"], attrs))
            doc.set_layer("techniques", techs)
        if "attributions" in present:
            atts = []
            for a in d.get("attributions") or []:
                attrs = {k: v for k, v in a.items() if k not in ("kind", "content")}
                atts.append(Span(a["content"]["start"], a["content"]["end"], a["kind"], attrs))
            doc.set_layer("attributions", atts)
        for name, spans in (d.get("layers") or {}).items():
            doc.set_layer(name, [_from_plain(s) for s in spans])
        return doc

    @classmethod
    def from_json(cls, s: str) -> Document:
        return cls.from_dict(json.loads(s))


def _plain(s: Span) -> dict[str, Any]:
    out: dict[str, Any] = {"start": s.start, "end": s.end, "label": s.label}
    if s.attrs:
        out["attrs"] = s.attrs
    return out


def _from_plain(d: dict[str, Any]) -> Span:
    return Span(d["start"], d["end"], d["label"], dict(d.get("attrs") or {}))


class RecordError(ValueError):
    """A ``spinscope/1`` record whose field has the wrong type or value; the message names the
    field (``techniques[3].confidence``) and the problem."""


def check_record(d: Any) -> None:
    """Raise :class:`RecordError` naming the first field of ``d`` that breaks the contract.

    Checked: every field :meth:`Document.from_dict` reads and the store and views rely on
    (types, integer offsets inside the text, confidences finite and in [0, 1]); keys it does
    not know are left alone, so records from newer writers still load.
    """
    if not isinstance(d, dict):
        raise RecordError(f"record: expected an object, got {_type(d)}")
    text = d.get("text")
    if not isinstance(text, str):
        raise RecordError(f"text: expected a string, got {_type(text)}")
    n = len(text)
    source = d.get("source")
    if source is not None:
        _obj(source, "source")
        for key in ("path", "url", "record_id", "kind"):
            _opt_str(source.get(key), f"source.{key}")
    for key in ("title", "published", "outlet"):
        _opt_str(d.get(key), key)
    for key in ("authors", "errors", "not_run"):
        items = d.get(key)
        if items is not None:
            _list(items, key)
            for i, item in enumerate(items):
                if not isinstance(item, str):
                    raise RecordError(f"{key}[{i}]: expected a string, got {_type(item)}")
    if d.get("meta") is not None:
        _obj(d["meta"], "meta")
    for i, r in enumerate(_list(d.get("regions"), "regions")):
        _span(r, f"regions[{i}]", n, "label")
    for i, r in enumerate(_list(d.get("sentences"), "sentences")):
        _offsets(r, f"sentences[{i}]", n)
    for i, t in enumerate(_list(d.get("techniques"), "techniques")):
        where = f"techniques[{i}]"
        _span(t, where, n, "technique")
        conf = t.get("confidence")
        if conf is not None and not (
            isinstance(conf, int | float)
            and not isinstance(conf, bool)
            and math.isfinite(conf)
            and 0 <= conf <= 1
        ):
            raise RecordError(
                f"{where}.confidence: expected a number from 0 to 1, got {repr(conf)[:40]}"
            )
        voice = t.get("voice")
        if voice is not None:
            _obj(voice, f"{where}.voice")
            for key in ("kind", "attribution"):
                _opt_str(voice.get(key), f"{where}.voice.{key}")
    seen_ids: set[str] = set()
    for i, a in enumerate(_list(d.get("attributions"), "attributions")):
        where = f"attributions[{i}]"
        _obj(a, where)
        cont = a.get("continues")
        if cont is not None and (not isinstance(cont, str) or cont not in seen_ids):
            raise RecordError(
                f"{where}.continues: expected the id of an earlier attribution, got "
                f"{repr(cont)[:40]}"
            )
        if isinstance(a.get("id"), str):
            seen_ids.add(a["id"])
        if not isinstance(a.get("kind"), str):
            raise RecordError(f"{where}.kind: expected a string, got {_type(a.get('kind'))}")
        _offsets(a.get("content"), f"{where}.content", n)
        for key in ("cue", "source"):
            if a.get(key) is not None:
                _offsets(a[key], f"{where}.{key}", n)
        for key in ("id", "venue"):
            _opt_str(a.get(key), f"{where}.{key}")
        speaker = a.get("speaker")
        if speaker is not None:
            _obj(speaker, f"{where}.speaker")
            for key in ("name", "role", "type"):
                _opt_str(speaker.get(key), f"{where}.speaker.{key}")
    layers = d.get("layers")
    if layers is not None:
        _obj(layers, "layers")
        for name, spans in layers.items():
            for i, s in enumerate(_list(spans, f"layers.{name}")):
                _span(s, f"layers.{name}[{i}]", n, "label")


def _type(value: Any) -> str:
    if value is None:
        return "null"
    names = {str: "a string", bool: "a boolean", int: "an integer", float: "a number"}
    return names.get(type(value)) or ("a list" if isinstance(value, list) else "an object")


def _obj(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise RecordError(f"{where}: expected an object, got {_type(value)}")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError(f"{where}: expected a list, got {_type(value)}")
    return value


def _opt_str(value: Any, where: str) -> None:
    if value is not None and not isinstance(value, str):
        raise RecordError(f"{where}: expected a string or null, got {_type(value)}")


def _offsets(value: Any, where: str, n: int) -> None:
    _obj(value, where)
    for key in ("start", "end"):
        v = value.get(key)
        if not isinstance(v, int) or isinstance(v, bool):
            raise RecordError(f"{where}.{key}: expected an integer offset, got {repr(v)[:40]}")
    if not 0 <= value["start"] <= value["end"] <= n:
        raise RecordError(
            f"{where}: offsets {value['start']}..{value['end']} outside the text (0..{n})"
        )


def _span(value: Any, where: str, n: int, label: str) -> None:
    _offsets(value, where, n)
    if not isinstance(value.get(label), str):
        raise RecordError(f"{where}.{label}: expected a string, got {_type(value.get(label))}")
    if value.get("attrs") is not None:
        _obj(value["attrs"], f"{where}.attrs")


def error_record(source: Source, reason: str) -> dict[str, Any]:
    """The JSON a batch writes for an input that could not be analysed."""
    return {"schema": SCHEMA, "source": source.to_dict(), "error": reason}
