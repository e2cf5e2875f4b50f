"""The core install leaves Dask, PyArrow and bokeh out (the ``batch`` extra); without them
``analyze`` works and ``batch`` / Parquet input say in one line how to get them."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spinscope.cli import app
from spinscope.errors import BATCH_INSTALL
from spinscope.store.loader import iter_entries

ROOT = Path(__file__).resolve().parents[2]
EXTRA = ("dask", "distributed", "pyarrow", "bokeh", "pandas")

# Run spinscope with the batch extra's modules made unimportable, as after `pip install spinscope`.
_BLOCKED = f"""
import importlib.machinery, sys
find = importlib.machinery.PathFinder.find_spec
def find_spec(name, path=None, target=None):
    if name.split(".")[0] in {EXTRA!r}:
        return None  # as if not installed
    return find(name, path, target)
importlib.machinery.PathFinder.find_spec = find_spec
from spinscope.cli import main
sys.argv = ["spinscope", *sys.argv[1:]]
main()
"""


def _without_extra(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _BLOCKED, *args],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )


def test_core_dependencies_leave_the_batch_stack_out() -> None:
    requires = importlib.metadata.requires("spinscope") or []
    core = " ".join(r for r in requires if "extra ==" not in r).lower()
    assert core and not [m for m in EXTRA if m in core]
    batch = " ".join(r for r in requires if 'extra == "batch"' in r).lower()
    assert all(m in batch for m in ("dask[distributed]", "pyarrow", "bokeh"))


def test_analyze_runs_without_the_batch_extra() -> None:
    done = _without_extra("analyze", "examples/scraped-article.txt", "--format", "json")
    assert done.returncode == 0, done.stderr[-2000:]
    assert '"schema": "spinscope/1"' in done.stdout or '"schema":"spinscope/1"' in done.stdout


def test_batch_without_the_extra_says_how_to_get_it(tmp_path: Path) -> None:
    done = _without_extra("batch", "examples/scraped-article.txt", "--out", str(tmp_path / "o"))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "distributed, pyarrow" in lines[0] and BATCH_INSTALL in lines[0]
    assert not (tmp_path / "o").exists()


def test_dashboard_needs_bokeh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    real = importlib.util.find_spec

    def find_spec(name: str, *a: object, **k: object) -> object:
        return None if name == "bokeh" else real(name, *a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    result = CliRunner().invoke(
        app, ["batch", "examples/scraped-article.txt", "--out", str(tmp_path), "--dashboard"]
    )
    assert result.exit_code == 2
    assert "needs bokeh" in result.output and "spinscope[batch]" in result.output


def test_parquet_input_without_pyarrow_is_one_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    part = tmp_path / "results"
    part.mkdir()
    (part / "part-000000.parquet").write_bytes(b"PAR1 not really PAR1")
    for name in ("pyarrow", "pyarrow.parquet"):
        monkeypatch.setitem(sys.modules, name, None)
    entries = list(iter_entries([part / "part-000000.parquet"]))
    assert len(entries) == 1
    name, err, _ = entries[0]
    assert "pyarrow" in str(err) and BATCH_INSTALL in str(err)
