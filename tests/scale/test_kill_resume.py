"""SIGKILL a running batch at a point the test chooses, resume it: exactly one outcome per
input record; a partition that fails makes the batch exit 1 and --resume finishes it."""

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


HOOKS = Path(__file__).parent / "hooks"  # sitecustomize.py: hold or fail a chosen partition


def hooked_env(**hooks: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HOOKS), env.get("PYTHONPATH")]))
    env.update(hooks)
    return env


def test_sigkill_then_resume_gives_exactly_one_outcome_per_record(tmp_path: Path) -> None:
    expected = make_corpus(tmp_path / "in", jsonl_lines=150)
    inputs = [str(tmp_path / "in")]
    out = tmp_path / "out"
    held = tmp_path / "held"

    # The third partition stops just before committing its tables (temporaries written, no
    # marker) and waits; only then does the whole process group (client, nanny, worker) die.
    env = hooked_env(SPINSCOPE_TEST_HOLD_AT="3", SPINSCOPE_TEST_HELD=str(held))
    proc = subprocess.Popen(
        _batch(inputs, out, "--format", "parquet,jsonl"),
        start_new_session=True,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        deadline = time.monotonic() + 300  # a bound on a hung run, not a kill point
        while not held.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert held.exists(), f"the batch never reached the held partition: {proc.poll()}"
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    plan_parts = len(list((out / "plan.json").read_text().split('"kind"'))) - 1
    assert plan_parts > 3
    assert _done(out) == 2  # exactly the two partitions before the held one
    assert list(out.rglob(".*.tmp-*")), "the killed partition left no temporaries to clear"

    resumed = subprocess.run(
        _batch(inputs, out, "--resume", "--format", "parquet,jsonl"),
        capture_output=True,
        text=True,
        timeout=600,
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


def test_a_failed_partition_exits_non_zero_and_resume_completes(tmp_path: Path) -> None:
    expected = make_corpus(tmp_path / "in", jsonl_lines=40)
    inputs = [str(tmp_path / "in")]
    out = tmp_path / "out"
    failed = subprocess.run(
        _batch(inputs, out),
        capture_output=True,
        text=True,
        timeout=600,
        env=hooked_env(SPINSCOPE_TEST_FAIL_AT="2"),
    )
    assert failed.returncode == 1, failed.stderr
    errors = [x for x in failed.stderr.splitlines() if x.startswith("spinscope: error:")]
    assert len(errors) == 2, failed.stderr
    assert "partition part-" in errors[0] and "injected failure" in errors[0]
    assert "1 partition(s) failed; rerun with --resume" in errors[1]
    plan_parts = len(list((out / "plan.json").read_text().split('"kind"'))) - 1
    assert _done(out) == plan_parts - 1  # the others completed

    resumed = subprocess.run(
        _batch(inputs, out, "--resume"), capture_output=True, text=True, timeout=600
    )
    assert resumed.returncode == 0, resumed.stderr
    assert _done(out) == plan_parts
    assert len(set(keys_of(out))) == len(keys_of(out)) == expected["records"]
