"""The Dask runner accounts for every record: read = analysed + skipped + errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spinscope.document import Document
from spinscope.errors import InputError
from spinscope.scale.command import DASHBOARD
from spinscope.scale.output import read_table
from spinscope.scale.runner import run_batch

STEPS = ("clean",)


def keys_of(out: Path) -> list[str]:
    return [
        k for t in ("results", "errors", "skipped") for k in read_table(out, t)["key"].to_pylist()
    ]


def _run(inputs, out, **kw):
    kw.setdefault("workers", 1)
    return run_batch(
        [str(i) for i in inputs],
        out,
        steps=STEPS,
        processes=False,
        **kw,
    )


def test_batch_accounts_for_every_record(tmp_path, corpus) -> None:
    root, expected = corpus
    out = tmp_path / "out"
    summary = _run([root, tmp_path / "nope.txt"], out, partition_bytes=2000)
    assert summary.complete and summary.partitions > 3
    assert summary.read == expected["records"] + 1
    assert summary.read == summary.analysed + summary.skipped + summary.errors
    assert (summary.analysed, summary.skipped) == (expected["documents"], expected["skips"])
    assert summary.errors == expected["errors"] + 1
    assert summary.steps == "clean"
    keys = keys_of(out)
    assert len(keys) == len(set(keys)) == summary.read

    errors = read_table(out, "errors").to_pylist()
    assert all(e["input"] and e["key"] and e["path"] and e["error"] for e in errors)
    assert any(e["line"] == 3 and "not valid JSON" in e["error"] for e in errors)
    assert any(e["record_id"] and e["url"] == "https://example.com/menu" for e in errors)
    assert any(e["input"].endswith("nope.txt") and e["stage"] == "read" for e in errors)

    results = read_table(out, "results").to_pylist()
    by_input = {r["input"]: r for r in results}
    assert "rec-0" in by_input and by_input["rec-0"]["line"] == 1
    assert f"{root / 'feed.jsonl'}:7" in by_input  # no "id": identified by path:line
    warc_rows = [r for r in results if r["kind"] == "warc"]
    assert all(r["record_id"].startswith("<urn:uuid:") and r["url"] for r in warc_rows)
    doc = Document.from_json(by_input["rec-0"]["json"])
    assert doc.text.startswith("Record 0.") and doc.regions

    skipped = read_table(out, "skipped").to_pylist()
    assert {s["reason"] for s in skipped} >= {"HTTP status 301", "not HTML (image/png)"}
    saved = json.loads((out / "summary.json").read_text())
    assert saved["read"] == summary.read and saved["complete"]


def test_resume_does_nothing_when_complete_and_refuses_reuse(tmp_path, corpus) -> None:
    root, expected = corpus
    out = tmp_path / "out"
    _run([root], out, partition_bytes=4000, formats=("jsonl", "parquet"))
    assert sorted(p.name for p in (out / "results").iterdir())[0].endswith(".jsonl")
    again = _run([root], out, resume=True, partition_bytes=4000, formats=("jsonl", "parquet"))
    assert again.partitions_this_run == 0
    assert again.read == expected["records"]
    with pytest.raises(InputError, match="--resume"):
        _run([root], out)
    with pytest.raises(InputError, match="different inputs"):
        _run([root / "docs"], out, resume=True)


def test_jsonl_only_output(tmp_path, corpus) -> None:
    root, expected = corpus
    out = tmp_path / "out"
    _run([root / "feed.jsonl"], out, formats=("jsonl",))
    lines = [json.loads(x) for f in (out / "results").glob("part-*.jsonl") for x in f.open()]
    assert lines and all(d["schema"] == "spinscope/1" and d["batch"]["key"] for d in lines)
    assert len(read_table(out, "results")) == len(lines)
    assert len(keys_of(out)) == 11


def test_bad_format_is_an_input_error(tmp_path, corpus) -> None:
    with pytest.raises(InputError, match="format"):
        _run([corpus[0]], tmp_path / "o", formats=("csv",))


def test_small_folder_feeds_every_worker_and_progress_moves_per_record(tmp_path) -> None:
    """A 30-file folder was one partition for two workers, its bar at 0/30 until the end."""
    folder = tmp_path / "thirty"
    folder.mkdir()
    for i in range(30):
        (folder / f"a{i:02d}.txt").write_text(f"Story {i}\n\nThe mayor said {i}.", encoding="utf-8")
    done: list[int] = []
    at_partition_end: list[int] = []
    summary = _run(
        [folder],
        tmp_path / "out",
        workers=2,
        on_records=done.append,
        on_partition=lambda counts: at_partition_end.append(sum(done)),
    )
    assert summary.complete and summary.read == summary.analysed == 30
    assert summary.partitions >= 2 * summary.workers == 4
    assert sum(done) == 30 and all(n > 0 for n in done)
    # the count grows partition by partition, it does not jump from 0 to 30 at the end
    assert len(at_partition_end) == summary.partitions
    assert 0 < at_partition_end[0] < 30 and at_partition_end[-1] == 30
    assert at_partition_end == sorted(at_partition_end)


def test_no_dashboard_unless_asked_and_then_on_loopback(tmp_path, corpus) -> None:
    """The dashboard listened on 0.0.0.0:8787: anyone on the network saw file names."""
    import psutil

    root, _ = corpus
    quiet = run_batch([str(root / "docs")], tmp_path / "a", steps=STEPS, processes=False)
    assert quiet.dashboard is None
    listening: list[tuple[str, int]] = []

    def sockets(summary, plan, done) -> None:  # while the cluster runs
        conns = psutil.Process().net_connections("inet")
        listening.extend((c.laddr.ip, c.laddr.port) for c in conns if c.status == "LISTEN")

    shown = _run([root / "docs"], tmp_path / "b", dashboard_address=DASHBOARD, on_start=sockets)
    port = int(shown.dashboard.rsplit(":", 1)[1].split("/")[0])
    assert ("127.0.0.1", port) in listening
    assert not [ip for ip, p in listening if p == port and ip != "127.0.0.1"]


def test_outlet_labels_documents_that_name_none(tmp_path) -> None:
    """``batch --outlet NAME``: plain files get it; a JSONL record's own outlet is kept."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Headline one\n\nThe mayor spoke today.\n", encoding="utf-8")
    (docs / "feed.jsonl").write_text(
        json.dumps({"text": "Other body.", "id": "r1", "outlet": "Daily Wire"}) + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    _run([docs], out, formats=("jsonl",), outlet="Harbour Gazette")
    rows = [json.loads(x) for f in (out / "results").glob("part-*.jsonl") for x in f.open()]
    assert sorted(d["outlet"] for d in rows) == ["Daily Wire", "Harbour Gazette"]
