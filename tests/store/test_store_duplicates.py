"""Near-duplicate index: built at insert, persisted, queried per document and as clusters."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spinscope import cli
from spinscope.document import Document
from spinscope.store import Store
from spinscope.store import duplicates as dup
from spinscope.store.engine import migrate
from stores import body, make_doc, story


def test_shingles_ignore_case_punctuation_and_spacing() -> None:
    a = dup.shingles("One, two THREE four\nfive six")
    assert a.tolist() == dup.shingles("one two three four five six").tolist()
    assert len(dup.shingles("a b c d e f g")) == 3
    assert len(dup.shingles("a b c d e f a b c d e")) == 6  # a repeated 5-gram counts once
    assert len(dup.shingles("b a c d e f")) == 2 and not set(dup.shingles("b a c d e f")) & set(a)
    assert len(dup.shingles("one two")) == 1 and len(dup.shingles("")) == 0
    assert dup.signature("too short") is None


def test_signature_survives_bytes_and_estimates_jaccard() -> None:
    a = dup.signature(body(story(1)))
    b = dup.signature(body(story(1)[:-1]))  # one paragraph of six dropped: J ≈ 5/6
    c = dup.signature(body(story(2)))
    assert a is not None and b is not None and c is not None
    assert (dup.from_bytes(dup.to_bytes(a)) == a).all()
    assert 0.7 <= dup.similarity(a, b) <= 0.95
    assert dup.similarity(a, c) < 0.1
    assert len(dup.band_keys(a)) == len(dup.banding()) > 1


def test_clusters_are_components_largest_first() -> None:
    found = dup.clusters([(1, 2, 0.9), (2, 3, 0.7), (7, 8, 0.95)])
    assert [c.seqs for c in found] == [[1, 2, 3], [7, 8]]
    assert found[0].similarity == 0.7


def _corpus(store: Store) -> dict[str, Document]:
    """Story 1 three times (original, new title + residue, paragraph dropped), story 2 twice
    (original, sentence reworded), and an unrelated story on the same vocabulary."""
    s1, s2, s3 = story(1), story(2), story(3)
    reworded = [*s2]
    reworded[2] = "In other words " + reworded[2][20:]
    docs = {
        "s1": make_doc(body(s1), title="Border deal signed", outlet="Wire"),
        "s1-title": make_doc(
            body(s1) + "\n\nShare this article. Subscribe to our newsletter.",
            title="BREAKING: the border deal nobody wanted",
            outlet="Partisan Daily",
            url="https://partisan.example/deal",
        ),
        "s1-drop": make_doc(body(s1[:3] + s1[4:]), title="Deal signed", outlet="State TV"),
        "s2": make_doc(body(s2), title="Budget vote", outlet="Wire"),
        "s2-reworded": make_doc(body(reworded), title="Budget vote", outlet="Mirror"),
        "s3": make_doc(body(s3), title="Another border story", outlet="Wire"),
    }
    assert all(store.add_many(docs.values()))
    return docs


def test_similar_and_clusters(store: Store) -> None:
    docs = _corpus(store)
    near = store.similar(docs["s1"].id)
    assert {d["id"] for d in near} == {docs["s1-title"].id, docs["s1-drop"].id}
    assert all(0.6 <= d["similarity"] <= 1.0 for d in near)
    assert near[0]["similarity"] >= near[-1]["similarity"]
    assert store.similar(docs["s3"].id) == []
    assert store.similar("0" * 16) == []

    groups = store.duplicate_clusters()
    assert [{d["id"] for d in g["documents"]} for g in groups] == [
        {docs["s1"].id, docs["s1-title"].id, docs["s1-drop"].id},
        {docs["s2"].id, docs["s2-reworded"].id},
    ]
    first = next(d for d in groups[0]["documents"] if d["id"] == docs["s1-title"].id)
    assert first == {
        "id": docs["s1-title"].id,
        "title": "BREAKING: the border deal nobody wanted",
        "source": {"path": "mem.txt", "url": "https://partisan.example/deal"},
        "outlet": "Partisan Daily",
        "published": "2019-03-02",
    }
    assert store.duplicate_clusters(threshold=1.0) == []
    with pytest.raises(ValueError, match="outside"):
        store.duplicate_clusters(threshold=0.1)


def test_index_persists_across_store_instances(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/d.db"
    with Store(url) as s:
        docs = _corpus(s)
    with Store(url) as s:
        assert len(s.similar(docs["s2"].id)) == 1
        assert len(s.duplicate_clusters()) == 2


def test_migration_0003_backfills_existing_documents(store: Store) -> None:
    docs = _corpus(store)
    migrate(store.engine, "0002", downgrade=True)
    migrate(store.engine)
    assert [len(g["documents"]) for g in store.duplicate_clusters()] == [3, 2]
    assert len(store.similar(docs["s1-drop"].id)) == 2


def test_duplicates_cli_json_and_text(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/c.db"
    with Store(url) as s:
        docs = _corpus(s)
    runner = CliRunner()
    res = runner.invoke(cli.app, ["duplicates", "--db", url, "--format", "json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert [len(g["documents"]) for g in out] == [3, 2]
    assert set(out[0]) == {"similarity", "documents"}
    res = runner.invoke(cli.app, ["duplicates", "--db", url])
    assert res.exit_code == 0
    assert "Border deal signed" in res.stdout and docs["s2-reworded"].id in res.stdout
    assert "2 clusters" in res.stdout
    res = runner.invoke(cli.app, ["duplicates", "--db", url, "--threshold", "0.2"])
    assert res.exit_code == 2
    assert res.stderr.startswith("spinscope: error:") and len(res.stderr.splitlines()) == 1


def test_story_count_follows_additions(store: Store) -> None:
    docs = _corpus(store)
    assert store.story_count() == len(docs) - 3  # story 1 has three copies, story 2 two
    store.add(make_doc(body(story(1)[1:]), title="Yet another copy", outlet="Echo"))
    assert store.story_count() == len(docs) - 3
    store.add(make_doc(body(story(9)), title="A new story"))
    assert store.story_count() == len(docs) - 2
