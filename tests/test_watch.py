"""Watch terms (``--terms FILE``): the user's own list, marked as the ``watch`` layer (issue 26).

Occurrences are whole words in any case, multi-word terms cross line breaks, Unicode text is
matched without cutting a character, spans obey DESIGN.md (never start or end in white space or
inside a word), and the layer stays apart from the techniques in every output.
"""

from __future__ import annotations

import json
import re
import unicodedata
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

import spinscope.cli as cli
from spinscope.document import Document, Span
from spinscope.pipeline import Pipeline
from spinscope.watch import WatchTerms, WatchTermsError, find_terms, parse_terms, read_terms

runner = CliRunner()


def _found(text: str, terms: list[str]) -> list[tuple[str, str]]:
    return [(text[s.start : s.end], s.label) for s in find_terms(text, terms)]


def _check_design(text: str, spans: list[Span]) -> None:
    """DESIGN.md: no span starts or ends in white space, inside a word or inside a character."""
    for s in spans:
        assert s.start < s.end
        piece = text[s.start : s.end]
        assert piece == piece.strip(), piece
        if s.start > 0:
            assert not (text[s.start - 1].isalnum() and text[s.start].isalnum()), piece
        if s.end < len(text):
            assert not (text[s.end - 1].isalnum() and text[s.end].isalnum()), piece
            assert unicodedata.category(text[s.end])[0] != "M", piece


def test_case_insensitive_whole_words_and_phrases() -> None:
    text = "Regime change again: a REGIME  CHANGE\nnow, coups and a coup factory; a coup."
    terms = ["regime change", "coup", "coup factory"]
    got = _found(text, terms)
    assert ("Regime change", "regime change") in got
    assert ("REGIME  CHANGE", "regime change") in got  # any run of spaces, across a break
    assert ("coup factory", "coup factory") in got
    # 'coups' is no occurrence of 'coup'; the two whole-word ones are
    assert [t for t, label in got if label == "coup"] == ["coup", "coup"]
    assert len(got) == 5
    _check_design(text, find_terms(text, terms))


def test_overlapping_terms_are_both_kept_and_labelled_as_listed() -> None:
    text = "They called it regime change."
    spans = find_terms(text, ["Regime", "REGIME change"])
    assert [(text[s.start : s.end], s.label) for s in spans] == [
        ("regime", "Regime"),
        ("regime change", "REGIME change"),
    ]


def test_unicode_terms_and_characters_never_cut() -> None:
    text = "Die ÄRZTE warnten. Takfiri-Gruppen, «takfiri» und cafe\u0301 oder café. Ωμέγα!"
    got = _found(text, ["ärzte", "Takfiri", "café", "cafe", "ωμέγα"])
    assert ("ÄRZTE", "ärzte") in got
    assert ("Takfiri", "Takfiri") in got and ("takfiri", "Takfiri") in got
    assert ("café", "café") in got  # the precomposed one
    assert ("Ωμέγα", "ωμέγα") in got
    # 'cafe' followed by a combining acute accent is 'café' to a reader: never cut
    assert ("cafe", "cafe") not in got
    _check_design(text, find_terms(text, ["ärzte", "Takfiri", "café", "cafe", "ωμέγα"]))


def test_terms_with_symbols_and_emoji_text() -> None:
    text = "#MAGA rally. U.S. troops 👍🏽 and #MAGAfans"
    got = _found(text, ["#MAGA", "U.S."])
    assert got == [("#MAGA", "#MAGA"), ("U.S.", "U.S.")]


def test_parse_terms_comments_blank_lines_duplicates_and_escape() -> None:
    lines = ["# my list", "", "  regime   change ", "Regime Change", "\\#MAGA", "   # indented"]
    assert parse_terms(lines) == ("regime change", "#MAGA")
    with pytest.raises(WatchTermsError, match="no letter"):
        parse_terms(["--"], "t.txt")


def test_read_terms_file_with_bom(tmp_path: Path) -> None:
    f = tmp_path / "terms.txt"
    f.write_bytes("\ufeffTakfiri\r\ncoup factory\r\n".encode())
    assert read_terms(f) == ("Takfiri", "coup factory")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "terms file not found"),
        (b"\xff\xfe\x00t\x00", "not UTF-8"),
        (b"abc\x00def\n", "binary"),
        (b"# only a comment\n\n", "no terms"),
        ("x" * 300, "longer than"),
    ],
)
def test_bad_terms_file_is_one_line_naming_it(
    tmp_path: Path, content: bytes | str | None, message: str
) -> None:
    f = tmp_path / "bad terms.txt"
    if isinstance(content, bytes):
        f.write_bytes(content)
    elif isinstance(content, str):
        f.write_text(content, encoding="utf-8")
    with pytest.raises(WatchTermsError) as exc:
        read_terms(f)
    assert message in str(exc.value) and str(f) in str(exc.value)
    assert "\n" not in str(exc.value)
    with pytest.raises(WatchTermsError, match="folder"):
        read_terms(tmp_path)


def test_analyzer_reads_title_and_body_only_and_round_trips() -> None:
    text = "Coup talk\n\nBy A. Coup\n\nThe coup failed.\n\nMore on coup: click here"
    doc = Document(text)
    doc.set_layer(
        "regions",
        [
            Span(0, 9, "title"),
            Span(11, 21, "byline"),
            Span(23, 39, "body"),
            Span(41, len(text), "boilerplate"),
        ],
    )
    doc.set_layer("techniques", [])
    WatchTerms(["coup"])(doc)
    assert [doc.text[s.start : s.end] for s in doc.layer("watch")] == ["Coup", "coup"]
    assert [s.start for s in doc.layer("watch")] == [0, 27]
    assert doc.layer("techniques") == []  # never mixed with the techniques
    data = json.loads(doc.to_json())
    schema = json.loads(
        (resources.files("spinscope") / "schema" / "spinscope-1.json").read_text("utf-8")
    )
    jsonschema.validate(data, schema)
    assert data["techniques"] == []
    assert [w["label"] for w in data["layers"]["watch"]] == ["coup", "coup"]
    assert Document.from_json(doc.to_json()).to_dict() == data


def test_pipeline_adds_watch_when_terms_are_given() -> None:
    pipe = Pipeline.build(("clean",), terms=("coup",))
    assert [name for name, _ in pipe.steps] == ["clean", "watch"]
    doc = pipe(Document("A coup in the capital.\n\nThe coup failed."))
    assert len(doc.layer("watch")) == 2
    assert [name for name, _ in Pipeline.build(("clean",)).steps] == ["clean"]


def _doc_with_both() -> Document:
    text = "The coup factory will wreak havoc, they said."
    doc = Document(text)
    doc.set_layer("regions", [Span(0, len(text), "body")])
    a = text.index("wreak havoc")
    doc.set_layer("techniques", [Span(a, a + 11, "Loaded_Language", {"confidence": 0.8})])
    WatchTerms(["coup factory"])(doc)
    return doc


def test_terminal_marks_watch_terms_apart_from_techniques() -> None:
    from rich.console import Console

    from spinscope.outputs.terminal import renderable

    console = Console(width=120, color_system=None, record=True)
    console.print(renderable(_doc_with_both(), colour=False))
    out = console.export_text()
    assert "⟦coup factory⟧" in out
    assert "[1›wreak havoc‹1]" in out  # the one technique is row 1: the term is no row
    assert "Watch terms" in out and re.search(r"coup factory\s+│\s+1", out)


def test_html_views_mark_watch_terms_in_their_own_colour() -> None:
    from spinscope.outputs.html import render_document
    from spinscope.web.render import PALETTE, WATCH_COLOUR, build_view, static_text

    page = render_document(_doc_with_both())
    assert '<span class="seg r-body w" title="watch term: coup factory">coup factory</span>' in page
    assert 'id="watch-terms"' in page
    view = build_view(_doc_with_both())
    assert view.watch == [{"term": "coup factory", "count": 1}]
    assert [t["technique"] for t in view.data["techniques"]] == ["Loaded_Language"]
    assert sum(item["count"] for item in view.legend) == 1  # not counted as a technique
    assert WATCH_COLOUR not in PALETTE and WATCH_COLOUR in static_text("spinscope.css")


def test_hostile_term_is_escaped_in_html() -> None:
    from spinscope.outputs.html import render_document

    text = "They said <b>x</b> again."
    doc = Document(text)
    doc.set_layer("watch", [Span(10, 18, '<b>x</b>"')])
    page = render_document(doc)
    assert '<b>x</b>"' not in page and "&lt;b&gt;x&lt;/b&gt;&#34;" in page


def test_cli_terms_option(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[dict[str, Any]] = []

    def light(options: dict[str, Any]) -> Pipeline:
        asked.append(options)
        return Pipeline.build(("clean",), **options)

    monkeypatch.setattr(cli, "_pipeline", light)
    article = tmp_path / "a.txt"
    article.write_text("Headline\n\nThe Takfiri groups and the coup factory.\n", encoding="utf-8")
    terms = tmp_path / "terms.txt"
    terms.write_text("# watch\ntakfiri\nCoup Factory\n", encoding="utf-8")
    result = runner.invoke(
        cli.app, ["analyze", str(article), "--terms", str(terms), "--format", "json"]
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert [w["label"] for w in data["layers"]["watch"]] == ["takfiri", "Coup Factory"]
    assert asked[-1]["terms"] == ("takfiri", "Coup Factory")
    bad = tmp_path / "missing.txt"
    for args in (["analyze", str(article)], ["ingest", str(article), "--db", "sqlite://"]):
        result = runner.invoke(cli.app, [*args, "--terms", str(bad)])
        assert result.exit_code == 2
        assert f"{bad}: terms file not found" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


# -- the web setting: the corpus's watch terms (table watch_terms, migration 0007) -----------


@pytest.fixture
def web(tmp_path: Path) -> Any:
    from fastapi.testclient import TestClient

    from spinscope.store import Store
    from spinscope.web import create_app

    store = Store(f"sqlite:///{tmp_path}/watch.db")
    app = create_app(store=store, pipeline=Pipeline.build(("clean",)))
    yield TestClient(app, raise_server_exceptions=False, base_url="http://127.0.0.1:8000"), store
    store.close()


def test_web_setting_marks_the_corpus_terms_in_every_article_view(web: Any) -> None:
    from spinscope.web.watch import corpus_terms

    client, store = web
    doc = Document("Coup talk\n\nThe coup factory sent its agents. The Takfiri groups fled.\n")
    Pipeline.build(("clean",))(doc)
    store.add(doc)
    page = client.get(f"/documents/{doc.id}").text
    assert 'id="watch-terms"' not in page and 'href="/settings/watch"' in page
    assert client.get("/api/watch-terms").json() == {"terms": []}

    form = client.post(
        "/settings/watch",
        data={"terms": "# our list\nCoup Factory\ntakfiri\n\\#tag\ncoup factory\n"},
        follow_redirects=False,
    )
    assert form.status_code == 303 and form.headers["location"] == "/settings/watch?saved=3"
    assert corpus_terms(store) == ("Coup Factory", "takfiri", "#tag")
    settings = client.get("/settings/watch?saved=3").text
    assert "Saved: 3 terms." in settings and "\\#tag" in settings

    page = client.get(f"/documents/{doc.id}").text
    assert '<span class="seg r-body w" title="watch term: Coup Factory">coup factory</span>' in page
    assert 'title="watch term: takfiri">Takfiri</span>' in page
    assert page.count('<span class="swatch w">') == 2  # '#tag' is not in the text
    stored = store.get(doc.id)
    assert stored is not None and "watch" not in stored.layers  # the document is unchanged

    put = client.put("/api/watch-terms", json={"terms": ["agents", " agents ", ""]})
    assert put.status_code == 200 and put.json() == {"terms": ["agents"]}
    page = client.get(f"/documents/{doc.id}").text
    assert 'title="watch term: agents">agents</span>' in page and "Coup Factory" not in page


def test_web_setting_refuses_bad_input_and_other_sites(web: Any) -> None:
    from spinscope.web.watch import corpus_terms

    client, store = web
    client.put("/api/watch-terms", json={"terms": ["keep"]})
    bad = client.post("/settings/watch", data={"terms": "ok\n---\n"})
    assert bad.status_code == 422 and "has no letter or digit" in bad.text
    assert "---" in bad.text  # the form comes back with what was typed
    assert client.put("/api/watch-terms", json={"terms": ["x" * 201]}).status_code == 422
    assert client.put("/api/watch-terms", json={"terms": "one"}).status_code == 422
    assert client.put("/api/watch-terms", json={"terms": [], "more": 1}).status_code == 422
    hostile = client.post(
        "/settings/watch", data={"terms": "evil"}, headers={"Origin": "https://evil.example"}
    )
    assert hostile.status_code == 403
    assert corpus_terms(store) == ("keep",)
    page = client.post("/settings/watch", data={"terms": "</textarea><script>x</script>\n--"})
    assert "<script>x</script>" not in page.text


def test_ingest_terms_are_stored_with_the_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from spinscope.store import Store

    monkeypatch.setattr(cli, "_pipeline", lambda options: Pipeline.build(("clean",), **options))
    article = tmp_path / "a.txt"
    article.write_text("Headline\n\nThe coup factory again.\n", encoding="utf-8")
    terms = tmp_path / "terms.txt"
    terms.write_text("coup factory\n", encoding="utf-8")
    db = f"sqlite:///{tmp_path}/c.db"
    result = runner.invoke(cli.app, ["ingest", str(article), "--db", db, "--terms", str(terms)])
    assert result.exit_code == 0, result.stderr
    store = Store(db)
    try:
        (row,) = store.search().items
        doc = store.get(row.id)
        assert doc is not None
        assert [doc.text[s.start : s.end] for s in doc.layer("watch")] == ["coup factory"]
    finally:
        store.close()
    result = runner.invoke(
        cli.app, ["ingest", str(article), "--db", db, "--terms", str(terms), "--no-analyze"]
    )
    assert result.exit_code == 2 and "needs --analyze" in result.stderr
