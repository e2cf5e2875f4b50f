"""The one object every stage reads and writes: text as received plus standoff layers.

Offsets are Python ``str`` indices into ``Document.text``. No stage rewrites the text, so every
layer stays addressable in the original and survives a JSON round trip unchanged.
Standard library only, so any consumer (store, web, batch) can import it cheaply.
"""

from __future__ import annotations

import hashlib
import json
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
            kind=d.get("kind", "text"),
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


def error_record(source: Source, reason: str) -> dict[str, Any]:
    """The JSON a batch writes for an input that could not be analysed."""
    return {"schema": SCHEMA, "source": source.to_dict(), "error": reason}
