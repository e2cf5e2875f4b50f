"""The JSON contract is versioned: changing the schema file means bumping ``spinscope/N``."""

from __future__ import annotations

import hashlib
import json
from importlib import resources

import jsonschema
import pytest

from spinscope.document import SCHEMA, Document, Source, Span, error_record

#: Pinned hash of ``schema/spinscope-1.json``. If you change the schema on purpose, bump
#: ``SCHEMA`` (and the file name) when the change breaks consumers, else its minor ``version``
#: (additive, optional fields only), then update this pin.
SCHEMA_SHA256 = "a126b65b4fa57d05ab04ab7c9326de2d24d5c7036009502cd2a3081c6aed4ad7"
#: 1.1: ``evidence`` on technique spans, the ``watch`` layer (issue 26).
#: 1.2: ``continues`` on an attribution that goes on with an earlier one's statement (issue 21).
SCHEMA_VERSION = "1.2"


def _schema() -> dict:
    path = resources.files("spinscope") / "schema" / "spinscope-1.json"
    return json.loads(path.read_text(encoding="utf-8"))


def _raw() -> bytes:
    return (resources.files("spinscope") / "schema" / "spinscope-1.json").read_bytes()


def test_version_is_pinned() -> None:
    assert SCHEMA == "spinscope/1"
    assert hashlib.sha256(_raw()).hexdigest() == SCHEMA_SHA256
    assert _schema()["version"] == SCHEMA_VERSION
    assert SCHEMA.split("/")[1] == SCHEMA_VERSION.split(".")[0]


def _full_document() -> Document:
    text = "Title\n\nBy Ann Lee\n\n“They are fed up,” the analyst said. Related Articles"
    doc = Document(text, Source(path="x.txt", kind="text"), title="Title", authors=["Ann Lee"])
    q0 = text.index("“")
    f0 = text.index("fed up,")
    doc.set_layer(
        "regions",
        [
            Span(0, 5, "title"),
            Span(7, 17, "byline"),
            Span(19, 56, "body"),
            Span(57, len(text), "boilerplate"),
        ],
    )
    doc.set_layer("sentences", [Span(19, 56, "sentence")])
    doc.set_layer(
        "techniques",
        [
            Span(
                f0,
                f0 + 7,
                "Loaded_Language",
                {"confidence": 0.8, "voice": {"kind": "attributed", "attribution": "a1"}},
            )
        ],
    )
    cue = text.index("said")
    doc.set_layer(
        "attributions",
        [
            Span(
                q0 + 1,
                q0 + 18,
                "direct",
                {
                    "id": "a1",
                    "cue": {"start": cue, "end": cue + 4, "text": "said"},
                    "source": {"start": cue - 12, "end": cue - 1, "text": "the analyst"},
                    "speaker": {"name": "Ann Lee", "role": "analyst", "type": "person"},
                    "venue": None,
                },
            )
        ],
    )
    return doc


def test_document_validates_and_round_trips() -> None:
    doc = _full_document()
    data = json.loads(doc.to_json())
    jsonschema.validate(data, _schema())
    back = Document.from_json(doc.to_json())
    assert back.to_dict() == doc.to_dict()
    for t in data["techniques"]:
        assert data["text"][t["start"] : t["end"]] == "fed up,"


def test_error_record_validates() -> None:
    jsonschema.validate(error_record(Source(path="bad.png"), "binary file"), _schema())


def test_schema_rejects_unknown_technique() -> None:
    data = json.loads(_full_document().to_json())
    data["techniques"][0]["technique"] = "Made_Up"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, _schema())


def test_not_run_layers_validate() -> None:
    """A document whose techniques never ran says so in ``not_run`` and still validates."""
    import jsonschema

    doc = Document("Plain text.")
    doc.set_layer("regions", [Span(0, 11, "body")])
    data = json.loads(doc.to_json())
    assert "techniques" in data["not_run"]
    jsonschema.validate(data, _schema())
    data["not_run"] = ["sentiment"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, _schema())


def test_date_read_from_the_text_validates() -> None:
    """``meta.published_source`` / ``published_span`` (a date read from a dateline) are part of
    spinscope/1: additive and optional, so a consumer that ignores them needs no change."""
    from datetime import date

    from spinscope.clean import Cleaner

    text = "Dam plan approved\n\nPublished: 12 March 2019\n\nThe council approved the plan."
    doc = Cleaner(today=date(2024, 1, 1))(Document(text))
    data = json.loads(doc.to_json())
    assert data["published"] == "2019-03-12"
    assert data["meta"]["published_source"] == "dateline"
    jsonschema.validate(data, _schema())
    data["meta"]["published_source"] = "guess"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, _schema())


def _with_evidence_and_watch() -> Document:
    doc = _full_document()
    (span,) = doc.layer("techniques")
    span.attrs["evidence"] = {
        "definition": "Using words with strong emotional implications.",
        "examples": [{"text": "fed up with lies", "similarity": 0.91}],
    }
    start = doc.text.index("analyst")
    doc.set_layer("watch", [Span(start, start + 7, "Analyst")])
    return doc


def test_evidence_and_watch_validate_and_round_trip() -> None:
    """1.1 adds ``evidence`` (on technique spans) and the ``watch`` layer, both optional."""
    doc = _with_evidence_and_watch()
    data = json.loads(doc.to_json())
    jsonschema.validate(data, _schema())
    assert data["techniques"][0]["evidence"]["examples"][0]["text"] == "fed up with lies"
    assert data["layers"]["watch"] == [
        {
            "start": doc.text.index("analyst"),
            "end": doc.text.index("analyst") + 7,
            "label": "Analyst",
        }
    ]
    back = Document.from_json(doc.to_json())
    assert back.to_dict() == data
    assert back.layer("techniques")[0].attrs["evidence"] == data["techniques"][0]["evidence"]
    # a 1.0 record (neither field) still validates
    del data["techniques"][0]["evidence"], data["layers"]
    jsonschema.validate(data, _schema())


@pytest.mark.parametrize(
    "breaks",
    [
        lambda d: d["techniques"][0]["evidence"].pop("definition"),
        lambda d: d["techniques"][0]["evidence"]["examples"][0].pop("similarity"),
        lambda d: d["techniques"][0]["evidence"]["examples"].extend(
            [{"text": "x", "similarity": 0.1}] * 3
        ),
        lambda d: d["techniques"][0]["evidence"]["examples"][0].update(text="x" * 121),
        lambda d: d["layers"]["watch"][0].update(label=""),
        lambda d: d["layers"]["watch"][0].pop("label"),
    ],
)
def test_schema_rejects_bad_evidence_or_watch(breaks: object) -> None:
    data = json.loads(_with_evidence_and_watch().to_json())
    breaks(data)  # type: ignore[operator]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, _schema())


def test_continues_validates_and_round_trips() -> None:
    """1.2 adds ``continues`` (optional): the id of an earlier attribution whose statement a
    row goes on with; a record naming no earlier row is refused on reading."""
    text = "“We will win,” Ana Ruiz said. “And we will win big.”"
    doc = Document(text, Source(kind="text"))
    q1, q2 = text.index("“We"), text.index("“And")
    speaker = {"name": "Ana Ruiz", "role": None, "type": "person"}
    first = {"id": "a1", "cue": None, "source": None, "speaker": speaker, "venue": None}
    doc.set_layer(
        "attributions",
        [
            Span(q1, text.index("”") + 1, "direct", first),
            Span(q2, len(text), "direct", {**first, "id": "a2", "continues": "a1"}),
        ],
    )
    data = json.loads(doc.to_json())
    jsonschema.validate(data, _schema())
    assert Document.from_json(doc.to_json()).to_dict() == data
    data["attributions"][1]["continues"] = "a3"  # no such earlier row
    with pytest.raises(ValueError, match=r"attributions\[1\]\.continues"):
        Document.from_dict(data)
    data["attributions"][1]["continues"] = 1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, _schema())
