"""SIGKILL a running batch at some moment, resume it: exactly one outcome per input record."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from spinscope.scale.output import read_table

from .conftest import make_corpus
from .test_batch import keys_of


def _batch(inputs: list[str], out: Path, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "spinscope.scale", *inputs, "--out", str(out),
        "--workers", "1", "--steps", "clean", "--partition-mb", "0.001", *extra,
    ]  # fmt: skip


def _done(out: Path) -> int:
    d = out / "done"
    return len(list(d.glob("part-*.json"))) if d.is_dir() else 0


def test_sigkill_then_resume_gives_exactly_one_outcome_per_record(tmp_path: Path) -> None:
    expected = make_corpus(tmp_path / "in", jsonl_lines=150)
    inputs = [str(tmp_path / "in")]
    out = tmp_path / "out"

    # The whole process group (client, nanny, worker) dies at once, mid-run.
    proc = subprocess.Popen(
        _batch(inputs, out), start_new_session=True, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 300
    while _done(out) < 2 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert proc.poll() is None, f"batch ended before it could be killed: {proc.stderr.read()}"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    plan_parts = len(list((out / "plan.json").read_text().split('"kind"'))) - 1
    done_at_kill = _done(out)
    assert 2 <= done_at_kill < plan_parts  # killed part-way through

    resumed = subprocess.run(
        _batch(inputs, out, "--resume"), capture_output=True, text=True, timeout=600
    )
    assert resumed.returncode == 0, resumed.stderr
    assert f"records read {expected['records']} = analysed {expected['documents']}" in (
        resumed.stderr
    )
    assert _done(out) == plan_parts

    keys = keys_of(out)
    assert len(keys) == len(set(keys)) == expected["records"]
    assert len(read_table(out, "errors")) == expected["errors"]
    assert not list(out.rglob(".*.tmp-*"))  # temporaries of the killed run were cleared
