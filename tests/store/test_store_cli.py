from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from spinscope import cli
from spinscope.document import Span
from spinscope.store import Store
from spinscope.store.loader import IngestSummary, ingest
from stores import make_doc

runner = CliRunner()


class Marker:
    """A stand-in pipeline: marks every document with one technique span (counts its calls)."""

    def __init__(self) -> None:
        self.seen = 0

    def pipe(self, docs: Any) -> Any:
        for doc in docs:
            self.seen += 1
            doc.set_layer(
                "techniques",
                [Span(0, 4, "Doubt", {"confidence": 0.5, "voice": {"kind": "outlet"}})],
            )
            yield doc


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    d = tmp_path / "articles"
    d.mkdir()
    for i in range(3):
        (d / f"a{i}.txt").write_text(f"Title {i}\n\nBody number {i} of the article.\n")
    (d / "empty.txt").write_text("")
    return d


def test_ingest_dir_is_idempotent_and_counts_everything(articles: Path, tmp_path: Path) -> None:
    marker = Marker()
    with Store(f"sqlite:///{tmp_path}/c.db") as store:
        first = ingest([articles], store, marker.pipe)
        assert (first.added, first.present, first.errors) == (3, 0, 1)
        assert first.inputs == 4 and "empty" in first.error_messages[0]
        second = ingest([articles], store, marker.pipe)
        assert (second.added, second.present, second.errors) == (0, 3, 1)
        assert marker.seen == 3  # stored documents are not analysed again
        doc = store.search("number").items[0]
        assert doc.n_techniques == 1


def test_ingest_analysed_jsonl_and_parquet(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    docs = [make_doc(f"Body {i} text.", title=f"T{i}") for i in range(4)]
    jsonl = tmp_path / "out.jsonl"
    lines = [d.to_json() for d in docs[:2]]
    lines.append(json.dumps({"schema": "spinscope/1", "source": {}, "error": "unreadable"}))
    jsonl.write_text("\n".join(lines) + "\n")
    pdir = tmp_path / "parquet"
    pdir.mkdir()
    rows = [{"id": d.id, "document": d.to_json()} for d in docs[2:]]
    pq.write_table(pa.Table.from_pylist(rows), pdir / "part-0.parquet")
    flat = {
        k: (json.dumps(v) if isinstance(v, dict | list) else v)
        for k, v in docs[0].to_dict().items()
    }
    pq.write_table(pa.Table.from_pylist([flat]), pdir / "part-1.parquet")

    def never(_: Any) -> Any:
        raise AssertionError("analysed documents must not be analysed again")

    with Store(f"sqlite:///{tmp_path}/c.db") as store:
        s = ingest([jsonl, pdir], store, never)
        assert (s.added, s.present, s.errors) == (4, 1, 1)
        back = store.get(docs[3].id)
        assert back is not None and back.to_dict() == docs[3].to_dict()


def test_analysis_failure_is_one_error_not_a_crash(articles: Path, tmp_path: Path) -> None:
    def flaky(docs: Any) -> Any:
        docs = list(docs)
        if any("number 1" in d.text for d in docs):
            raise RuntimeError("model exploded")
        return docs

    with Store(f"sqlite:///{tmp_path}/c.db") as store:
        s = ingest([articles], store, flaky)
    assert (s.added, s.errors) == (2, 2)
    assert any("model exploded" in m for m in s.error_messages)


def test_cli_ingest_summary_and_default_db(
    articles: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(cli, "_pipeline", lambda options: Marker())
    r = runner.invoke(cli.app, ["ingest", str(articles), str(tmp_path / "missing.txt")])
    assert r.exit_code == 1, r.output  # some inputs were not stored: scripts can tell
    assert "5 inputs = 3 added + 0 already present + 2 errors" in r.output
    assert "missing.txt: no such file" in r.output
    assert "Traceback" not in r.output
    assert (tmp_path / "spinscope.db").exists()
    r = runner.invoke(cli.app, ["ingest", str(articles), "--db", "sqlite:///spinscope.db"])
    assert "4 inputs = 0 added + 3 already present + 1 errors" in r.output
    assert r.exit_code == 1


def test_cli_ingest_bad_database_url_is_one_line(articles: Path) -> None:
    r = runner.invoke(cli.app, ["ingest", str(articles), "--db", "nosuchdb://x"])
    assert r.exit_code == 2
    assert "cannot open the database" in r.output and "Traceback" not in r.output


def test_cli_serve_binds_loopback_by_default(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(kw))
    monkeypatch.chdir(tmp_path)
    r = runner.invoke(cli.app, ["serve"])
    assert r.exit_code == 0, r.output
    assert calls[0]["host"] == "127.0.0.1" and calls[0]["port"] == 8000
    r = runner.invoke(cli.app, ["serve", "--port", "8123", "--db", f"sqlite:///{tmp_path}/x.db"])
    assert calls[1]["port"] == 8123 and (tmp_path / "x.db").exists()


def test_summary_line() -> None:
    s = IngestSummary(added=2, present=1, errors=1, skipped=3)
    assert s.line() == (
        "4 inputs = 2 added + 1 already present + 1 errors (3 records skipped: not articles)"
    )


def test_ingest_batch_output_directory(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = tmp_path / "run"
    for sub in ("results", "errors", "skipped"):
        (out / sub).mkdir(parents=True)
    docs = [make_doc(f"Batch body {i}.", title=f"B{i}") for i in range(3)]
    pq.write_table(
        pa.Table.from_pylist([{"key": f"in:{i}", "json": d.to_json()} for i, d in enumerate(docs)]),
        out / "results" / "part-000000.parquet",
    )
    pq.write_table(
        pa.Table.from_pylist([{"key": "in:9", "stage": "read", "error": "not valid JSON"}]),
        out / "errors" / "part-000000.parquet",
    )
    pq.write_table(
        pa.Table.from_pylist([{"key": "x.warc@0", "reason": "not HTML"}] * 2),
        out / "skipped" / "part-000000.parquet",
    )
    (out / "summary.json").write_text("{}")
    with Store(f"sqlite:///{tmp_path}/c.db") as store:
        s = ingest([out], store, None)
    assert (s.added, s.present, s.errors, s.skipped) == (3, 0, 1, 2)
    assert s.error_messages == ["in:9: not valid JSON"]


def test_ingest_outlet_option_fills_documents_without_one(articles: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/o.db"
    jsonl = tmp_path / "own.jsonl"
    doc = make_doc("A body with its own outlet.", outlet="Own Outlet")
    jsonl.write_text(json.dumps(doc.to_dict()) + "\n")
    res = runner.invoke(
        cli.app,
        [
            "ingest",
            str(articles),
            str(jsonl),
            "--db",
            url,
            "--no-analyze",
            "--outlet",
            " Local  Gazette ",
        ],
    )
    assert res.exit_code == 1, res.output  # empty.txt is an error
    assert "5 inputs = 4 added + 0 already present + 1 errors" in res.output
    with Store(url) as store:
        outlets = sorted(str(i.outlet) for i in store.search().items)
    assert outlets == ["Local Gazette"] * 3 + ["Own Outlet"]
    bad = runner.invoke(cli.app, ["ingest", str(articles), "--db", url, "--outlet", "  "])
    assert bad.exit_code == 2 and bad.stderr.startswith("spinscope: error: --outlet")
