from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from spinscope.store import Store
from spinscope.store.engine import current_revision, migrate
from spinscope.store.schema import metadata


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
    assert current_revision(store.engine) == "0001"


def test_downgrade_and_upgrade_again(store: Store) -> None:
    migrate(store.engine, "base", downgrade=True)
    assert current_revision(store.engine) is None
    migrate(store.engine)
    assert current_revision(store.engine) == "0001"
    assert store.count() == 0
