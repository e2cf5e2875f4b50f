"""The ``spinscope`` CLI: output formats, batches, and every bad input of issue 2.

Models beyond spaCy are not needed here: the pipeline is swapped for clean + sentences (spaCy
is loaded once for the whole module).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import spinscope.cli as cli
from spinscope import __version__
from spinscope.pipeline import Pipeline

EXAMPLE = Path(__file__).resolve().parents[1] / "examples/scraped-article.txt"
runner = CliRunner()


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline.build(("clean", "sentences"))


@pytest.fixture(autouse=True)
def _light_pipeline(pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(cli, "_pipeline", lambda options: pipeline)
    yield


def run(*args: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    result = runner.invoke(cli.app, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_version_and_help() -> None:
    code, out, _ = run("--version")
    assert code == 0 and __version__ in out
    code, out, _ = run("analyze", "--help")
    assert code == 0 and "spinscope analyze examples/scraped-article.txt" in out
    assert "--min-confidence" in out


def test_text_output_of_the_example() -> None:
    code, out, err = run("analyze", str(EXAMPLE))
    assert code == 0, err
    assert "Harbour city’s water deal" in out and "By Elena Marsh" in out
    assert "Set aside (web residue)" in out and "Back to top" in out


def test_json_output_is_the_contract(tmp_path: Path) -> None:
    out_file = tmp_path / "a.json"
    code, _, err = run("analyze", str(EXAMPLE), "--format", "json", "-o", str(out_file))
    assert code == 0, err
    data = json.loads(out_file.read_text(encoding="utf-8"))
    assert data["schema"] == "spinscope/1" and data["authors"] == ["Elena Marsh"]
    assert {r["label"] for r in data["regions"]} >= {"title", "byline", "body", "boilerplate"}
    assert data["sentences"]


def test_stdin() -> None:
    code, out, _ = run("analyze", "-", "--format", "jsonl", stdin=EXAMPLE.read_bytes())
    assert code == 0
    assert json.loads(out)["title"].startswith("Harbour city")


def test_batch_writes_one_line_per_input_and_a_summary(tmp_path: Path) -> None:
    d = tmp_path / "in"
    d.mkdir()
    (d / "good.txt").write_bytes(EXAMPLE.read_bytes())
    (d / "empty.txt").write_bytes(b"")
    (d / "img.png").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(100))
    (d / "dangling.txt").symlink_to(d / "gone.txt")
    os.mkfifo(d / "fifo")
    (d / "secret.txt").write_text("Hidden article text.\n", encoding="utf-8")
    (d / "secret.txt").chmod(0)
    out_file = tmp_path / "out.jsonl"
    try:
        code, _, err = run("analyze", str(d), str(tmp_path / "missing.txt"), "-o", str(out_file))
    finally:
        (d / "secret.txt").chmod(0o644)
    assert code == 0, err
    lines = [json.loads(x) for x in out_file.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 7
    errors = [x for x in lines if "error" in x]
    results = [x for x in lines if "error" not in x]
    # as root, a mode-000 file is still readable: it is then a result, not an error
    readable_secret = os.geteuid() == 0
    assert len(results) == 1 + readable_secret
    assert f"7 inputs = {len(results)} results + {len(errors)} errors" in err
    reasons = " ".join(e["error"] for e in errors)
    for word in ("empty", "PNG", "broken symbolic link", "FIFO", "no such file"):
        assert word in reasons


def test_batch_refuses_single_input_formats(tmp_path: Path) -> None:
    code, _, err = run("analyze", str(EXAMPLE), str(EXAMPLE), "--format", "json")
    assert code == 2 and "jsonl" in err


# -- every bad input of issue 2: one line naming the input, exit 2, no traceback ------------


def _bad(tmp_path: Path, name: str, data: bytes | None) -> Path:
    p = tmp_path / name
    if data is not None:
        p.write_bytes(data)
    return p


@pytest.mark.parametrize(
    "name, data, reason",
    [
        ("empty.txt", b"", "empty file"),
        ("image.png", b"\x89PNG\r\n\x1a\n" + b"\x00\x01\x02" * 100, "PNG image"),
        ("noise.bin", bytes((i * 73 + 41) % 256 for i in range(5000)), "not text"),
        ("bad-utf8.txt", "Caf\u00e9 “quoted” text ".encode() + b"\xc3\x28 and \xff more", "UTF-8"),
        (
            "no-article.html",
            b"<html><head><title>x</title></head><body><nav>Menu</nav></body>",
            "no article",
        ),
        ("missing.txt", None, "no such file"),
    ],
)
def test_single_bad_input(tmp_path: Path, name: str, data: bytes | None, reason: str) -> None:
    path = _bad(tmp_path, name, data)
    code, out, err = run("analyze", str(path))
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert str(path) in err and reason in err


def test_single_50mb_file(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    line = b"Fifty megabytes of perfectly ordinary article text, line after line.\n"
    path.write_bytes(line * (50 * 1024 * 1024 // len(line) + 1))
    code, _, err = run("analyze", str(path))
    assert code == 2 and "too large" in err and err.count("\n") == 1


def test_single_unreadable_file(tmp_path: Path) -> None:
    # chmod 000 does not stop root, so use inputs that fail on read for everyone too
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    link = tmp_path / "link.txt"
    link.symlink_to(tmp_path / "gone.txt")
    for path, reason in ((fifo, "FIFO"), (link, "broken symbolic link")):
        code, _, err = run("analyze", str(path))
        assert code == 2 and reason in err and "Traceback" not in err


def test_directory_with_unreadable_files(tmp_path: Path) -> None:
    (tmp_path / "ok.txt").write_bytes(EXAMPLE.read_bytes())
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "link.txt").symlink_to(tmp_path / "gone.txt")
    code, out, err = run("analyze", str(tmp_path))
    assert code == 0
    assert len(out.splitlines()) == 3
    assert "3 inputs = 1 results + 2 errors" in err


def test_html_format_uses_the_html_renderer() -> None:
    code, out, err = run("analyze", str(EXAMPLE), "--format", "html")
    assert code == 0, err  # the renderer ships with the package: "not available" is a bug
    assert out.lstrip().lower().startswith("<!doctype html") and "</html>" in out.lower()
    assert "Harbour city’s water deal" in out and "Elena Marsh" in out


def test_html_report_holds_candidates_below_the_default_hidden(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import json
    import re

    from spinscope.techniques.model import REVEAL_FLOOR, default_view_confidence

    asked: list[dict[str, Any]] = []

    def techniques(options: dict[str, Any]) -> Pipeline:
        asked.append(options)
        return Pipeline.build(("clean", "techniques"), **options)

    monkeypatch.setattr(cli, "_pipeline", techniques)
    default = default_view_confidence()
    code, out, err = run("analyze", str(EXAMPLE), "--format", "html")
    assert code == 0, err
    data = json.loads(re.search(r'id="ss-data">(.*?)</script>', out, re.S).group(1))  # type: ignore[union-attr]
    conf = [t["confidence"] for t in data["techniques"]]
    assert min(conf) >= REVEAL_FLOOR and any(c < default for c in conf)
    assert f'value="{default:.3f}"' in out  # the slider starts at the default: those hidden
    shown = sum(c >= default for c in conf)
    assert f'<span id="shown-count">{shown}</span>' in out
    code, out, err = run("analyze", str(EXAMPLE), "--format", "html", "--min-confidence", "0.3")
    assert code == 0, err
    assert 'value="0.300"' in out and f'data-analysed="{REVEAL_FLOOR:.3f}"' in out
    assert asked == [{"min_confidence": REVEAL_FLOOR}] * 2
    run("analyze", str(EXAMPLE), "--format", "json", "--min-confidence", "0.3")
    assert asked[-1] == {"min_confidence": 0.3}  # other formats: as asked
