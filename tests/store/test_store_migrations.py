from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from spinscope.store import STATS_BY, Store, stats
from spinscope.store.engine import current_revision, migrate
from spinscope.store.schema import metadata
from spinscope.store.stats import stats_from_spans
from stores import make_doc, stat_corpus

HEAD = "0008"


def _ignore_search_objects(obj: Any, name: str | None, type_: str, *_: Any) -> bool:
    # Dialect-specific search objects are created by the migration, not by the metadata.
    if type_ == "table" and name and name.startswith("documents_fts"):
        return False
    if type_ == "column" and name == "tsv":
        return False
    if type_ == "index" and name == "ix_documents_tsv":
        return False
    return True


def test_migrated_schema_matches_metadata(store: Store) -> None:
    with store.engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn, opts={"include_object": _ignore_search_objects, "compare_type": True}
        )
        diff = compare_metadata(ctx, metadata)
    assert diff == []
    assert current_revision(store.engine) == HEAD


def test_downgrade_and_upgrade_again(store: Store) -> None:
    migrate(store.engine, "base", downgrade=True)
    assert current_revision(store.engine) is None
    migrate(store.engine)
    assert current_revision(store.engine) == HEAD
    assert store.count() == 0


def test_0002_backfills_counts_from_existing_spans(store: Store) -> None:
    store.add_many(stat_corpus())
    before = {by: stats(store, by) for by in STATS_BY}
    migrate(store.engine, "0001", downgrade=True)
    migrate(store.engine)
    for by in STATS_BY:
        assert stats(store, by) == before[by] == stats_from_spans(store, by), by
        assert before[by]


def test_a_010_store_upgrades_in_place(store: Store) -> None:
    """0.1.0 stores are at 0002: near-duplicates, speaker entities and URL outlets appear."""
    body = " ".join(f"word{i % 97} text{i % 13} item{i}" for i in range(120))
    docs = [
        make_doc(
            body,
            title="Original",
            outlet=None,
            url="https://www.example.org/a",
            techniques=(("word5 text5", "Loaded_Language", 0.8),),
            quotes=(("word5 text5", "item5", "Donald J. Trump"),),
        ),
        make_doc(
            body + " and one more line",
            title="Copy",
            techniques=(("word5 text5", "Loaded_Language", 0.8),),
            quotes=(("word5 text5", "item5", "Trump"),),
        ),
    ]
    store.add_many(docs)
    migrate(store.engine, "0002", downgrade=True)
    assert current_revision(store.engine) == "0002"
    migrate(store.engine)
    assert current_revision(store.engine) == HEAD
    assert [len(c["documents"]) for c in store.duplicate_clusters()] == [2]
    assert [s["name"] for s in store.speakers()[1]] == ["Donald J. Trump"]
    assert {i.outlet for i in store.search().items} == {"example.org", "Daily Example"}
    for by in STATS_BY:
        assert stats(store, by) == stats_from_spans(store, by), by
