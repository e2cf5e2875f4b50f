"""Issue 23: a damaged analysed-JSONL record is one error; every good record is still stored,
and ``spinscope ingest`` says so with a non-zero exit code."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from spinscope import cli
from spinscope.store import Store
from spinscope.store.loader import ingest
from stores import make_doc


def _good(i: int) -> dict[str, Any]:
    return make_doc(
        f"Body {i}: the senator said the plan was a disaster for everyone.",
        techniques=(("disaster", "Loaded_Language", 0.9),),
        quotes=(("the plan was a disaster", "said", "Ann Smith"),),
    ).to_dict()


def _set(path: tuple[Any, ...], value: Any) -> Any:
    def damage(d: dict[str, Any]) -> None:
        target: Any = d
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return damage


#: (field the error must name, how the record is damaged)
DAMAGE = [
    ("source", _set(("source",), "mem.txt")),
    ("speaker", _set(("attributions", 0, "speaker"), "Ann Smith")),
    ("voice", _set(("techniques", 0, "voice"), "outlet")),
    ("outlet", _set(("outlet",), ["Daily", "Example"])),
    ("published", _set(("published",), 2019)),
    ("speaker.name", _set(("attributions", 0, "speaker", "name"), 7)),
    ("speaker.name", _set(("attributions", 0, "speaker", "name"), ["Ann"])),
    ("technique", _set(("techniques", 0, "technique"), 3)),
    ("technique", _set(("techniques", 0, "technique"), ["Doubt"])),
    ("title", _set(("title",), {"text": "A title"})),
    ("confidence", _set(("techniques", 0, "confidence"), "high")),
    ("confidence", _set(("techniques", 0, "confidence"), float("nan"))),
    ("confidence", _set(("techniques", 0, "confidence"), float("inf"))),
    ("start", _set(("techniques", 0, "start"), 3.5)),
    ("start", _set(("regions", 0, "start"), "0")),
    ("authors", _set(("authors",), "Jane Roe")),
    ("content", _set(("attributions", 0, "content"), None)),
]


@pytest.mark.parametrize(("field", "damage"), DAMAGE)
def test_one_bad_record_is_one_error_and_the_rest_are_stored(
    field: str, damage: Any, tmp_path: Path
) -> None:
    records = [_good(i) for i in range(20)]
    damage(records[7])
    path = tmp_path / "analysed.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    with Store(f"sqlite:///{tmp_path}/t.db") as store:
        summary = ingest([path], store, None)
        assert (summary.added, summary.errors) == (19, 1), summary.error_messages
        (message,) = summary.error_messages
        assert message.startswith(f"{path}:8: ")
        assert field in message
        assert store.count() == 19
        # what was stored reads back (the views and the API read every stored document)
        for r in records[:7] + records[8:]:
            assert store.get(r["id"]) is not None


def test_cli_ingest_fails_when_anything_failed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = [_good(i) for i in range(3)]
    records[1]["source"] = "mem.txt"
    path = tmp_path / "analysed.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(cli.app, ["ingest", str(path), "--no-analyze"])
    assert r.exit_code == 1, r.output
    assert "3 inputs = 2 added + 0 already present + 1 errors" in r.output
    assert f"{path}:2: not a spinscope/1 document (source: expected an object" in r.output
    assert "Traceback" not in r.output
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps(_good(9)) + "\n")
    r = CliRunner().invoke(cli.app, ["ingest", str(good), "--no-analyze"])
    assert r.exit_code == 0, r.output


def _paths(obj: Any, prefix: tuple[Any, ...] = ()) -> Any:
    yield prefix
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _paths(v, (*prefix, i))


def test_any_field_of_any_type_is_stored_readable_or_one_error(tmp_path: Path) -> None:
    """Every field of a record set to every JSON type (and NaN, inf, a 70-bit integer): ingest
    never crashes, counts each record once, and what it stores reads back and renders."""
    import copy

    from spinscope.store import stats
    from spinscope.web.render import render_article

    good = _good(0)
    values = ["x", 7, 3.5, float("nan"), float("inf"), True, None, [], ["a"], {"a": 1}, 2**70]
    records = []
    for path in list(_paths(good))[1:]:
        if path[0] in ("schema", "id"):
            continue
        for value in values:
            rec = copy.deepcopy(good)
            _set(path, value)(rec)
            if path[0] != "text" and isinstance(rec.get("text"), str):
                rec["text"] += f"\ncase {len(records)}"  # a distinct document each (its id)
            records.append(rec)
    path = tmp_path / "fuzz.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    with Store(f"sqlite:///{tmp_path}/t.db") as store:
        summary = ingest([path], store, None)
        assert summary.added + summary.present + summary.errors == len(records)
        assert summary.errors > 0 and summary.added > 50
        for item in store.search("", limit=500).items:
            doc = store.get(item.id)
            assert doc is not None
            render_article(doc, standalone=True)
        for by in ("outlet", "author", "speaker", "technique", "month"):
            stats(store, by)
        store.speakers("", limit=50, offset=0)
