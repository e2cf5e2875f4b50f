"""A reason with every highlight (issue 26): the definition and the nearest training phrases.

Checked: the index round-trips and answers with phrases of the same technique only, most similar
first; an index built with another encoder is refused with a clear error; without an index
there is a one-line note and no evidence (no crash); the annotator reads the hidden states the
tagger left on the document (no second encoder pass); ``evidence`` survives JSON and the
schema; on the shipped index a phrase taken verbatim from a training article finds itself first.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
import numpy as np
import pytest

from spinscope.document import Document, Span
from spinscope.encoder import SharedEncoder, get_encoder
from spinscope.techniques.evidence import (
    INDEX_FILE,
    MAX_CHARS,
    EvidenceAnnotator,
    EvidenceIndex,
    EvidenceIndexError,
    build_index,
    encoder_fingerprint,
    phrase,
    pooled,
)
from spinscope.techniques.labels import TECHNIQUE_NAMES, TECHNIQUES
from spinscope.techniques.model import default_model_dir
from spinscope.techniques.ptc import Gold

SHIPPED = default_model_dir() / INDEX_FILE

#: Tiny "training articles" for an index built here with the shipped encoder.
ARTICLES = {
    "1": "The corrupt regime and its brutal thugs crushed the peaceful protest in the capital.",
    "2": "Our brave soldiers defend the homeland, and every patriot must stand with them now.",
    "3": "Officials say the vile traitors are destroying the nation with their lies.",
}
GOLD = [
    Gold("1", "Loaded_Language", 27, 39),  # brutal thugs
    Gold("1", "Name_Calling,Labeling", 4, 18),  # corrupt regime
    Gold("2", "Flag-Waving", 4, 18),  # brave soldiers
    Gold("2", "Flag-Waving", 44, 57),  # every patriot
    Gold("3", "Name_Calling,Labeling", 18, 31),  # vile traitors
    Gold("3", "Loaded_Language", 36, 57),  # destroying the nation
]


def _schema() -> dict[str, object]:
    path = resources.files("spinscope") / "schema" / "spinscope-1.json"
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _synthetic(n: int = 40, seed: int = 1) -> EvidenceIndex:
    rng = np.random.default_rng(seed)
    v = rng.normal(size=(n, 384)).astype(np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    return EvidenceIndex(
        vectors=v.astype(np.float16),
        technique=(np.arange(n) % 3).astype(np.int16),
        texts=[f"phrase number {i}" for i in range(n)],
        articles=[str(100 + i) for i in range(n)],
        offsets=np.stack([np.arange(n), np.arange(n) + 5], axis=1).astype(np.int32),
        techniques=list(TECHNIQUE_NAMES),
        fingerprint="0123456789abcdef",
    )


def test_gold_offsets_of_the_tiny_articles() -> None:
    got = [ARTICLES[g.article][g.start : g.end] for g in GOLD]
    assert got == [
        "brutal thugs",
        "corrupt regime",
        "brave soldiers",
        "every patriot",
        "vile traitors",
        "destroying the nation",
    ]


def test_phrase_is_one_line_and_cut_at_a_word_boundary() -> None:
    text = "word " * 60
    p = phrase(text, 0, len(text))
    assert len(p) <= MAX_CHARS and p.endswith("…") and p[:-1].endswith("word")
    assert phrase("a\n  loaded\tphrase ", 0, 19) == "a loaded phrase"
    long_word = "x" * 300
    assert len(phrase(long_word, 0, 300)) <= MAX_CHARS


def test_index_round_trips_and_answers_with_the_same_technique(tmp_path: Path) -> None:
    index = _synthetic()
    index.texts[3] = index.texts[0].upper()  # the same phrase twice (technique 0): shown once
    path = tmp_path / "ev.npz"
    index.save(path)
    back = EvidenceIndex.load(path, "0123456789abcdef")
    assert back.texts == index.texts and back.articles == index.articles
    assert np.array_equal(back.vectors, index.vectors)
    assert np.array_equal(back.offsets, index.offsets)
    assert back.techniques == list(TECHNIQUE_NAMES)
    query = back.vectors[6].astype(np.float32)  # row 6: technique 0
    got = back.nearest(query, TECHNIQUE_NAMES[0])
    assert len(got) == 3
    assert got[0] == {"text": "phrase number 6", "similarity": pytest.approx(1.0, abs=2e-3)}
    mine = {t for t, k in zip(back.texts, back.technique, strict=True) if k == 0}
    assert all(ex["text"] in mine for ex in got)
    sims = [ex["similarity"] for ex in got]
    assert sims == sorted(sims, reverse=True)
    # the duplicate phrase never appears twice, whatever the query
    for row in range(0, 40, 3):
        texts = [
            ex["text"].casefold() for ex in back.nearest(back.vectors[row], TECHNIQUE_NAMES[0], 20)
        ]
        assert len(texts) == len(set(texts))
    assert back.nearest(query, TECHNIQUE_NAMES[5]) == []  # no training phrase of that technique


def test_index_of_another_encoder_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ev.npz"
    _synthetic().save(path)
    with pytest.raises(EvidenceIndexError) as exc:
        EvidenceIndex.load(path, "fedcba9876543210")
    message = str(exc.value)
    assert "0123456789abcdef" in message and "fedcba9876543210" in message
    assert "spinscope train evidence" in message and "\n" not in message
    (tmp_path / "junk.npz").write_bytes(b"not an index")
    with pytest.raises(EvidenceIndexError, match="not a readable evidence index"):
        EvidenceIndex.load(tmp_path / "junk.npz")
    with pytest.raises(EvidenceIndexError):
        EvidenceAnnotator(index_path=path)  # the shipped encoder's fingerprint differs


def _doc(text: str, spans: list[tuple[str, str]]) -> Document:
    doc = Document(text)
    doc.set_layer("regions", [Span(0, len(text), "body")])
    out = []
    for piece, technique in spans:
        a = text.index(piece)
        out.append(Span(a, a + len(piece), technique, {"confidence": 0.7}))
    doc.set_layer("techniques", out)
    return doc


def test_without_an_index_a_note_and_no_evidence(tmp_path: Path) -> None:
    annotator = EvidenceAnnotator(index_path=tmp_path / "absent.npz")
    doc = _doc("They are brutal thugs.", [("brutal thugs", "Loaded_Language")])
    annotator.pipe([doc])
    assert "evidence" not in doc.layer("techniques")[0].attrs
    assert len(doc.errors) == 1 and "no evidence index" in doc.errors[0]
    assert str(tmp_path / "absent.npz") in doc.errors[0]
    annotator.pipe([doc])
    assert len(doc.errors) == 1  # said once
    bare = Document("Nothing loaded here.")
    bare.set_layer("techniques", [])
    assert annotator(bare).errors == []  # no highlight, nothing missing


@pytest.fixture(scope="module")
def tiny_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    index = build_index(ARTICLES, GOLD, default_model_dir())
    assert len(index) == len(GOLD)
    assert index.fingerprint == encoder_fingerprint(default_model_dir())
    path = tmp_path_factory.mktemp("evidence") / INDEX_FILE
    index.save(path)
    return path


def test_verbatim_phrase_finds_itself_first_with_the_tiny_index(tiny_index: Path) -> None:
    annotator = EvidenceAnnotator(index_path=tiny_index)
    text = ARTICLES["1"]
    doc = _doc(
        text, [("brutal thugs", "Loaded_Language"), ("corrupt regime", "Name_Calling,Labeling")]
    )
    annotator.pipe([doc])
    thugs, regime = sorted(doc.layer("techniques"), key=lambda s: s.label)
    ev = thugs.attrs["evidence"]
    assert ev["definition"] == TECHNIQUES["Loaded_Language"]
    # the article encoded the same way the index was built: the very same span
    assert ev["examples"][0] == {"text": "brutal thugs", "similarity": pytest.approx(1.0, abs=2e-3)}
    assert [e["text"] for e in ev["examples"]] == ["brutal thugs", "destroying the nation"]
    assert [e["text"] for e in regime.attrs["evidence"]["examples"]] == [
        "corrupt regime",
        "vile traitors",
    ]
    # a technique with no training phrase: the definition, no examples
    doc = _doc(text, [("peaceful protest", "Doubt")])
    annotator.pipe([doc])
    assert doc.layer("techniques")[0].attrs["evidence"] == {
        "definition": TECHNIQUES["Doubt"],
        "examples": [],
    }


def test_reads_the_tagger_encoding_no_second_pass(
    tiny_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The annotator pools the states already on the document: the encoder never runs again."""
    text = "Their brutal thugs attacked. Every patriot knows it."
    doc = _doc(text, [("brutal thugs", "Loaded_Language"), ("Every patriot", "Flag-Waving")])
    get_encoder().encode_docs([doc])  # what the tagger does first
    runs: list[int] = []
    real = SharedEncoder.encode

    def counting(self: SharedEncoder, *args: object, **kwargs: object) -> object:
        runs.append(1)
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(SharedEncoder, "encode", counting)
    EvidenceAnnotator(index_path=tiny_index).pipe([doc])
    assert runs == []
    by = {s.label: s.attrs["evidence"] for s in doc.layer("techniques")}
    assert by["Loaded_Language"]["examples"][0]["text"] == "brutal thugs"
    assert by["Flag-Waving"]["examples"][0]["text"] == "every patriot"
    assert {e["text"] for e in by["Flag-Waving"]["examples"]} == {"every patriot", "brave soldiers"}
    # a document that was not encoded (read back from JSON) is encoded once
    again = Document.from_json(doc.to_json())
    EvidenceAnnotator(index_path=tiny_index).pipe([again])
    assert runs == [1]


def test_evidence_round_trips_and_validates(tiny_index: Path) -> None:
    doc = _doc(ARTICLES["3"], [("vile traitors", "Name_Calling,Labeling")])
    EvidenceAnnotator(index_path=tiny_index).pipe([doc])
    data = json.loads(doc.to_json())
    jsonschema.validate(data, _schema())
    ev = data["techniques"][0]["evidence"]
    assert set(ev) == {"definition", "examples"}
    assert all(set(e) == {"text", "similarity"} for e in ev["examples"])
    back = Document.from_json(doc.to_json())
    assert back.to_dict() == data


def test_pooled_is_none_outside_the_encoded_text() -> None:
    doc = Document("Only this. And not this part.")
    doc.set_layer("regions", [Span(0, 10, "body")])
    (enc,) = get_encoder().encode_docs([doc])
    v = pooled(enc, 0, 4)
    assert v is not None and abs(float(np.linalg.norm(v)) - 1.0) < 1e-5
    assert pooled(enc, 15, 19) is None


# -- the shipped index ----------------------------------------------------------------------


def test_shipped_index_matches_the_shipped_encoder_and_budget() -> None:
    assert SHIPPED.exists(), "models/techniques/evidence.npz is part of the model"
    index = EvidenceIndex.load(SHIPPED, encoder_fingerprint(default_model_dir()))
    assert len(index) > 5000  # every PTC training span (6128 gold lines, 357 articles)
    assert set(np.unique(index.technique)) == set(range(len(TECHNIQUE_NAMES)))
    assert all(0 < len(t) <= MAX_CHARS for t in index.texts)
    assert index.vectors.dtype == np.float16
    norms = np.linalg.norm(index.vectors.astype(np.float32), axis=1)
    assert np.allclose(norms, 1.0, atol=1e-2)
    models = Path(str(resources.files("spinscope") / "models"))
    total = sum(p.stat().st_size for p in models.glob("*/*") if p.is_file())
    assert total <= 60_000_000


def test_pipeline_gives_every_shown_span_evidence_of_its_technique(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from spinscope.pipeline import Pipeline

    text = (
        "The corrupt elites and their puppets in the media have been wreaking havoc on this "
        "great nation, and every patriot knows the truth: they will stop at nothing to destroy "
        "our way of life. Make America great again!"
    )
    runs: list[int] = []
    real = SharedEncoder.encode

    def counting(self: SharedEncoder, *args: object, **kwargs: object) -> object:
        runs.append(1)
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(SharedEncoder, "encode", counting)
    pipe = Pipeline.build(("clean", "techniques", "evidence"), min_confidence=0.1)
    doc = pipe(Document(text))
    assert runs == [1]  # one encoder pass for the tagger and the evidence
    spans = doc.layer("techniques")
    assert spans
    index = EvidenceIndex.load(SHIPPED)
    for s in spans:
        ev = s.attrs["evidence"]
        assert ev["definition"] == TECHNIQUES[s.label]
        assert 1 <= len(ev["examples"]) <= 3
        k = TECHNIQUE_NAMES.index(s.label)
        same = {t for t, tk in zip(index.texts, index.technique, strict=True) if tk == k}
        assert all(e["text"] in same for e in ev["examples"]), s.label
        sims = [e["similarity"] for e in ev["examples"]]
        assert sims == sorted(sims, reverse=True) and all(-1 <= x <= 1 for x in sims)
    jsonschema.validate(json.loads(doc.to_json()), _schema())


def test_shipped_training_phrase_finds_itself_first(shared_file: object) -> None:
    """Spans of training articles, encoded as the index was built, find their own phrase
    first; encoded in a short document of their own paragraph (another context), their own
    phrase is still among the first three for most (110 of 111 first, 30 articles)."""
    from spinscope.techniques.ptc import read_articles, read_labels

    ptc = shared_file("data", "ptc")  # type: ignore[operator]
    articles = read_articles(ptc / "train" / "articles")
    gold = read_labels(ptc / "train" / "labels")
    ids = sorted({g.article for g in gold})[::60][:5]
    index = EvidenceIndex.load(SHIPPED, encoder_fingerprint(default_model_dir()))
    docs = [Document(articles[a]) for a in ids]
    encs = get_encoder().encode_docs(docs)
    checked = near = own_context = 0
    for a, enc in zip(ids, encs, strict=True):
        for g in [g for g in gold if g.article == a][:4]:
            v = pooled(enc, g.start, g.end)
            assert v is not None
            got = index.nearest(v, g.technique)
            want = phrase(articles[a], g.start, g.end)
            assert got[0]["text"].casefold() == want.casefold(), (a, want, got)
            # ≈ 1 with the windows the index was built with; windows aligned otherwise move
            # the states (a paragraph read alone: median 0.84), never the answer
            assert got[0]["similarity"] >= 0.5
            checked += 1
            # the sentence around it alone, as a new document
            text = articles[a]
            lo = max(text.rfind("\n", 0, g.start) + 1, 0)
            hi = text.find("\n", g.end)
            hi = len(text) if hi < 0 else hi
            sentence = Document(text[lo:hi])
            (enc2,) = get_encoder().encode_docs([sentence])
            v2 = pooled(enc2, g.start - lo, g.end - lo)
            assert v2 is not None
            top = [e["text"].casefold() for e in index.nearest(v2, g.technique)]
            own_context += 1
            near += want.casefold() in top
    assert checked == own_context >= 15
    assert near / own_context >= 0.8, f"{near}/{own_context}"


def test_cli_refuses_a_mismatched_index_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    import spinscope.cli as cli
    import spinscope.pipeline as pipeline_mod

    path = tmp_path / INDEX_FILE
    _synthetic().save(path)

    def build(*args: object, **options: object) -> object:
        return EvidenceAnnotator(index_path=path)  # raises: another encoder's index

    monkeypatch.setattr(pipeline_mod, "get_pipeline", build)
    article = tmp_path / "a.txt"
    article.write_text("Title\n\nThey are brutal thugs.\n", encoding="utf-8")
    result = CliRunner().invoke(cli.app, ["analyze", str(article)])
    assert result.exit_code == 2
    assert result.stderr.startswith("spinscope: error: ") and "0123456789abcdef" in result.stderr
    assert "spinscope train evidence" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def _with_evidence() -> Document:
    text = "Title\n\nThey will wreak havoc on us <again>."
    doc = Document(text)
    doc.set_layer("regions", [Span(0, 5, "title"), Span(7, len(text), "body")])
    a = text.index("wreak havoc")
    evidence = {
        "definition": TECHNIQUES["Loaded_Language"],
        "examples": [
            {"text": "wreaking havoc", "similarity": 0.912},
            {"text": "<b>gruesome</b>", "similarity": 0.8},
        ],
    }
    doc.set_layer(
        "techniques",
        [Span(a, a + 11, "Loaded_Language", {"confidence": 0.7, "evidence": evidence})],
    )
    return doc


def test_terminal_table_shows_the_examples() -> None:
    from rich.console import Console

    from spinscope.outputs.terminal import renderable

    console = Console(width=140, color_system=None, record=True)
    console.print(renderable(_with_evidence(), colour=False))
    out = console.export_text()
    assert "like 0.91 “wreaking havoc”" in out and "like 0.80 “<b>gruesome</b>”" in out
    assert TECHNIQUES["Loaded_Language"][:40] in out  # the definition, in the legend


def test_html_pop_up_and_tooltip_carry_the_evidence() -> None:
    """The report's pop-up reads ``evidence`` from the page's data; the highlight's tooltip has
    it server-rendered (no JavaScript needed); example text is escaped."""
    import re

    from spinscope.outputs.html import render_document
    from spinscope.web.render import static_text

    page = render_document(_with_evidence())
    data = json.loads(re.search(r'id="ss-data">(.*?)</script>', page, re.S).group(1))  # type: ignore[union-attr]
    (t,) = data["techniques"]
    assert t["evidence"]["examples"][0] == {"text": "wreaking havoc", "similarity": 0.912}
    assert t["definition"] == TECHNIQUES["Loaded_Language"]
    tip = re.search(r'<span class="t tc8 lv0" data-i="0" title="([^"]*)">wreak havoc', page)
    assert tip is not None
    assert "Marked so in training articles:" in tip.group(1)
    assert "“wreaking havoc”" in tip.group(1) and "&lt;b&gt;gruesome&lt;/b&gt;" in tip.group(1)
    assert "<b>gruesome</b>" not in page
    assert "t.evidence" in static_text("article.js")  # the pop-up lists the examples
