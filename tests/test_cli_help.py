"""Help texts (issue 24): every command's help states its defaults and uses no development
paths; training never defaults to writing into the installed package's models."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from spinscope.cli import app

runner = CliRunner()


def _commands() -> list[list[str]]:
    """Every command path of the CLI (groups and their commands)."""
    root = typer.main.get_command(app)
    out: list[list[str]] = []

    def walk(cmd: object, path: list[str]) -> None:
        out.append(path)
        for name, sub in getattr(cmd, "commands", {}).items():  # a group's commands
            walk(sub, [*path, name])

    walk(root, [])
    return out


def _help(path: list[str]) -> str:
    result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return " ".join(result.output.replace("│", " ").split())


def test_the_cli_has_the_commands_this_file_checks() -> None:
    names = {" ".join(p) for p in _commands()}
    assert {"analyze", "batch", "ptc predict", "train techniques", "train calibrate"} <= names


@pytest.mark.parametrize("path", _commands(), ids=lambda p: " ".join(p) or "spinscope")
def test_help_uses_no_development_paths_or_internal_names(path: list[str]) -> None:
    text = _help(path)
    assert "../shared" not in text and "shared/data" not in text
    assert "src/spinscope" not in text and "TrainConfig" not in text
    assert "default: the package's models" not in text


def test_analyze_help_states_the_default_threshold() -> None:
    config = resources.files("spinscope") / "models" / "techniques" / "config.json"
    default = float(json.loads(config.read_text("utf-8"))["view"]["min_confidence"])
    assert f"Default: {default:.2f}" in _help(["analyze"])


@pytest.mark.parametrize(
    "command",
    [["train", "techniques"], ["train", "attribution"]],
    ids=lambda c: " ".join(c),
)
def test_training_needs_an_explicit_output_folder(command: list[str], tmp_path: Path) -> None:
    result = runner.invoke(app, [*command, "--data", str(tmp_path)])
    assert result.exit_code == 2
    assert re.search(r"Missing option '--out'", result.output)


def test_calibration_names_the_model_it_rewrites(tmp_path: Path) -> None:
    result = runner.invoke(app, ["train", "calibrate", "--data", str(tmp_path)])
    assert result.exit_code == 2 and "Missing option '--model'" in result.output


README = Path(__file__).resolve().parents[1] / "README.md"


def _quick_start() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("## Quick start")
    return text[start : text.index("\n## ", start + 1)]


def test_the_quick_start_ships_its_inputs() -> None:
    section = _quick_start()
    commands = [
        line.split("#")[0]
        for block in re.findall(r"```bash\n(.*?)```", section, re.S)
        for line in block.splitlines()
        if "spinscope analyze" in line
    ]
    assert len(commands) >= 5
    root = README.parent
    for command in commands:
        inputs = re.findall(r"(?<![\w/.-])((?:examples)/[\w./-]*)", command)
        assert inputs, f"quick-start command names no shipped input: {command}"
        for name in inputs:
            assert (root / name).exists(), f"{name} (from the quick start) does not ship"
    assert "http" not in " ".join(commands)  # no address that does not exist


def test_the_example_page_reads_as_an_article() -> None:
    from spinscope.clean import Cleaner
    from spinscope.ingest import load

    doc = Cleaner()(load(README.parent / "examples" / "article.html"))
    body = [doc.span_text(r) for r in doc.regions if r.label == "body"]
    assert body[0].startswith("Hundreds of bus drivers")  # its standfirst is the opening
    assert doc.authors == ["Priya Sandhu"]  # "Transport Correspondent" is her role
    assert doc.outlet == "Northfield Courier"
    assert (doc.title or "").startswith("Bus drivers walk out")


# -- batch: small inputs start no cluster of worker processes; no shutdown chatter ----------


def _fake_run_batch(calls: list[dict[str, Any]]) -> Any:
    from spinscope.scale.runner import Summary

    def run(inputs: Any, out: Any, **kw: Any) -> Summary:
        calls.append(kw)
        return Summary(read=1, analysed=1, partitions=1, partitions_done=1, steps="clean")

    return run


def test_batch_of_a_small_input_runs_in_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import spinscope.scale.runner as runner

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(runner, "run_batch", _fake_run_batch(calls))
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("Title\n\nA short article about the council.\n", encoding="utf-8")
    result = runner_invoke(["batch", str(src), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert calls[-1]["processes"] is False and calls[-1]["workers"] == 1
    assert "analysed in this process" in result.output
    # asked for workers: worker processes, as asked
    result = runner_invoke(["batch", str(src), "--out", str(tmp_path / "o2"), "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert calls[-1].get("processes", True) is True and calls[-1]["workers"] == 2


def test_a_large_input_gets_worker_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import spinscope.scale.command as command
    import spinscope.scale.runner as runner

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(runner, "run_batch", _fake_run_batch(calls))
    monkeypatch.setattr(command, "SMALL_INPUT_BYTES", 10)
    (tmp_path / "a.txt").write_text("x" * 100, encoding="utf-8")
    result = runner_invoke(["batch", str(tmp_path / "a.txt"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert calls[-1].get("processes", True) is True and calls[-1]["workers"] is None


def test_worker_shutdown_warnings_stay_out_of_the_terminal(
    caplog: pytest.LogCaptureFixture,
) -> None:
    import logging

    from spinscope.scale.runner import quiet_shutdown

    nanny = logging.getLogger("distributed.nanny")
    with caplog.at_level(logging.WARNING), quiet_shutdown():
        nanny.warning("Worker process still alive after 4.0 seconds, killing")
        nanny.error("a real error still shows")
    messages = [r.getMessage() for r in caplog.records]
    assert messages == ["a real error still shows"]
    assert nanny.level == logging.NOTSET  # restored afterwards


def runner_invoke(args: list[str]) -> Any:
    return CliRunner().invoke(app, args)
