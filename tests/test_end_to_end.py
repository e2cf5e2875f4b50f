"""End to end through the real models: ``spinscope analyze`` and ``spinscope.analyze()``, the
``ptc`` commands on hand-made articles, ``--min-confidence``, the missing-model error and the
one-by-one retry of a batch (no stand-in pipeline anywhere in this file)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

import spinscope
import spinscope.pipeline
from spinscope.attribution.extract import AttributionExtractor
from spinscope.cli import app
from spinscope.document import Document
from spinscope.techniques.model import default_view_confidence
from spinscope.techniques.ptc import PTC_TECHNIQUES

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "scraped-article.txt"
SCHEMA = json.loads((ROOT / "src/spinscope/schema/spinscope-1.json").read_text(encoding="utf-8"))
runner = CliRunner()

LOADED = (
    "Traitors sell out the nation\n\n"
    "The corrupt elites and their puppets in the media have been wreaking havoc on this great "
    "nation, and every patriot knows the truth: they will stop at nothing to destroy our way of "
    "life. “This is a shameful betrayal of every voter,” senator Tom Reed said on Monday. "
    "Make America great again!\n"
)
#: An article file as users have them: title, by-line, body with loaded words and a quote.
ARTICLE = LOADED.replace("\n\n", "\n\nBy Jane Roe\n\n", 1)
PLAIN = (
    "Council meeting moved\n\nThe council meeting will be held on Tuesday at 10 a.m. in room 4.\n"
)


def run(*args: str) -> tuple[int, str, str]:
    r = runner.invoke(app, list(args))
    return r.exit_code, r.stdout, r.stderr


def _inside_analysed_region(data: dict) -> bool:
    keep = [r for r in data["regions"] if r["label"] in ("title", "body")]
    return all(
        any(r["start"] <= t["start"] and t["end"] <= r["end"] for r in keep)
        for t in data["techniques"]
    )


@pytest.fixture(scope="module")
def article(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("analyze") / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def article_json(article: Path) -> dict:
    out = article.with_suffix(".json")
    code, _, err = run("analyze", str(article), "--format", "json", "-o", str(out))
    assert code == 0, err
    return json.loads(out.read_text(encoding="utf-8"))


def test_analyze_cli_runs_every_analyzer(article_json: dict) -> None:
    data = article_json
    jsonschema.validate(data, SCHEMA)
    assert data["title"] == "Traitors sell out the nation" and data["authors"] == ["Jane Roe"]
    assert data["text"] == ARTICLE
    assert data["sentences"] and data["techniques"] and data["attributions"]
    assert _inside_analysed_region(data)
    ids = {a["id"] for a in data["attributions"]}
    for t in data["techniques"]:
        assert t["technique"] in PTC_TECHNIQUES and 0.0 <= t["confidence"] <= 1.0
        voice = t["voice"]
        assert voice["kind"] in ("outlet", "attributed")
        assert (voice["attribution"] in ids) == (voice["kind"] == "attributed")
    (reed,) = [a for a in data["attributions"] if a["speaker"]["name"] == "Tom Reed"]
    # the senator's words are his voice; the narration around them is the outlet's
    assert _voice_at(data, "shameful betrayal") == {"kind": "attributed", "attribution": reed["id"]}
    assert _voice_at(data, "wreaking havoc") == {"kind": "outlet", "attribution": None}


def _voice_at(data: dict, phrase: str) -> dict:
    """The voice of the one technique span over ``phrase`` (fails if none or several)."""
    at = data["text"].index(phrase)
    (t,) = [t for t in data["techniques"] if t["start"] <= at < t["end"]]
    return dict(t["voice"])


def test_python_api_matches_the_cli(article: Path, article_json: dict) -> None:
    doc = spinscope.analyze(article)
    assert isinstance(doc, Document)
    got = doc.to_dict()
    for key in ("title", "authors", "regions", "techniques", "attributions"):
        assert got[key] == article_json[key], key
    # text in, same analysis out
    again = spinscope.analyze(ARTICLE).to_dict()
    assert again["techniques"] == got["techniques"]


def _techniques(tmp_path: Path, *extra: str) -> list[dict]:
    src = tmp_path / "loaded.txt"
    src.write_text(LOADED, encoding="utf-8")
    out = tmp_path / f"out{len(extra)}{'-'.join(extra)}.json"
    code, _, err = run("analyze", str(src), "--format", "json", "-o", str(out), *extra)
    assert code == 0, err
    techniques: list[dict] = json.loads(out.read_text(encoding="utf-8"))["techniques"]
    return techniques


def test_min_confidence(tmp_path: Path) -> None:
    """Below the model's default view more (weaker) candidates show, above it fewer."""
    default_at = default_view_confidence()
    low_at, high_at = round(default_at / 3, 4), round(min(0.95, default_at + 0.4), 4)
    default = _techniques(tmp_path)
    low = _techniques(tmp_path, "--min-confidence", str(low_at))
    high = _techniques(tmp_path, "--min-confidence", str(high_at))
    assert default, "a text this loaded must show spans at the default threshold"
    assert len(low) > len(default) >= len(high)
    assert all(t["confidence"] >= default_at for t in default)
    assert all(t["confidence"] >= low_at for t in low)
    assert all(t["confidence"] >= high_at for t in high)
    code, _, err = run("analyze", str(tmp_path / "loaded.txt"), "--min-confidence", "1.5")
    assert code == 2 and "min-confidence" in err


@pytest.fixture
def no_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    empty = tmp_path / "no-model"
    empty.mkdir()
    monkeypatch.setattr("spinscope.techniques.model.default_model_dir", lambda: empty)
    spinscope.pipeline._cached.cache_clear()  # a pipeline built earlier would hide the problem
    yield empty
    spinscope.pipeline._cached.cache_clear()


def test_missing_model_is_one_line(no_model: Path) -> None:
    code, out, err = run("analyze", str(EXAMPLE))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "cannot load the analysis models" in err and str(no_model) in err


def test_batch_retries_one_by_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An analyzer failing on one document costs that document only, not its chunk."""
    real = AttributionExtractor.__call__

    def fragile(self: AttributionExtractor, doc: Document) -> Document:
        if "POISON" in doc.text:
            raise RuntimeError("cannot attribute this one")
        return real(self, doc)

    monkeypatch.setattr(AttributionExtractor, "__call__", fragile)
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.txt").write_text(LOADED, encoding="utf-8")
    (d / "b.txt").write_text("Bad one\n\nPOISON in the text, said the editor.\n", encoding="utf-8")
    (d / "c.txt").write_text(PLAIN, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    code, _, err = run("analyze", str(d), "-o", str(out))
    assert code == 0, err
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 3 and "3 inputs = 2 results + 1 errors" in err
    bad = [x for x in lines if "error" in x]
    assert len(bad) == 1 and bad[0]["source"]["path"].endswith("b.txt")
    assert "cannot attribute this one" in bad[0]["error"]
    good = {Path(x["source"]["path"]).name: x for x in lines if "error" not in x}
    assert set(good) == {"a.txt", "c.txt"} and good["a.txt"]["techniques"]


# -- ptc predict / score ----------------------------------------------------------------------


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    d = tmp_path / "articles"
    d.mkdir()
    (d / "article1.txt").write_text(LOADED, encoding="utf-8")
    (d / "article2.txt").write_text(PLAIN, encoding="utf-8")
    return d


def _rows(path: Path) -> list[list[str]]:
    return [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()]


def test_ptc_predict_on_two_articles(articles: Path, tmp_path: Path) -> None:
    texts = {"1": LOADED, "2": PLAIN}
    si, flc = tmp_path / "si.txt", tmp_path / "flc.txt"
    for task, out in (("si", si), ("flc", flc)):
        code, _, err = run("ptc", "predict", str(articles), "--task", task, "-o", str(out))
        assert code == 0, err
        assert "for 2 articles" in err
    si_rows, flc_rows = _rows(si), _rows(flc)
    assert si_rows and flc_rows, "the loaded article yields fragments"
    for row in si_rows:
        assert len(row) == 3 and row[0] in texts
        a, b = int(row[1]), int(row[2])
        assert 0 <= a < b <= len(texts[row[0]])
        assert texts[row[0]][a:b].strip() == texts[row[0]][a:b]
    for row in flc_rows:
        assert len(row) == 4 and row[0] in texts and row[1] in PTC_TECHNIQUES
        assert 0 <= int(row[2]) < int(row[3]) <= len(texts[row[0]])
    assert any(r[0] == "1" for r in si_rows)

    # tc: one label per template line, in the template's order, spans unchanged
    template = tmp_path / "template.txt"
    spans = [("2", 0, 7), ("1", 0, 8), ("1", LOADED.index("wreaking"), LOADED.index(" on this"))]
    template.write_text("".join(f"{a}\t?\t{s}\t{e}\n" for a, s, e in spans), encoding="utf-8")
    tc = tmp_path / "tc.txt"
    code, _, err = run(
        "ptc", "predict", str(articles), "--task", "tc", "--template", str(template), "-o", str(tc)
    )
    assert code == 0, err
    rows = _rows(tc)
    assert [(r[0], int(r[2]), int(r[3])) for r in rows] == spans
    assert all(r[1] in PTC_TECHNIQUES for r in rows)


def test_ptc_predict_bad_inputs(articles: Path, tmp_path: Path) -> None:
    out = str(tmp_path / "x.txt")
    code, _, err = run("ptc", "predict", str(articles), "--task", "xyz", "-o", out)
    assert code == 2 and "--task" in err
    code, _, err = run("ptc", "predict", str(articles), "--task", "tc", "-o", out)
    assert code == 2 and "--template" in err
    template = tmp_path / "t.txt"
    template.write_text("999\t?\t0\t5\n", encoding="utf-8")
    code, _, err = run(
        "ptc", "predict", str(articles), "--task", "tc", "--template", str(template), "-o", out
    )
    assert code == 2 and "999" in err and "Traceback" not in err


GOLD = "1\tLoaded_Language\t10\t20\n1\tName_Calling,Labeling\t30\t40\n2\tSlogans\t0\t10\n"


@pytest.mark.parametrize(
    "task, pred, expected",
    [
        # SI: P = (5/5 + 5/15 + 0) / 3 = 4/9; R = (5/10 + 5/10 + 0) / 3 = 1/3; F1 = 8/21
        ("si", "1\t10\t15\n1\t35\t50\n2\t100\t110\n", "si: P=0.4444 R=0.3333 F1=0.3810"),
        # FLC: the 35-50 span has the wrong technique; P = (1 + 0 + 1) / 3; R = (.5 + 0 + .5) / 3
        (
            "flc",
            "1\tLoaded_Language\t10\t15\n1\tLoaded_Language\t35\t50\n2\tSlogans\t0\t5\n",
            "flc: P=0.6667 R=0.3333 F1=0.4444",
        ),
        # TC: two of three template spans labelled right
        (
            "tc",
            "1\tLoaded_Language\t10\t20\n1\tLoaded_Language\t30\t40\n2\tSlogans\t0\t10\n",
            "tc: P=0.6667 R=0.6667 F1=0.6667",
        ),
    ],
)
def test_ptc_score_hand_checked(tmp_path: Path, task: str, pred: str, expected: str) -> None:
    gold, p = tmp_path / "gold.labels", tmp_path / "pred.txt"
    gold.write_text(GOLD, encoding="utf-8")
    p.write_text(pred, encoding="utf-8")
    code, out, err = run("ptc", "score", str(gold), str(p), "--task", task)
    assert code == 0, err
    assert out.strip() == expected


def test_ptc_score_restricted_to_a_folder(tmp_path: Path) -> None:
    """--articles keeps the gold of the articles in the folder only (article 1 here)."""
    (tmp_path / "gold").mkdir()
    (tmp_path / "gold" / "article1.task-flc-tc.labels").write_text(GOLD, encoding="utf-8")
    only = tmp_path / "only"
    only.mkdir()
    (only / "article1.txt").write_text("x" * 60, encoding="utf-8")
    pred = tmp_path / "pred.txt"
    pred.write_text("1\t10\t15\n1\t35\t50\n2\t100\t110\n", encoding="utf-8")
    code, out, err = run(
        "ptc", "score", str(tmp_path / "gold"), str(pred), "--task", "si", "--articles", str(only)
    )
    assert code == 0, err
    # P = 4/9 as above; R = (5/10 + 5/10) / 2 = 1/2; F1 = 8/17
    assert out.strip() == "si: P=0.4444 R=0.5000 F1=0.4706"
