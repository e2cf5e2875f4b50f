"""``spinscope batch`` with the default analyzers on a local cluster of two worker processes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from spinscope.document import Document
from spinscope.pipeline import DEFAULT_STEPS
from spinscope.scale.output import read_table

TEXTS = {
    "loaded.txt": (
        "Traitors sell out the nation\n\n"
        "The corrupt elites and their puppets in the media have been wreaking havoc on this "
        "great nation. “This is a shameful betrayal of every voter,” senator Tom Reed said.\n"
    ),
    "plain.txt": "Meeting moved\n\nThe council meeting will be held on Tuesday in room 4.\n",
    "quote.txt": (
        "Budget passed\n\nThe mayor said the budget would protect libraries. “We kept every "
        "branch open,” she told reporters on Friday.\n"
    ),
}


def test_batch_with_default_steps_on_two_workers(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for name, text in TEXTS.items():
        (src / name).write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "spinscope.scale", str(src), "--out", str(out), "--workers", "2"]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    assert f"steps: {','.join(DEFAULT_STEPS)}" in r.stderr
    assert "records read 3 = analysed 3 + skipped 0 + errors 0" in r.stderr

    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["workers"] == 2 and summary["complete"]
    rows = {Path(row["input"]).name: row for row in read_table(out, "results").to_pylist()}
    assert set(rows) == set(TEXTS)
    docs = {name: Document.from_json(row["json"]) for name, row in rows.items()}
    for name, doc in docs.items():
        assert doc.text == TEXTS[name]  # never rewritten
        assert doc.layer("sentences") and rows[name]["steps"] == ",".join(DEFAULT_STEPS)
    loaded = docs["loaded.txt"]
    assert rows["loaded.txt"]["n_techniques"] == len(loaded.layer("techniques")) > 0
    assert all("voice" in s.attrs for s in loaded.layer("techniques"))
    (reed,) = [a for a in loaded.layer("attributions") if a.attrs["speaker"]["name"] == "Tom Reed"]
    voices = {loaded.text[s.start : s.end]: s.attrs["voice"] for s in loaded.layer("techniques")}
    assert {"kind": "attributed", "attribution": reed.attrs["id"]} in voices.values()
    assert {"kind": "outlet", "attribution": None} in voices.values()
    assert rows["plain.txt"]["n_techniques"] == 0  # a plain notice: nothing to flag
    quotes = docs["quote.txt"].layer("attributions")
    assert rows["quote.txt"]["n_attributions"] == len(quotes) >= 1
    # "The mayor said …", then "she told": both the mayor's, never the raw pronoun
    assert [a.attrs["speaker"]["role"] for a in quotes] == ["mayor"] * len(quotes)
