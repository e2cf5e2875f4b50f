"""Help texts (issue 24): every command's help states its defaults and uses no development
paths; training never defaults to writing into the installed package's models."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

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
